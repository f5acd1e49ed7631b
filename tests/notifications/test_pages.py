"""The notifications page, the live count's topic, mail choices, the JSON API."""

from __future__ import annotations

from typing import Any

import httpx

from dialog.accounts.models import User
from dialog.db import Database
from dialog.discussion.models import CommentStatus
from dialog.procedures.models import Thread
from tests import factories
from tests.notifications.conftest import MakeUser, Talk
from tests.results.conftest import Helpers

Reply = dict[str, Any]


async def replied_to(
    make_user: MakeUser, thread: Thread, talk: Talk, *replies: str
) -> tuple[User, list[Reply]]:
    """An author whose comment got these replies from someone else, with the notices written."""
    author, other = await make_user(), await make_user()
    comment = await talk.comment(author, thread.id, "Mehr Bäume")
    made = [await talk.comment(other, thread.id, text, parent_id=comment["id"]) for text in replies]
    await talk.notices(author)
    return author, made


async def test_the_page_lists_notices_links_to_the_comment_and_marks_them_read(
    client: httpx.AsyncClient, api: factories.ApiAs, make_user: MakeUser, thread: Thread, talk: Talk
) -> None:
    author, (reply,) = await replied_to(make_user, thread, talk, "Linden bitte")
    assert (await api.request(author, "GET", "/api/v1/me/notifications/unread")).json()[
        "unread"
    ] == 1
    await factories.sign_in(client, author)
    page = await client.get("/notifications")
    assert page.status_code == 200
    assert f'href="/comments/{reply["id"]}"' in page.text and "Linden bitte" in page.text
    token = await factories.csrf(client)
    done = await client.post("/notifications/read", data={"all": "1", "csrf_token": token})
    assert done.status_code == 303
    assert (await api.request(author, "GET", "/api/v1/me/notifications/unread")).json()[
        "unread"
    ] == 0


async def test_the_header_counts_unread_notices_without_javascript(
    client: httpx.AsyncClient, make_user: MakeUser, thread: Thread, talk: Talk
) -> None:
    author, _ = await replied_to(make_user, thread, talk, "Linden bitte", "Und Ahorn")
    visitor_page = await client.get(f"/threads/{thread.id}")
    assert 'id="unread-count"' not in visitor_page.text

    await factories.sign_in(client, author)
    for path in (f"/threads/{thread.id}", "/", "/me"):  # the kept thread page too
        page = await client.get(path)
        assert '<span class="badge unread-count" id="unread-count">2</span>' in page.text, path
        assert 'aria-label="Benachrichtigungen (Ungelesene Benachrichtigungen: 2)"' in page.text

    # A page read with a bearer token counts alike (the count comes with the credential).
    page = await talk.api.request(author, "GET", f"/threads/{thread.id}")
    assert '<span class="badge unread-count" id="unread-count">2</span>' in page.text

    token = await factories.csrf(client)
    await client.post("/notifications/read", data={"all": "1", "csrf_token": token})
    page = await client.get(f"/threads/{thread.id}")
    assert '<span class="badge unread-count" id="unread-count" hidden></span>' in page.text
    assert 'aria-label="Benachrichtigungen (' not in page.text


async def test_mark_all_read_through_the_api(
    api: factories.ApiAs, make_user: MakeUser, thread: Thread, talk: Talk
) -> None:
    author, _ = await replied_to(make_user, thread, talk, "Ja")
    assert (
        await api.request(author, "POST", "/api/v1/me/notifications/read-all")
    ).status_code == 204
    assert (await api.request(author, "GET", "/api/v1/me/notifications/unread")).json()[
        "unread"
    ] == 0


async def test_a_notice_about_a_hidden_reply_no_longer_shows_its_text(
    client: httpx.AsyncClient,
    api: factories.ApiAs,
    make_user: MakeUser,
    thread: Thread,
    talk: Talk,
    db: Database,
) -> None:
    author, (reply,) = await replied_to(make_user, thread, talk, "Geheimnisvoller Unsinn")
    await Helpers(api, db).set_status(reply["id"], CommentStatus.hidden)
    listed = (await api.request(author, "GET", "/api/v1/me/notifications")).json()
    assert [n["body"] for n in listed] == [""]
    exported = (await api.request(author, "GET", "/api/v1/me/export")).json()
    assert "Geheimnisvoller" not in str(exported)
    await factories.sign_in(client, author)
    page = await client.get("/notifications")
    assert "Geheimnisvoller" not in page.text
    assert "Dieser Beitrag wird nicht mehr angezeigt." in page.text


async def test_mail_choices_are_saved_from_the_form_and_checked(
    client: httpx.AsyncClient, api: factories.ApiAs, make_user: MakeUser
) -> None:
    resident = await make_user()
    await factories.sign_in(client, resident)
    page = await client.get("/me/notifications")
    assert 'id="followed-daily"' in page.text
    token = await factories.csrf(client)
    saved = await client.post(
        "/me/notifications", data={"reply": "weekly", "followed": "off", "csrf_token": token}
    )
    assert saved.status_code == 303
    chosen = (await api.request(resident, "GET", "/api/v1/me/notification-preferences")).json()
    assert (chosen["reply"], chosen["followed"], chosen["answer"]) == ("weekly", "off", "now")
    wrong = await client.post("/me/notifications", data={"reply": "hourly", "csrf_token": token})
    assert wrong.status_code == 422
    refused = await api.request(
        resident, "PUT", "/api/v1/me/notification-preferences", json={"reply": "hourly"}
    )
    assert refused.status_code == 422 and "reply" in refused.json()["error"]["fields"]


async def test_the_pages_need_an_account(client: httpx.AsyncClient, api: factories.ApiAs) -> None:
    for path in ("/notifications", "/me/following", "/me/notifications"):
        assert (await client.get(path)).status_code == 401
    for path in ("/api/v1/me/follows", "/api/v1/me/notifications/unread"):
        assert (await api.request(None, "GET", path)).status_code == 401


async def test_nobody_may_listen_to_another_person_s_topic() -> None:
    from dialog.accounts.actor import Actor
    from dialog.live.policy import can_subscribe

    reader = Actor(user_id=7, role="resident")
    assert can_subscribe(reader, "user:7")
    assert not can_subscribe(reader, "user:8")
    assert not can_subscribe(Actor(user_id=None, role="resident"), "user:7")
    assert not can_subscribe(reader, "procedure:1")  # internal: the consumer's topic
