"""Pure predicates for organisations."""

from __future__ import annotations

from dialog.accounts import policy as roles
from dialog.accounts.actor import Actor


def can_manage(actor: Actor) -> bool:
    """Create organisations, confirm and remove members: the participation office."""
    return roles.is_office(actor)


def can_ask_to_join(actor: Actor) -> bool:
    return roles.can_write(actor)


def can_see_members(actor: Actor) -> bool:
    """Who acts for an organisation is visible to the office and moderators only."""
    return roles.is_office(actor) or roles.is_moderator(actor)


def can_remove(actor: Actor, user_id: int) -> bool:
    """End a membership: the office, or the member themselves (leaving)."""
    return can_manage(actor) or (actor.user_id is not None and actor.user_id == user_id)
