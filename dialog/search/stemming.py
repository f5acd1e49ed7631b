"""German words and their Snowball stems, the same at index and at query time.

PostgreSQL's `german` text search configuration uses the same Snowball stemmer, so the
highlighted words of a result are the ones the database matched. SQLite has no German stemmer:
its search index (dialog/search/sqlite.py) stores the stems this module computes, through the
SQL function `german_stems` that every SQLite connection of the platform offers.
"""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer

from dialog.db import SQLITE_FUNCTIONS

WORD = re.compile(r"\w+", re.UNICODE)
_STEMMER = Stemmer.Stemmer("german")


def words(text: str) -> list[str]:
    return WORD.findall(text.lower())


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    return str(_STEMMER.stemWord(word.lower()))


def stems(text: str) -> list[str]:
    return [stem(word) for word in words(text)]


def german_stems(text: str | None) -> str:
    """The stems of a text joined by spaces: what the SQLite index stores for a comment."""
    return " ".join(stems(text or ""))


SQLITE_FUNCTIONS["german_stems"] = (1, german_stems)
