"""Following: automatically what one wrote in or voted on, by choice from pages and the API."""

from __future__ import annotations

import httpx
from starlette.applications import Starlette

from dialog.db import Database
from dialog.discussion.voting import VoteEvents
from dialog.procedures.models import Department, Procedure, Thread
from tests import factories
from tests.notifications.conftest import MakeUser, Talk
from tests.notifications.helpers import consumed


async def follows(api: factories.ApiAs, who: object) -> list[tuple[str, int, bool]]:
    response = await api.request(who, "GET", "/api/v1/me/follows")  # type: ignore[arg-type]
    assert response.status_code == 200
    return [(f["kind"], f["id"], f["automatic"]) for f in response.json()]


async def test_a_procedure_is_followed_and_unfollowed_through_the_api(
    api: factories.ApiAs, make_user: MakeUser, procedure: Procedure
) -> None:
    resident = await make_user()
    url = f"/api/v1/me/follows/procedure/{procedure.id}"
    assert (await api.request(resident, "GET", url)).json()["following"] is False
    assert (await api.request(resident, "PUT", url)).json() == {
        "kind": "procedure",
        "id": procedure.id,
        "following": True,
    }
    assert await follows(api, resident) == [("procedure", procedure.id, False)]
    assert (await api.request(resident, "DELETE", url)).json()["following"] is False
    assert await follows(api, resident) == []


async def test_districts_and_departments_can_be_followed(
    api: factories.ApiAs, make_user: MakeUser, department: Department, db: Database
) -> None:
    district = await factories.district(db, "babelsberg", "Babelsberg")
    resident = await make_user()
    for kind, number in (("district", district.id), ("department", department.id)):
        response = await api.request(resident, "PUT", f"/api/v1/me/follows/{kind}/{number}")
        assert response.status_code == 200
    listed = (await api.request(resident, "GET", "/api/v1/me/follows")).json()
    assert {(f["kind"], f["title"]) for f in listed} == {
        ("district", "Babelsberg"),
        ("department", "Fachbereich Stadtplanung"),
    }


async def test_following_needs_an_account_a_known_kind_and_an_existing_target(
    api: factories.ApiAs, make_user: MakeUser, procedure: Procedure
) -> None:
    resident = await make_user()
    assert (
        await api.request(None, "PUT", f"/api/v1/me/follows/procedure/{procedure.id}")
    ).status_code == 401
    unknown = await api.request(resident, "PUT", "/api/v1/me/follows/galaxy/1")
    assert unknown.status_code == 422
    assert "kind" in unknown.json()["error"]["fields"]
    missing = await api.request(resident, "PUT", "/api/v1/me/follows/procedure/999999")
    assert missing.status_code == 404
    huge = await api.request(resident, "PUT", "/api/v1/me/follows/thread/99999999999")
    assert huge.status_code == 422  # ids are checked at the route (dialog.web.ids)
    assert list(huge.json()["error"]["fields"]) == ["target_id"]


async def test_writing_and_voting_follow_the_thread_automatically(
    app: Starlette,
    api: factories.ApiAs,
    make_user: MakeUser,
    thread: Thread,
    talk: Talk,
    db: Database,
) -> None:
    writer, voter = await make_user(), await make_user()
    comment = await talk.comment(writer, thread.id, "Mehr Bänke")
    await talk.vote(voter, comment["id"])
    votes: VoteEvents = app.state.services.vote_events
    await votes.flush()
    await consumed(db)
    assert await follows(api, writer) == [("thread", thread.id, True)]
    assert await follows(api, voter) == [("thread", thread.id, True)]


async def test_an_unfollow_stays_when_one_writes_again(
    api: factories.ApiAs, make_user: MakeUser, thread: Thread, talk: Talk, db: Database
) -> None:
    writer = await make_user()
    await talk.comment(writer, thread.id, "Eins")
    await consumed(db)
    await api.request(writer, "DELETE", f"/api/v1/me/follows/thread/{thread.id}")
    await talk.comment(writer, thread.id, "Zwei")
    await consumed(db)
    assert await follows(api, writer) == []


async def test_the_follow_button_works_without_javascript_and_needs_the_csrf_token(
    client: httpx.AsyncClient, make_user: MakeUser, procedure: Procedure, api: factories.ApiAs
) -> None:
    resident = await make_user()
    await factories.sign_in(client, resident)
    page = await client.get(f"/procedures/{procedure.id}")
    assert 'action="/follows"' in page.text and 'aria-pressed="false"' in page.text
    form = {"kind": "procedure", "id": str(procedure.id), "following": "1"}
    assert (await client.post("/follows", data=form)).status_code == 403
    token = await factories.csrf(client)
    done = await client.post(
        "/follows", data={**form, "csrf_token": token, "next": f"/procedures/{procedure.id}"}
    )
    assert done.status_code == 303
    assert done.headers["location"] == f"/procedures/{procedure.id}?done=followed"
    page = await client.get(f"/procedures/{procedure.id}")
    assert 'aria-pressed="true"' in page.text
    listing = await client.get("/me/following")
    assert procedure.title in listing.text
    gone = await client.post(
        "/follows",
        data={**form, "following": "0", "csrf_token": token, "next": "https://evil.example/"},
    )
    assert gone.headers["location"] == "/?done=unfollowed"
    assert await follows(api, resident) == []


async def test_the_thread_page_offers_the_follow_button_to_signed_in_readers_only(
    client: httpx.AsyncClient, make_user: MakeUser, thread: Thread
) -> None:
    assert 'action="/follows"' not in (await client.get(f"/threads/{thread.id}")).text
    await factories.sign_in(client, await make_user())
    assert 'name="kind" value="thread"' in (await client.get(f"/threads/{thread.id}")).text


async def test_a_draft_procedure_cannot_be_followed_and_its_changes_tell_nobody(
    api: factories.ApiAs, make_user: MakeUser, department: Department, db: Database, talk: Talk
) -> None:
    draft = await factories.procedure(db, department, status="draft")
    resident = await make_user()
    refused = await api.request(resident, "PUT", f"/api/v1/me/follows/procedure/{draft.id}")
    assert refused.status_code == 404
    await api.request(resident, "PUT", f"/api/v1/me/follows/department/{department.id}")
    staff = await make_user("staff", department)
    changed = await api.request(
        staff, "PATCH", f"/api/v1/procedures/{draft.id}", json={"phase": "evaluation"}
    )
    assert changed.status_code == 200, changed.text
    assert await talk.notices(resident) == []
