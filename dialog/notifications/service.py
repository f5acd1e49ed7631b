"""What the notification routes do, for pages and the API alike: ids checked, one transaction."""

from __future__ import annotations

from dialog.accounts.actor import Actor
from dialog.db import Database
from dialog.errors import NotAuthenticated, NotFound
from dialog.i18n import lazy
from dialog.notifications import actions, follows, kinds, queries
from dialog.notifications.follows import Target
from dialog.notifications.schemas import PreferencesOut

MAX_ID = 2**31 - 1


def signed_in(who: Actor) -> int:
    if who.user_id is None:
        raise NotAuthenticated(lazy("Please sign in first."))
    return who.user_id


def target(kind: str, raw_id: int) -> Target:
    if not 1 <= raw_id <= MAX_ID:
        raise NotFound(lazy("There is nothing to follow here."), {"id": lazy("No such id.")})
    return Target(kind, raw_id)


async def set_following(db: Database, who: Actor, wanted: Target, following: bool) -> None:
    user_id = signed_in(who)
    async with db.unit_of_work() as uow:
        if following:
            await follows.do_follow(uow.session, user_id, wanted)
        else:
            await follows.access_target(uow.session, wanted)
            await follows.do_unfollow(uow.session, user_id, wanted)


async def is_following(db: Database, who: Actor, wanted: Target) -> bool:
    if who.user_id is None:
        return False
    async with db.reading() as session:
        return await follows.is_following(session, who.user_id, wanted)


async def preferences(db: Database, who: Actor) -> PreferencesOut:
    user_id = signed_in(who)
    async with db.reading() as session:
        chosen = await queries.preferences_of(session, user_id)
        possible = await queries.mail_possible(session, user_id)
    values = {k.value: chosen.get(k.value) or kinds.DEFAULTS[k].value for k in kinds.Kind}
    return PreferencesOut.model_validate({**values, "mail_possible": possible})


async def set_preferences(db: Database, who: Actor, chosen: dict[str, str]) -> None:
    user_id = signed_in(who)
    async with db.unit_of_work() as uow:
        await actions.do_set_preferences(uow, user_id, chosen)
