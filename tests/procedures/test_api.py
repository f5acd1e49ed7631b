"""The procedures API: reading, filters, validation per field, and who may write."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from dialog.accounts.models import User
from dialog.db import Database
from dialog.procedures.models import Department, Procedure, Thread
from tests import factories

MakeUser = Callable[..., Awaitable[User]]


def new_procedure(department: str = "stadtplanung", **fields: Any) -> dict[str, Any]:
    return {
        "title": "Neue Grünfläche am Bassinplatz",
        "summary": "Der Platz soll grüner werden und mehr Schatten bieten.",
        "description": "Mehr *Bäume*, weniger Asphalt.",
        "department": department,
        "level": "consultation",
        "initiator": "residents",
        "phase": "planned",
        **fields,
    }


async def test_lists_departments_districts_and_methods(
    api: factories.ApiAs, db: Database, department: Department
) -> None:
    await factories.district(db, "babelsberg-nord", "Babelsberg Nord")
    departments = await api.request(None, "GET", "/api/v1/departments")
    districts = await api.request(None, "GET", "/api/v1/districts")
    methods = await api.request(None, "GET", "/api/v1/methods")
    assert departments.json() == [{"slug": "stadtplanung", "name": "Fachbereich Stadtplanung"}]
    assert districts.json() == [{"slug": "babelsberg-nord", "name": "Babelsberg Nord"}]
    assert methods.status_code == 200 and methods.json() == []


async def test_staff_creates_a_procedure_for_their_own_department(
    api: factories.ApiAs, make_user: MakeUser, department: Department, db: Database
) -> None:
    await factories.district(db, "innenstadt", "Innenstadt")
    staff = await make_user("staff", department)
    response = await api.request(
        staff, "POST", "/api/v1/procedures", json=new_procedure(districts=["innenstadt"])
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["slug"] == "neue-gruenflaeche-am-bassinplatz"
    assert body["department"]["slug"] == "stadtplanung"
    assert body["districts"] == [{"slug": "innenstadt", "name": "Innenstadt"}]
    assert body["description_html"] == "<p>Mehr <em>Bäume</em>, weniger Asphalt.</p>"
    assert [step["phase"] for step in body["timeline"]] == [
        "planned",
        "active",
        "evaluation",
        "completed",
    ]
    fetched = await api.request(staff, "GET", f"/api/v1/procedures/{body['id']}")
    assert fetched.json()["title"] == "Neue Grünfläche am Bassinplatz"
    # A department's new procedure is a draft until the office releases it (dialog.review).
    assert body["status"] == "draft"
    assert (await api.request(None, "GET", f"/api/v1/procedures/{body['id']}")).status_code == 404


async def test_anonymous_cannot_create_a_procedure(
    api: factories.ApiAs, department: Department
) -> None:
    response = await api.request(None, "POST", "/api/v1/procedures", json=new_procedure())
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.parametrize("role", ["resident", "moderator"])
async def test_residents_and_moderators_cannot_create_procedures(
    api: factories.ApiAs, make_user: MakeUser, department: Department, role: str
) -> None:
    response = await api.request(
        await make_user(role), "POST", "/api/v1/procedures", json=new_procedure()
    )
    assert response.status_code == 403


async def test_staff_cannot_create_procedures_for_another_department(
    api: factories.ApiAs,
    make_user: MakeUser,
    department: Department,
    other_department: Department,
) -> None:
    staff = await make_user("staff", other_department)
    response = await api.request(staff, "POST", "/api/v1/procedures", json=new_procedure())
    assert response.status_code == 403
    assert "department" in response.json()["error"]["fields"]


async def test_admin_creates_procedures_for_any_department(
    api: factories.ApiAs, make_user: MakeUser, department: Department
) -> None:
    response = await api.request(
        await make_user("admin"), "POST", "/api/v1/procedures", json=new_procedure()
    )
    assert response.status_code == 201


async def test_invalid_fields_are_named_and_nothing_is_written(
    api: factories.ApiAs, make_user: MakeUser, department: Department
) -> None:
    admin = await make_user("admin")
    response = await api.request(
        admin,
        "POST",
        "/api/v1/procedures",
        json=new_procedure(
            title="",
            summary="kurz",
            level="sometimes",
            districts=["atlantis"],
            contact_email="not-an-address",
        ),
    )
    assert response.status_code == 422
    fields = response.json()["error"]["fields"]
    assert {"title", "summary", "level", "contact_email"} <= set(fields)
    listing = await api.request(None, "GET", "/api/v1/procedures")
    assert listing.json()["total"] == 0


async def test_unknown_references_are_named(
    api: factories.ApiAs, make_user: MakeUser, department: Department
) -> None:
    admin = await make_user("admin")
    response = await api.request(
        admin,
        "POST",
        "/api/v1/procedures",
        json=new_procedure(districts=["atlantis"], method="magic"),
    )
    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == {"districts", "method"}


async def test_malformed_json_is_a_bad_request(api: factories.ApiAs, make_user: MakeUser) -> None:
    admin = await make_user("admin")
    response = await api.request(
        admin,
        "POST",
        "/api/v1/procedures",
        content=b"{nope",
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"


async def test_filters_combine(
    api: factories.ApiAs, db: Database, department: Department, other_department: Department
) -> None:
    west = await factories.district(db, "potsdam-west", "Potsdam West")
    await factories.procedure(
        db, department, title="Radweg Zeppelinstraße", phase="active", districts=[west]
    )
    await factories.procedure(db, department, title="Radweg Innenstadt", phase="planned")
    await factories.procedure(
        db, other_department, title="Theaterprogramm", phase="active", initiator="residents"
    )

    async def titles(query: str) -> list[str]:
        response = await api.request(None, "GET", f"/api/v1/procedures?{query}&sort=title")
        assert response.status_code == 200, response.text
        return [item["title"] for item in response.json()["items"]]

    assert await titles("phase=active") == ["Radweg Zeppelinstraße", "Theaterprogramm"]
    assert await titles("district=potsdam-west") == ["Radweg Zeppelinstraße"]
    assert await titles("department=kultur") == ["Theaterprogramm"]
    assert await titles("q=radweg&phase=planned") == ["Radweg Innenstadt"]
    assert await titles("initiator=residents") == ["Theaterprogramm"]
    assert await titles("level=co-decision") == []


async def test_pagination_reports_the_total(
    api: factories.ApiAs, db: Database, department: Department
) -> None:
    for _ in range(5):
        await factories.procedure(db, department)
    response = await api.request(None, "GET", "/api/v1/procedures?per_page=2&page=3")
    body = response.json()
    assert body["total"] == 5 and body["page"] == 3 and len(body["items"]) == 1


async def test_an_invalid_filter_is_named(api: factories.ApiAs) -> None:
    response = await api.request(None, "GET", "/api/v1/procedures?phase=someday&page=0")
    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == {"phase", "page"}


async def test_staff_edit_their_procedure_but_not_others(
    api: factories.ApiAs,
    make_user: MakeUser,
    procedure: Procedure,
    other_department: Department,
) -> None:
    own = await make_user("staff", await_department(procedure))
    foreign = await make_user("staff", other_department)
    url = f"/api/v1/procedures/{procedure.id}"
    assert (await api.request(None, "PATCH", url, json={"phase": "evaluation"})).status_code == 401
    assert (
        await api.request(foreign, "PATCH", url, json={"phase": "evaluation"})
    ).status_code == 403
    response = await api.request(
        own, "PATCH", url, json={"phase": "evaluation", "summary": "Eine neue Zusammenfassung."}
    )
    assert response.status_code == 200, response.text
    assert response.json()["phase"] == "evaluation"
    assert response.json()["summary"] == "Eine neue Zusammenfassung."


def await_department(procedure: Procedure) -> Department:
    return Department(id=procedure.department_id, slug="", name="")


async def test_missing_procedure_is_404(api: factories.ApiAs) -> None:
    response = await api.request(None, "GET", "/api/v1/procedures/999")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


async def test_staff_open_a_thread_and_anyone_reads_it(
    api: factories.ApiAs, make_user: MakeUser, procedure: Procedure, department: Department
) -> None:
    staff = await make_user("staff", department)
    response = await api.request(
        staff,
        "POST",
        f"/api/v1/procedures/{procedure.id}/threads",
        json={"title": "Radwege", "question": "Wo fehlt ein Radweg?", "moderation": "pre"},
    )
    assert response.status_code == 201, response.text
    thread_id = response.json()["id"]
    fetched = await api.request(None, "GET", f"/api/v1/threads/{thread_id}")
    assert fetched.json()["moderation"] == "pre"
    assert fetched.json()["question"] == "Wo fehlt ein Radweg?"


async def test_a_thread_must_close_after_it_opens(
    api: factories.ApiAs, make_user: MakeUser, procedure: Procedure
) -> None:
    admin = await make_user("admin")
    response = await api.request(
        admin,
        "POST",
        f"/api/v1/procedures/{procedure.id}/threads",
        json={
            "title": "Radwege",
            "opens_at": "2026-05-02T10:00:00",
            "closes_at": "2026-05-01T10:00:00",
        },
    )
    assert response.status_code == 422


async def test_resident_cannot_open_threads(
    api: factories.ApiAs, make_user: MakeUser, procedure: Procedure, thread: Thread
) -> None:
    response = await api.request(
        await make_user(),
        "POST",
        f"/api/v1/procedures/{procedure.id}/threads",
        json={"title": "Radwege"},
    )
    assert response.status_code == 403


async def test_openapi_documents_every_api_route(api: factories.ApiAs) -> None:
    document = (await api.request(None, "GET", "/api/v1/openapi.json")).json()
    assert document["openapi"].startswith("3.")
    assert "post" in document["paths"]["/api/v1/procedures"]
    assert "patch" in document["paths"]["/api/v1/procedures/{procedure_id}"]
    assert "ProcedureIn" in document["components"]["schemas"]
