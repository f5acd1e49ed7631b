"""The README's "Live events" section names every event type that the code emits."""

from __future__ import annotations

import ast
from pathlib import Path

from dialog.live.limits import TOO_MANY_SOCKETS

ROOT = Path(__file__).resolve().parent.parent.parent


def emitted_types() -> set[str]:
    found: set[str] = set()
    for folder in ("dialog", "moderation"):
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if (
                    isinstance(node, ast.Call)
                    and getattr(node.func, "id", getattr(node.func, "attr", None)) == "add_event"
                    and len(node.args) >= 3
                    and isinstance(node.args[2], ast.Constant)
                    and isinstance(node.args[2].value, str)
                ):
                    found.add(node.args[2].value)
    return found


def test_every_emitted_event_type_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Live events", 1)[1].split("\n## ", 1)[0]
    types = emitted_types()
    assert "comment.published" in types
    assert sorted(t for t in types if f"`{t}`" not in section) == []


def test_the_close_code_for_too_many_sockets_is_in_the_readmes_close_codes() -> None:
    readme = (ROOT / "README.md").read_text()
    close_codes = readme.split("Close codes", 1)[1].split("\n\n", 1)[0]
    assert f"{TOO_MANY_SOCKETS} too many sockets from this client address" in close_codes
