"""Full-text search over what the public may read (published comments; later other kinds)."""
