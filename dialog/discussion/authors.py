"""What the discussion does when an author changes the display name or deletes the account.

The live replay must stop showing the old name (and, with "remove my comments", the text) at
once: the stored events of the author's comments are redacted on every topic and their flags'
notes are cleared. Set-based statements: a person with thousands of comments costs a handful.
"""

from __future__ import annotations

from dialog.db import Changes
from dialog.direct import Script, Sql, step
from dialog.discussion.events import COMMENT, FLAG


def _redact_from(source: str, fields: str, where: str) -> Sql:
    """UPDATE events to a JSON object of `fields` (name, expression pairs) of a joined row:
    json_object on SQLite, json_build_object on PostgreSQL."""
    statement = "UPDATE events SET data = {}({}) FROM {} WHERE {}"
    return Sql(
        statement.format("json_object", fields, source, where),
        postgresql=statement.format("json_build_object", fields, source, where),
    )


# The shape of dialog.discussion.events.CommentState and FlagState, built in SQL.
REDACT_COMMENT_EVENTS = _redact_from(
    "comments AS c",
    "'id', c.id, 'thread_id', c.thread_id, 'status', c.status",
    f"c.author_id = :author_id AND events.ref = '{COMMENT.kind}:' || c.id",
)
REDACT_FLAG_EVENTS = _redact_from(
    "flags AS f JOIN comments AS c ON c.id = f.comment_id",
    "'id', f.id, 'comment_id', f.comment_id, 'thread_id', c.thread_id, 'reason', f.reason",
    f"f.user_id = :author_id AND events.ref = '{FLAG.kind}:' || f.id",
)
CLEAR_FLAG_NOTES = Sql("UPDATE flags SET note = '' WHERE user_id = :author_id")
# Removing the comments: the text and the earlier versions gone.
WITHDRAW_ALL = Sql(
    "UPDATE comments SET status = 'withdrawn', body = '', html = '' WHERE author_id = :author_id"
)
DROP_REVISIONS = Sql(
    "DELETE FROM comment_revisions WHERE comment_id IN "
    "(SELECT id FROM comments WHERE author_id = :author_id)"
)


@step
def forget_author_name(changes: Changes, author_id: int) -> Script[None]:
    """The author changed the display name: no stored event shows the old one any more."""
    yield REDACT_COMMENT_EVENTS(author_id=author_id)


@step
def erase_author(changes: Changes, author_id: int, *, remove_comments: bool) -> Script[None]:
    """The author deleted the account: the name goes everywhere, the comments' text too when
    they asked for it (the comments stay as withdrawn placeholders, replies keep context)."""
    if remove_comments:
        yield WITHDRAW_ALL(author_id=author_id)
        yield DROP_REVISIONS(author_id=author_id)
    yield REDACT_COMMENT_EVENTS(author_id=author_id)
    yield REDACT_FLAG_EVENTS(author_id=author_id)
    yield CLEAR_FLAG_NOTES(author_id=author_id)
