"""The office reviews a department's draft before it goes public."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from dialog.accounts.models import User
from dialog.db import Database
from dialog.procedures.models import Department
from tests import factories

MakeUser = Callable[..., Awaitable[User]]
SignIn = Callable[[User], Awaitable[str]]


def new_procedure(**fields: Any) -> dict[str, Any]:
    return {
        "title": "Neuer Spielplatz im Volkspark",
        "summary": "Ein neuer Spielplatz für alle Kinder im Volkspark.",
        "department": "stadtplanung",
        "level": "consultation",
        "initiator": "administration",
        **fields,
    }


async def create(api: factories.ApiAs, staff: User) -> int:
    response = await api.request(staff, "POST", "/api/v1/procedures", json=new_procedure())
    assert response.status_code == 201, response.text
    created: int = response.json()["id"]
    return created


async def step(client: httpx.AsyncClient, token: str, procedure_id: int, **form: str) -> int:
    response = await client.post(
        f"/procedures/{procedure_id}/review", data={"csrf_token": token, **form}
    )
    return response.status_code


async def test_a_draft_is_seen_by_its_department_and_the_office_only(
    api: factories.ApiAs, make_user: MakeUser, department: Department
) -> None:
    staff = await make_user("staff", department)
    procedure_id = await create(api, staff)
    for who, status in (
        (None, 404),
        (await make_user(), 404),
        (await make_user("moderator"), 404),
        (staff, 200),
        (await make_user("office"), 200),
    ):
        assert (
            await api.client.get(f"/procedures/{procedure_id}", headers=await api.headers(who))
        ).status_code == status
    listing = (await api.request(None, "GET", "/api/v1/procedures")).json()
    assert listing["total"] == 0


async def test_the_department_asks_for_support_the_office_comments_and_releases(
    api: factories.ApiAs,
    make_user: MakeUser,
    department: Department,
    client: httpx.AsyncClient,
) -> None:
    staff, office = await make_user("staff", department), await make_user("office")
    procedure_id = await create(api, staff)
    token = await factories.sign_in(client, staff)
    assert (
        await step(client, token, procedure_id, action="support", body="Welche Methode passt?")
        == 303
    )
    assert await step(client, token, procedure_id, action="submit") == 303
    assert await step(client, token, procedure_id, action="release") == 403
    token = await factories.sign_in(client, office)
    overview = await client.get("/office")
    assert overview.status_code == 200 and f"/procedures/{procedure_id}/review" in overview.text
    assert (
        await step(client, token, procedure_id, action="comment", body="Ein Werkstattgespräch.")
        == 303
    )
    assert await step(client, token, procedure_id, action="checks", checks="1") == 303
    assert await step(client, token, procedure_id, action="release") == 303
    page = await client.get(f"/procedures/{procedure_id}/review")
    assert "Ein Werkstattgespräch." in page.text and "Welche Methode passt?" in page.text
    listing = (await api.request(None, "GET", "/api/v1/procedures")).json()
    assert [item["id"] for item in listing["items"]] == [procedure_id]
    assert (await client.get("/office")).text.count(f"/procedures/{procedure_id}/review") == 0


async def test_a_trusted_departments_procedure_is_public_at_once(
    api: factories.ApiAs,
    make_user: MakeUser,
    department: Department,
    client: httpx.AsyncClient,
    browser_session: SignIn,
) -> None:
    token = await browser_session(await make_user("office"))
    response = await client.post(
        "/office/departments/stadtplanung/trust", data={"csrf_token": token, "trusted": "1"}
    )
    assert response.status_code == 303
    procedure_id = await create(api, await make_user("staff", department))
    assert (await api.request(None, "GET", f"/api/v1/procedures/{procedure_id}")).status_code == 200


@pytest.mark.parametrize("role", ["anonymous", "resident", "moderator", "staff_other"])
async def test_outsiders_take_no_part_in_the_review(
    api: factories.ApiAs,
    make_user: MakeUser,
    department: Department,
    other_department: Department,
    role: str,
) -> None:
    procedure_id = await create(api, await make_user("staff", department))
    who = {
        "anonymous": None,
        "resident": await make_user(),
        "moderator": await make_user("moderator"),
        "staff_other": await make_user("staff", other_department),
    }[role]
    page = await api.client.get(
        f"/procedures/{procedure_id}/review", headers=await api.headers(who)
    )
    assert page.status_code == 404
    for path in ("/office", "/office/checklist"):
        expected = 401 if who is None else 403
        assert (await api.client.get(path, headers=await api.headers(who))).status_code == expected


async def test_the_office_edits_the_checklist(
    make_user: MakeUser, client: httpx.AsyncClient, browser_session: SignIn, db: Database
) -> None:
    token = await browser_session(await make_user("office"))
    page = await client.get("/office/checklist")
    assert "Zeitplan mit Daten für jede Phase" in page.text
    added = await client.post(
        "/office/checklist", data={"csrf_token": token, "text": "Barrierefreiheit geprüft"}
    )
    assert added.status_code == 303
    assert "Barrierefreiheit geprüft" in (await client.get("/office/checklist")).text
    assert (
        await client.post("/office/checklist", data={"csrf_token": token, "retire": "2"})
    ).status_code == 303
    assert "Zeitplan mit Daten für jede Phase" not in (await client.get("/office/checklist")).text
    empty = await client.post("/office/checklist", data={"csrf_token": token, "text": ""})
    assert empty.status_code == 422


async def test_review_comments_are_in_the_export_and_lose_their_author_on_erasure(
    api: factories.ApiAs,
    make_user: MakeUser,
    department: Department,
    client: httpx.AsyncClient,
) -> None:
    staff = await make_user("staff", department)
    procedure_id = await create(api, staff)
    token = await factories.sign_in(client, staff)
    await step(client, token, procedure_id, action="comment", body="Bitte kurz anschauen.")
    exported = (await api.request(staff, "GET", "/api/v1/me/export")).json()
    assert [e["body"] for e in exported["review_entries"]] == ["Bitte kurz anschauen."]
    body = {"password": factories.PASSWORD, "comments": "remove"}
    assert (await api.request(staff, "DELETE", "/api/v1/me", json=body)).status_code == 204
    await factories.sign_in(client, await make_user("office"))
    page = await client.get(f"/procedures/{procedure_id}/review")
    assert "Bitte kurz anschauen." not in page.text
