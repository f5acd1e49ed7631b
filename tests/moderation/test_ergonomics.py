"""The queue as moderators work it: each item says who wrote it (name, account age, earlier
decisions) and what the reporters noted; approving needs no reason; a report's reason starts
unselected; posts entering the queue come as fragments the page adds live."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

import httpx

from dialog.accounts.models import User
from dialog.db import Database
from dialog.procedures.models import Procedure, Thread
from tests import factories
from tests.moderation.helpers import MakeUser, decide, post

SignIn = Callable[[User], Awaitable[str]]


async def test_approving_needs_no_reason_and_removing_does(
    api: factories.ApiAs, make_user: MakeUser, db: Database, procedure: Procedure
) -> None:
    held = await factories.thread(db, procedure, moderation="pre")
    author, moderator = await make_user(), await make_user("moderator")
    first = await post(api, author, held, "Erster")
    second = await post(api, author, held, "Zweiter")
    approved = await api.request(
        moderator,
        "POST",
        f"/api/v1/moderation/comments/{first['id']}/decision",
        json={"action": "approve"},
    )
    assert approved.status_code == 200, approved.text
    refused = await decide(api, moderator, second["id"], "reject", "")
    assert refused.status_code == 422 and "reason" in refused.json()["error"]["fields"]


async def test_the_queue_form_approves_without_a_reason(
    client: httpx.AsyncClient,
    api: factories.ApiAs,
    make_user: MakeUser,
    browser_session: SignIn,
    db: Database,
    procedure: Procedure,
) -> None:
    held = await factories.thread(db, procedure, moderation="pre")
    comment = await post(api, await make_user(), held, "Bitte prüfen")
    token = await browser_session(await make_user("moderator"))
    page = await client.get("/moderation")
    form = page.text.split(f'action="/moderation/comments/{comment["id"]}/decision"')[1]
    assert '<option value="">' in form.split("</select>")[0], "no reason chosen at first"
    done = await client.post(
        f"/moderation/comments/{comment['id']}/decision",
        data={"csrf_token": token, "action": "approve", "reason": "", "version": "0"},
    )
    assert done.status_code == 303
    assert (await api.request(None, "GET", f"/api/v1/comments/{comment['id']}")).status_code == 200


async def test_each_item_names_the_author_their_account_age_and_earlier_decisions(
    client: httpx.AsyncClient,
    api: factories.ApiAs,
    make_user: MakeUser,
    browser_session: SignIn,
    db: Database,
    procedure: Procedure,
) -> None:
    held = await factories.thread(db, procedure, moderation="pre")
    author = await make_user(display_name="Hanna Havel")
    moderator = await make_user("moderator")
    earlier = await post(api, author, held, "Früher")
    assert (await decide(api, moderator, earlier["id"], "reject", "spam")).status_code == 200
    await post(api, author, held, "Jetzt")
    await browser_session(moderator)
    text = (await client.get("/moderation")).text
    facts = re.search(r'<p class="author-facts">(.*?)</p>', text, re.S)
    assert facts is not None
    assert "Hanna Havel" in facts.group(1) and "Konto seit" in facts.group(1)
    assert "(0 Tagen)" in facts.group(1)
    assert "Ablehnen 1" in facts.group(1)


async def test_the_reporters_note_is_shown_on_the_item(
    client: httpx.AsyncClient,
    api: factories.ApiAs,
    make_user: MakeUser,
    browser_session: SignIn,
    thread: Thread,
) -> None:
    comment = await post(api, await make_user(), thread, "Ein Beitrag")
    reporter = await make_user()
    flagged = await api.request(
        reporter,
        "POST",
        f"/api/v1/comments/{comment['id']}/flags",
        json={"reason": "insult", "note": "Nennt meinen Nachbarn beim Namen"},
    )
    assert flagged.status_code == 201, flagged.text
    await browser_session(await make_user("moderator"))
    text = (await client.get("/moderation")).text
    assert "Notiz aus der Meldung" in text
    assert "<q>Nennt meinen Nachbarn beim Namen</q>" in text


async def test_a_report_starts_with_no_reason_chosen_and_asks_for_one(
    client: httpx.AsyncClient,
    api: factories.ApiAs,
    make_user: MakeUser,
    browser_session: SignIn,
    thread: Thread,
) -> None:
    comment = await post(api, await make_user(), thread, "Ein Beitrag")
    token = await browser_session(await make_user())
    page = (await client.get(f"/threads/{thread.id}")).text
    report = page.split(f'action="/comments/{comment["id"]}/flag"')[1].split("</form>")[0]
    assert 'name="reason"' in report and "checked" not in report
    sent = await client.post(f"/comments/{comment['id']}/flag", data={"csrf_token": token})
    assert sent.status_code == 422
    assert f'id="flag-{comment["id"]}-error"' in sent.text
    assert "Bitte wählen Sie, warum die Moderation" in sent.text


async def test_the_queue_fragments_hold_only_posts_in_the_open_queue(
    client: httpx.AsyncClient,
    api: factories.ApiAs,
    make_user: MakeUser,
    browser_session: SignIn,
    db: Database,
    procedure: Procedure,
    thread: Thread,
) -> None:
    held = await factories.thread(db, procedure, moderation="pre")
    waiting = await post(api, await make_user(), held, "Wartet")
    published = await post(api, await make_user(), thread, "Öffentlich")
    await browser_session(await make_user())
    assert (await client.get(f"/moderation/fragments?ids={waiting['id']}")).status_code == 403
    await browser_session(await make_user("moderator"))
    found = await client.get(f"/moderation/fragments?ids={waiting['id']},{published['id']},x")
    assert found.status_code == 200
    assert f'id="item-{waiting["id"]}"' in found.text
    assert f'id="item-{published["id"]}"' not in found.text
