"""The office's review of departments' draft procedures, and its overview."""
