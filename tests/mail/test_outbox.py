"""Mail is queued in the transaction that causes it, by both write paths, and goes out right
after COMMIT (the worker's poll is an hour away in these tests)."""

from __future__ import annotations

import dataclasses
from collections.abc import Generator
from typing import Any

import pytest
from starlette.applications import Starlette

from dialog.app import create_app
from dialog.db import Changes, Database
from dialog.direct import Direct
from dialog.mail import Attachment, Mail, outbox
from dialog.settings import Settings
from tests import backends
from tests.mail.helpers import letter, queue, stored
from tests.mailbox import SmtpServer, settled


async def test_mail_queued_in_a_unit_of_work_goes_out_right_after_commit(
    db: Database, settings: Settings, smtp: SmtpServer
) -> None:
    [message_id] = await queue(db, settings, letter(1))
    await settled(db)
    [received] = smtp.inbox.to("person1@example.org")
    assert received["Message-ID"] == message_id
    assert received["Subject"] == "Betreff 1"
    [row] = await stored(db)
    assert (row.state, row.attempts, row.sent_at is not None) == ("sent", 1, True)


async def test_mail_queued_by_a_transaction_script_goes_out_right_after_commit(
    app: Starlette, db: Database, settings: Settings, smtp: SmtpServer
) -> None:
    direct: Direct = app.state.services.direct

    def script(changes: Changes) -> Generator[Any, Any, list[str]]:
        return (yield from outbox.queue_in_script(changes, settings, letter(2), letter(3)))

    ids = await direct.write(script)
    await settled(db)
    assert sorted(smtp.inbox.message_ids()) == sorted(ids)
    assert [row.state for row in await stored(db)] == ["sent", "sent"]


async def test_a_rolled_back_transaction_queues_no_mail(
    db: Database, settings: Settings, smtp: SmtpServer
) -> None:
    with pytest.raises(RuntimeError):
        async with db.unit_of_work() as uow:
            await outbox.queue(uow, settings, letter(4))
            raise RuntimeError("the change failed")
    await settled(db)
    assert await stored(db) == []
    assert smtp.inbox.messages == []


async def test_html_headers_and_attachments_go_out_as_they_were_queued(
    db: Database, settings: Settings, smtp: SmtpServer
) -> None:
    unsubscribe = "<http://testserver/unsubscribe/abc>"
    await queue(
        db,
        settings,
        Mail(
            to="leser@example.org",
            subject="Neuigkeiten",
            text="Klartext",
            html="<p>Auszeichnung</p>",
            headers=(
                ("List-Unsubscribe", unsubscribe),
                ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
            ),
            attachments=(Attachment("daten.csv", b"a;b\n1;2\n", "text", "csv"),),
        ),
    )
    await settled(db)
    [received] = smtp.inbox.to("leser@example.org")
    assert received["List-Unsubscribe"] == unsubscribe
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html = received.get_body(("html",))
    assert html is not None and "<p>Auszeichnung</p>" in html.get_content()
    [attachment] = list(received.iter_attachments())
    assert attachment.get_filename() == "daten.csv"
    assert attachment.get_payload(decode=True) == b"a;b\n1;2\n"


async def test_without_smtp_the_worker_writes_mail_to_var_mail(
    settings: Settings, backend: backends.Backend
) -> None:
    offline = dataclasses.replace(settings, smtp_url=None)
    app = create_app(offline)
    try:
        async with app.router.lifespan_context(app):
            db: Database = app.state.services.db
            [message_id] = await queue(db, offline, letter(5))
            await settled(db)
    finally:
        await backends.clean(backend)
    [written] = list((offline.var_dir / "mail").glob("*.eml"))
    assert message_id.strip("<>").split("@")[0] in written.name
