"""What a query asks for: its words without German stop words, stemmed."""

from __future__ import annotations

from dialog.search.stemming import stem, words

# The most frequent German function words (a subset of PostgreSQL's `german` stop list): they
# match nearly everything, so neither engine searches for them.
_STOP_LIST = """aber alle allem allen aller alles als also am an ander andere anderem anderen
    anderer
    anderes auch auf aus bei bin bis bist da damit dann das dass dein deine dem den der des dich
    die dies diese diesem diesen dieser dieses doch dort du durch ein eine einem einen einer eines
    er es euer eure für gegen hat hatte hier ich ihr im in ist ja jede jedem jeden jeder jedes
    kann kein keine mein meine mich mir mit nach nicht noch nun nur ob oder ohne sehr sein seine
    sich sie sind so über um und uns unter vom von vor war was weil wenn wer wie wir wird wo zu
    zum zur"""
STOP_WORDS = frozenset(_STOP_LIST.split())
MAX_TERMS = 12


def query_stems(query: str) -> list[str]:
    """The distinct stems of the query's words, in order, at most MAX_TERMS."""
    found: list[str] = []
    for word in words(query):
        if word in STOP_WORDS:
            continue
        stemmed = stem(word)
        if stemmed not in found:
            found.append(stemmed)
    return found[:MAX_TERMS]


def fts5_match(stems: list[str]) -> str:
    """An FTS5 query that wants every stem (each quoted: no operator can slip in)."""
    return " ".join('"' + s.replace('"', '""') + '"' for s in stems)
