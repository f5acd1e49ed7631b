"""Opinion groups in the background: noted by the outbox consumer, computed once votes settle."""

from __future__ import annotations

from datetime import timedelta

from starlette.applications import Starlette

from dialog.db import Database, utcnow
from dialog.discussion.actions import do_change_status
from dialog.discussion.models import Comment, CommentStatus
from dialog.evaluation import jobs
from dialog.evaluation.models import OpinionGroups
from dialog.evaluation.opinion_groups import Analysis
from dialog.web.services import Services
from tests.evaluation.conftest import MakeUser, Workbench, plant_camps


def background_of(app: Starlette) -> Services:
    services: Services = app.state.services
    return services


async def drained(app: Starlette) -> None:
    """Hand the outbox to the consumers here and now: the background loop, which a commit
    wakes too, is stopped first so that it cannot hold the consumer while we drain."""
    background = background_of(app).background
    await background.stop()
    await background.drain()


async def test_votes_are_noted_and_computed_only_after_they_settle(
    app: Starlette, bench: Workbench, db: Database, make_user: MakeUser
) -> None:
    camps = await plant_camps(bench, make_user)
    await drained(app)
    async with db.reading() as session:
        noted = await session.get(OpinionGroups, bench.thread.id)
    assert noted is not None and noted.changed_event > noted.computed_event
    assert noted.analysis is None
    assert await jobs.recompute_settled(db, utcnow()) == 0  # still moving: not yet
    assert await jobs.recompute_settled(db, utcnow() + jobs.SETTLE + timedelta(seconds=1)) == 1
    async with db.reading() as session:
        stored = await session.get(OpinionGroups, bench.thread.id)
    assert stored is not None and stored.analysis is not None and stored.state is not None
    analysis = Analysis.from_json(stored.analysis)
    assert analysis.shown and sorted(g.size for g in analysis.groups) == [8, 8]
    assert all(g.members == () for g in analysis.groups)  # nobody's group is stored
    assert analysis.bridging[0].statement_id == camps.consensus
    assert camps.divisive in [d.statement_id for d in analysis.divisive]
    assert stored.computed_event == stored.changed_event
    assert await jobs.recompute_settled(db, utcnow() + timedelta(hours=1)) == 0  # done


async def test_a_hidden_comment_leaves_the_analysis_at_the_next_computation(
    app: Starlette, bench: Workbench, db: Database, make_user: MakeUser
) -> None:
    camps = await plant_camps(bench, make_user)
    await jobs.recompute(db, bench.thread.id)
    async with db.unit_of_work() as uow:
        comment = await uow.session.get(Comment, camps.consensus)
        assert comment is not None
        await do_change_status(uow, comment, CommentStatus.hidden)
    await drained(app)
    assert await jobs.recompute_settled(db, utcnow() + jobs.SETTLE + timedelta(seconds=1)) == 1
    async with db.reading() as session:
        stored = await session.get(OpinionGroups, bench.thread.id)
    assert stored is not None and stored.analysis is not None
    analysis = Analysis.from_json(stored.analysis)
    shown = {s.statement_id for s in analysis.consensus_agree} | {
        b.statement_id for b in analysis.bridging
    }
    assert camps.consensus not in shown and analysis.statements == 7


async def test_below_the_thresholds_the_stored_analysis_says_why(
    bench: Workbench, db: Database, make_user: MakeUser
) -> None:
    await plant_camps(bench, make_user, per_camp=3)
    analysis = await jobs.recompute(db, bench.thread.id)
    assert not analysis.shown and analysis.reason == "too_few_participants"
    assert (analysis.min_participants, analysis.min_statements) == (15, 5)


async def test_a_thread_s_change_is_noted_as_its_newest_event_and_a_missing_thread_not_at_all(
    bench: Workbench, db: Database
) -> None:
    """One statement for all threads of a round: a new row, a later event moves it, an
    earlier one (a late gap) does not, and a thread deleted meanwhile gets no row."""
    thread_id, gone = bench.thread.id, bench.thread.id + 1000
    start = utcnow()
    for changes in (
        {thread_id: (10, start), gone: (11, start)},
        {thread_id: (20, start + timedelta(seconds=5))},
        {thread_id: (15, start + timedelta(seconds=9))},
    ):
        async with db.unit_of_work() as uow:
            await jobs.note_changes(uow, changes)
    async with db.reading() as session:
        noted = await session.get(OpinionGroups, thread_id)
        missing = await session.get(OpinionGroups, gone)
    assert noted is not None and missing is None
    assert (noted.changed_event, noted.changed_at) == (20, start + timedelta(seconds=5))
    assert noted.computed_event == -1
