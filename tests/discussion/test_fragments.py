"""GET /threads/{id}/fragments?ids=: exactly the announced comments, as the page renders them."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

import httpx
import pytest

from dialog.accounts.models import User
from dialog.db import Database
from dialog.procedures.models import Department, Procedure, Thread
from tests import factories
from tests.discussion.helpers import post

MakeUser = Callable[..., Awaitable[User]]
ROLES = ["resident", "moderator", "staff", "admin"]  # every role the platform has


def shown_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<li class="comment[^"]*" id="comment-(\d+)"', html)]


async def fragments(
    api: factories.ApiAs, who: User | None, thread_id: int, ids: list[int]
) -> httpx.Response:
    url = f"/threads/{thread_id}/fragments?ids={','.join(map(str, ids))}"
    return await api.request(who, "GET", url)


async def reader(make_user: MakeUser, department: Department, role: str | None) -> User | None:
    if role is None:
        return None
    return await make_user(role, department if role == "staff" else None)


async def test_the_named_comments_come_back_rendered_by_the_pages_partial(
    api: factories.ApiAs, make_user: MakeUser, thread: Thread
) -> None:
    author = await make_user(display_name="Kiezmama")
    first = await post(api, author, thread.id, "Mehr *Schatten* am Bassinplatz")
    reply = await post(api, author, thread.id, "Und Bänke", parent_id=first["id"])
    await post(api, author, thread.id, "Nicht erfragt")
    response = await fragments(api, None, thread.id, [reply["id"], first["id"]])
    assert response.status_code == 200
    assert shown_ids(response.text) == [first["id"], reply["id"]]
    assert "<em>Schatten</em>" in response.text and "Kiezmama" in response.text
    assert "Nicht erfragt" not in response.text
    page = await api.request(None, "GET", f"/threads/{thread.id}")
    item = re.search(rf'<li[^>]*id="comment-{first["id"]}".*?</article>', page.text, re.S)
    assert item is not None and item.group(0) in response.text


async def test_a_reply_links_to_its_parents_permalink_and_names_the_parent(
    api: factories.ApiAs, make_user: MakeUser, thread: Thread
) -> None:
    author = await make_user()
    first = await post(api, author, thread.id, "Oben")
    reply = await post(api, author, thread.id, "Darunter", parent_id=first["id"])
    text = (await fragments(api, None, thread.id, [reply["id"]])).text
    assert f'data-parent-id="{first["id"]}"' in text
    assert f'<a href="/comments/{first["id"]}">' in text


@pytest.mark.parametrize("role", [None, *ROLES])
async def test_hidden_and_withdrawn_comments_are_left_out_for_every_reader(
    api: factories.ApiAs,
    make_user: MakeUser,
    department: Department,
    thread: Thread,
    role: str | None,
) -> None:
    author, moderator = await make_user(), await make_user("moderator")
    kept = await post(api, author, thread.id, "Bleibt stehen")
    hidden = await post(api, author, thread.id, "Wird verborgen")
    withdrawn = await post(api, author, thread.id, "Wird zurückgezogen")
    decided = await api.request(
        moderator,
        "POST",
        f"/api/v1/moderation/comments/{hidden['id']}/decision",
        json={"action": "hide", "reason": "spam"},
    )
    assert decided.status_code == 200, decided.text
    gone = await api.request(author, "DELETE", f"/api/v1/comments/{withdrawn['id']}")
    assert gone.status_code == 200, gone.text
    who = await reader(make_user, department, role)
    response = await fragments(api, who, thread.id, [kept["id"], hidden["id"], withdrawn["id"]])
    assert shown_ids(response.text) == [kept["id"]]
    assert "Wird verborgen" not in response.text and "Wird zurückgezogen" not in response.text


@pytest.mark.parametrize("role", [None, "author", *ROLES])
async def test_pending_and_rejected_comments_are_left_out_for_every_reader(
    api: factories.ApiAs,
    db: Database,
    make_user: MakeUser,
    department: Department,
    procedure: Procedure,
    role: str | None,
) -> None:
    held = await factories.thread(db, procedure, moderation="pre")
    author, moderator = await make_user(), await make_user("moderator")
    pending = await post(api, author, held.id, "Wartet auf Prüfung")
    rejected = await post(api, author, held.id, "Wird abgelehnt")
    decided = await api.request(
        moderator,
        "POST",
        f"/api/v1/moderation/comments/{rejected['id']}/decision",
        json={"action": "reject", "reason": "spam"},
    )
    assert decided.status_code == 200, decided.text
    who = author if role == "author" else await reader(make_user, department, role)
    response = await fragments(api, who, held.id, [pending["id"], rejected["id"]])
    assert response.status_code == 200
    assert shown_ids(response.text) == []
    assert "Wartet auf Prüfung" not in response.text and "Wird abgelehnt" not in response.text


async def test_the_name_of_a_deleted_account_is_not_in_its_kept_comments(
    api: factories.ApiAs, make_user: MakeUser, thread: Thread
) -> None:
    author = await make_user(display_name="Erika Beispiel")
    comment = await post(api, author, thread.id, "Bleibt ohne Namen stehen")
    deleted = await api.request(
        author, "DELETE", "/api/v1/me", json={"password": factories.PASSWORD}
    )
    assert deleted.status_code == 204, deleted.text
    response = await fragments(api, None, thread.id, [comment["id"]])
    assert shown_ids(response.text) == [comment["id"]]
    assert "Erika Beispiel" not in response.text


async def test_comments_of_another_thread_are_left_out(
    api: factories.ApiAs, db: Database, make_user: MakeUser, procedure: Procedure
) -> None:
    here, elsewhere = await factories.thread(db, procedure), await factories.thread(db, procedure)
    author = await make_user()
    other = await post(api, author, elsewhere.id, "Aus dem anderen Faden")
    response = await fragments(api, None, here.id, [other["id"]])
    assert response.status_code == 200 and shown_ids(response.text) == []


async def test_a_signed_in_reader_gets_vote_buttons_showing_their_own_vote(
    api: factories.ApiAs, make_user: MakeUser, thread: Thread
) -> None:
    author, voter = await make_user(), await make_user()
    comment = await post(api, author, thread.id, "Abstimmen bitte")
    voted = await api.request(
        voter, "PUT", f"/api/v1/comments/{comment['id']}/vote", json={"value": 1}
    )
    assert voted.status_code == 200, voted.text
    text = (await fragments(api, voter, thread.id, [comment["id"]])).text
    assert re.search(r'aria-pressed="true" data-vote="1"', text)
    assert re.search(r'aria-pressed="false" data-vote="-1"', text)


async def test_the_author_gets_the_edit_form_of_a_fresh_comment(
    api: factories.ApiAs, make_user: MakeUser, thread: Thread
) -> None:
    author = await make_user()
    comment = await post(api, author, thread.id, "Frisch *geschrieben*")
    text = (await fragments(api, author, thread.id, [comment["id"]])).text
    assert f'action="/comments/{comment["id"]}/edit"' in text
    assert "Frisch *geschrieben*</textarea>" in text


async def test_fragments_are_never_stored_by_a_cache(
    api: factories.ApiAs, make_user: MakeUser, thread: Thread
) -> None:
    comment = await post(api, await make_user(), thread.id, "Nur für diese Leserin")
    response = await fragments(api, None, thread.id, [comment["id"]])
    assert response.headers["cache-control"] == "no-store"


@pytest.mark.parametrize(
    "ids",
    ["", "a", "1,,2", "1;2", "-1", "0", "1.5", " 1", "٣", "2147483648", ",".join(["1"] * 51)],
)
async def test_ids_that_are_not_1_to_50_comment_numbers_are_refused_naming_the_field(
    client: httpx.AsyncClient, thread: Thread, ids: str
) -> None:
    response = await client.get(
        f"/threads/{thread.id}/fragments", params={"ids": ids}, headers={"accept-language": "en"}
    )
    assert response.status_code == 422
    assert "Name 1 to 50 comments by their numbers" in response.text


async def test_missing_ids_are_refused(client: httpx.AsyncClient, thread: Thread) -> None:
    response = await client.get(f"/threads/{thread.id}/fragments")
    assert response.status_code == 422


async def test_fragments_of_a_thread_that_does_not_exist_are_not_found(
    client: httpx.AsyncClient,
) -> None:
    assert (await client.get("/threads/999999/fragments?ids=1")).status_code == 404
