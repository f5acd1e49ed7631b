"""The audit log page reads as sentences in the page's language: what happened, to which
contribution or person (linked), the details under their names; no raw JSON."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx

from dialog.accounts.models import User
from dialog.procedures.models import Thread
from tests import factories
from tests.moderation.helpers import MakeUser, decide, post
from tests.moderation.test_audit import fill

SignIn = Callable[[User], Awaitable[str]]


async def test_the_audit_page_names_and_links_what_happened_in_german(
    client: httpx.AsyncClient,
    api: factories.ApiAs,
    make_user: MakeUser,
    browser_session: SignIn,
    thread: Thread,
) -> None:
    await fill(api, make_user, thread)
    admin = await make_user("admin")
    await browser_session(admin)
    page = (await client.get("/moderation/audit")).text
    assert "{&#34;" not in page and '{"' not in page, "no raw JSON"
    assert "Entscheidung</span>" in page and "Konto gesperrt</span>" in page
    assert "Regel geändert</span>" in page
    assert "<dd>Ausblenden</dd>" in page  # the action, as a word
    assert 'href="/netiquette#spam"' in page
    assert 'href="/comments/' in page and 'href="/admin/people/' in page
    assert "<dt>Dauer</dt><dd>1 Tag</dd>" in page and "<dt>Grund</dt><dd>Spam</dd>" in page


async def test_moderators_see_names_without_links_to_the_people_admin(
    client: httpx.AsyncClient,
    api: factories.ApiAs,
    make_user: MakeUser,
    browser_session: SignIn,
    thread: Thread,
) -> None:
    resident, moderator = await make_user(display_name="Rita Redlich"), await make_user("moderator")
    comment = await post(api, resident, thread, "Text")
    assert (await decide(api, moderator, comment["id"], "hide", "spam")).status_code == 200
    block = {"period": "7d", "reason": "Spam"}
    url = f"/api/v1/moderation/users/{resident.id}/block"
    assert (await api.request(moderator, "POST", url, json=block)).status_code == 200
    await browser_session(moderator)
    client.cookies.set("dialog_lang", "en")
    page = (await client.get("/moderation/audit")).text
    assert "Account blocked</span>: Rita Redlich" in page and "/admin/people/" not in page
    assert 'Decision</span>: <a href="/comments/' in page


async def test_an_approval_without_a_reason_shows_no_empty_link(
    client: httpx.AsyncClient,
    api: factories.ApiAs,
    make_user: MakeUser,
    browser_session: SignIn,
    thread: Thread,
) -> None:
    moderator = await make_user("moderator")
    comment = await post(api, await make_user(), thread, "Text")
    assert (await decide(api, moderator, comment["id"], "hide", "spam")).status_code == 200
    assert (await decide(api, moderator, comment["id"], "restore", "")).status_code == 200
    await browser_session(moderator)
    page = (await client.get("/moderation/audit")).text
    assert 'href="/netiquette#"' not in page and "<dt>Grund</dt><dd>–</dd>" in page
