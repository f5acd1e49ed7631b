"""/register tells nobody who has an account: a known address gets the same answer as a new
one, the same work is done for both, and the owner of the address is told by mail."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import func, select

from dialog.accounts import actions, passwords
from dialog.accounts.models import User
from dialog.db import Database
from dialog.mail.models import OutboxMail
from tests import factories
from tests.accounts.conftest import Inbox, MakeUser
from tests.accounts.test_registration import PASSWORD, register

KNOWN = "bekannt@example.org"
NEW = "neu-hier@example.org"


async def test_a_known_and_a_new_address_get_the_same_page_and_status(
    client: httpx.AsyncClient, inbox: Inbox, make_user: MakeUser
) -> None:
    await make_user(email=KNOWN)
    known = await register(client, KNOWN)
    new = await register(client, NEW, display_name="Andere Stimme")
    assert known.status_code == new.status_code == 200
    assert known.text.replace(KNOWN, "ADDRESS") == new.text.replace(NEW, "ADDRESS")


async def test_the_owner_of_a_known_address_is_mailed_instead_of_getting_a_second_account(
    client: httpx.AsyncClient, inbox: Inbox, make_user: MakeUser, db: Database
) -> None:
    owner = await make_user(email=KNOWN, locale="en")
    client.cookies.set("dialog_lang", "de")  # whoever registers speaks German
    await register(client, KNOWN)
    message = await inbox.last_to(KNOWN)
    assert message["Subject"] == "Someone tried to register with your e-mail address"
    body = message.get_body(("plain",))
    assert body is not None
    assert "http://testserver/password/reset" in body.get_content()
    async with db.reading() as session:
        assert await session.scalar(select(func.count()).select_from(User)) == 1
        stored = await session.get(User, owner.id)
    assert stored is not None and passwords.verify_password(stored.password_hash, PASSWORD) is False
    await factories.sign_in(client, owner)  # the owner's own password still works


@pytest.mark.parametrize("address", [KNOWN, NEW])
async def test_both_answers_hash_the_password_once_and_queue_one_mail(
    client: httpx.AsyncClient,
    inbox: Inbox,
    make_user: MakeUser,
    db: Database,
    monkeypatch: pytest.MonkeyPatch,
    address: str,
) -> None:
    """The timing proof without a clock: argon2, the expensive step, runs in both branches,
    and both leave the sending to the mail worker."""
    await make_user(email=KNOWN)
    hashed: list[str] = []

    def counting_hash(password: str) -> str:
        hashed.append(password)
        return passwords.hash_password(password)

    monkeypatch.setattr(actions, "hash_password", counting_hash)
    async with db.reading() as session:
        before = await session.scalar(select(func.count()).select_from(OutboxMail))
    response = await register(client, address)
    assert response.status_code == 200
    assert hashed == [PASSWORD]
    async with db.reading() as session:
        kinds = (
            await session.scalars(select(OutboxMail.kind).where(OutboxMail.recipient == address))
        ).all()
        after = await session.scalar(select(func.count()).select_from(OutboxMail))
    assert after == (before or 0) + 1
    assert kinds == ["account.exists" if address == KNOWN else "account.verify"]
