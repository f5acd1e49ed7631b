"""GET /api/v1/procedures/{id}/opinion-groups: the contract's shape, thresholds, privacy."""

from __future__ import annotations

from dialog.accounts.models import User
from dialog.db import Database
from dialog.discussion.actions import do_change_status
from dialog.discussion.models import Comment, CommentStatus
from dialog.evaluation import jobs
from dialog.procedures.models import Procedure
from tests import factories
from tests.evaluation.conftest import MakeUser, Workbench, plant_camps


async def test_the_groups_come_with_sizes_representatives_consensus_and_divisive(
    api: factories.ApiAs, bench: Workbench, db: Database, make_user: MakeUser
) -> None:
    camps = await plant_camps(bench, make_user)
    await jobs.recompute(db, bench.thread.id)
    response = await api.request(
        bench.staff, "GET", f"/api/v1/procedures/{bench.procedure.id}/opinion-groups"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["shown"] is True and body["thread_id"] == bench.thread.id
    assert [(g["id"], g["size"]) for g in body["groups"]] == [("A", 8), ("B", 8)]
    assert all(set(g["representative"]) <= set(camps.statements) for g in body["groups"])
    assert camps.consensus in body["consensus"] and camps.divisive in body["divisive"]
    assert body["computed_at"] is not None
    assert [t["thread_id"] for t in body["threads"]] == [bench.thread.id]
    assert "members" not in response.text


async def test_a_procedure_without_enough_votes_answers_empty_lists_with_the_thresholds(
    api: factories.ApiAs, bench: Workbench, db: Database, make_user: MakeUser, procedure: Procedure
) -> None:
    response = await api.request(
        bench.staff, "GET", f"/api/v1/procedures/{procedure.id}/opinion-groups"
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["shown"], body["groups"], body["consensus"], body["divisive"]) == (
        False,
        [],
        [],
        [],
    )
    assert (body["min_participants"], body["min_statements"]) == (15, 5)
    assert body["reason"] == "not_computed"


async def test_a_hidden_contribution_is_not_named_even_before_the_next_computation(
    api: factories.ApiAs, bench: Workbench, db: Database, make_user: MakeUser
) -> None:
    camps = await plant_camps(bench, make_user)
    await jobs.recompute(db, bench.thread.id)
    async with db.unit_of_work() as uow:
        comment = await uow.session.get(Comment, camps.consensus)
        assert comment is not None
        await do_change_status(uow, comment, CommentStatus.withdrawn)
    body = (
        await api.request(
            bench.staff, "GET", f"/api/v1/procedures/{bench.procedure.id}/opinion-groups"
        )
    ).json()
    named = set(body["consensus"]) | set(body["bridging"]) | set(body["divisive"])
    named |= {cid for g in body["groups"] for cid in g["representative"]}
    assert camps.consensus not in named and named


async def test_residents_and_other_departments_may_not_read_them(
    api: factories.ApiAs, bench: Workbench, make_user: MakeUser, other_staff: User
) -> None:
    url = f"/api/v1/procedures/{bench.procedure.id}/opinion-groups"
    assert (await api.request(None, "GET", url)).status_code == 401
    assert (await api.request(await make_user(), "GET", url)).status_code == 403
    assert (await api.request(other_staff, "GET", url)).status_code == 403
    assert (await api.request(await make_user("office"), "GET", url)).status_code == 200
    missing = await api.request(bench.staff, "GET", "/api/v1/procedures/999999/opinion-groups")
    assert missing.status_code == 404
