"""Open311 GeoReport v2 for the ideas and complaints, under /open311/v2/ (JSON and XML)."""
