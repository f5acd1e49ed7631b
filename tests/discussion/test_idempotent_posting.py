"""A repeated client_id is a retry: it returns the first comment and counts toward the rate
limit once; the same client_id sent to another thread is refused with 409."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from dialog.accounts.models import User
from dialog.db import Database
from dialog.procedures.models import Procedure, Thread
from tests import factories

MakeUser = Callable[..., Awaitable[User]]
LIMIT = 10  # comments per minute and person (dialog.ratelimit)


async def test_twenty_retries_learn_the_comment_id_without_using_up_the_rate_limit(
    api: factories.ApiAs, make_user: MakeUser, thread: Thread
) -> None:
    author = await make_user()
    url = f"/api/v1/threads/{thread.id}/comments"
    first = await api.request(author, "POST", url, json={"body": "Eins", "client_id": "r-1"})
    assert first.status_code == 201
    for _ in range(20):
        again = await api.request(author, "POST", url, json={"body": "Eins", "client_id": "r-1"})
        assert (again.status_code, again.json()["id"]) == (200, first.json()["id"])
    # The retries counted nothing: the rest of the minute's comments can still be written.
    for n in range(2, LIMIT + 1):
        body = {"body": f"Beitrag {n}", "client_id": f"r-{n}"}
        assert (await api.request(author, "POST", url, json=body)).status_code == 201
    over = await api.request(author, "POST", url, json={"body": "Zu viel", "client_id": "r-x"})
    assert over.status_code == 429


async def test_a_retry_after_the_limit_is_reached_still_returns_its_comment(
    api: factories.ApiAs, make_user: MakeUser, thread: Thread
) -> None:
    author = await make_user()
    url = f"/api/v1/threads/{thread.id}/comments"
    ids = []
    for n in range(LIMIT):
        body = {"body": f"Beitrag {n}", "client_id": f"c-{n}"}
        ids.append((await api.request(author, "POST", url, json=body)).json()["id"])
    last = await api.request(author, "POST", url, json={"body": "Beitrag 9", "client_id": "c-9"})
    assert (last.status_code, last.json()["id"]) == (200, ids[-1])


async def test_the_same_client_id_in_another_thread_answers_409_naming_it(
    api: factories.ApiAs, make_user: MakeUser, thread: Thread, procedure: Procedure, db: Database
) -> None:
    other = await factories.thread(db, procedure, title="Zweite Frage")
    author = await make_user()
    body = {"body": "Eins", "client_id": "same"}
    first = await api.request(author, "POST", f"/api/v1/threads/{thread.id}/comments", json=body)
    assert first.status_code == 201
    elsewhere = await api.request(author, "POST", f"/api/v1/threads/{other.id}/comments", json=body)
    assert elsewhere.status_code == 409
    error = elsewhere.json()["error"]
    assert error["code"] == "conflict" and set(error["fields"]) == {"client_id"}
    listing = await api.request(None, "GET", f"/api/v1/threads/{other.id}/comments")
    assert listing.json()["items"] == []


async def test_another_author_may_use_the_same_client_id(
    api: factories.ApiAs, make_user: MakeUser, thread: Thread
) -> None:
    url = f"/api/v1/threads/{thread.id}/comments"
    body = {"body": "Eins", "client_id": "shared"}
    one = await api.request(await make_user(), "POST", url, json=body)
    two = await api.request(await make_user(), "POST", url, json=body)
    assert (one.status_code, two.status_code) == (201, 201)
    assert one.json()["id"] != two.json()["id"]
