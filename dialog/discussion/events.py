"""The discussion's event types, declared once (dialog.live.events explains the parts)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from dialog.discussion.models import CommentStatus
from dialog.discussion.schemas import CommentOut
from dialog.live.events import MODERATION, THREAD, EventType, Ref


class CommentState(BaseModel):
    """A comment without its text: what a status event carries, and a redacted event."""

    id: int
    thread_id: int
    status: str


class QueuedComment(CommentOut):
    """The comment as moderators see it, and why it waits for review."""

    held_by: str | None


class VotesChanged(BaseModel):
    id: int
    up: int
    down: int


class FlagCreated(BaseModel):
    id: int
    comment_id: int
    thread_id: int
    reason: str
    note: str
    flags: int
    up: int
    down: int


class FlagState(BaseModel):
    """A flag without the flagger's note (a redacted `flag.created`)."""

    id: int
    comment_id: int
    thread_id: int
    reason: str


class CommentsChanged(BaseModel):
    thread_id: int


COMMENT = Ref(
    "comment",
    CommentState,
    "on the thread's topic once the comment is hidden, rejected or back in review, and for "
    "what came before an edit; on every topic, moderation's too, once it is withdrawn or its "
    "author changes the display name or deletes the account",
)
FLAG = Ref("flag", FlagState, "once the flagger deletes the account (the note is theirs)")


COMMENT_PUBLISHED = EventType(
    "comment.published",
    THREAD,
    CommentOut,
    "the comment as `GET /threads/{id}/comments` returns it (`id`, `html`, `author`, counts, "
    "...); also when a moderator approves or restores it",
    ref=COMMENT,
)
COMMENT_EDITED = EventType(
    "comment.edited", THREAD, CommentOut, "the comment after an edit, same shape", ref=COMMENT
)
_GONE = "`{id, thread_id, status}`, no text: "
COMMENT_HIDDEN = EventType(
    "comment.hidden", THREAD, CommentState, _GONE + "moderation or flags took it down"
)
COMMENT_REJECTED = EventType(
    "comment.rejected", THREAD, CommentState, _GONE + "a moderator rejected it"
)
COMMENT_WITHDRAWN = EventType(
    "comment.withdrawn", THREAD, CommentState, _GONE + "its author withdrew it"
)
COMMENT_PENDING = EventType(
    "comment.pending", THREAD, CommentState, _GONE + "an edit sent it back to review"
)
# The event that tells a thread its published comment is no longer shown, by the new status.
LEFT_PUBLIC: dict[str, EventType[CommentState]] = {
    CommentStatus.hidden: COMMENT_HIDDEN,
    CommentStatus.rejected: COMMENT_REJECTED,
    CommentStatus.withdrawn: COMMENT_WITHDRAWN,
    CommentStatus.pending: COMMENT_PENDING,
}
VOTES_CHANGED = EventType(
    "votes.changed",
    THREAD,
    VotesChanged,
    "`{id, up, down}` absolute counts, at most 4 per comment per second",
)
COMMENTS_CHANGED = EventType(
    "comments.changed",
    THREAD,
    CommentsChanged,
    "`{thread_id}`: an author of comments in the thread changed the display name or deleted "
    "the account (and maybe the comments' text); no name travels: reload the comments",
)
COMMENT_QUEUED = EventType(
    "comment.queued",
    MODERATION,
    QueuedComment,
    "the comment as moderators see it and `held_by` (the rule, `flags` or `appeal`)",
    ref=COMMENT,
)
FLAG_CREATED = EventType(
    "flag.created",
    MODERATION,
    FlagCreated,
    "`{id, comment_id, thread_id, reason, note, flags, up, down}`",
    ref=FLAG,
)

TYPES: tuple[EventType[Any], ...] = (
    COMMENT_PUBLISHED,
    COMMENT_EDITED,
    COMMENT_HIDDEN,
    COMMENT_REJECTED,
    COMMENT_WITHDRAWN,
    COMMENT_PENDING,
    VOTES_CHANGED,
    COMMENTS_CHANGED,
    COMMENT_QUEUED,
    FLAG_CREATED,
)
