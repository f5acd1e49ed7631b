"""Registration, the verification link from a real mail, password reset, bad input."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select, update

from dialog.accounts.models import Consent, OneTimeToken, User
from dialog.db import Database, utcnow
from dialog.procedures.models import Department
from tests import factories
from tests.accounts.conftest import Inbox, MakeUser

PASSWORD = "lange-sichere-passphrase-42"


async def register(
    client: httpx.AsyncClient, email: str = "neu@example.org", **fields: str
) -> httpx.Response:
    data = {
        "email": email,
        "display_name": "Neue Stimme",
        "password": PASSWORD,
        "privacy": "on",
        "netiquette": "on",
        "csrf_token": await factories.csrf(client),
        **fields,
    }
    return await client.post("/register", data=data)


async def test_registration_sends_a_verification_mail_whose_link_confirms_the_address(
    client: httpx.AsyncClient, inbox: Inbox, db: Database
) -> None:
    response = await register(client)
    assert response.status_code == 200
    message = await inbox.last_to("neu@example.org")
    assert message.get_body(("html",)) is not None
    link = inbox.link_in(message, "/verify")
    assert (await client.get(link)).status_code == 200
    async with db.reading() as session:
        user = await session.scalar(select(User).where(User.email == "neu@example.org"))
    assert user is not None and user.email_verified_at is not None


async def test_a_verification_link_works_only_once(client: httpx.AsyncClient, inbox: Inbox) -> None:
    await register(client)
    link = inbox.link_in(await inbox.last_to("neu@example.org"), "/verify")
    await client.get(link)
    assert (await client.get(link)).status_code == 400


async def test_only_the_hash_of_a_mailed_token_is_stored(
    client: httpx.AsyncClient, inbox: Inbox, db: Database
) -> None:
    await register(client)
    link = inbox.link_in(await inbox.last_to("neu@example.org"), "/verify")
    raw = link.split("token=")[1]
    async with db.reading() as session:
        hashes = (await session.scalars(select(OneTimeToken.token_hash))).all()
    assert hashes and raw not in hashes


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "This link has expired or was already used."),
        ("de", "Dieser Link ist abgelaufen oder wurde bereits verwendet."),
    ],
)
async def test_an_expired_verification_link_is_refused_with_a_clear_message(
    client: httpx.AsyncClient, inbox: Inbox, db: Database, lang: str, expected: str
) -> None:
    await register(client)
    link = inbox.link_in(await inbox.last_to("neu@example.org"), "/verify")
    async with db.unit_of_work() as uow:
        await uow.session.execute(
            update(OneTimeToken).values(expires_at=utcnow() - timedelta(seconds=1))
        )
    client.cookies.set("dialog_lang", lang)
    response = await client.get(link)
    assert response.status_code == 400
    assert expected in response.text


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "This link has expired or was already used."),
        ("de", "Dieser Link ist abgelaufen oder wurde bereits verwendet."),
    ],
)
async def test_an_expired_reset_link_is_refused_beside_the_password_field(
    client: httpx.AsyncClient,
    inbox: Inbox,
    db: Database,
    make_user: MakeUser,
    lang: str,
    expected: str,
) -> None:
    user = await make_user()
    token = await factories.csrf(client)
    await client.post("/password/reset", data={"email": user.email, "csrf_token": token})
    link = inbox.link_in(await inbox.last_to(str(user.email)), "/password/reset/confirm")
    async with db.unit_of_work() as uow:
        await uow.session.execute(
            update(OneTimeToken).values(expires_at=utcnow() - timedelta(seconds=1))
        )
    client.cookies.set("dialog_lang", lang)
    response = await client.post(
        "/password/reset/confirm",
        data={
            "token": link.split("token=")[1],
            "password": "ein-ganz-neues-passwort",
            "csrf_token": token,
        },
    )
    assert response.status_code == 422
    assert 'id="token-error"' in response.text and expected in response.text


async def test_registration_records_the_privacy_and_netiquette_consents(
    client: httpx.AsyncClient, inbox: Inbox, db: Database
) -> None:
    await register(client)
    async with db.reading() as session:
        kinds = set((await session.scalars(select(Consent.kind))).all())
    assert kinds == {"privacy", "netiquette"}


@pytest.mark.parametrize(
    ("lang", "password", "expected"),
    [
        ("en", "kurz", "at least 10 characters"),
        ("de", "kurz", "mindestens 10 Zeichen"),
        ("en", "password123", "too common"),
        ("de", "password123", "zu verbreitet"),
    ],
)
async def test_a_weak_password_gets_a_message_beside_the_field(
    client: httpx.AsyncClient, inbox: Inbox, lang: str, password: str, expected: str
) -> None:
    client.cookies.set("dialog_lang", lang)
    response = await register(client, password=password)
    assert response.status_code == 422
    assert 'id="password-error"' in response.text
    assert expected in response.text
    assert await inbox.messages() == []


async def test_password_reset_mail_link_sets_a_new_password_that_signs_in(
    client: httpx.AsyncClient, inbox: Inbox, make_user: MakeUser
) -> None:
    user = await make_user(email="vergessen@example.org")
    token = await factories.csrf(client)
    response = await client.post(
        "/password/reset", data={"email": "vergessen@example.org", "csrf_token": token}
    )
    assert response.status_code == 200
    link = inbox.link_in(await inbox.last_to("vergessen@example.org"), "/password/reset/confirm")
    form = await client.get(link)
    assert form.status_code == 200
    raw = link.split("token=")[1]
    response = await client.post(
        "/password/reset/confirm",
        data={"token": raw, "password": "ein-ganz-neues-passwort", "csrf_token": token},
    )
    assert response.status_code == 200
    await factories.sign_in(client, user, "ein-ganz-neues-passwort")


async def test_password_reset_answers_the_same_for_unknown_accounts(
    client: httpx.AsyncClient, inbox: Inbox, make_user: MakeUser
) -> None:
    await make_user(email="bekannt@example.org")
    token = await factories.csrf(client)
    known = await client.post(
        "/password/reset", data={"email": "bekannt@example.org", "csrf_token": token}
    )
    unknown = await client.post(
        "/password/reset", data={"email": "unbekannt@example.org", "csrf_token": token}
    )
    assert known.status_code == unknown.status_code == 200
    assert known.text.replace("bekannt", "") == unknown.text.replace("unbekannt", "")
    assert [str(m["To"]) for m in await inbox.messages()] == ["bekannt@example.org"]


async def test_staff_need_fifteen_characters_when_resetting(
    client: httpx.AsyncClient, inbox: Inbox, make_user: MakeUser, department: Department
) -> None:
    staff = await make_user("staff", department)
    token = await factories.csrf(client)
    await client.post("/password/reset", data={"email": staff.email, "csrf_token": token})
    raw = inbox.link_in(await inbox.last_to(str(staff.email)), "/password/reset/confirm")
    raw = raw.split("token=")[1]
    client.cookies.set("dialog_lang", "en")
    response = await client.post(
        "/password/reset/confirm",
        data={"token": raw, "password": "zwoelf-zeichen", "csrf_token": token},
    )
    assert response.status_code == 422
    assert "at least 15 characters" in response.text


async def test_a_wrong_password_gets_a_message_beside_the_field_in_german(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    user = await make_user()
    token = await factories.csrf(client)
    response = await client.post(
        "/login", data={"email": user.email, "password": "falsch-falsch", "csrf_token": token}
    )
    assert response.status_code == 422
    assert 'id="password-error"' in response.text
    assert "E-Mail-Adresse oder Passwort ist falsch." in response.text


@pytest.mark.parametrize(
    ("lang", "subject", "phrase"),
    [
        ("de", "Bitte bestätigen Sie Ihre E-Mail-Adresse", "24 Stunden gültig"),
        ("en", "Please confirm your e-mail address", "valid for 24 hours"),
    ],
)
async def test_the_verification_mail_is_in_the_language_of_the_registration(
    client: httpx.AsyncClient, inbox: Inbox, lang: str, subject: str, phrase: str
) -> None:
    client.cookies.set("dialog_lang", lang)
    await register(client)
    message = await inbox.last_to("neu@example.org")
    assert message["Subject"] == subject
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and phrase in text.get_content()
    assert html is not None and phrase in html.get_content()


async def test_parallel_registrations_of_one_address_make_one_account_and_answer_alike(
    client: httpx.AsyncClient, db: Database
) -> None:
    """On PostgreSQL the second insert of a racing pair hit the unique address and answered
    500; now it answers like any registration of a known address."""
    answers = await asyncio.gather(
        *(register(client, "zwilling@example.org", display_name=f"Zwilling {n}") for n in range(5))
    )
    assert [a.status_code for a in answers] == [200] * 5
    async with db.reading() as session:
        found = (
            await session.scalars(select(User).where(User.email == "zwilling@example.org"))
        ).all()
    assert len(found) == 1
