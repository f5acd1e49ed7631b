"""The workspace, the answer and decision forms, the public results section and the report."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from html.parser import HTMLParser

import httpx

from dialog.accounts.models import User
from dialog.db import Database, utcnow
from dialog.procedures.models import Department, Procedure, Thread
from tests import factories
from tests.results.conftest import Helpers

MakeUser = Callable[..., Awaitable[User]]
SignIn = Callable[[User], Awaitable[str]]


class Svgs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.svgs: list[dict[str, str | None]] = []
        self.styled: list[str] = []
        self.tables = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "svg":
            self.svgs.append(dict(attrs))
        if tag == "table":
            self.tables += 1
        if any(name == "style" for name, _v in attrs) or tag == "style":
            self.styled.append(tag)


async def test_staff_see_their_workspace_with_unanswered_items_and_deadlines(
    client: httpx.AsyncClient,
    browser_session: SignIn,
    staff: User,
    helpers: Helpers,
    make_user: MakeUser,
    db: Database,
    procedure: Procedure,
    department: Department,
) -> None:
    open_thread = await factories.thread(
        db, procedure, title="Radwege", closes_at=utcnow() + timedelta(days=3)
    )
    comment = await helpers.comment(await make_user(), open_thread, "Bitte breitere Radwege")
    await browser_session(staff)
    page = await client.get(f"/departments/{department.slug}")
    assert page.status_code == 200
    assert "Bitte breitere Radwege" in page.text
    assert f'href="/comments/{comment["id"]}/answer"' in page.text
    assert "Diskussion endet" in page.text
    assert procedure.title in page.text


async def test_the_workspace_is_closed_to_other_departments_and_residents(
    client: httpx.AsyncClient,
    browser_session: SignIn,
    make_user: MakeUser,
    department: Department,
    other_department: Department,
) -> None:
    assert (await client.get(f"/departments/{department.slug}")).status_code == 401
    await browser_session(await make_user("staff", other_department))
    assert (await client.get(f"/departments/{department.slug}")).status_code == 403


async def test_the_answer_form_publishes_an_answer_shown_on_the_procedure_page(
    client: httpx.AsyncClient,
    browser_session: SignIn,
    staff: User,
    helpers: Helpers,
    make_user: MakeUser,
    thread: Thread,
    procedure: Procedure,
) -> None:
    comment = await helpers.comment(await make_user(), thread, "Ein Trinkbrunnen")
    token = await browser_session(staff)
    url = f"/comments/{comment['id']}/answer"
    assert (await client.get(url)).status_code == 200
    refused = await client.post(
        url, data={"csrf_token": token, "body": "Nein", "state": "not-adopted", "reason": ""}
    )
    assert refused.status_code == 422
    assert 'id="reason-error"' in refused.text
    done = await client.post(
        url, data={"csrf_token": token, "body": "Kommt 2027.", "state": "adopted", "reason": ""}
    )
    assert done.status_code == 303
    page = await client.get(f"/procedures/{procedure.id}")
    assert "Kommt 2027." in page.text and "Ein Trinkbrunnen" in page.text
    assert "official-answer state-adopted" in page.text


async def test_the_decision_appears_in_the_public_results(
    client: httpx.AsyncClient, browser_session: SignIn, staff: User, procedure: Procedure
) -> None:
    token = await browser_session(staff)
    response = await client.post(
        f"/procedures/{procedure.id}/decision",
        data={"csrf_token": token, "text": "Der Park wird umgebaut.", "decided_on": "2026-12-01"},
    )
    assert response.status_code == 303
    client.cookies.clear()
    page = await client.get(f"/procedures/{procedure.id}")
    assert "Der Park wird umgebaut." in page.text
    assert 'id="results-h"' in page.text
    assert "export?format=xlsx" not in page.text  # anonymous readers get no export buttons


async def test_export_buttons_show_for_moderators(
    client: httpx.AsyncClient, browser_session: SignIn, make_user: MakeUser, procedure: Procedure
) -> None:
    await browser_session(await make_user("moderator"))
    page = await client.get(f"/procedures/{procedure.id}")
    assert "export?format=xlsx" in page.text and "delimiter=semicolon" in page.text


async def test_the_report_draws_accessible_svg_charts_with_data_tables(
    client: httpx.AsyncClient,
    browser_session: SignIn,
    staff: User,
    helpers: Helpers,
    make_user: MakeUser,
    thread: Thread,
    procedure: Procedure,
) -> None:
    voter = await make_user()
    comment = await helpers.comment(await make_user(), thread, "Mehr Licht")
    await helpers.vote(voter, comment["id"], 1)
    await browser_session(staff)
    page = await client.get(f"/procedures/{procedure.id}/report")
    assert page.status_code == 200
    parsed = Svgs()
    parsed.feed(page.text)
    assert len(parsed.svgs) == 3
    assert all(svg["role"] == "img" and svg["aria-labelledby"] for svg in parsed.svgs)
    assert parsed.tables >= 4
    assert parsed.styled == []
    assert "Mehr Licht" in page.text


async def test_residents_cannot_read_the_report(
    client: httpx.AsyncClient, browser_session: SignIn, make_user: MakeUser, procedure: Procedure
) -> None:
    assert (await client.get(f"/procedures/{procedure.id}/report")).status_code == 401
    await browser_session(await make_user())
    assert (await client.get(f"/procedures/{procedure.id}/report")).status_code == 403


async def test_staff_set_a_webhook_as_hand_over_channel(
    client: httpx.AsyncClient,
    browser_session: SignIn,
    staff: User,
    department: Department,
    db: Database,
) -> None:
    token = await browser_session(staff)
    url = f"/departments/{department.slug}/settings"
    refused = await client.post(
        url,
        data={"csrf_token": token, "handover_channel": "webhook", "webhook_url": "http://x.org/"},
    )
    assert refused.status_code == 422
    saved = await client.post(
        url,
        data={
            "csrf_token": token,
            "handover_channel": "webhook",
            "webhook_url": "https://185.199.108.1/hook",
            "webhook_secret": "s" * 20,
        },
    )
    assert saved.status_code == 303
    async with db.reading() as session:
        stored = await session.get(Department, department.id)
    assert stored is not None
    assert (stored.handover_channel, stored.webhook_url) == (
        "webhook",
        "https://185.199.108.1/hook",
    )


async def test_the_workspace_shows_each_hand_over_and_its_state(
    client: httpx.AsyncClient,
    browser_session: SignIn,
    staff: User,
    thread: Thread,
    department: Department,
) -> None:
    token = await browser_session(staff)
    pressed = await client.post(f"/threads/{thread.id}/handover", data={"csrf_token": token})
    assert pressed.status_code == 303
    assert pressed.headers["location"] == f"/departments/{department.slug}#handover-h"
    page = await client.get(f"/departments/{department.slug}")
    assert 'class="job-pending"' in page.text
    assert "wartet" in page.text
