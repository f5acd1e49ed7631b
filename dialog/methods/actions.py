"""Writes for the toolkit: the participation office adds and changes methods."""

from __future__ import annotations

from dialog.accounts import policy as roles
from dialog.accounts.actor import Actor
from dialog.db import UnitOfWork
from dialog.errors import Forbidden, NotAuthenticated, NotFound
from dialog.i18n import lazy
from dialog.methods import queries
from dialog.methods.schemas import MethodIn
from dialog.procedures.actions import unique_slug
from dialog.procedures.models import Method


def check_office(actor: Actor) -> None:
    if not actor.authenticated:
        raise NotAuthenticated(lazy("Please sign in first."))
    if not roles.is_office(actor):
        raise Forbidden(lazy("Only the participation office edits the methods toolkit."))


def access_method(found: Method | None) -> Method:
    if found is None:
        raise NotFound(lazy("This method is not in the toolkit."))
    return found


def _apply(method: Method, data: MethodIn) -> None:
    method.name = data.name
    method.purpose = data.purpose
    method.when_to_use = data.when_to_use
    method.effort = data.effort
    method.level = data.level
    method.audience = data.audience
    method.duration = data.duration or ""


async def do_add_method(uow: UnitOfWork, actor: Actor, data: MethodIn) -> Method:
    check_office(actor)
    # The column holds 80: room for a "-2".
    slug = await unique_slug(data.name, lambda s: queries.slug_taken(uow.session, s), 72)
    method = Method(slug=slug)
    _apply(method, data)
    uow.session.add(method)
    await uow.session.flush()
    return method


async def do_change_method(uow: UnitOfWork, actor: Actor, slug: str, data: MethodIn) -> Method:
    check_office(actor)
    method = access_method(await queries.method(uow.session, slug))
    _apply(method, data)
    await uow.session.flush()
    return method
