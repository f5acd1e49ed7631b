"""District pages: a district's procedures, proposals, organisations and contact person."""
