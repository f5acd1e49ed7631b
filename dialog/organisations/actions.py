"""Writes for organisations: the office creates them and confirms members; people ask to join."""

from __future__ import annotations

from sqlalchemy import delete

from dialog.accounts.actor import Actor
from dialog.db import UnitOfWork, utcnow
from dialog.errors import Forbidden, InvalidInput, NotAuthenticated, NotFound
from dialog.i18n import lazy
from dialog.markup import render_markdown
from dialog.organisations import policy, queries
from dialog.organisations.models import Membership, Organisation
from dialog.organisations.schemas import OrganisationIn
from dialog.procedures import queries as procedure_queries
from dialog.procedures.actions import unique_slug


def require_signed_in(actor: Actor) -> None:
    if not actor.authenticated:
        raise NotAuthenticated(lazy("Please sign in first."))


def check_office(actor: Actor) -> None:
    require_signed_in(actor)
    if not policy.can_manage(actor):
        raise Forbidden(lazy("Only the participation office manages organisations."))


def access_organisation(found: Organisation | None) -> Organisation:
    if found is None:
        raise NotFound(lazy("This organisation does not exist."))
    return found


async def do_create_organisation(
    uow: UnitOfWork, actor: Actor, data: OrganisationIn
) -> Organisation:
    check_office(actor)
    districts = list(await procedure_queries.districts_by_slugs(uow.session, data.districts))
    if len(districts) != len(set(data.districts)):
        raise InvalidInput(
            lazy("Please check the marked fields."),
            {"districts": lazy("One of the districts does not exist.")},
        )
    # The column holds 80: room for a "-2".
    slug = await unique_slug(data.name, lambda s: queries.slug_taken(uow.session, s), 72)
    organisation = Organisation(
        slug=slug,
        name=data.name,
        kind=data.kind,
        contact=data.contact,
        description=data.description,
        description_html=render_markdown(data.description),
        districts=districts,
    )
    uow.session.add(organisation)
    await uow.session.flush()
    return organisation


async def do_ask_to_join(uow: UnitOfWork, actor: Actor, slug: str) -> Membership:
    """A person asks to act for the organisation; the office confirms (asking twice: no-op)."""
    require_signed_in(actor)
    if not policy.can_ask_to_join(actor):
        raise Forbidden(lazy("Your account is blocked from writing at the moment."))
    assert actor.user_id is not None
    organisation = access_organisation(await queries.organisation(uow.session, slug))
    found = await queries.membership(uow.session, organisation.id, actor.user_id)
    if found is None:
        found = Membership(organisation_id=organisation.id, user_id=actor.user_id)
        uow.session.add(found)
        await uow.session.flush()
    return found


def check_members_visible(actor: Actor) -> None:
    require_signed_in(actor)
    if not policy.can_see_members(actor):
        raise Forbidden(
            lazy("Who acts for an organisation is visible to the office and moderators.")
        )


async def do_confirm_member(uow: UnitOfWork, actor: Actor, slug: str, user_id: int) -> Membership:
    check_office(actor)
    organisation = access_organisation(await queries.organisation(uow.session, slug))
    found = await queries.membership(uow.session, organisation.id, user_id)
    if found is None:
        raise NotFound(lazy("This person has not asked to act for the organisation."))
    found.confirmed_at = found.confirmed_at or utcnow()
    await uow.session.flush()
    return found


async def do_remove_member(uow: UnitOfWork, actor: Actor, slug: str, user_id: int) -> None:
    """The office ends a membership, or the member leaves; from then on they cannot act for
    the organisation (propose or post as it). Nothing to end: nothing changes."""
    require_signed_in(actor)
    if not policy.can_remove(actor, user_id):
        raise Forbidden(lazy("Only the participation office manages organisations."))
    organisation = access_organisation(await queries.organisation(uow.session, slug))
    await uow.session.execute(
        delete(Membership).where(
            Membership.organisation_id == organisation.id, Membership.user_id == user_id
        )
    )
