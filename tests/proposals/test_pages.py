"""The proposal pages: list, form, detail with support, the office's and the department's forms."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx

from dialog.accounts.models import User
from dialog.procedures.models import Department
from tests import factories
from tests.proposals.helpers import decide, propose, published

MakeUser = Callable[..., Awaitable[User]]
SignIn = Callable[[User], Awaitable[str]]


async def test_the_list_shows_published_proposals_only(
    api: factories.ApiAs, make_user: MakeUser, client: httpx.AsyncClient
) -> None:
    author, office = await make_user(), await make_user("office")
    await published(api, author, office, title="Mehr Bänke am Bassinplatz")
    await propose(api, author, title="Noch nicht geprüfter Vorschlag")
    page = await client.get("/proposals")
    assert page.status_code == 200
    assert "Mehr Bänke am Bassinplatz" in page.text
    assert "Noch nicht geprüfter Vorschlag" not in page.text


async def test_a_resident_proposes_through_the_form(
    make_user: MakeUser, client: httpx.AsyncClient, browser_session: SignIn
) -> None:
    token = await browser_session(await make_user())
    response = await client.post(
        "/proposals/new",
        data={
            "csrf_token": token,
            "title": "Ein Spielplatz am Schlaatz",
            "summary": "Ein neuer Spielplatz für die Kinder im Schlaatz.",
            "reason": "Der nächste Spielplatz ist zu weit entfernt für kleine Kinder.",
        },
    )
    assert response.status_code == 303
    page = await client.get(response.headers["location"])
    assert "Ein Spielplatz am Schlaatz" in page.text
    assert "Submitted, waiting for review" in page.text or "wartet" in page.text


async def test_the_form_names_the_wrong_fields(
    make_user: MakeUser, client: httpx.AsyncClient, browser_session: SignIn
) -> None:
    token = await browser_session(await make_user())
    response = await client.post("/proposals/new", data={"csrf_token": token, "title": "x"})
    assert response.status_code == 422
    assert 'id="error-summary"' in response.text and 'href="#summary"' in response.text


async def test_the_form_asks_anonymous_visitors_to_sign_in(client: httpx.AsyncClient) -> None:
    assert (await client.get("/proposals/new")).status_code == 401


async def test_supporting_and_withdrawing_through_the_page(
    api: factories.ApiAs, make_user: MakeUser, client: httpx.AsyncClient, browser_session: SignIn
) -> None:
    proposal = await published(api, await make_user(), await make_user("office"))
    token = await browser_session(await make_user())
    url = f"/proposals/{proposal['id']}"
    response = await client.post(f"{url}/support", data={"csrf_token": token, "action": "support"})
    assert response.status_code == 303
    page = await client.get(url)
    assert '<span id="support-count">1</span>' in page.text
    assert 'name="action" value="withdraw"' in page.text
    await client.post(f"{url}/support", data={"csrf_token": token, "action": "withdraw"})
    page = await client.get(url)
    assert '<span id="support-count">0</span>' in page.text


async def test_the_office_publishes_and_accepts_through_the_page(
    api: factories.ApiAs,
    make_user: MakeUser,
    client: httpx.AsyncClient,
    browser_session: SignIn,
    department: Department,
) -> None:
    created = await propose(api, await make_user())
    token = await browser_session(await make_user("office"))
    url = f"/proposals/{created['id']}"
    page = await client.get(url)
    assert 'name="action" value="publish"' in page.text
    response = await client.post(
        f"{url}/decision",
        data={"csrf_token": token, "action": "publish", "threshold": "2", "days": "14"},
    )
    assert response.status_code == 303
    response = await client.post(
        f"{url}/decision",
        data={"csrf_token": token, "action": "accept", "department": "stadtplanung", "reason": ""},
    )
    assert response.status_code == 303
    seen = (await api.request(None, "GET", f"/api/v1/proposals/{created['id']}")).json()
    assert seen["state"] == "accepted" and seen["threshold"] == 2


async def test_a_decline_without_reasons_is_shown_with_the_field(
    api: factories.ApiAs, make_user: MakeUser, client: httpx.AsyncClient, browser_session: SignIn
) -> None:
    proposal = await published(api, await make_user(), await make_user("office"))
    token = await browser_session(await make_user("office"))
    response = await client.post(
        f"/proposals/{proposal['id']}/decision", data={"csrf_token": token, "action": "decline"}
    )
    assert response.status_code == 422 and 'href="#reason"' in response.text


async def test_a_resident_sees_no_office_forms_and_no_unpublished_proposal(
    api: factories.ApiAs, make_user: MakeUser, client: httpx.AsyncClient, browser_session: SignIn
) -> None:
    office = await make_user("office")
    shown = await published(api, await make_user(), office)
    hidden = await propose(api, await make_user())
    token = await browser_session(await make_user())
    page = await client.get(f"/proposals/{shown['id']}")
    assert 'value="accept"' not in page.text and 'value="decline"' not in page.text
    assert (await client.get(f"/proposals/{hidden['id']}")).status_code == 404
    response = await client.post(
        f"/proposals/{hidden['id']}/decision", data={"csrf_token": token, "action": "publish"}
    )
    assert response.status_code == 403


async def test_the_department_gives_its_statement_through_the_page(
    api: factories.ApiAs,
    make_user: MakeUser,
    client: httpx.AsyncClient,
    browser_session: SignIn,
    department: Department,
) -> None:
    office = await make_user("office")
    proposal = await published(api, await make_user(), office)
    await decide(api, office, proposal["id"], "forward", department="stadtplanung")
    token = await browser_session(await make_user("staff", department))
    url = f"/proposals/{proposal['id']}"
    assert 'action="' + url + '/statement"' in (await client.get(url)).text
    response = await client.post(
        f"{url}/statement",
        data={"csrf_token": token, "body": "Der Fachbereich prüft das gern im nächsten Jahr."},
    )
    assert response.status_code == 303
    assert "im nächsten Jahr" in (await client.get(url)).text


async def test_moderators_see_the_writer_line_and_the_public_does_not(
    api: factories.ApiAs, make_user: MakeUser, client: httpx.AsyncClient, browser_session: SignIn
) -> None:
    author = await make_user(display_name="Erika Beispiel")
    proposal = await published(api, author, await make_user("office"))
    public = await client.get(f"/proposals/{proposal['id']}")
    assert "Verfasst von" not in public.text
    await browser_session(await make_user("moderator"))
    seen = await client.get(f"/proposals/{proposal['id']}")
    assert "Verfasst von (nur für Moderation und WerkStadt sichtbar): Erika Beispiel" in seen.text
