"""Procedure cards say what matters: how long the phase still runs, contributions, answers."""

from __future__ import annotations

from datetime import date, timedelta

import httpx

from dialog import i18n
from dialog.db import Database
from dialog.labels import time_left
from dialog.procedures.models import Department, ProcedurePhase
from dialog.results.models import Answer
from tests import factories


def card_of(page: str, title: str) -> str:
    start = page.index(title)
    return page[start : page.index("</article>", start)]


def test_time_left_counts_days_in_the_readers_language() -> None:
    today = date(2026, 12, 6)
    with i18n.using("en"):
        assert time_left(date(2026, 12, 18), today) == "12 days left"
        assert time_left(date(2026, 12, 7), today) == "1 day left"
        assert time_left(today, today) == "ends today"
    with i18n.using("de"):
        assert time_left(date(2026, 12, 18), today) == "noch 12 Tage"
        assert time_left(date(2026, 12, 7), today) == "noch 1 Tag"
        assert time_left(today, today) == "endet heute"
    assert time_left(date(2026, 12, 5), today) == ""
    assert time_left(None, today) == ""


async def test_cards_show_days_left_contributions_and_answers_in_german(
    client: httpx.AsyncClient, db: Database, department: Department
) -> None:
    running = await factories.procedure(db, department, title="Uferweg Griebnitzsee")
    quiet = await factories.procedure(db, department, title="Bolzplatz Drewitz")
    first = await factories.thread(db, running, comment_count=9)
    second = await factories.thread(db, running, comment_count=3)
    await factories.thread(db, quiet, comment_count=1)
    today = date.today()
    async with db.unit_of_work() as uow:
        uow.session.add_all(
            [
                ProcedurePhase(
                    procedure_id=running.id,
                    phase="active",
                    position=1,
                    starts_on=today - timedelta(days=3),
                    ends_on=today + timedelta(days=12),
                ),
                ProcedurePhase(  # another phase's end is not the current phase's
                    procedure_id=running.id,
                    phase="evaluation",
                    position=2,
                    starts_on=today + timedelta(days=13),
                    ends_on=today + timedelta(days=60),
                ),
                *(
                    Answer(
                        target=f"thread:{thread.id}",
                        thread_id=thread.id,
                        department_id=department.id,
                        body="Danke",
                        html="<p>Danke</p>",
                    )
                    for thread in (first, second)
                ),
            ]
        )
    for path in ("/procedures", "/"):
        page = (await client.get(path)).text
        card = card_of(page, "Uferweg Griebnitzsee")
        assert "noch 12 Tage" in card or "noch 11 Tage" in card  # the day turns in Berlin first
        assert "12 Beiträge" in card and "2 Antworten" in card
        other = card_of(page, "Bolzplatz Drewitz")
        assert "1 Beitrag" in other and "0 Antworten" in other and "noch" not in other
    english = (await client.get("/procedures", headers={"Accept-Language": "en"})).text
    assert "12 contributions" in card_of(english, "Uferweg Griebnitzsee")
