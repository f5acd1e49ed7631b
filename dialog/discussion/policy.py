"""Pure predicates for the discussion: phases, threads, who sees what."""

from __future__ import annotations

from datetime import datetime

from dialog.accounts import policy as account_policy
from dialog.accounts.actor import Actor

MAX_DEPTH = 3  # replies up to three levels below a top-level comment
EDIT_WINDOW_SECONDS = 15 * 60

# What each procedure phase allows in its threads (declared, not `if phase == ...` everywhere).
PHASE_FEATURES: dict[str, frozenset[str]] = {
    "planned": frozenset(),
    "active": frozenset({"comment", "vote", "flag"}),
    "evaluation": frozenset({"flag"}),
    "completed": frozenset({"flag"}),
}
# The hold reason of every post in a pre-moderated thread (moderation names its other rules).
PRE_MODERATION = "pre-moderation"
PUBLIC_STATUSES = frozenset({"published"})
PLACEHOLDER_STATUSES = frozenset({"withdrawn", "hidden"})


def phase_allows(phase: str, feature: str) -> bool:
    return feature in PHASE_FEATURES.get(phase, frozenset())


def thread_is_open(
    is_open: bool, opens_at: datetime | None, closes_at: datetime | None, now: datetime
) -> bool:
    if not is_open:
        return False
    if opens_at is not None and now < opens_at:
        return False
    return closes_at is None or now < closes_at


def can_read_text(actor: Actor, status: str, author_id: int | None) -> bool:
    """Published text is public; pending or rejected text only for its author and moderators."""
    if status in PUBLIC_STATUSES:
        return True
    if status in ("pending", "rejected"):
        return (actor.user_id is not None and actor.user_id == author_id) or (
            account_policy.is_moderator(actor)
        )
    return account_policy.is_moderator(actor) and status == "hidden"


def can_see(actor: Actor, status: str, author_id: int | None) -> bool:
    """Whether the comment appears at all (placeholders keep replies in context)."""
    return status in PLACEHOLDER_STATUSES or can_read_text(actor, status, author_id)


def can_edit(actor: Actor, author_id: int | None, status: str, age_seconds: float) -> bool:
    return (
        actor.user_id is not None
        and actor.user_id == author_id
        and status in ("published", "pending")
        and age_seconds <= EDIT_WINDOW_SECONDS
        and not actor.blocked
    )


def can_withdraw(actor: Actor, author_id: int | None, status: str) -> bool:
    return (
        actor.user_id is not None
        and actor.user_id == author_id
        and status in ("published", "pending")
    )


def can_vote(actor: Actor, author_id: int | None) -> bool:
    return account_policy.can_write(actor) and actor.user_id != author_id


def sees_person_behind(actor: Actor, author_id: int | None) -> bool:
    """Who reads the person behind a comment posted as an organisation: moderators, and the
    person."""
    return account_policy.is_moderator(actor) or (
        actor.user_id is not None and actor.user_id == author_id
    )
