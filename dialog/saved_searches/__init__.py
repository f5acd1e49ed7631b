"""Saved Vorhabenliste searches: a resident keeps a filter set and hears of new matches."""
