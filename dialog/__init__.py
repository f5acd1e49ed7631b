"""dialog: the online dialogue platform of a city's participation office."""

# Every SQLite connection offers german_stems to the search index's triggers: registered here,
# on the first import of anything of dialog, so no process can open a connection without it.
import dialog.search.stemming  # noqa: F401
