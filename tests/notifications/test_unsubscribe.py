"""One-click unsubscribe (RFC 8058): signed links that work without signing in."""

from __future__ import annotations

import httpx
from starlette.applications import Starlette

from dialog.notifications import unsubscribe
from dialog.settings import Settings
from tests import factories
from tests.notifications.conftest import MakeUser

SECRET = "s" * 40


def test_a_token_names_its_person_and_scope_and_cannot_be_forged() -> None:
    token = unsubscribe.token(SECRET, 12, "daily")
    assert unsubscribe.read(SECRET, token) == (12, "daily")
    number, scope, signature = token.split(".")
    assert unsubscribe.read(SECRET, f"13.{scope}.{signature}") is None
    assert unsubscribe.read(SECRET, f"{number}.all.{signature}") is None
    assert unsubscribe.read("t" * 40, token) is None
    assert unsubscribe.read(SECRET, "garbage") is None


def test_a_digest_link_turns_off_every_kind_that_goes_to_that_digest() -> None:
    assert unsubscribe.turned_off("daily", {}) == {"followed": "off"}
    assert unsubscribe.turned_off("reply", {}) == {"reply": "off"}
    assert set(unsubscribe.turned_off("all", {})) == {"reply", "answer", "followed", "moderation"}


async def preferences(api: factories.ApiAs, who: object) -> dict[str, object]:
    response = await api.request(who, "GET", "/api/v1/me/notification-preferences")  # type: ignore[arg-type]
    body: dict[str, object] = response.json()
    return body


async def test_the_link_asks_first_then_unsubscribes_without_signing_in(
    app: Starlette, api: factories.ApiAs, make_user: MakeUser, settings: Settings
) -> None:
    resident = await make_user(locale="en")
    link = f"/unsubscribe/{unsubscribe.token(settings.secret_key, resident.id, 'daily')}"
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as stranger:
        page = await stranger.get(link, headers={"Accept-Language": "en"})
        assert page.status_code == 200
        assert "Stop the daily digest?" in page.text
        assert (await preferences(api, resident))["followed"] == "daily"
        token = str(stranger.cookies["dialog_csrf"])
        done = await stranger.post(
            link, data={"csrf_token": token}, headers={"Accept-Language": "en"}
        )
        assert done.status_code == 200
        assert "we no longer send you these mails" in done.text
    assert (await preferences(api, resident))["followed"] == "off"
    assert (await preferences(api, resident))["reply"] == "now"


async def test_a_mail_program_unsubscribes_with_one_post_and_no_cookies(
    app: Starlette, api: factories.ApiAs, make_user: MakeUser, settings: Settings
) -> None:
    resident = await make_user()
    link = f"/unsubscribe/{unsubscribe.token(settings.secret_key, resident.id, 'all')}"
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as mailer:
        done = await mailer.post(
            link,
            content=b"List-Unsubscribe=One-Click",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
    assert done.status_code == 200
    chosen = await preferences(api, resident)
    assert {chosen[k] for k in ("reply", "answer", "followed", "moderation")} == {"off"}


async def test_a_forged_link_is_refused(client: httpx.AsyncClient, make_user: MakeUser) -> None:
    resident = await make_user()
    forged = f"/unsubscribe/{resident.id}.all.AAAAAAAAAAAAAAAAAAAAAAAA"
    assert (await client.get(forged)).status_code == 404
    assert (await client.post(forged)).status_code == 404
