"""Atom feeds and iCalendar files: the public news of the Vorhabenliste, procedures, threads."""
