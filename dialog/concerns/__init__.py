"""Ideas and complaints ("Anliegen"): submit, route, answer on time, in working days."""
