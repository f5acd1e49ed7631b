"""The demo's year of history makes the annual report show something real."""

from __future__ import annotations

import httpx

from dialog.concerns.annual import annual_report
from dialog.db import Database, utcnow
from dialog.demo import _load


async def test_the_demo_year_fills_every_part_of_last_years_report(
    db: Database, client: httpx.AsyncClient
) -> None:
    async with db.unit_of_work() as uow:
        await _load(uow)
    last_year = utcnow().year - 1
    async with db.reading() as session:
        r = await annual_report(session, last_year)
    assert r.total > 600
    assert all(this > 20 for _month, this, _before in r.by_month)
    assert sum(this for _c, this, _b in r.by_channel if _c != "online") > 0.1 * r.total
    assert r.first_reply_within is not None and 60 < r.first_reply_within < 100
    assert r.answer_median is not None and r.answer_p90 is not None
    assert r.answer_median < r.answer_p90
    assert r.satisfaction_mean is not None and r.solved_share is not None
    assert r.anonymous_share is not None and 0 < r.anonymous_share < 50
    assert len(r.by_category) >= 8 and len(r.by_district) >= 5
    assert {state for state, _count in r.outcomes} >= {"archived", "not-feasible", "forwarded"}
    page = await client.get(f"/concerns/report/{last_year}")
    assert page.status_code == 200 and "Straßenbeleuchtung" in page.text
