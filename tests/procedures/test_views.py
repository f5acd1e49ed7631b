"""The server-rendered pages of the Vorhabenliste: reading, filtering, editing by form."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

import httpx

from dialog.accounts.models import User
from dialog.db import Database
from dialog.procedures.models import Department, Procedure, Thread
from tests import factories

MakeUser = Callable[..., Awaitable[User]]
SignIn = Callable[[User], Awaitable[str]]


def form_values(**fields: str | list[str]) -> dict[str, str | list[str]]:
    return {
        "title": "Sitzbänke am Griebnitzsee",
        "summary": "Mehr Sitzgelegenheiten am Uferweg für ältere Menschen.",
        "description": "",
        "department": "stadtplanung",
        "level": "consultation",
        "initiator": "residents",
        "phase": "planned",
        "method": "",
        **fields,
    }


async def test_home_shows_active_procedures(
    client: httpx.AsyncClient, db: Database, department: Department
) -> None:
    await factories.procedure(db, department, title="Radweg an der Havel", phase="active")
    response = await client.get("/")
    assert response.status_code == 200
    assert "Radweg an der Havel" in response.text
    assert 'lang="de"' in response.text


async def test_the_list_filters_by_district_and_phase(
    client: httpx.AsyncClient, db: Database, department: Department
) -> None:
    west = await factories.district(db, "potsdam-west", "Potsdam West")
    await factories.procedure(db, department, title="Schulweg West", districts=[west])
    await factories.procedure(db, department, title="Marktplatz Mitte")
    response = await client.get("/procedures?district=potsdam-west&phase=active")
    assert "Schulweg West" in response.text and "Marktplatz Mitte" not in response.text
    assert re.search(r"1 (Vorhaben gefunden|procedure found)", response.text)


async def test_an_unknown_filter_value_falls_back_to_the_full_list(
    client: httpx.AsyncClient, procedure: Procedure
) -> None:
    response = await client.get("/procedures?phase=someday")
    assert response.status_code == 200 and procedure.title in response.text


async def test_procedure_page_shows_timeline_contact_and_threads(
    client: httpx.AsyncClient, procedure: Procedure, thread: Thread
) -> None:
    by_id = await client.get(f"/procedures/{procedure.id}")
    by_slug = await client.get(f"/procedures/{procedure.slug}")
    assert by_id.status_code == by_slug.status_code == 200
    assert thread.title in by_id.text and f'href="/threads/{thread.id}"' in by_id.text
    assert 'aria-current="step"' in by_id.text


async def test_staff_create_a_procedure_with_the_form(
    client: httpx.AsyncClient,
    make_user: MakeUser,
    department: Department,
    browser_session: SignIn,
) -> None:
    token = await browser_session(await make_user("staff", department))
    response = await client.post(
        "/procedures/new",
        data={
            **form_values(),
            "csrf_token": token,
            "active_start": "2027-01-10",
            "active_end": "2027-02-10",
            "links": "Plan | https://www.potsdam.de/plan.pdf",
        },
    )
    assert response.status_code == 303, response.text
    page = await client.get(response.headers["location"])
    assert "Sitzbänke am Griebnitzsee" in page.text
    assert "https://www.potsdam.de/plan.pdf" in page.text


async def test_form_errors_appear_beside_each_field_and_keep_the_input(
    client: httpx.AsyncClient,
    make_user: MakeUser,
    department: Department,
    browser_session: SignIn,
) -> None:
    token = await browser_session(await make_user("staff", department))
    response = await client.post(
        "/procedures/new",
        data={
            **form_values(title="", summary="kurz", contact_email="kaputt"),
            "csrf_token": token,
            "active_start": "2027-03-01",
            "active_end": "2027-02-01",
            "links": "ohne Adresse",
        },
    )
    assert response.status_code == 422
    for field in ("title", "summary", "contact_email", "active_end", "links"):
        assert f'id="{field}-error"' in response.text, field
        assert re.search(rf'id="{field}"[^>]*aria-invalid="true"', response.text), field
    assert "Mehr Sitzgelegenheiten" not in response.text  # the summary "kurz" was kept instead
    assert ">kurz</textarea>" in response.text


async def test_form_errors_are_in_english_when_english_is_chosen(
    client: httpx.AsyncClient,
    make_user: MakeUser,
    department: Department,
    browser_session: SignIn,
) -> None:
    token = await browser_session(await make_user("staff", department))
    client.cookies.set("dialog_lang", "en")
    response = await client.post(
        "/procedures/new", data={**form_values(title=""), "csrf_token": token}
    )
    assert "Please enter at least 3 characters." in response.text


async def test_a_form_without_csrf_token_is_refused(
    client: httpx.AsyncClient,
    make_user: MakeUser,
    department: Department,
    browser_session: SignIn,
) -> None:
    await browser_session(await make_user("staff", department))
    response = await client.post("/procedures/new", data=form_values())
    assert response.status_code == 403


async def test_a_form_from_another_origin_is_refused(
    client: httpx.AsyncClient,
    make_user: MakeUser,
    department: Department,
    browser_session: SignIn,
) -> None:
    token = await browser_session(await make_user("staff", department))
    response = await client.post(
        "/procedures/new",
        data={**form_values(), "csrf_token": token},
        headers={"Origin": "https://evil.example"},
    )
    assert response.status_code == 403


async def test_residents_get_403_on_the_new_procedure_form(
    client: httpx.AsyncClient, make_user: MakeUser, browser_session: SignIn
) -> None:
    await browser_session(await make_user())
    assert (await client.get("/procedures/new")).status_code == 403


async def test_anonymous_visitors_are_asked_to_sign_in(client: httpx.AsyncClient) -> None:
    response = await client.get("/procedures/new")
    assert response.status_code == 401
    assert 'href="/login?next=' in response.text


async def test_staff_of_another_department_cannot_edit(
    client: httpx.AsyncClient,
    make_user: MakeUser,
    procedure: Procedure,
    other_department: Department,
    browser_session: SignIn,
) -> None:
    await browser_session(await make_user("staff", other_department))
    assert (await client.get(f"/procedures/{procedure.id}/edit")).status_code == 403


async def test_staff_edit_their_procedure_with_the_form(
    client: httpx.AsyncClient,
    make_user: MakeUser,
    procedure: Procedure,
    department: Department,
    browser_session: SignIn,
) -> None:
    token = await browser_session(await make_user("staff", department))
    form = await client.get(f"/procedures/{procedure.id}/edit")
    assert procedure.title in form.text
    response = await client.post(
        f"/procedures/{procedure.id}/edit",
        data={**form_values(title="Neuer Titel", phase="evaluation"), "csrf_token": token},
    )
    assert response.status_code == 303
    assert "Neuer Titel" in (await client.get(f"/procedures/{procedure.id}")).text


async def test_staff_open_a_thread_with_the_form(
    client: httpx.AsyncClient,
    make_user: MakeUser,
    procedure: Procedure,
    department: Department,
    browser_session: SignIn,
) -> None:
    token = await browser_session(await make_user("staff", department))
    response = await client.post(
        f"/procedures/{procedure.id}/threads/new",
        data={
            "title": "Wo fehlen Bänke?",
            "question": "Nennen Sie Orte.",
            "moderation": "pre",
            "opens_at": "",
            "closes_at": "2027-06-01T18:00",
            "csrf_token": token,
        },
    )
    assert response.status_code == 303, response.text
    assert "Wo fehlen Bänke?" in (await client.get(response.headers["location"])).text


async def test_the_methods_toolkit_lists_each_method(
    client: httpx.AsyncClient, db: Database
) -> None:
    async with db.unit_of_work() as uow:
        from dialog.procedures.models import Method

        uow.session.add(
            Method(
                slug="buergerrat",
                name="Bürgerrat",
                purpose="Empfehlungen",
                when_to_use="Grundsatzfragen",
                effort="high",
                level="co-decision",
            )
        )
    response = await client.get("/methods")
    assert 'id="buergerrat"' in response.text and "Bürgerrat" in response.text
