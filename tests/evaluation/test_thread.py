"""Offline input in the live thread: the fragments the page's script asks for mark its source
too, and moderation can hide it like any other comment."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx

from dialog.accounts.models import User
from dialog.db import Database
from dialog.discussion.actions import do_change_status
from dialog.discussion.models import Comment, CommentStatus
from tests.evaluation.conftest import Workbench
from tests.evaluation.test_offline import enter, workshop

SignIn = Callable[[User], Awaitable[str]]


async def test_the_live_fragment_of_offline_input_names_its_source(
    client: httpx.AsyncClient, bench: Workbench
) -> None:
    offline = await enter(bench, workshop(bench.thread.id))
    response = await client.get(
        f"/threads/{bench.thread.id}/fragments?ids={offline.id}", headers={"Accept-Language": "en"}
    )
    assert response.status_code == 200
    assert "Offline input: Workshop" in response.text and "12 people" in response.text
    assert "deleted account" not in response.text


async def test_hidden_offline_input_leaves_the_thread(
    client: httpx.AsyncClient, bench: Workbench, db: Database
) -> None:
    offline = await enter(bench, workshop(bench.thread.id, body="Ganz besonderer Satz."))
    async with db.unit_of_work() as uow:
        comment = await uow.session.get(Comment, offline.id)
        assert comment is not None
        await do_change_status(uow, comment, CommentStatus.hidden)
    page = await client.get(f"/threads/{bench.thread.id}")
    assert "Ganz besonderer Satz." not in page.text
