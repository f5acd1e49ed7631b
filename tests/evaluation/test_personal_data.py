"""Staff's trace in the workbench: in their data export; erasing the account forgets who coded
and who entered offline input, and keeps the evaluation."""

from __future__ import annotations

from sqlalchemy import select

from dialog.db import Database
from dialog.evaluation import queries
from dialog.evaluation.models import Coding, OfflineSource
from tests import factories
from tests.evaluation.conftest import Workbench
from tests.evaluation.test_offline import enter, workshop


async def test_codings_and_offline_input_are_exported_and_then_forgotten_with_the_account(
    api: factories.ApiAs, bench: Workbench, db: Database
) -> None:
    theme = await bench.theme("Bäume")
    comment = await bench.comment("Mehr Bäume")
    await bench.code(comment, theme)
    offline = await enter(bench, workshop(bench.thread.id))
    data = (await api.request(bench.staff, "GET", "/api/v1/me/export")).json()
    assert [(c["comment_id"], c["theme"]) for c in data["codings"]] == [(comment, "Bäume")]
    assert data["offline_input_entered"] == [{"comment_id": offline.id}]
    response = await api.request(
        bench.staff, "DELETE", "/api/v1/me", json={"password": factories.PASSWORD}
    )
    assert response.status_code == 204
    async with db.reading() as session:
        coders = (await session.scalars(select(Coding.coded_by))).all()
        enterers = (await session.scalars(select(OfflineSource.entered_by))).all()
        counts = await queries.theme_counts(session, bench.procedure.id)
    assert coders == [None] and enterers == [None]
    assert [(c.name, c.total) for c in counts] == [("Bäume", 1)]
