"""Sign-in with the city's single sign-on against a real OpenID provider on loopback."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import httpx
import pytest
from sqlalchemy import select, update

from dialog.accounts.models import AccountAudit, OidcIdentity, OidcLogin, User
from dialog.db import Database
from dialog.procedures.models import Department
from dialog.settings import Settings
from tests.accounts.conftest import MakeUser
from tests.accounts.oidc_provider import PkceEnforcer, running_provider


@pytest.fixture
def provider() -> Iterator[tuple[str, PkceEnforcer]]:
    with running_provider() as running:
        yield running


@pytest.fixture
def settings(settings: Settings, provider: tuple[str, PkceEnforcer]) -> Settings:
    return dataclasses.replace(
        settings,
        oidc_issuer=provider[0],
        oidc_client_id="dialog",
        oidc_client_secret="geheim",
        oidc_role_map={
            "dialog-moderation": "moderator",
            "fb-stadtplanung": "staff:stadtplanung",
            "dialog-admins": "admin",
        },
    )


async def set_claims(issuer: str, sub: str, **claims: object) -> None:
    async with httpx.AsyncClient() as idp:
        response = await idp.put(f"{issuer}/users/{quote(sub)}", json=claims)
        assert response.status_code == 204


async def authorize(
    client: httpx.AsyncClient, sub: str, tamper: dict[str, str] | None = None
) -> str:
    """Start sign-in at dialog, approve at the provider; returns the callback path."""
    start = await client.get("/login/oidc?next=/me")
    assert start.status_code == 303
    location = start.headers["location"]
    if tamper:
        parts = urlsplit(location)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()} | tamper
        location = parts._replace(query=urlencode(query)).geturl()
    async with httpx.AsyncClient() as idp:
        approved = await idp.post(location, data={"sub": sub})
    assert approved.status_code in (302, 303), approved.text
    back = urlsplit(approved.headers["location"])
    assert back.path == "/login/oidc/callback"
    return f"{back.path}?{back.query}"


async def me(client: httpx.AsyncClient) -> httpx.Response:
    return await client.get("/api/v1/me")


async def test_the_sign_in_button_shows_on_the_login_page_when_configured(
    client: httpx.AsyncClient,
) -> None:
    client.cookies.set("dialog_lang", "en")
    page = await client.get("/login")
    assert "Sign in with the city's account" in page.text
    assert 'href="/login/oidc?next=' in page.text


async def test_a_new_person_signs_in_and_gets_the_mapped_role(
    client: httpx.AsyncClient, provider: tuple[str, PkceEnforcer]
) -> None:
    issuer, _pkce = provider
    await set_claims(
        issuer,
        "m-1",
        email="mod@potsdam.de",
        email_verified=True,
        name="Mo Derator",
        groups=["dialog-moderation"],
    )
    callback = await authorize(client, "m-1")
    done = await client.get(callback)
    assert done.status_code == 303 and done.headers["location"] == "/me"
    profile = (await me(client)).json()
    assert profile["role"] == "moderator"
    assert profile["email"] == "mod@potsdam.de" and profile["email_verified"] is True


async def test_the_authorization_request_uses_pkce_s256_and_the_provider_checks_it(
    client: httpx.AsyncClient, provider: tuple[str, PkceEnforcer], db: Database
) -> None:
    issuer, pkce = provider
    await set_claims(issuer, "p-1", email="p@potsdam.de", email_verified=True, name="Pia")
    start = await client.get("/login/oidc")
    query = parse_qs(urlsplit(start.headers["location"]).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"]
    assert query["nonce"] and query["state"]
    callback = await authorize(client, "p-1")
    async with db.unit_of_work() as uow:  # a verifier that does not match the challenge
        await uow.session.execute(update(OidcLogin).values(code_verifier="x" * 64))
    refused = await client.get(callback)
    assert refused.status_code == 400 and pkce.refused == 1
    assert (await me(client)).status_code == 401


async def test_staff_are_mapped_to_their_department(
    client: httpx.AsyncClient, provider: tuple[str, PkceEnforcer], department: Department
) -> None:
    issuer, _pkce = provider
    await set_claims(
        issuer,
        "s-1",
        email="s@potsdam.de",
        email_verified=True,
        name="Sven Stadt",
        groups=["fb-stadtplanung", "unrelated"],
    )
    await client.get(await authorize(client, "s-1"))
    profile = (await me(client)).json()
    assert profile["role"] == "staff" and profile["department_id"] == department.id


async def test_an_existing_account_is_linked_by_a_verified_email(
    client: httpx.AsyncClient,
    provider: tuple[str, PkceEnforcer],
    make_user: MakeUser,
    db: Database,
) -> None:
    issuer, _pkce = provider
    existing = await make_user(email="anna@example.org")
    await set_claims(issuer, "a-1", email="anna@example.org", email_verified=True, name="Anna")
    await client.get(await authorize(client, "a-1"))
    assert (await me(client)).json()["id"] == existing.id
    async with db.reading() as session:
        identity = await session.scalar(select(OidcIdentity))
        actions = (await session.scalars(select(AccountAudit.action))).all()
    assert identity is not None and identity.user_id == existing.id
    assert identity.issuer == issuer and identity.subject == "a-1"
    assert "oidc.link" in actions


async def test_an_unverified_email_does_not_take_over_an_existing_account(
    client: httpx.AsyncClient, provider: tuple[str, PkceEnforcer], make_user: MakeUser
) -> None:
    issuer, _pkce = provider
    await make_user(email="anna@example.org")
    await set_claims(issuer, "evil", email="anna@example.org", email_verified=False, name="Eve")
    refused = await client.get(await authorize(client, "evil"))
    assert refused.status_code == 409
    assert (await me(client)).status_code == 401


async def test_the_same_subject_signs_in_to_the_same_account_again(
    client: httpx.AsyncClient, provider: tuple[str, PkceEnforcer], db: Database
) -> None:
    issuer, _pkce = provider
    await set_claims(issuer, "r-1", email="r@potsdam.de", email_verified=True, name="Rita")
    await client.get(await authorize(client, "r-1"))
    first = (await me(client)).json()["id"]
    await client.get(await authorize(client, "r-1"))
    assert (await me(client)).json()["id"] == first
    async with db.reading() as session:
        assert len((await session.scalars(select(User))).all()) == 1


async def test_a_forged_state_is_refused(
    client: httpx.AsyncClient, provider: tuple[str, PkceEnforcer]
) -> None:
    issuer, _pkce = provider
    await set_claims(issuer, "f-1", email="f@potsdam.de", email_verified=True, name="Fritz")
    callback = await authorize(client, "f-1")
    forged = callback.replace("state=", "state=forged")
    refused = await client.get(forged)
    assert refused.status_code == 400
    assert (await me(client)).status_code == 401


async def test_a_callback_from_another_browser_is_refused(
    app: object, client: httpx.AsyncClient, provider: tuple[str, PkceEnforcer]
) -> None:
    issuer, _pkce = provider
    await set_claims(issuer, "f-2", email="f2@potsdam.de", email_verified=True, name="Frida")
    callback = await authorize(client, "f-2")
    client.cookies.delete("dialog_oidc_state")  # the victim's browser never started this login
    assert (await client.get(callback)).status_code == 400
    assert (await me(client)).status_code == 401


async def test_a_wrong_nonce_is_refused(
    client: httpx.AsyncClient, provider: tuple[str, PkceEnforcer]
) -> None:
    issuer, _pkce = provider
    await set_claims(issuer, "n-1", email="n@potsdam.de", email_verified=True, name="Nina")
    callback = await authorize(client, "n-1", tamper={"nonce": "injected-nonce"})
    refused = await client.get(callback)
    assert refused.status_code == 400
    assert (await me(client)).status_code == 401


async def test_a_replayed_code_is_refused(
    client: httpx.AsyncClient, provider: tuple[str, PkceEnforcer]
) -> None:
    issuer, _pkce = provider
    await set_claims(issuer, "c-1", email="c@potsdam.de", email_verified=True, name="Carl")
    callback = await authorize(client, "c-1")
    assert (await client.get(callback)).status_code == 303
    await client.post("/logout", data={"csrf_token": client.cookies["dialog_csrf"]})
    # The same callback again: its state was used up.
    assert (await client.get(callback)).status_code == 400
    # The old code with a freshly started (valid) state: the provider refuses the code.
    start = await client.get("/login/oidc")
    state = parse_qs(urlsplit(start.headers["location"]).query)["state"][0]
    code = parse_qs(urlsplit(callback).query)["code"][0]
    replay = await client.get(f"/login/oidc/callback?code={code}&state={state}")
    assert replay.status_code == 400
    assert (await me(client)).status_code == 401
