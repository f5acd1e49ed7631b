"""Exports (built by the results part) carry published text only, whatever moderation did."""

from __future__ import annotations

from starlette.applications import Starlette

from dialog.db import Database
from dialog.procedures.models import Procedure
from dialog.results.exports import csv_chunks
from tests import factories
from tests.moderation.helpers import MakeUser, decide, post_directly


async def test_held_rejected_and_hidden_text_never_reaches_an_export(
    app: Starlette, api: factories.ApiAs, make_user: MakeUser, db: Database, procedure: Procedure
) -> None:
    held = await factories.thread(db, procedure, moderation="pre")
    open_thread = await factories.thread(db, procedure)
    author, moderator = await make_user(), await make_user("moderator")
    await post_directly(app, db, author, held, "Wartet noch")
    rejected = await post_directly(app, db, author, held, "Abgelehnt")
    approved = await post_directly(app, db, author, held, "Freigegeben")
    hidden = await post_directly(app, db, author, open_thread, "Ausgeblendet")
    assert (await decide(api, moderator, rejected, "reject", "law")).status_code == 200
    assert (await decide(api, moderator, approved, "approve", "topic")).status_code == 200
    assert (await decide(api, moderator, hidden, "hide", "respect")).status_code == 200
    exported = b"".join([chunk async for chunk in csv_chunks(db, procedure.id)]).decode()
    assert "Freigegeben" in exported
    for secret in ("Wartet noch", "Abgelehnt", "Ausgeblendet"):
        assert secret not in exported
