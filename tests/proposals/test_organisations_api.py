"""Organisations in JSON: the office creates them and confirms or removes members; people ask
to act for one (and may leave); who acts for one is visible to the office and moderators."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from dialog.accounts.models import User
from dialog.db import utcnow
from dialog.procedures.models import Department
from tests import factories

MakeUser = Callable[..., Awaitable[User]]
ORGANISATION = {"name": "Stadtteilrat Drewitz", "kind": "district-council"}


async def created(api: factories.ApiAs, office: User) -> str:
    response = await api.request(office, "POST", "/api/v1/organisations", json=ORGANISATION)
    assert response.status_code == 201, response.text
    slug: str = response.json()["slug"]
    return slug


async def test_a_person_asks_the_office_confirms_and_removes(
    api: factories.ApiAs, make_user: MakeUser
) -> None:
    office, person = await make_user("office"), await make_user(display_name="Rita Rat")
    slug = await created(api, office)
    members = f"/api/v1/organisations/{slug}/members"
    asked = await api.request(person, "POST", members)
    assert asked.status_code == 201 and asked.json()["confirmed"] is False
    again = await api.request(person, "POST", members)
    assert again.status_code == 200 and again.json()["user_id"] == person.id
    listed = (await api.request(office, "GET", members)).json()
    assert [(m["name"], m["confirmed"]) for m in listed] == [("Rita Rat", False)]
    confirmed = await api.request(office, "PUT", f"{members}/{person.id}")
    assert confirmed.status_code == 200 and confirmed.json()["confirmed"] is True
    proposal = {
        "title": "Mehr Bänke im Park",
        "summary": "Im Park fehlen Bänke für ältere Menschen.",
        "reason": "Viele ältere Menschen können nicht lange stehen.",
        "organisation": slug,
    }
    assert (
        await api.request(person, "POST", "/api/v1/proposals", json=proposal)
    ).status_code == 201
    removed = await api.request(office, "DELETE", f"{members}/{person.id}")
    assert removed.status_code == 204
    assert (await api.request(office, "GET", members)).json() == []
    refused = await api.request(person, "POST", "/api/v1/proposals", json=proposal)
    assert refused.status_code == 422 and "organisation" in refused.json()["error"]["fields"]


async def test_a_member_may_leave_but_not_remove_others(
    api: factories.ApiAs, make_user: MakeUser
) -> None:
    office, member, other = await make_user("office"), await make_user(), await make_user()
    slug = await created(api, office)
    members = f"/api/v1/organisations/{slug}/members"
    for who in (member, other):
        await api.request(who, "POST", members)
        await api.request(office, "PUT", f"{members}/{who.id}")
    assert (await api.request(member, "DELETE", f"{members}/{other.id}")).status_code == 403
    assert (await api.request(member, "DELETE", f"{members}/{member.id}")).status_code == 204
    left = [m["user_id"] for m in (await api.request(office, "GET", members)).json()]
    assert left == [other.id]


async def test_roles_for_memberships(
    api: factories.ApiAs, make_user: MakeUser, department: Department
) -> None:
    office = await make_user("office")
    slug = await created(api, office)
    members = f"/api/v1/organisations/{slug}/members"
    person = await make_user()
    await api.request(person, "POST", members)
    blocked = await make_user(blocked_until=utcnow().replace(year=9999))
    resident, staff = await make_user(), await make_user("staff", department)
    moderator, admin = await make_user("moderator"), await make_user("admin")
    # Who acts for an organisation: the office and moderators (and admins) only.
    for who, status in (
        (None, 401),
        (resident, 403),
        (staff, 403),
        (blocked, 403),
        (moderator, 200),
        (office, 200),
        (admin, 200),
    ):
        assert (await api.request(who, "GET", members)).status_code == status, who
    # Confirming: the office (and admins).
    for who, status in ((None, 401), (resident, 403), (staff, 403), (moderator, 403)):
        confirm = await api.request(who, "PUT", f"{members}/{person.id}")
        assert confirm.status_code == status, who
        remove = await api.request(who, "DELETE", f"{members}/{person.id}")
        assert remove.status_code == status, who
    assert (await api.request(admin, "PUT", f"{members}/{person.id}")).status_code == 200
    # Asking: signed in and not blocked.
    assert (await api.request(None, "POST", members)).status_code == 401
    assert (await api.request(blocked, "POST", members)).status_code == 403
    assert (await api.request(staff, "POST", members)).status_code == 201
    # Creating: the office.
    for who, status in ((None, 401), (resident, 403), (moderator, 403), (staff, 403)):
        response = await api.request(who, "POST", "/api/v1/organisations", json=ORGANISATION)
        assert response.status_code == status, who


async def test_wrong_memberships_and_organisations_are_refused_naming_the_field(
    api: factories.ApiAs, make_user: MakeUser
) -> None:
    office, stranger = await make_user("office"), await make_user()
    slug = await created(api, office)
    not_asked = await api.request(
        office, "PUT", f"/api/v1/organisations/{slug}/members/{stranger.id}"
    )
    assert not_asked.status_code == 404
    unknown = await api.request(stranger, "POST", "/api/v1/organisations/gibt-es-nicht/members")
    assert unknown.status_code == 404
    for body, field in (
        ({"name": "X", "kind": "initiative"}, "name"),
        ({"name": "Verein", "kind": "club"}, "kind"),
        ({"name": "Verein", "kind": "association", "districts": ["mond"]}, "districts"),
    ):
        response = await api.request(office, "POST", "/api/v1/organisations", json=body)
        assert response.status_code == 422 and field in response.json()["error"]["fields"], body
