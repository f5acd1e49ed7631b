"""The procedure's dates as iCalendar, read back with the icalendar package."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import httpx
from icalendar import Calendar

from dialog.db import Database
from dialog.procedures.models import Department, ProcedurePhase
from tests import factories


async def test_the_calendar_holds_the_dated_phases_and_thread_times_with_stable_uids(
    client: httpx.AsyncClient, db: Database, department: Department
) -> None:
    procedure = await factories.procedure(db, department, title="Uferweg")
    async with db.unit_of_work() as uow:
        uow.session.add_all(
            [
                ProcedurePhase(
                    procedure_id=procedure.id,
                    phase="active",
                    position=1,
                    starts_on=date(2026, 4, 1),
                    ends_on=date(2026, 4, 30),
                ),
                ProcedurePhase(procedure_id=procedure.id, phase="planned", position=0),
            ]
        )
    closes = datetime(2026, 4, 30, 20, 0, tzinfo=UTC)
    thread = await factories.thread(db, procedure, title="Ihre Ideen", closes_at=closes)
    response = await client.get(f"/procedures/{procedure.id}.ics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {
        f"procedure-{procedure.id}-phase-active@testserver",
        f"thread-{thread.id}-closes@testserver",
    }
    phase = events[f"procedure-{procedure.id}-phase-active@testserver"]
    assert phase.decoded("dtstart") == date(2026, 4, 1)
    assert phase.decoded("dtend") == date(2026, 4, 30) + timedelta(days=1)  # exclusive end
    assert "Uferweg" in str(phase["summary"])
    closing = events[f"thread-{thread.id}-closes@testserver"]
    assert closing.decoded("dtstart") == closes
    assert str(closing["url"]) == f"http://testserver/threads/{thread.id}"
    again = await client.get(f"/procedures/{procedure.id}.ics")
    assert again.content == response.content  # same UIDs and stamps: a calendar updates in place
    cached = await client.get(
        f"/procedures/{procedure.id}.ics", headers={"If-None-Match": response.headers["etag"]}
    )
    assert cached.status_code == 304
