"""Small builders for test data, all through the real actions."""

from __future__ import annotations

import itertools
from typing import Any

import httpx

from dialog.accounts import actions as account_actions
from dialog.accounts.models import Role, User
from dialog.db import Database
from dialog.procedures.models import Department, District, Procedure, Thread

PASSWORD = "correct-horse-battery-staple"
_counter = itertools.count(1)


async def department(db: Database, slug: str, name: str) -> Department:
    async with db.unit_of_work() as uow:
        found = Department(slug=slug, name=name, email=f"{slug}@example.org")
        uow.session.add(found)
        await uow.session.flush()
    return found


async def district(db: Database, slug: str, name: str) -> District:
    async with db.unit_of_work() as uow:
        found = District(slug=slug, name=name)
        uow.session.add(found)
        await uow.session.flush()
    return found


async def user(
    db: Database, role: str = "resident", department: Department | None = None, **fields: Any
) -> User:
    number = next(_counter)
    async with db.unit_of_work() as uow:
        created = await account_actions.do_add_user(
            uow,
            email=fields.pop("email", f"{role}{number}@example.org"),
            display_name=fields.pop("display_name", f"{role.title()} {number}"),
            role=Role(role),
            department_id=department.id if department else None,
            password=fields.pop("password", PASSWORD),
        )
        for key, value in fields.items():
            setattr(created, key, value)
    return created


async def token(db: Database, owner: User) -> str:
    async with db.unit_of_work() as uow:
        return await account_actions.do_add_token(uow, owner, "test")


async def procedure(db: Database, owner: Department, **fields: Any) -> Procedure:
    number = next(_counter)
    async with db.unit_of_work() as uow:
        values: dict[str, Any] = {
            "slug": f"vorhaben-{number}",
            "title": f"Vorhaben {number}",
            "summary": "Eine kurze Beschreibung des Vorhabens.",
            "level": "consultation",
            "initiator": "administration",
            "phase": "active",
            **fields,
        }
        if "districts" in values:
            values["districts"] = [await uow.session.merge(d) for d in values["districts"]]
        created = Procedure(department_id=owner.id, **values)
        uow.session.add(created)
        await uow.session.flush()
    return created


async def thread(db: Database, parent: Procedure, **fields: Any) -> Thread:
    async with db.unit_of_work() as uow:
        created = Thread(
            procedure_id=parent.id,
            title=fields.pop("title", "Ihre Meinung"),
            question="Was ist Ihnen wichtig?",
            **fields,
        )
        uow.session.add(created)
        await uow.session.flush()
    return created


class ApiAs:
    def __init__(self, client: httpx.AsyncClient, db: Database) -> None:
        self.client = client
        self.db = db
        self._tokens: dict[int, str] = {}

    async def headers(self, who: User | None) -> dict[str, str]:
        if who is None:
            return {}
        if who.id not in self._tokens:
            self._tokens[who.id] = await token(self.db, who)
        return {"Authorization": f"Bearer {self._tokens[who.id]}"}

    async def request(
        self, who: User | None, method: str, url: str, **kwargs: Any
    ) -> httpx.Response:
        headers = {**(await self.headers(who)), **kwargs.pop("headers", {})}
        return await self.client.request(method, url, headers=headers, **kwargs)


async def csrf(client: httpx.AsyncClient) -> str:
    """The CSRF token of the client's cookie jar, fetching a page first if there is none."""
    if "dialog_csrf" not in client.cookies:
        await client.get("/login")
    return str(client.cookies["dialog_csrf"])


async def sign_in(client: httpx.AsyncClient, who: User, password: str = PASSWORD) -> str:
    token_value = await csrf(client)
    response = await client.post(
        "/login",
        data={"email": who.email or "", "password": password, "csrf_token": token_value},
    )
    assert response.status_code == 303, response.text
    return str(client.cookies["dialog_csrf"])
