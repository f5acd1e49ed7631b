"""What a request just read of its reader is kept for an instant (dialog.recent): never past a
commit of this process, at most RECENT seconds past another process's, and never as an erased
person's."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import httpx
from sqlalchemy import update
from starlette.applications import Starlette

from dialog.accounts.models import ApiToken, User
from dialog.db import Committed, Database, utcnow
from dialog.procedures.models import Thread
from dialog.recent import RECENT, Recent
from tests import factories
from tests.discussion.helpers import counting_queries, post

MakeUser = Callable[..., Awaitable[User]]
NOTHING = Committed([], frozenset())


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Reads:
    """A read that counts how often it ran and answers with that count (or `answer`)."""

    def __init__(self, answer: object = ...) -> None:
        self.count = 0
        self.answer = answer

    async def __call__(self) -> object:
        self.count += 1
        return self.count if self.answer is ... else self.answer


async def test_a_read_is_kept_for_its_seconds_and_then_read_again() -> None:
    clock, reads = Clock(), Reads()
    recent = Recent(seconds=RECENT, clock=clock)
    assert await recent.read("k", reads) == 1
    clock.now += RECENT / 2
    assert await recent.read("k", reads) == 1 and reads.count == 1
    assert await recent.read("other", reads) == 2  # keys are apart
    clock.now += RECENT
    assert await recent.read("k", reads) == 3


async def test_any_commit_of_this_process_forgets_every_read() -> None:
    reads = Reads()
    recent = Recent(seconds=60)
    assert await recent.read("a", reads) == 1 and await recent.read("b", reads) == 2
    recent.committed(NOTHING)  # a commit that touched no topic, too
    assert len(recent) == 0
    assert await recent.read("a", reads) == 3


async def test_a_read_under_way_while_this_process_commits_is_not_kept() -> None:
    recent = Recent(seconds=60)
    started, finish = asyncio.Event(), asyncio.Event()

    async def slow() -> str:
        started.set()
        await finish.wait()
        return "before the commit"

    reading = asyncio.create_task(recent.read("k", slow))
    await started.wait()
    recent.committed(NOTHING)
    finish.set()
    assert await reading == "before the commit"  # its own request gets it, as it would anyway
    assert len(recent) == 0
    assert await recent.read("k", Reads("after")) == "after"


async def test_nothing_read_is_not_kept_and_the_oldest_go_first() -> None:
    clock, unknown = Clock(), Reads(None)
    recent = Recent(seconds=RECENT, size=2, clock=clock)
    assert await recent.read("guessed", unknown) is None
    assert await recent.read("guessed", unknown) is None and unknown.count == 2
    for key in ("a", "b", "c"):
        await recent.read(key, Reads(key))
    assert len(recent) == 2 and await recent.read("a", Reads("again")) == "again"
    clock.now += 2 * RECENT
    await recent.read("d", Reads("d"))
    assert len(recent) == 1  # those past their seconds went when the next one was kept


async def _revoke_elsewhere(db: Database, owner: User) -> None:
    """Revoke the owner's tokens the way another process does: a commit this one never hears."""
    async with db.sessions() as session:
        await session.execute(
            update(ApiToken).where(ApiToken.user_id == owner.id).values(revoked_at=utcnow())
        )
        await session.commit()


async def test_a_token_revoked_elsewhere_is_refused_once_its_read_is_past_or_after_a_commit_here(
    app: Starlette,
    api: factories.ApiAs,
    db: Database,
    make_user: MakeUser,
    quiet: Database,  # any commit beside the test's own would forget the kept reads
) -> None:
    recent: Recent = app.state.services.recent
    recent.seconds = 60  # the bound made long, to see where it holds
    owner, other = await make_user(), await make_user()
    await api.request(owner, "GET", "/api/v1/me")  # its first use is noted (a commit)
    assert (await api.request(owner, "GET", "/api/v1/me")).status_code == 200
    await _revoke_elsewhere(db, owner)
    # Kept from a moment ago: another process's revocation shows after at most `seconds`.
    assert (await api.request(owner, "GET", "/api/v1/me")).status_code == 200
    recent.seconds = RECENT
    await asyncio.sleep(RECENT)
    assert (await api.request(owner, "GET", "/api/v1/me")).status_code == 401
    # Any commit of this process ends every kept read at once (here: another person's token).
    recent.seconds = 60
    await api.request(other, "GET", "/api/v1/me")
    assert (await api.request(other, "GET", "/api/v1/me")).status_code == 200
    await _revoke_elsewhere(db, other)
    await factories.department(db, "ein-amt", "Ein Amt")
    assert (await api.request(other, "GET", "/api/v1/me")).status_code == 401


async def test_signing_out_and_deleting_the_account_end_the_kept_credential_at_once(
    app: Starlette,
    client: httpx.AsyncClient,
    api: factories.ApiAs,
    make_user: MakeUser,
    browser_session: Callable[[User], Awaitable[str]],
    quiet: Database,  # any commit beside the test's own would forget the kept reads
) -> None:
    recent: Recent = app.state.services.recent
    recent.seconds = 60
    resident = await make_user()
    token = await browser_session(resident)
    assert (await client.get("/api/v1/me")).status_code == 200  # the session's read is kept
    assert len(recent) > 0
    raw = client.cookies["dialog_session"]
    assert (await client.post("/logout", data={"csrf_token": token})).status_code == 303
    # The cookie the sign-out cleared, sent again (by a copy of it elsewhere): signed out.
    cookie = {"Cookie": f"dialog_session={raw}"}
    assert (await client.get("/api/v1/me", headers=cookie)).status_code == 401
    # An erased person's credential and own state are gone from the process with the commit.
    erased = await make_user()
    await api.request(erased, "GET", "/api/v1/me")
    assert (await api.request(erased, "GET", "/api/v1/me")).status_code == 200
    assert len(recent) > 0
    gone = await api.request(
        erased, "DELETE", "/api/v1/me", json={"password": factories.PASSWORD, "confirm": "LÖSCHEN"}
    )
    assert gone.status_code == 204, gone.text
    assert len(recent) == 0
    assert (await api.request(erased, "GET", "/api/v1/me")).status_code == 401


async def test_a_reader_s_own_state_is_read_once_for_quick_reads_and_anew_after_their_vote(
    app: Starlette,
    api: factories.ApiAs,
    db: Database,
    make_user: MakeUser,
    thread: Thread,
    quiet: Database,  # any commit beside the test's own would forget the kept reads
) -> None:
    app.state.services.recent.seconds = 60
    author, reader = await make_user(), await make_user()
    comment = (await post(api, author, thread.id, "Mehr Bäume am Kanal"))["id"]
    url = f"/api/v1/threads/{thread.id}/comments"
    await api.request(reader, "GET", url)  # the list is kept, the token's first use noted
    await api.request(reader, "GET", url)
    with counting_queries(db) as statements:
        again = await api.request(reader, "GET", url)
    assert again.json()["items"][0]["my_vote"] is None
    assert not [s for s in statements if "FROM votes" in s]  # kept from a moment ago
    voted = await api.request(reader, "PUT", f"/api/v1/comments/{comment}/vote", json={"value": 1})
    assert voted.status_code == 200, voted.text
    with counting_queries(db) as statements:
        after = await api.request(reader, "GET", url)
    assert after.json()["items"][0]["my_vote"] == 1
    assert [s for s in statements if "FROM votes" in s]
