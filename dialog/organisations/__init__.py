"""Organisations: initiatives, associations, district councils, neighbourhood management, the
participation council; public profiles and members the office confirms."""
