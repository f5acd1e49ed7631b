"""What the discussion does when an author changes the display name or deletes the account.

Pages and the live replay must stop showing the old name (and, with "remove my comments", the
text) at once: the stored events of the author's comments are redacted on every topic, their
flags' notes are cleared, and every thread that shows a published comment of theirs hears
`comments.changed`. That event also moves the version of the thread's cached first pages
(page_cache.py), so every process rebuilds them. Set-based statements: a person with
thousands of comments costs a handful of statements plus one event per thread.
"""

from __future__ import annotations

from collections.abc import Sequence

from dialog.db import Changes
from dialog.direct import Row, Script, Sql, step
from dialog.discussion.events import COMMENT, COMMENTS_CHANGED, FLAG, CommentsChanged
from dialog.live.outbox import emit

PUBLISHED_PER_THREAD = Sql(
    "SELECT thread_id, count(*) FROM comments WHERE author_id = :author_id "
    "AND status = 'published' GROUP BY thread_id ORDER BY thread_id"
)
# Comments posted as an organisation stay the organisation's when the person goes: they are
# not removed with the person's own comments, and only their link to the person is dropped.
OWN_PUBLISHED_PER_THREAD = Sql(
    "SELECT thread_id, count(*) FROM comments WHERE author_id = :author_id "
    "AND organisation_id IS NULL "
    "AND status = 'published' GROUP BY thread_id ORDER BY thread_id"
)
DETACH_FROM_ORGANISATIONS = Sql(
    "UPDATE comments SET author_id = NULL "
    "WHERE author_id = :author_id AND organisation_id IS NOT NULL"
)


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
# Removing the comments: counters first (parents, then each thread last, as posting locks
# them), the text and the earlier versions gone; statuses read before they change.
REPLIES_DOWN = Sql(
    "UPDATE comments SET reply_count = reply_count - (SELECT count(*) FROM comments AS r "
    "WHERE r.parent_id = comments.id AND r.author_id = :author_id "
    "AND r.organisation_id IS NULL AND r.status = 'published') "
    "WHERE id IN (SELECT parent_id FROM comments WHERE author_id = :author_id "
    "AND organisation_id IS NULL "
    "AND status = 'published' AND parent_id IS NOT NULL)"
)
WITHDRAW_ALL = Sql(
    "UPDATE comments SET status = 'withdrawn', body = '', html = '' "
    "WHERE author_id = :author_id AND organisation_id IS NULL"
)
DROP_REVISIONS = Sql(
    "DELETE FROM comment_revisions WHERE comment_id IN "
    "(SELECT id FROM comments WHERE author_id = :author_id AND organisation_id IS NULL)"
)
COUNT_THREAD = Sql(
    "UPDATE threads SET comment_count = comment_count - :removed WHERE id = :thread_id"
)


@step
def forget_author_name(changes: Changes, author_id: int) -> Script[None]:
    """The author changed the display name: no stored event shows the old one any more."""
    shown = yield PUBLISHED_PER_THREAD(author_id=author_id)
    yield REDACT_COMMENT_EVENTS(author_id=author_id)
    yield from _announce(changes, shown)


@step
def erase_author(changes: Changes, author_id: int, *, remove_comments: bool) -> Script[None]:
    """The author deleted the account: the name goes everywhere, the comments' text too when
    they asked for it (the comments stay as withdrawn placeholders, replies keep context)."""
    shown = yield PUBLISHED_PER_THREAD(author_id=author_id)
    if remove_comments:
        own = yield OWN_PUBLISHED_PER_THREAD(author_id=author_id)
        yield REPLIES_DOWN(author_id=author_id)
        yield WITHDRAW_ALL(author_id=author_id)
        yield DROP_REVISIONS(author_id=author_id)
        for thread_id, removed in own:
            yield COUNT_THREAD(removed=removed, thread_id=thread_id)
    # Every stored event of the person's comments, the organisation's too: the moderators'
    # `comment.queued` named the person (the public ones never did; pages refetch).
    yield REDACT_COMMENT_EVENTS(author_id=author_id)
    yield REDACT_FLAG_EVENTS(author_id=author_id)
    yield CLEAR_FLAG_NOTES(author_id=author_id)
    yield DETACH_FROM_ORGANISATIONS(author_id=author_id)
    yield from _announce(changes, shown)


def _announce(changes: Changes, shown: Sequence[Row]) -> Script[None]:
    """Each thread (thread_id, count) that showed a published comment of the author."""
    for thread_id, _count in shown:
        yield from emit(changes, COMMENTS_CHANGED, CommentsChanged(thread_id=thread_id), thread_id)
