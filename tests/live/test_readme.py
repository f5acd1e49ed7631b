"""The README's events table is rendered from the declared event types, and says so exactly."""

from __future__ import annotations

from dialog.docs import README, readme_events_table, rendered_events_table
from dialog.live.limits import TOO_MANY_SOCKETS


def test_the_readme_events_table_is_the_one_rendered_from_the_declared_types() -> None:
    current = readme_events_table(README.read_text(encoding="utf-8"))
    assert current == rendered_events_table(), "run `python -m dialog.docs` to update it"


def test_the_rendered_table_names_every_declared_type_with_its_topic() -> None:
    table = rendered_events_table()
    assert "| `comment.published` | `thread:N` | everyone |" in table
    assert "| `flag.created` | `moderation` | moderators and admins |" in table
    assert "| `session.ended` | `session:N` |" in table


def test_the_close_code_for_too_many_sockets_is_in_the_readmes_close_codes() -> None:
    readme = README.read_text(encoding="utf-8")
    close_codes = readme.split("Close codes", 1)[1].split("\n\n", 1)[0]
    assert f"{TOO_MANY_SOCKETS} too many sockets from this client address" in close_codes
