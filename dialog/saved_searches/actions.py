"""Writes of saved searches: save, delete, and announce a new procedure to matching ones."""

from __future__ import annotations

from sqlalchemy import delete

from dialog.accounts.actor import Actor
from dialog.db import UnitOfWork
from dialog.errors import Conflict, InvalidInput, NotAuthenticated, NotFound
from dialog.i18n import gettext as _
from dialog.i18n import lazy
from dialog.notifications.actions import do_notify
from dialog.procedures.schemas import ProcedureFilterFields
from dialog.saved_searches import queries
from dialog.saved_searches.matching import kept, matches
from dialog.saved_searches.models import SavedSearch, SavedSearchMatch
from dialog.settings import Settings

MAX_PER_PERSON = 20
KIND = "saved_search.matched"  # the notification kind


def signed_in(actor: Actor) -> int:
    if not actor.authenticated or actor.user_id is None:
        raise NotAuthenticated(lazy("Please sign in first."))
    return actor.user_id


async def do_save(
    uow: UnitOfWork, actor: Actor, filters: ProcedureFilterFields, label: str
) -> tuple[SavedSearch, bool]:
    """The search kept for these filters, and whether it is new (the same filters twice keep
    one)."""
    user_id = signed_in(actor)
    chosen = kept(filters)
    if not chosen:
        message = lazy("Choose at least one filter before saving the search.")
        raise InvalidInput(message, {"filters": message})
    existing = await queries.of_user(uow.session, user_id)
    for search in existing:
        if search.filters == chosen:
            return search, False
    if len(existing) >= MAX_PER_PERSON:
        raise Conflict(lazy("You can keep at most 20 saved searches. Delete one first."))
    search = SavedSearch(user_id=user_id, filters=chosen, label=label[:300])
    uow.session.add(search)
    await uow.session.flush()
    return search, True


async def do_delete(uow: UnitOfWork, actor: Actor, search_id: int) -> None:
    user_id = signed_in(actor)
    removed = await uow.session.execute(
        delete(SavedSearch).where(SavedSearch.id == search_id, SavedSearch.user_id == user_id)
    )
    if not getattr(removed, "rowcount", 0):
        raise NotFound(lazy("This saved search does not exist."))


async def do_announce(uow: UnitOfWork, settings: Settings, procedure_id: int) -> int:
    """Tell the owners of the saved searches that match a newly published procedure, once per
    search (a repeated event finds the match rows and tells no one twice). Returns how many
    searches matched anew."""
    found = await queries.facts(uow.session, procedure_id)
    if found is None:
        return 0
    title, facts = found
    done = await queries.announced(uow.session, procedure_id)
    fresh = [
        search
        for search in await queries.every(uow.session)
        if search.id not in done and matches(search.filters, facts)
    ]
    if not fresh:
        return 0
    uow.session.add_all(
        SavedSearchMatch(saved_search_id=search.id, procedure_id=procedure_id) for search in fresh
    )
    await uow.session.flush()
    # The one call into the notifications package: an in-app notice (mailed as the person chose).
    await do_notify(
        uow,
        settings,
        {search.user_id for search in fresh},
        kind=KIND,
        title=lambda: _("New procedure for your saved search: %(title)s") % {"title": title},
        body=lambda: _("It matches a search you saved on the Vorhabenliste."),
        url=f"/procedures/{procedure_id}",
    )
    return len(fresh)
