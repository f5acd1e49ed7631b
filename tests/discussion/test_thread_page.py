"""The thread page without JavaScript: read, write, reply, vote, report, edit, withdraw by form."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest

from dialog.accounts.models import User
from dialog.db import Database, utcnow
from dialog.discussion import views
from dialog.discussion.models import Comment
from dialog.procedures.models import Procedure, Thread
from tests import factories
from tests.any_events import emit_any

MakeUser = Callable[..., Awaitable[User]]
SignIn = Callable[[User], Awaitable[str]]


async def post(client: httpx.AsyncClient, url: str, token: str, **fields: str) -> httpx.Response:
    return await client.post(url, data={"csrf_token": token, **fields})


async def test_a_resident_writes_replies_and_sees_it_on_the_page(
    client: httpx.AsyncClient, make_user: MakeUser, thread: Thread, browser_session: SignIn
) -> None:
    token = await browser_session(await make_user(display_name="Kiezmama"))
    written = await post(
        client, f"/threads/{thread.id}/comments", token, body="Mehr *Schatten* bitte", stance="for"
    )
    assert written.status_code == 303
    comment_id = int(written.headers["location"].removeprefix("/comments/"))
    reply = await post(
        client,
        f"/threads/{thread.id}/comments",
        token,
        body="Und Bänke",
        parent_id=str(comment_id),
        stance="for",
    )
    assert reply.status_code == 303
    page = await client.get(f"/threads/{thread.id}")
    # The head's parts are set apart by " · " (stance, then the link to the parent).
    assert re.search(r"</span> · <a href=\"#comment-\d+\">", page.text)
    assert "<em>Schatten</em>" in page.text and "Kiezmama" in page.text
    assert f'id="comment-{comment_id}"' in page.text
    assert f'href="#comment-{comment_id}"' in page.text  # the reply links to its parent
    assert 'href="/netiquette"' in page.text


async def test_a_visitor_is_asked_in_one_sentence_to_sign_in_or_register(
    client: httpx.AsyncClient, thread: Thread
) -> None:
    sign_in = f'<a href="/login?next=/threads/{thread.id}">'
    german = await client.get(f"/threads/{thread.id}", headers={"accept-language": "de"})
    assert (
        f'<p>{sign_in}Anmelden</a> oder <a href="/register">registrieren Sie sich</a>, '
        "um mitzumachen.</p>"
    ) in german.text
    english = await client.get(f"/threads/{thread.id}", headers={"accept-language": "en"})
    assert (
        f'<p>{sign_in}Sign in</a> or <a href="/register">register</a> to take part.</p>'
    ) in english.text


async def test_errors_are_shown_beside_the_comment_field(
    client: httpx.AsyncClient, make_user: MakeUser, thread: Thread, browser_session: SignIn
) -> None:
    token = await browser_session(await make_user())
    response = await post(client, f"/threads/{thread.id}/comments", token, body="   ")
    assert response.status_code == 422
    assert 'id="body-error"' in response.text
    assert re.search(r'id="body"[^>]*aria-invalid="true"', response.text)


async def test_votes_by_form_toggle_and_show_pressed_state(
    client: httpx.AsyncClient,
    api: factories.ApiAs,
    make_user: MakeUser,
    thread: Thread,
    browser_session: SignIn,
) -> None:
    author = await make_user()
    comment_id = await written_by_api(api, author, thread, "Ein Vorschlag")
    token = await browser_session(await make_user())
    assert (await post(client, f"/comments/{comment_id}/vote", token, value="1")).status_code == 303
    page = await client.get(f"/threads/{thread.id}")
    assert re.search(r'aria-pressed="true" data-vote="1"', page.text)
    await post(client, f"/comments/{comment_id}/vote", token, value="0")
    fetched = await api.request(None, "GET", f"/api/v1/comments/{comment_id}")
    assert fetched.json()["up"] == 0


async def test_vote_buttons_only_where_the_reader_may_vote_elsewhere_the_counts(
    client: httpx.AsyncClient,
    api: factories.ApiAs,
    make_user: MakeUser,
    thread: Thread,
    browser_session: SignIn,
) -> None:
    author = await make_user()
    comment_id = await written_by_api(api, author, thread, "Ein Vorschlag")
    vote_form = f'action="/comments/{comment_id}/vote"'
    counts = (
        '<p class="vote-counts"><span data-slot="up">0</span> dafür, '
        '<span data-slot="down">0</span> dagegen</p>'
    )
    visitor = await client.get(f"/threads/{thread.id}", headers={"accept-language": "de"})
    assert vote_form not in visitor.text and counts in visitor.text
    await browser_session(author)
    own = await client.get(f"/threads/{thread.id}", headers={"accept-language": "de"})
    assert vote_form not in own.text and counts in own.text
    await browser_session(await make_user())
    other = await client.get(f"/threads/{thread.id}", headers={"accept-language": "de"})
    assert vote_form in other.text and counts not in other.text
    assert " disabled" not in other.text


async def test_withdrawing_without_javascript_is_a_disclosure_that_explains_first(
    client: httpx.AsyncClient, make_user: MakeUser, thread: Thread, browser_session: SignIn
) -> None:
    token = await browser_session(await make_user())
    comment_id = await written_by_form(client, token, thread, "Vielleicht")
    page = await client.get(f"/threads/{thread.id}", headers={"accept-language": "de"})
    withdraw = page.text[page.text.index('<details class="withdraw"') :]
    withdraw = withdraw[: withdraw.index("</details>")]
    assert "<summary>Zurückziehen</summary>" in withdraw
    assert f'action="/comments/{comment_id}/withdraw"' in withdraw
    assert "nicht rückgängig" in withdraw and ">Beitrag zurückziehen</button>" in withdraw


async def test_reporting_and_withdrawing_by_form(
    client: httpx.AsyncClient,
    make_user: MakeUser,
    api: factories.ApiAs,
    thread: Thread,
    browser_session: SignIn,
) -> None:
    comment_id = await written_by_api(api, await make_user(), thread, "Werbung!")
    token = await browser_session(await make_user())
    flagged = await post(client, f"/comments/{comment_id}/flag", token, reason="spam", note="")
    assert flagged.status_code == 303
    again = await post(client, f"/comments/{comment_id}/flag", token, reason="spam", note="")
    assert again.status_code == 409
    withdrawn_by_other = await post(client, f"/comments/{comment_id}/withdraw", token)
    assert withdrawn_by_other.status_code == 403


async def test_pending_comments_show_their_state_only_to_the_author(
    client: httpx.AsyncClient,
    make_user: MakeUser,
    db: Database,
    procedure: Procedure,
    browser_session: SignIn,
) -> None:
    held = await factories.thread(db, procedure, moderation="pre")
    token = await browser_session(await make_user())
    await post(client, f"/threads/{held.id}/comments", token, body="Geheimer Entwurf")
    mine = await client.get(f"/threads/{held.id}")
    assert "Geheimer Entwurf" in mine.text and "status-pending" in mine.text
    anonymous = httpx.AsyncClient(transport=client._transport, base_url="http://testserver")
    async with anonymous:
        other = await anonymous.get(f"/threads/{held.id}")
    assert "Geheimer Entwurf" not in other.text


async def test_anonymous_readers_are_invited_to_sign_in(
    client: httpx.AsyncClient, thread: Thread
) -> None:
    page = await client.get(f"/threads/{thread.id}")
    assert page.status_code == 200
    assert f'href="/login?next=/threads/{thread.id}"' in page.text
    assert "data-since=" in page.text and "new-comments-label" in page.text


async def written_by_form(client: httpx.AsyncClient, token: str, thread: Thread, body: str) -> int:
    written = await post(client, f"/threads/{thread.id}/comments", token, body=body)
    assert written.status_code == 303
    return int(written.headers["location"].removeprefix("/comments/"))


async def written_by_api(api: factories.ApiAs, author: User, thread: Thread, body: str) -> int:
    created = await api.request(
        author, "POST", f"/api/v1/threads/{thread.id}/comments", json={"body": body}
    )
    assert created.status_code == 201
    comment_id: int = created.json()["id"]
    return comment_id


async def comment_as_anyone(api: factories.ApiAs, comment_id: int) -> dict[str, Any]:
    """The comment as an anonymous reader gets it from the API."""
    response = await api.request(None, "GET", f"/api/v1/comments/{comment_id}")
    assert response.status_code == 200
    found: dict[str, Any] = response.json()
    return found


async def test_authors_edit_their_comment_by_form_within_15_minutes(
    client: httpx.AsyncClient,
    api: factories.ApiAs,
    make_user: MakeUser,
    thread: Thread,
    browser_session: SignIn,
) -> None:
    token = await browser_session(await make_user())
    comment_id = await written_by_form(client, token, thread, "Mehr *Schatten* bitte")
    page = await client.get(f"/threads/{thread.id}")
    assert f'action="/comments/{comment_id}/edit"' in page.text
    assert f'id="edit-{comment_id}"' in page.text
    assert ">Mehr *Schatten* bitte</textarea>" in page.text  # the source, not the HTML

    edited = await post(client, f"/comments/{comment_id}/edit", token, body="Mehr **Bäume** bitte")
    assert edited.status_code == 303
    assert edited.headers["location"] == f"/comments/{comment_id}"
    fetched = await comment_as_anyone(api, comment_id)
    assert fetched["html"] == "<p>Mehr <strong>Bäume</strong> bitte</p>"
    assert fetched["edited_at"] is not None
    page = await client.get(f"/threads/{thread.id}")
    assert "<strong>Bäume</strong>" in page.text and "Schatten" not in page.text
    assert "<span>bearbeitet</span>" in page.text  # the "edited" mark


async def test_after_15_minutes_the_edit_form_is_gone_and_the_route_refuses(
    client: httpx.AsyncClient,
    api: factories.ApiAs,
    db: Database,
    make_user: MakeUser,
    thread: Thread,
    browser_session: SignIn,
) -> None:
    token = await browser_session(await make_user())
    comment_id = await written_by_form(client, token, thread, "Ein alter Gedanke")
    async with db.unit_of_work() as uow:
        comment = await uow.session.get(Comment, comment_id)
        assert comment is not None
        comment.created_at = utcnow() - timedelta(minutes=16)
    page = await client.get(f"/threads/{thread.id}")
    assert f'id="comment-{comment_id}"' in page.text
    assert f'action="/comments/{comment_id}/edit"' not in page.text
    refused = await post(client, f"/comments/{comment_id}/edit", token, body="Ein neuer Gedanke")
    assert refused.status_code == 403
    assert "Beiträge können nur innerhalb von 15 Minuten bearbeitet werden." in refused.text
    fetched = await comment_as_anyone(api, comment_id)
    assert fetched["html"] == "<p>Ein alter Gedanke</p>" and fetched["edited_at"] is None


async def test_nobody_edits_someone_elses_comment_by_form(
    client: httpx.AsyncClient,
    api: factories.ApiAs,
    make_user: MakeUser,
    thread: Thread,
    browser_session: SignIn,
) -> None:
    author = await make_user()
    comment_id = await written_by_api(api, author, thread, "Mein Text")
    token = await browser_session(await make_user())
    page = await client.get(f"/threads/{thread.id}")
    assert f'id="comment-{comment_id}"' in page.text
    assert f'action="/comments/{comment_id}/edit"' not in page.text
    refused = await post(client, f"/comments/{comment_id}/edit", token, body="Fremder Text")
    assert refused.status_code == 403
    assert "Nur die Verfasserin oder der Verfasser kann einen Beitrag bearbeiten" in refused.text
    fetched = await comment_as_anyone(api, comment_id)
    assert fetched["html"] == "<p>Mein Text</p>"


async def test_an_empty_edit_is_shown_as_an_error_beside_the_edit_field(
    client: httpx.AsyncClient,
    api: factories.ApiAs,
    make_user: MakeUser,
    thread: Thread,
    browser_session: SignIn,
) -> None:
    token = await browser_session(await make_user())
    comment_id = await written_by_form(client, token, thread, "Bleibt so")
    response = await post(client, f"/comments/{comment_id}/edit", token, body="   ")
    assert response.status_code == 422
    field = f"edit-{comment_id}"
    assert f'id="{field}-error"' in response.text
    assert re.search(rf'id="{field}"[^>]*aria-invalid="true"', response.text)
    assert f'href="#{field}"' in response.text  # the error summary leads to the field
    assert re.search(r'<details class="edit" open>', response.text)
    fetched = await comment_as_anyone(api, comment_id)
    assert fetched["html"] == "<p>Bleibt so</p>" and fetched["edited_at"] is None


async def test_a_report_is_confirmed_on_the_page_instead_of_the_report_form(
    client: httpx.AsyncClient,
    api: factories.ApiAs,
    make_user: MakeUser,
    thread: Thread,
    browser_session: SignIn,
) -> None:
    author = await make_user()
    comment_id = await written_by_api(api, author, thread, "Kauft!")
    token = await browser_session(await make_user())
    before = await client.get(f"/threads/{thread.id}")
    assert f'action="/comments/{comment_id}/flag"' in before.text
    assert f'id="flag-done-{comment_id}"' not in before.text
    flagged = await post(client, f"/comments/{comment_id}/flag", token, reason="spam", note="")
    assert flagged.status_code == 303
    after = await client.get(f"/threads/{thread.id}")
    assert f'id="flag-done-{comment_id}"' in after.text
    assert f'action="/comments/{comment_id}/flag"' not in after.text


async def test_the_live_resume_point_is_read_before_the_page_so_nothing_falls_between(
    client: httpx.AsyncClient, db: Database, thread: Thread, monkeypatch: pytest.MonkeyPatch
) -> None:
    committed: list[int] = []
    original = views.__dict__["load_page"]

    async def page_after_a_concurrent_commit(*args: Any, **kwargs: Any) -> Any:
        # Another request commits while this one is between its two reads.
        async with db.unit_of_work() as uow:
            event = await emit_any(uow, f"thread:{thread.id}", "comment.published", id=0)
        committed.append(event.id)
        return await original(*args, **kwargs)

    monkeypatch.setattr(views, "load_page", page_after_a_concurrent_commit)
    page = await client.get(f"/threads/{thread.id}")
    since = re.search(r'data-since="(\d+)"', page.text)
    assert since is not None and committed
    assert int(since.group(1)) < committed[0]  # the socket replays it after the page
