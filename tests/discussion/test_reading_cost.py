"""A page of comments costs a fixed number of queries, whatever the thread's size."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from dialog.accounts.models import User
from dialog.db import Database
from dialog.discussion.models import Comment, Vote
from dialog.procedures.models import Procedure, Thread
from tests import factories
from tests.discussion.helpers import MakeUser, counting_queries


async def fill(db: Database, thread: Thread, author_id: int, voter_id: int, count: int) -> None:
    """`count` top-level comments with two replies each, every one voted on by the reader."""
    async with db.unit_of_work() as uow:
        for number in range(count):
            top = Comment(thread_id=thread.id, author_id=author_id, body="t", html="<p>t</p>")
            uow.session.add(top)
            await uow.session.flush()
            top.root_id = top.id
            for _ in range(2):
                reply = Comment(
                    thread_id=thread.id,
                    parent_id=top.id,
                    root_id=top.id,
                    depth=1,
                    author_id=author_id,
                    body="r",
                    html="<p>r</p>",
                )
                uow.session.add(reply)
                await uow.session.flush()
                uow.session.add(Vote(user_id=voter_id, comment_id=reply.id, value=1))
            uow.session.add(Vote(user_id=voter_id, comment_id=top.id, value=-1 + 2 * (number % 2)))


AUTH_TABLES = ("api_tokens", "login_sessions")


async def page_queries(api: factories.ApiAs, db: Database, reader: User, url: str) -> list[str]:
    """The queries of reading the page (not of signing the request in, not BEGIN/COMMIT)."""
    with counting_queries(db) as statements:
        response = await api.request(reader, "GET", url)
        assert response.status_code == 200, response.text
    return [
        s
        for s in statements
        if s.split()[0].upper() not in ("BEGIN", "COMMIT", "ROLLBACK")
        and not any(table in s for table in AUTH_TABLES)
    ]


@pytest.mark.usefixtures("reads_each_time")
async def test_a_page_costs_the_same_few_queries_for_10_and_for_200_comments(
    api: factories.ApiAs, make_user: MakeUser, db: Database, procedure: Procedure
) -> None:
    author, reader = await make_user(), await make_user()
    small, large = await factories.thread(db, procedure), await factories.thread(db, procedure)
    await fill(db, small, author.id, reader.id, 10)
    await fill(db, large, author.id, reader.id, 200)
    await api.headers(reader)
    for sort in ("new", "top", "controversial"):
        few = await page_queries(
            api, db, reader, f"/api/v1/threads/{small.id}/comments?sort={sort}"
        )
        many = await page_queries(
            api, db, reader, f"/api/v1/threads/{large.id}/comments?sort={sort}"
        )
        assert len(few) == len(many) <= 5, many
        assert len(many[-1]) > 0 and "votes" in many[-1]


async def test_a_statement_of_a_job_beside_the_request_is_not_counted_as_the_requests(
    db: Database,
) -> None:
    """The server's periodic jobs and consumers run beside a request on the same database; what
    they run meanwhile is theirs (CI once counted a job's statement as a page's fifth)."""

    async def job() -> None:
        async with db.reading() as session:
            await session.execute(text("SELECT 1 AS the_jobs"))

    for every_task in (False, True):
        beside = asyncio.create_task(job())  # started before counting, like the server's jobs
        with counting_queries(db, every_task=every_task) as statements:
            await beside
            async with db.reading() as session:
                await session.execute(text("SELECT 2 AS the_requests"))
        counted = [s for s in statements if "AS the_" in s]
        expected = ["the_jobs", "the_requests"] if every_task else ["the_requests"]
        assert [s.split()[-1] for s in counted] == expected
