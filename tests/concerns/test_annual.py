"""The annual report: figures for a year beside the year before, public page, staff files."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from typing import Any

import httpx
import openpyxl

from dialog.concerns.annual import annual_report, working_days
from dialog.concerns.models import Concern, State
from tests import factories
from tests.concerns.conftest import MakeUser, World


def moment(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


async def item(world: World, created: date, **changes: Any) -> Concern:
    made = await world.submit()
    async with world.db.unit_of_work() as uow:
        found = await uow.session.get(Concern, made.id)
        assert found is not None
        found.created_at = moment(created)
        for name, value in changes.items():
            setattr(found, name, moment(value) if isinstance(value, date) else value)
    return made


def test_working_days_skip_weekends_and_brandenburg_holidays() -> None:
    # Thu 2026-04-02 → Tue 2026-04-07: Good Friday and Easter Monday are holidays in Brandenburg.
    assert working_days([date(2026, 4, 2)], [date(2026, 4, 7)]).tolist() == [1]
    assert working_days([date(2026, 12, 4)], [date(2026, 12, 7)]).tolist() == [1]  # Fri → Mon
    assert working_days([date(2026, 12, 7)], [date(2026, 12, 7)]).tolist() == [0]


async def seed_two_years(world: World) -> None:
    # 2026: replies on time and late, answers after 2 and 10 working days, one still open.
    await item(
        world, date(2026, 3, 2), first_reply_at=date(2026, 3, 4), answered_at=date(2026, 3, 4),
        state=State.answered, satisfaction=5, solved=True,
    )  # fmt: skip
    await item(
        world, date(2026, 3, 9), first_reply_at=date(2026, 3, 16), answered_at=date(2026, 3, 23),
        state=State.answered, reopened_count=1, satisfaction=2, solved=False,
    )  # fmt: skip
    await item(world, date(2026, 6, 1), kind="idea", channel="phone")
    await item(world, date(2025, 5, 5), kind="praise")
    await item(world, date(2025, 12, 31), state=State.unconfirmed)  # never counted


async def test_the_figures_of_a_year_beside_the_year_before(world: World) -> None:
    await seed_two_years(world)
    async with world.db.reading() as session:
        r = await annual_report(session, 2026)
    assert (r.total, r.previous_total) == (3, 1)
    assert dict((k, (a, b)) for k, a, b in r.by_kind)["defect"] == (2, 0)
    assert dict((k, (a, b)) for k, a, b in r.by_kind)["praise"] == (0, 1)
    assert dict((c, a) for c, a, _ in r.by_channel) == {
        "online": 2, "phone": 1, "letter": 0, "email": 0, "in-person": 0,
    }  # fmt: skip
    assert [(m, a) for m, a, _ in r.by_month if a] == [(3, 2), (6, 1)]
    assert r.first_reply_within == 50.0 and r.first_reply_count == 2
    assert (r.answer_median, r.answer_p90) == (6.0, 9.2)  # 2 and 10 working days
    assert r.reopen_rate == 50.0 and r.satisfaction_mean == 3.5 and r.solved_share == 50.0
    assert dict(r.satisfaction) == {1: 0, 2: 1, 3: 0, 4: 0, 5: 1}
    assert dict(r.backlog)["more than 180 days"] == 1  # received 1 June, open on 31 December
    assert r.by_category == [("Straßenbeleuchtung", 3)]
    assert r.anonymous_share == 100.0


async def test_the_page_is_public_and_the_files_are_for_staff(
    world: World, client: httpx.AsyncClient, api: factories.ApiAs, make_user: MakeUser
) -> None:
    await seed_two_years(world)
    page = await client.get("/concerns/report/2026")
    assert page.status_code == 200
    assert "Jahresbericht 2026" in page.text and "<svg" in page.text and "<table" in page.text
    assert "CSV" not in page.text  # the data files are linked for staff only
    for path in ("/concerns/report/1999", "/concerns/report/2999"):
        assert (await client.get(path)).status_code == 404
    resident = await make_user("resident")
    for who in (None, resident):
        refused = await api.request(who, "GET", "/concerns/report/2026.csv")
        assert refused.status_code in (401, 403)
    office = await make_user("office")
    staff = await make_user("staff", department=world.department)
    for who in (office, staff):
        sheet = await api.request(who, "GET", "/concerns/report/2026.csv")
        assert sheet.status_code == 200
        rows = list(csv.reader(io.StringIO(sheet.text.lstrip("\ufeff"))))
        assert rows[0][2:] == ["2026", "2025"]
        assert ["Gesamt", "Anliegen", "3", "1"] in rows
        book = await api.request(who, "GET", "/concerns/report/2026.xlsx")
        workbook = openpyxl.load_workbook(io.BytesIO(book.content), read_only=True)
        cells = [list(r) for r in workbook.active.iter_rows(values_only=True)]
        assert cells[0][2:] == ["2026", "2025"] and ["Gesamt", "Anliegen", "3", "1"] in cells


async def test_an_item_counts_as_brought_in_after_its_author_is_removed(
    world: World, make_user: MakeUser
) -> None:
    """Retention and an account's erasure remove the author later; before, such items then
    counted as anonymous in the report."""
    anonymous = await world.submit()
    signed = await world.submit(await make_user())
    by_mail = await world.submit(email="post@example.org")
    async with world.db.unit_of_work() as uow:
        for made in (anonymous, signed, by_mail):
            found = await uow.session.get(Concern, made.id)
            assert found is not None
            found.created_at = moment(date(2026, 5, 4))
            found.state = State.archived
            found.author_id = found.email = None  # what retention and the erasure leave
    async with world.db.reading() as session:
        r = await annual_report(session, 2026)
    assert r.total == 3
    assert r.anonymous_share == round(100 / 3, 1)
