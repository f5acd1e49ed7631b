"""Pure predicates and tables of moderation: who may do what, which decision leads where."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from dialog.accounts import policy as account_policy
from dialog.accounts.actor import Actor
from dialog.i18n import lazy

# The netiquette catalogue; each reason has an anchor on /netiquette.
REASONS = {
    "respect": lazy("Respect"),
    "discrimination": lazy("No discrimination"),
    "topic": lazy("Stay on topic"),
    "privacy": lazy("Protect personal data"),
    "spam": lazy("No advertising or spam"),
    "law": lazy("Obey the law"),
}
ACTIONS = {
    "approve": lazy("Approve"),
    "reject": lazy("Reject"),
    "hide": lazy("Hide"),
    "restore": lazy("Restore"),
}
BLOCK_PERIODS: dict[str, timedelta | None] = {
    "1d": timedelta(days=1),
    "7d": timedelta(days=7),
    "30d": timedelta(days=30),
    "permanent": None,
}
BLOCK_LABELS = {
    "1d": lazy("1 day"),
    "7d": lazy("7 days"),
    "30d": lazy("30 days"),
    "permanent": lazy("permanently"),
}
# A permanent block is a date no one reaches; the column stays a plain timestamp.
PERMANENT = datetime(9999, 12, 31, tzinfo=UTC)
CLAIM_SECONDS = 10 * 60


def can_moderate(actor: Actor) -> bool:
    """See the queue, decide, claim, block, read the audit log: moderators and admins."""
    return account_policy.is_moderator(actor)


def can_configure_rules(actor: Actor) -> bool:
    return account_policy.is_admin(actor)


def can_block(actor: Actor, target_id: int, target_role: str) -> bool:
    """Moderators block residents and staff; only admins block moderators; nobody themselves."""
    if not can_moderate(actor) or actor.user_id == target_id:
        return False
    if target_role in ("moderator", "admin"):
        return account_policy.is_admin(actor)
    return True


def can_decide(actor: Actor, excluded_moderator_id: int | None) -> bool:
    """An appeal goes to another moderator than the one whose decision is appealed."""
    return can_moderate(actor) and (
        excluded_moderator_id is None or actor.user_id != excluded_moderator_id
    )


def claim_blocks(
    actor: Actor, claimed_by: int | None, expires_at: datetime | None, now: datetime
) -> bool:
    """Another moderator's unexpired claim keeps this one from working on the item."""
    return (
        claimed_by is not None
        and claimed_by != actor.user_id
        and expires_at is not None
        and expires_at > now
    )


def next_status(action: str, status: str, in_queue: bool) -> str | None:
    """Where a decision takes a comment, or None if it makes no sense in this state.

    approve: the post is fine (published); reject: it breaks the netiquette (never published
    or taken down); hide: take a published post down; restore: bring back a removed one.
    """
    if action == "approve" and (status == "pending" or (in_queue and status != "withdrawn")):
        return "published"
    if action == "reject" and status == "pending":
        return "rejected"
    if action == "reject" and in_queue and status in ("published", "hidden"):
        return "hidden"
    if action == "hide" and status == "published":
        return "hidden"
    if action == "restore" and status in ("hidden", "rejected"):
        return "published"
    return None


def can_appeal(actor: Actor, author_id: int | None, status: str, appealed: bool) -> bool:
    """Once, by the author, against a decision that took the comment away."""
    return (
        actor.user_id is not None
        and actor.user_id == author_id
        and status in ("rejected", "hidden")
        and not appealed
    )


def flag_weight(upheld: int, reviewed: int) -> float:
    """How much a flagger's flag counts when sorting: share of upheld flags, smoothed so a
    newcomer counts 0.5 and a long record of upheld flags approaches 1."""
    return (upheld + 1) / (reviewed + 2)
