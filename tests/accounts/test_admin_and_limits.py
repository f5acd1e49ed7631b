"""Administration of people (with the audit log) and the rate limits on login and reset."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from dialog.accounts.models import AccountAudit, User
from dialog.db import Database
from dialog.procedures.models import Department
from tests import factories
from tests.accounts.conftest import MakeUser, SignIn


async def test_admins_find_people_by_name(
    client: httpx.AsyncClient, browser_session: SignIn, make_user: MakeUser
) -> None:
    admin = await make_user("admin")
    await make_user(display_name="Zora Zuhörerin")
    await browser_session(admin)
    page = await client.get("/admin/people", params={"q": "zora"})
    assert page.status_code == 200 and "Zora Zuhörerin" in page.text


async def test_residents_may_not_open_the_people_administration(
    client: httpx.AsyncClient, browser_session: SignIn, make_user: MakeUser
) -> None:
    await browser_session(await make_user())
    assert (await client.get("/admin/people")).status_code == 403


async def test_an_admin_assigns_a_role_with_department_and_the_change_is_logged(
    client: httpx.AsyncClient,
    browser_session: SignIn,
    make_user: MakeUser,
    department: Department,
    db: Database,
) -> None:
    admin = await make_user("admin")
    person = await make_user()
    token = await browser_session(admin)
    response = await client.post(
        f"/admin/people/{person.id}/role",
        data={"role": "staff", "department": department.slug, "csrf_token": token},
    )
    assert response.status_code == 303
    async with db.reading() as session:
        changed = await session.get(User, person.id)
        entry = await session.scalar(select(AccountAudit).where(AccountAudit.action == "role"))
    assert changed is not None and changed.role == "staff"
    assert changed.department_id == department.id
    assert entry is not None and entry.actor_id == admin.id and entry.target_id == person.id
    assert entry.before == {"role": "resident", "department_id": None}
    assert entry.after == {"role": "staff", "department_id": department.id}


async def test_staff_without_department_is_refused_beside_the_field(
    client: httpx.AsyncClient, browser_session: SignIn, make_user: MakeUser
) -> None:
    admin = await make_user("admin")
    person = await make_user()
    token = await browser_session(admin)
    client.cookies.set("dialog_lang", "en")
    response = await client.post(
        f"/admin/people/{person.id}/role", data={"role": "staff", "csrf_token": token}
    )
    assert response.status_code == 422
    assert 'id="department-error"' in response.text


async def test_an_admin_blocks_and_unblocks_and_both_are_logged(
    client: httpx.AsyncClient, browser_session: SignIn, make_user: MakeUser, db: Database
) -> None:
    admin = await make_user("admin")
    person = await make_user()
    token = await browser_session(admin)
    url = f"/admin/people/{person.id}/block"
    await client.post(url, data={"days": "7", "reason": "Beleidigungen", "csrf_token": token})
    async with db.reading() as session:
        blocked = await session.get(User, person.id)
    assert blocked is not None and blocked.blocked_until is not None
    await client.post(url, data={"days": "0", "reason": "", "csrf_token": token})
    async with db.reading() as session:
        free = await session.get(User, person.id)
        actions = (await session.scalars(select(AccountAudit.action))).all()
    assert free is not None and free.blocked_until is None
    assert "block" in actions and "unblock" in actions


async def login(client: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    token = await factories.csrf(client)
    return await client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token}
    )


@pytest.mark.parametrize("known", [True, False])
async def test_the_sixth_failed_login_in_a_minute_gets_429_for_known_and_unknown_accounts(
    client: httpx.AsyncClient, make_user: MakeUser, known: bool
) -> None:
    email = (await make_user()).email if known else "niemand@example.org"
    answers = [(await login(client, str(email), "falsch-falsch")).status_code for _ in range(5)]
    assert answers == [422] * 5
    refused = await login(client, str(email), "falsch-falsch")
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1


async def test_after_five_failures_even_the_right_password_waits(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    user = await make_user()
    for _ in range(5):
        await login(client, str(user.email), "falsch-falsch")
    assert (await login(client, str(user.email), factories.PASSWORD)).status_code == 429


async def test_failures_are_limited_per_address_across_accounts(
    client: httpx.AsyncClient,
) -> None:
    for number in range(5):
        await login(client, f"person{number}@example.org", "falsch-falsch")
    assert (await login(client, "another@example.org", "falsch-falsch")).status_code == 429


async def test_password_reset_requests_are_limited_to_five_a_minute(
    client: httpx.AsyncClient,
) -> None:
    token = await factories.csrf(client)
    answers = [
        (
            await client.post(
                "/password/reset", data={"email": "x@example.org", "csrf_token": token}
            )
        ).status_code
        for _ in range(6)
    ]
    assert answers == [200] * 5 + [429]
