"""Redis down slows live updates and nothing else: sign-in, posting, voting, flagging and password
resets answer as before and stay limited; readiness says "degraded" and stays ready."""

from __future__ import annotations

import dataclasses
import logging

import httpx
import pytest

from dialog.accounts.models import User
from dialog.procedures.models import Thread
from dialog.settings import Settings
from tests import factories
from tests.discussion.helpers import MakeUser, post
from tests.live.harness import RedisProcess


@pytest.fixture
def settings(settings: Settings, private_redis: RedisProcess) -> Settings:
    """The app of these tests uses a Redis of their own, which they stop."""
    return dataclasses.replace(settings, redis_url=private_redis.url)


async def login(client: httpx.AsyncClient, who: User, password: str) -> httpx.Response:
    token = await factories.csrf(client)
    return await client.post(
        "/login", data={"email": who.email or "", "password": password, "csrf_token": token}
    )


async def test_with_redis_down_sign_in_works_and_failures_stay_limited(
    client: httpx.AsyncClient, make_user: MakeUser, private_redis: RedisProcess
) -> None:
    person, guesser = await make_user(), await make_user()
    private_redis.stop()
    assert (await login(client, person, factories.PASSWORD)).status_code == 303
    client.cookies.clear()
    answers = [(await login(client, guesser, "falsch-falsch")).status_code for _ in range(6)]
    assert answers == [422] * 5 + [429]


async def test_with_redis_down_posting_goes_on_and_stays_limited(
    api: factories.ApiAs, make_user: MakeUser, thread: Thread, private_redis: RedisProcess
) -> None:
    author = await make_user()
    private_redis.stop()
    url = f"/api/v1/threads/{thread.id}/comments"
    answers = [
        (await api.request(author, "POST", url, json={"body": f"Beitrag {n}"})).status_code
        for n in range(11)
    ]
    assert answers == [201] * 10 + [429]
    listing = await api.request(None, "GET", url)
    assert len(listing.json()["items"]) == 10


async def test_with_redis_down_votes_count(
    api: factories.ApiAs, make_user: MakeUser, thread: Thread, private_redis: RedisProcess
) -> None:
    comment = await post(api, await make_user(), thread.id, "Mehr Bänke")
    private_redis.stop()
    response = await api.request(
        await make_user(), "PUT", f"/api/v1/comments/{comment['id']}/vote", json={"value": 1}
    )
    assert response.status_code == 200, response.text
    assert (response.json()["up"], response.json()["my_vote"]) == (1, 1)


async def test_with_redis_down_flags_are_taken(
    api: factories.ApiAs, make_user: MakeUser, thread: Thread, private_redis: RedisProcess
) -> None:
    comment = await post(api, await make_user(), thread.id, "Kaufen Sie jetzt!")
    private_redis.stop()
    response = await api.request(
        await make_user(),
        "POST",
        f"/api/v1/comments/{comment['id']}/flags",
        json={"reason": "spam"},
    )
    assert response.status_code == 201, response.text


async def test_with_redis_down_password_resets_are_answered_and_limited(
    client: httpx.AsyncClient, private_redis: RedisProcess
) -> None:
    private_redis.stop()
    token = await factories.csrf(client)
    form = {"email": "x@example.org", "csrf_token": token}
    answers = [(await client.post("/password/reset", data=form)).status_code for _ in range(6)]
    assert answers == [200] * 5 + [429]


async def test_with_redis_down_many_requests_log_the_outage_once(
    api: factories.ApiAs,
    make_user: MakeUser,
    thread: Thread,
    private_redis: RedisProcess,
    caplog: pytest.LogCaptureFixture,
) -> None:
    author = await make_user()
    private_redis.stop()
    caplog.set_level(logging.WARNING)
    for n in range(8):
        await api.request(
            author, "POST", f"/api/v1/threads/{thread.id}/comments", json={"body": f"B {n}"}
        )
    limits = [r for r in caplog.records if r.name == "dialog.ratelimit"]
    published = [r for r in caplog.records if "publishing to Redis" in r.getMessage()]
    assert len(limits) == 1 and "unreachable" in limits[0].getMessage()
    assert len(published) == 1 and "unreachable" in published[0].getMessage()
    assert not [r for r in caplog.records if r.exc_info]


async def test_readiness_with_redis_down_is_degraded_and_still_ready(
    client: httpx.AsyncClient, private_redis: RedisProcess
) -> None:
    assert (await client.get("/readyz")).json()["status"] == "ok"
    private_redis.stop()
    response = await client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"] == {"database": "ok", "hub": "degraded", "rate_limits": "degraded"}
    assert set(body["degraded"]) == {"hub", "rate_limits"}
    assert "outbox" in body["degraded"]["hub"]


async def test_readiness_is_ok_again_when_redis_is_back(
    client: httpx.AsyncClient, private_redis: RedisProcess
) -> None:
    private_redis.stop()
    assert (await client.get("/readyz")).json()["status"] == "degraded"
    await private_redis.start()
    response = await client.get("/readyz")
    assert response.status_code == 200 and response.json()["status"] == "ok"
