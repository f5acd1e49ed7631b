"""What templates/discussion/_comment.html needs beside the comment: the same for the thread page
and for the fragments the page's script inserts, so a comment looks alike however it came."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dialog.accounts.actor import Actor
from dialog.db import utcnow
from dialog.discussion import policy
from dialog.discussion.schemas import CommentOut
from dialog.i18n import lazy
from dialog.procedures.models import Thread
from dialog.results.schemas import AnswerOut

FLAG_REASONS = {
    "spam": lazy("Spam or advertising"),
    "insult": lazy("Insult"),
    "discrimination": lazy("Discrimination"),
    "personal-data": lazy("Personal data"),
    "off-topic": lazy("Off topic"),
    "other": lazy("Something else"),
}
STANCES = {"for": lazy("For it"), "neutral": lazy("Neutral"), "against": lazy("Against it")}


def can_comment(thread: Thread) -> bool:
    """Whether the thread takes comments now: its phase, closed by hand, or outside its dates."""
    return policy.phase_allows(thread.procedure.phase, "comment") and policy.thread_is_open(
        thread.is_open, thread.opens_at, thread.closes_at, utcnow()
    )


def comment_context(
    thread: Thread,
    who: Actor,
    answers: dict[int | None, AnswerOut],
    notes: dict[int, str],
    *,
    detached: bool = False,
    offline: dict[int, str] | None = None,
) -> dict[str, Any]:
    """The partial's `ctx`. `detached`: the comments are rendered away from the page, so a
    reply links to its parent's permalink instead of an anchor that may not be on the page."""
    return {
        "answers": answers,
        "notes": notes,
        # Buttons for whoever may vote in this phase (the partial leaves out their own comments).
        "can_vote": policy.phase_allows(thread.procedure.phase, "vote")
        and policy.can_vote(who, author_id=None),
        "can_comment": can_comment(thread),
        "flag_reasons": FLAG_REASONS,
        "stances": STANCES,
        "max_depth": policy.MAX_DEPTH,
        "detached": detached,
        # Moderators read the person behind a comment posted as an organisation.
        "sees_people": policy.sees_person_behind(who, None),
        # Contributions staff entered from workshops, walks, letters and calls: their source
        # stands where an author's pseudonym would (dialog.evaluation).
        "offline": offline or {},
    }


def _still_editable(who: Actor, comment: CommentOut) -> bool:
    """The author's own published comment within the edit window (the page offers the form)."""
    age = (utcnow() - comment.created_at).total_seconds()
    author_id = comment.author.id if comment.author else None
    return comment.status == "published" and policy.can_edit(who, author_id, comment.status, age)


def editable_ids(who: Actor, comments: Sequence[CommentOut]) -> list[int]:
    return [c.id for c in comments if _still_editable(who, c)]
