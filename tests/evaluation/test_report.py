"""The procedure report: offline input, counts per theme and stance, opinion groups."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from html.parser import HTMLParser

import httpx

from dialog.accounts.models import User
from dialog.db import Database
from dialog.discussion.actions import do_change_status
from dialog.discussion.models import Comment, CommentStatus
from dialog.evaluation import jobs
from tests.evaluation.conftest import MakeUser, Workbench, plant_camps
from tests.evaluation.test_offline import enter, workshop

SignIn = Callable[[User], Awaitable[str]]
ENGLISH = {"Accept-Language": "en"}


class Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.parts).split())


def text_of(html: str) -> str:
    parser = Text()
    parser.feed(html)
    return parser.text


async def test_the_report_counts_themes_by_stance_and_offline_input_apart(
    client: httpx.AsyncClient, browser_session: SignIn, bench: Workbench
) -> None:
    shade = await bench.theme("Shade")
    online = await bench.comment("More trees", stance="for")
    await bench.code(online, shade)
    offline = await enter(bench, workshop(bench.thread.id, stance="against"))
    await bench.code(offline.id, shade)
    await browser_session(bench.staff)
    page = text_of(
        (await client.get(f"/procedures/{bench.procedure.id}/report", headers=ENGLISH)).text
    )
    assert "1 of the 2 published contributions were written down by staff" in page
    assert "Workshop 1 12" in page
    assert "Shade 2 1 0 1 0 1" in page  # total, for, neutral, against, no stance, offline
    assert "2 of 2 published contributions are coded." in page


async def test_the_report_shows_opinion_groups_as_text_and_tables(
    client: httpx.AsyncClient, browser_session: SignIn, bench: Workbench, make_user: MakeUser
) -> None:
    camps = await plant_camps(bench, make_user)
    await jobs.recompute(bench.db, bench.thread.id)
    await browser_session(bench.staff)
    response = await client.get(f"/procedures/{bench.procedure.id}/report", headers=ENGLISH)
    page = text_of(response.text)
    assert "Across 16 of 16 voters, 2 opinion groups emerged" in page
    assert "Group A: 8 people (50 %)" in page and "Group B: 8 people (50 %)" in page
    assert "% of group A agree, against 0 % of the others" in page.replace(" dis", " ")
    assert "Group-informed consensus: supported in every group" in page
    assert "Aussage 0 100 100" in page  # the consensus contribution, agreed in both groups
    assert "Aussage 0 16 0 100" in page  # consensus: 16 agree, 0 disagree, 100 %
    assert "Most divisive: the groups disagree" in page
    assert 'id="groups-' + str(bench.thread.id) + '-caption"' in response.text  # the chart
    assert camps.consensus


async def test_below_the_thresholds_the_report_says_them(
    client: httpx.AsyncClient, browser_session: SignIn, bench: Workbench, make_user: MakeUser
) -> None:
    await plant_camps(bench, make_user, per_camp=3)
    await jobs.recompute(bench.db, bench.thread.id)
    await browser_session(bench.staff)
    page = text_of(
        (await client.get(f"/procedures/{bench.procedure.id}/report", headers=ENGLISH)).text
    )
    assert (
        "Too few votes for opinion groups: 6 of 6 voters have voted on enough contributions "
        "(at least 15 are needed), on 8 contributions (at least 5 are needed)."
    ) in page


async def test_a_hidden_contribution_leaves_the_report_at_once(
    client: httpx.AsyncClient,
    browser_session: SignIn,
    bench: Workbench,
    make_user: MakeUser,
    db: Database,
) -> None:
    camps = await plant_camps(bench, make_user)
    theme = await bench.theme("Trees")
    await bench.code(camps.consensus, theme)
    await jobs.recompute(db, bench.thread.id)
    async with db.unit_of_work() as uow:
        comment = await uow.session.get(Comment, camps.consensus)
        assert comment is not None
        await do_change_status(uow, comment, CommentStatus.hidden)
    await browser_session(bench.staff)
    page = (await client.get(f"/procedures/{bench.procedure.id}/report", headers=ENGLISH)).text
    assert "Aussage 0<" not in page
    assert "Trees 0 " in text_of(page)
