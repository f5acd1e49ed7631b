"""The README's generated parts: `python -m dialog.docs` writes them, tests/test_docs.py checks.

Today one part: the table of event types between `<!-- events-table -->` and
`<!-- /events-table -->`, rendered from the declared types (dialog.app.EVENT_TYPES).
"""

from __future__ import annotations

from pathlib import Path

from dialog.app import EVENT_TYPES
from dialog.live.events import events_table
from dialog.settings import PROJECT_ROOT

README = PROJECT_ROOT / "README.md"
START, END = "<!-- events-table -->\n", "<!-- /events-table -->\n"


def rendered_events_table() -> str:
    return events_table(EVENT_TYPES)


def readme_events_table(text: str) -> str:
    """What the README holds between the markers."""
    _head, found, rest = text.partition(START)
    body, closed, _tail = rest.partition(END)
    if not found or not closed:
        raise ValueError(f"the README needs the markers {START.strip()} and {END.strip()}")
    return body


def write_events_table(path: Path = README) -> bool:
    """Put the rendered table into the README; True if it changed."""
    text = path.read_text(encoding="utf-8")
    current = readme_events_table(text)
    wanted = rendered_events_table()
    if current == wanted:
        return False
    path.write_text(text.replace(START + current + END, START + wanted + END), encoding="utf-8")
    return True


if __name__ == "__main__":
    print("README.md updated" if write_events_table() else "README.md is up to date")
