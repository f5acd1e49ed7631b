"""Figures per procedure: queue length, median time to decision, decisions by reason."""

from __future__ import annotations

from dialog.db import Database
from dialog.procedures.models import Procedure
from moderation.queries import figures_for_procedure
from tests import factories
from tests.moderation.helpers import MakeUser, decide, post


async def test_figures_count_the_queue_and_the_decisions_by_reason(
    api: factories.ApiAs, make_user: MakeUser, db: Database, procedure: Procedure
) -> None:
    held = await factories.thread(db, procedure, moderation="pre")
    author, moderator = await make_user(), await make_user("moderator")
    ids = [(await post(api, author, held, f"Beitrag {n}"))["id"] for n in range(4)]
    assert (await decide(api, moderator, ids[0], "reject", "spam")).status_code == 200
    assert (await decide(api, moderator, ids[1], "reject", "spam")).status_code == 200
    assert (await decide(api, moderator, ids[2], "approve", "topic")).status_code == 200
    async with db.reading() as session:
        found = await figures_for_procedure(session, procedure.id)
    assert found.queue_length == 1
    assert found.decisions == 3
    assert found.decisions_by_reason == {"spam": 2, "topic": 1}
    assert found.median_seconds_to_decision is not None
    assert found.median_seconds_to_decision >= 0
    listed = (await api.request(moderator, "GET", "/api/v1/moderation/figures")).json()
    assert [(f["procedure_id"], f["queue_length"]) for f in listed] == [(procedure.id, 1)]


async def test_the_figures_name_a_decision_without_a_reason_in_the_page_language(
    api: factories.ApiAs, make_user: MakeUser, db: Database, procedure: Procedure
) -> None:
    held = await factories.thread(db, procedure, moderation="pre")
    author, moderator = await make_user(), await make_user("moderator")
    comment = (await post(api, author, held, "Ein Beitrag ohne Einwand"))["id"]
    assert (await decide(api, moderator, comment, "approve", "")).status_code == 200
    page = await api.request(moderator, "GET", "/moderation", headers={"Accept-Language": "de"})
    assert page.status_code == 200
    assert "ohne Begründung: 1" in page.text
    assert "Msgid" not in page.text
