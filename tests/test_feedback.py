"""The accessibility feedback form: mail to the office, errors beside the field, a rate limit."""

from __future__ import annotations

from email import message_from_bytes, policy

import httpx

from dialog.db import Database
from dialog.settings import Settings
from dialog.web.feedback import OFFICE_EMAIL
from tests import factories
from tests.mailbox import settled

MESSAGE = "Die Karte im Vorhaben lässt sich nicht mit der Tastatur bedienen."


async def send(client: httpx.AsyncClient, **fields: str) -> httpx.Response:
    token = await factories.csrf(client)
    return await client.post("/accessibility", data={"csrf_token": token, **fields})


async def test_feedback_is_mailed_to_the_office_and_confirmed(
    client: httpx.AsyncClient, settings: Settings, db: Database
) -> None:
    response = await send(client, message=MESSAGE, location="/procedures/3", email="a@example.org")
    assert response.status_code == 303
    assert response.headers["location"] == "/accessibility?sent=1#feedback-heading"
    confirmed = await client.get(response.headers["location"])
    assert 'role="status"' in confirmed.text
    await settled(db)
    [written] = (settings.var_dir / "mail").glob("*.eml")
    mail = message_from_bytes(written.read_bytes(), policy=policy.default)
    assert mail["To"] == OFFICE_EMAIL
    assert mail["Reply-To"] == "a@example.org"
    assert MESSAGE in mail.get_body().get_content()  # type: ignore[union-attr]


async def test_feedback_with_a_wrong_reply_address_is_refused_beside_the_field(
    client: httpx.AsyncClient, settings: Settings, db: Database
) -> None:
    response = await send(client, message=MESSAGE, email="keine-adresse")
    assert response.status_code == 422
    assert 'id="email-error"' in response.text
    assert 'aria-invalid="true"' in response.text
    assert MESSAGE in response.text  # nothing typed is lost
    await settled(db)
    assert not (settings.var_dir / "mail").exists()


async def test_feedback_is_limited_to_five_messages_an_hour_per_address(
    client: httpx.AsyncClient, settings: Settings, db: Database
) -> None:
    statuses = [(await send(client, message=f"{MESSAGE} ({n})")).status_code for n in range(6)]
    assert statuses == [303] * 5 + [429]
    await settled(db)
    assert len(list((settings.var_dir / "mail").glob("*.eml"))) == 5
