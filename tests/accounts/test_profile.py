"""/me and /api/v1/me: display name, e-mail change, password, sessions, tokens, notifications."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx
from sqlalchemy import select, update
from starlette.applications import Starlette

from dialog.accounts.models import ApiToken, LoginSession
from dialog.db import Database, utcnow
from dialog.live.models import Event
from dialog.notifications.actions import do_notify
from dialog.settings import Settings
from tests import factories
from tests.accounts.conftest import Inbox, MakeUser, SignIn
from tests.discussion.helpers import counting_queries


async def test_the_profile_api_answers_with_the_signed_in_person(
    api: factories.ApiAs, make_user: MakeUser
) -> None:
    user = await make_user()
    response = await api.request(user, "GET", "/api/v1/me")
    assert response.status_code == 200
    assert response.json()["display_name"] == user.display_name


async def test_the_profile_api_needs_a_signed_in_person(api: factories.ApiAs) -> None:
    assert (await api.request(None, "GET", "/api/v1/me")).status_code == 401


async def test_changing_the_display_name_shows_on_the_profile(
    client: httpx.AsyncClient, browser_session: SignIn, make_user: MakeUser
) -> None:
    user = await make_user()
    token = await browser_session(user)
    response = await client.post(
        "/me/display-name", data={"display_name": "Neuer Name", "csrf_token": token}
    )
    assert response.status_code == 303
    assert "Neuer Name" in (await client.get("/me")).text


async def test_a_taken_display_name_is_refused_beside_the_field(
    client: httpx.AsyncClient, browser_session: SignIn, make_user: MakeUser
) -> None:
    await make_user(display_name="Schon Da")
    user = await make_user()
    token = await browser_session(user)
    client.cookies.set("dialog_lang", "en")
    response = await client.post(
        "/me/display-name", data={"display_name": "schon da", "csrf_token": token}
    )
    assert response.status_code == 422
    assert 'id="display_name-error"' in response.text and "is taken" in response.text


async def test_a_new_email_takes_effect_only_after_its_link_is_opened(
    client: httpx.AsyncClient,
    browser_session: SignIn,
    make_user: MakeUser,
    inbox: Inbox,
    api: factories.ApiAs,
) -> None:
    user = await make_user(email="alt@example.org")
    token = await browser_session(user)
    response = await client.post(
        "/me/email", data={"email": "neu@example.org", "csrf_token": token}
    )
    assert response.status_code == 303
    assert (await api.request(user, "GET", "/api/v1/me")).json()["email"] == "alt@example.org"
    link = inbox.link_in(await inbox.last_to("neu@example.org"), "/email/confirm")
    assert (await client.get(link)).status_code == 200
    assert (await api.request(user, "GET", "/api/v1/me")).json()["email"] == "neu@example.org"


async def test_a_taken_address_answers_alike_and_tells_its_owner_instead(
    client: httpx.AsyncClient,
    browser_session: SignIn,
    make_user: MakeUser,
    inbox: Inbox,
    api: factories.ApiAs,
) -> None:
    owner = await make_user(email="besetzt@example.org", display_name="Besitzerin")
    user = await make_user(email="alt@example.org")
    token = await browser_session(user)
    taken = await client.post(
        "/me/email", data={"email": "Besetzt@example.org", "csrf_token": token}
    )
    free = await client.post("/me/email", data={"email": "frei@example.org", "csrf_token": token})
    # The same answer for a taken and a free address: nothing tells whose address it is.
    assert (taken.status_code, taken.headers["location"]) == (
        free.status_code,
        free.headers["location"],
    )
    note = await inbox.last_to("besetzt@example.org")
    assert "Besitzerin" in str(note.get_body(("plain",)))
    assert "/email/confirm" not in str(note)
    assert (await api.request(user, "GET", "/api/v1/me")).json()["email"] == "alt@example.org"
    assert (await api.request(owner, "GET", "/api/v1/me")).json()["email"] == "besetzt@example.org"


async def test_changing_the_password_needs_the_current_one(
    client: httpx.AsyncClient, browser_session: SignIn, make_user: MakeUser
) -> None:
    user = await make_user()
    token = await browser_session(user)
    client.cookies.set("dialog_lang", "en")
    response = await client.post(
        "/me/password",
        data={
            "current_password": "nicht-richtig",
            "new_password": "x-neu-und-lang-1",
            "csrf_token": token,
        },
    )
    assert response.status_code == 422
    assert 'id="current_password-error"' in response.text
    assert "The password is not correct." in response.text


async def test_changing_the_password_ends_the_other_sessions(
    app: Starlette, make_user: MakeUser, db: Database
) -> None:
    user = await make_user()
    transport = httpx.ASGITransport(app=app)
    async with (
        httpx.AsyncClient(transport=transport, base_url="http://testserver") as one,
        httpx.AsyncClient(transport=transport, base_url="http://testserver") as two,
    ):
        await factories.sign_in(one, user)
        token = await factories.sign_in(two, user)
        response = await two.post(
            "/me/password",
            data={
                "current_password": factories.PASSWORD,
                "new_password": "ein-neues-langes-passwort",
                "csrf_token": token,
            },
        )
        assert response.status_code == 303
        assert (await one.get("/api/v1/me")).status_code == 401
        assert (await two.get("/api/v1/me")).status_code == 200


async def test_sessions_are_listed_and_one_can_be_revoked(
    client: httpx.AsyncClient, api: factories.ApiAs, make_user: MakeUser, db: Database
) -> None:
    user = await make_user()
    await factories.sign_in(client, user)
    listed = (await api.request(user, "GET", "/api/v1/me/sessions")).json()
    assert len(listed) == 1
    gone = await api.request(user, "DELETE", f"/api/v1/me/sessions/{listed[0]['id']}")
    assert gone.status_code == 204
    assert (await client.get("/api/v1/me")).status_code == 401


async def test_api_tokens_are_listed_and_revoked(api: factories.ApiAs, make_user: MakeUser) -> None:
    user = await make_user()
    listed = (await api.request(user, "GET", "/api/v1/me/tokens")).json()
    assert len(listed) == 1 and "token" not in listed[0]
    other = await factories.token(api.db, user)
    response = await api.request(
        None,
        "DELETE",
        f"/api/v1/me/tokens/{listed[0]['id']}",
        headers={"Authorization": f"Bearer {other}"},
    )
    assert response.status_code == 204
    assert (await api.request(user, "GET", "/api/v1/me")).status_code == 401


async def test_a_token_request_reads_only_and_notes_its_last_use_once_a_minute(
    api: factories.ApiAs, make_user: MakeUser, db: Database
) -> None:
    user = await make_user()

    async def last_used() -> datetime | None:
        async with db.reading() as session:
            return await session.scalar(
                select(ApiToken.last_used_at).where(ApiToken.user_id == user.id)
            )

    with counting_queries(db) as statements:
        assert (await api.request(user, "GET", "/api/v1/me")).status_code == 200
    first = await last_used()
    assert first is not None and [s for s in statements if s.startswith("UPDATE api_tokens")]
    with counting_queries(db) as statements:
        assert (await api.request(user, "GET", "/api/v1/me")).status_code == 200
    assert await last_used() == first  # within the minute: nothing written
    # only reads: no write transaction either (SQLite's writers begin with BEGIN IMMEDIATE)
    assert not [s for s in statements if not s.startswith("SELECT") and s != "BEGIN"]
    async with db.unit_of_work() as uow:
        await uow.session.execute(
            update(ApiToken)
            .where(ApiToken.user_id == user.id)
            .values(last_used_at=utcnow() - timedelta(minutes=2))
        )
    assert (await api.request(user, "GET", "/api/v1/me")).status_code == 200
    later = await last_used()
    assert later is not None and later > first


async def test_a_new_token_is_shown_once_on_the_profile_page(
    client: httpx.AsyncClient, browser_session: SignIn, make_user: MakeUser
) -> None:
    user = await make_user()
    token = await browser_session(user)
    response = await client.post("/me/tokens", data={"name": "Skript", "csrf_token": token})
    assert response.status_code == 201
    assert "dlg_" in response.text
    assert "dlg_" not in (await client.get("/me")).text


async def test_logout_ends_the_session_and_tells_its_sockets(
    client: httpx.AsyncClient, make_user: MakeUser, db: Database
) -> None:
    user = await make_user()
    token = await factories.sign_in(client, user)
    async with db.reading() as session:
        login = await session.scalar(select(LoginSession))
    assert login is not None
    assert (await client.post("/logout", data={"csrf_token": token})).status_code == 303
    async with db.reading() as session:
        event = await session.scalar(select(Event).where(Event.topic == f"session:{login.id}"))
        ended = await session.get(LoginSession, login.id)
    assert event is not None and event.type == "session.ended"
    assert ended is not None and ended.revoked_at is not None
    assert (await client.get("/api/v1/me")).status_code == 401


async def test_notifications_are_listed_and_marked_read(
    api: factories.ApiAs, make_user: MakeUser, db: Database, settings: Settings
) -> None:
    user = await make_user()
    async with db.unit_of_work() as uow:
        await do_notify(uow, settings, [user.id], kind="answer.published", title="Antwort da")
    listed = (await api.request(user, "GET", "/api/v1/me/notifications")).json()
    assert [n["title"] for n in listed] == ["Antwort da"] and listed[0]["read_at"] is None
    done = await api.request(
        user, "POST", "/api/v1/me/notifications/read", json={"ids": [listed[0]["id"]]}
    )
    assert done.status_code == 204
    again = (await api.request(user, "GET", "/api/v1/me/notifications")).json()
    assert again[0]["read_at"] is not None


async def test_the_mail_preference_is_saved(
    client: httpx.AsyncClient,
    browser_session: SignIn,
    make_user: MakeUser,
    api: factories.ApiAs,
) -> None:
    user = await make_user()
    token = await browser_session(user)
    await client.post("/me/preferences", data={"notify_by_mail": "on", "csrf_token": token})
    assert (await api.request(user, "GET", "/api/v1/me")).json()["notify_by_mail"] is True


async def test_the_language_of_mails_is_chosen_on_the_profile_page(
    client: httpx.AsyncClient, make_user: MakeUser, browser_session: SignIn, api: factories.ApiAs
) -> None:
    user = await make_user()
    token = await browser_session(user)
    await client.post("/me/preferences", data={"locale": "en", "csrf_token": token})
    assert (await api.request(user, "GET", "/api/v1/me")).json()["locale"] == "en"


async def test_the_language_of_mails_is_changed_through_the_api_and_checked(
    make_user: MakeUser, api: factories.ApiAs
) -> None:
    user = await make_user()
    wrong = await api.request(user, "PATCH", "/api/v1/me", json={"locale": "fr"})
    assert wrong.status_code == 422
    assert "locale" in wrong.json()["error"]["fields"]
    changed = await api.request(user, "PATCH", "/api/v1/me", json={"locale": "en"})
    assert changed.json()["locale"] == "en"


async def test_a_browser_session_can_be_extended_without_reloading(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    user = await make_user()
    token = await factories.sign_in(client, user)
    response = await client.post("/api/v1/session/extend", headers={"X-CSRF-Token": token})
    assert response.status_code == 200
    assert 1700 <= response.json()["expires_in"] <= 1800


async def test_extending_needs_the_csrf_token(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    user = await make_user()
    await factories.sign_in(client, user)
    assert (await client.post("/api/v1/session/extend")).status_code == 403


async def test_pages_of_a_browser_session_carry_the_idle_timeout_for_the_warning(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    user = await make_user()
    assert 'name="session-timeout"' not in (await client.get("/")).text
    await factories.sign_in(client, user)
    assert '<meta name="session-timeout" content="1800">' in (await client.get("/")).text
