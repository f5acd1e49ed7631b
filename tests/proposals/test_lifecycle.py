"""A proposal from submission to a planned procedure, and the ways it can end otherwise."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

from sqlalchemy import select, update

from dialog.accounts.models import User
from dialog.db import Database, utcnow
from dialog.notifications.models import Notification
from dialog.procedures.models import Department, Procedure
from dialog.proposals.actions import expire_due
from dialog.proposals.models import Proposal
from dialog.settings import Settings
from tests import factories
from tests.discussion.helpers import events_after, last_event_id
from tests.proposals.helpers import decide, propose, published

MakeUser = Callable[..., Awaitable[User]]


async def test_a_new_proposal_waits_for_the_office_and_only_its_author_and_the_office_see_it(
    api: factories.ApiAs, make_user: MakeUser
) -> None:
    author, other, office = await make_user(), await make_user(), await make_user("office")
    created = await propose(api, author)
    assert created["state"] == "submitted"
    url = f"/api/v1/proposals/{created['id']}"
    assert (await api.request(author, "GET", url)).status_code == 200
    assert (await api.request(office, "GET", url)).status_code == 200
    assert (await api.request(other, "GET", url)).status_code == 404
    assert (await api.request(None, "GET", url)).status_code == 404
    listed = (await api.request(None, "GET", "/api/v1/proposals")).json()
    assert listed["total"] == 0


async def test_a_resident_can_not_publish_accept_or_decline(
    api: factories.ApiAs, make_user: MakeUser
) -> None:
    author, other = await make_user(), await make_user()
    created = await propose(api, author)
    for who in (author, other):
        for action in ("publish", "accept", "decline", "forward"):
            response = await api.request(
                who,
                "POST",
                f"/api/v1/proposals/{created['id']}/decision",
                json={"action": action, "reason": "Weil es so ist, ganz einfach."},
            )
            assert response.status_code == 403, (action, response.text)


async def test_the_whole_way_from_proposal_to_planned_procedure(
    api: factories.ApiAs, make_user: MakeUser, department: Department, db: Database
) -> None:
    author, office = await make_user(), await make_user("office")
    staff = await make_user("staff", department)
    supporters = [await make_user() for _ in range(3)]
    proposal = await published(api, author, office, threshold=3)
    assert proposal["state"] == "collecting" and proposal["thread_id"] is not None
    for who in supporters:
        response = await api.request(who, "PUT", f"/api/v1/proposals/{proposal['id']}/support")
        assert response.status_code == 200
    seen = (await api.request(None, "GET", f"/api/v1/proposals/{proposal['id']}")).json()
    assert seen["state"] == "threshold-reached" and seen["support_count"] == 3
    forwarded = await decide(api, office, proposal["id"], "forward", department="stadtplanung")
    assert forwarded["state"] == "forwarded"
    response = await api.request(
        staff,
        "POST",
        f"/api/v1/proposals/{proposal['id']}/statement",
        json={"body": "Wir unterstützen das und planen ein Verfahren im Herbst."},
    )
    assert response.status_code == 200 and "Herbst" in response.json()["statement_html"]
    accepted = await decide(api, office, proposal["id"], "accept", reason="Gute Idee, wir starten.")
    assert accepted["state"] == "accepted" and accepted["procedure_id"]
    procedure = (
        await api.request(None, "GET", f"/api/v1/procedures/{accepted['procedure_id']}")
    ).json()
    assert procedure["initiator"] == "residents" and procedure["phase"] == "planned"
    listing = (await api.request(None, "GET", "/api/v1/procedures?initiator=residents")).json()
    assert [item["id"] for item in listing["items"]] == [accepted["procedure_id"]]
    async with db.reading() as session:
        told = (
            await session.scalars(
                select(Notification.user_id).where(Notification.kind == "proposal")
            )
        ).all()
    # Each supporter heard of the threshold, the forwarding, the statement and the acceptance.
    for who in supporters:
        assert told.count(who.id) == 4


async def test_the_procedure_page_links_back_to_the_proposal(
    api: factories.ApiAs, make_user: MakeUser, department: Department, client: object
) -> None:
    author, office = await make_user(), await make_user("office")
    proposal = await published(api, author, office, department="stadtplanung")
    accepted = await decide(api, office, proposal["id"], "accept", reason="Das machen wir gern.")
    page = await api.client.get(f"/procedures/{accepted['procedure_id']}")
    assert f'href="/proposals/{proposal["id"]}"' in page.text
    back = await api.client.get(f"/proposals/{proposal['id']}")
    assert f'href="/procedures/{accepted["procedure_id"]}"' in back.text


async def test_accepting_without_a_department_names_the_field(
    api: factories.ApiAs, make_user: MakeUser
) -> None:
    author, office = await make_user(), await make_user("office")
    proposal = await published(api, author, office)
    response = await api.request(
        office, "POST", f"/api/v1/proposals/{proposal['id']}/decision", json={"action": "accept"}
    )
    assert response.status_code == 422
    assert "department" in response.json()["error"]["fields"]


async def test_declining_needs_public_reasons_and_then_takes_no_more_support(
    api: factories.ApiAs, make_user: MakeUser
) -> None:
    author, office, late = await make_user(), await make_user("office"), await make_user()
    proposal = await published(api, author, office)
    url = f"/api/v1/proposals/{proposal['id']}/decision"
    response = await api.request(office, "POST", url, json={"action": "decline"})
    assert response.status_code == 422 and "reason" in response.json()["error"]["fields"]
    declined = await decide(
        api,
        office,
        proposal["id"],
        "decline",
        reason="Das liegt nicht in der Zuständigkeit der Stadt.",
    )
    assert declined["state"] == "declined"
    assert "Zuständigkeit" in declined["decision_reason"]
    response = await api.request(late, "PUT", f"/api/v1/proposals/{proposal['id']}/support")
    assert response.status_code == 409
    public = await api.request(None, "GET", f"/api/v1/proposals/{proposal['id']}")
    assert public.json()["state"] == "declined"


async def test_declining_an_unpublished_proposal_keeps_it_private(
    api: factories.ApiAs, make_user: MakeUser
) -> None:
    author, office = await make_user(), await make_user("office")
    created = await propose(api, author)
    rejected = await decide(
        api, office, created["id"], "decline", reason="Der Text verstößt gegen die Netiquette."
    )
    assert rejected["state"] == "rejected"
    assert (await api.request(None, "GET", f"/api/v1/proposals/{created['id']}")).status_code == 404


async def test_the_periodic_job_expires_proposals_whose_period_ended(
    api: factories.ApiAs, make_user: MakeUser, db: Database, settings: Settings
) -> None:
    author, office, supporter = await make_user(), await make_user("office"), await make_user()
    proposal = await published(api, author, office, threshold=10)
    await api.request(supporter, "PUT", f"/api/v1/proposals/{proposal['id']}/support")
    still_open = await published(api, author, office, threshold=10)
    async with db.unit_of_work() as uow:
        await uow.session.execute(
            update(Proposal)
            .where(Proposal.id == proposal["id"])
            .values(ends_at=utcnow() - timedelta(minutes=1))
        )
    assert await expire_due(db, settings) == 1
    seen = (await api.request(None, "GET", f"/api/v1/proposals/{proposal['id']}")).json()
    assert seen["state"] == "expired"
    other = (await api.request(None, "GET", f"/api/v1/proposals/{still_open['id']}")).json()
    assert other["state"] == "collecting"
    response = await api.request(supporter, "DELETE", f"/api/v1/proposals/{proposal['id']}/support")
    assert response.status_code == 409
    async with db.reading() as session:
        told = (
            await session.scalars(
                select(Notification.user_id).where(Notification.kind == "proposal")
            )
        ).all()
    assert supporter.id in told


async def test_support_and_state_changes_are_events_on_the_proposal_topic(
    api: factories.ApiAs, make_user: MakeUser, db: Database
) -> None:
    author, office, supporter = await make_user(), await make_user("office"), await make_user()
    created = await propose(api, author)
    before = await last_event_id(db)
    await decide(api, office, created["id"], "publish", threshold=1, days=10)
    await api.request(supporter, "PUT", f"/api/v1/proposals/{created['id']}/support")
    emitted = [e for e in await events_after(db, before) if e.topic == f"proposal:{created['id']}"]
    assert [e.type for e in emitted] == [
        "proposal.state_changed",
        "proposal.support_changed",
        "proposal.state_changed",
    ]
    assert emitted[-1].data["state"] == "threshold-reached"
    assert emitted[-1].data["support_count"] == 1
    # Nothing personal travels: no author, no supporter.
    assert set(emitted[-1].data) == {
        "id",
        "state",
        "support_count",
        "threshold",
        "ends_at",
        "procedure_id",
    }


async def test_the_proposals_procedure_is_not_in_the_vorhabenliste(
    api: factories.ApiAs, make_user: MakeUser, db: Database
) -> None:
    author, office = await make_user(), await make_user("office")
    await published(api, author, office)
    listing = (await api.request(None, "GET", "/api/v1/procedures")).json()
    async with db.reading() as session:
        hidden = (
            await session.scalars(select(Procedure).where(Procedure.status == "hidden"))
        ).all()
    assert len(hidden) == 1
    assert hidden[0].id not in [item["id"] for item in listing["items"]]
