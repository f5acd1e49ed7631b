"""Builders for the notification tests: comments and votes through the API."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy import select

from dialog.accounts.models import User
from dialog.db import Database
from dialog.notifications.models import Notification
from tests import factories
from tests.notifications.helpers import consumed

MakeUser = Callable[..., Awaitable[User]]


class Talk:
    def __init__(self, api: factories.ApiAs, db: Database) -> None:
        self.api = api
        self.db = db

    async def comment(
        self, who: User, thread_id: int, body: str, parent_id: int | None = None
    ) -> dict[str, Any]:
        payload: dict[str, Any] = {"body": body}
        if parent_id is not None:
            payload["parent_id"] = parent_id
        response = await self.api.request(
            who, "POST", f"/api/v1/threads/{thread_id}/comments", json=payload
        )
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()
        return created

    async def vote(self, who: User, comment_id: int) -> None:
        response = await self.api.request(
            who, "PUT", f"/api/v1/comments/{comment_id}/vote", json={"value": 1}
        )
        assert response.status_code == 200, response.text

    async def notices(self, who: User) -> list[Notification]:
        await consumed(self.db)
        async with self.db.reading() as session:
            return list(
                await session.scalars(
                    select(Notification)
                    .where(Notification.user_id == who.id)
                    .order_by(Notification.id)
                )
            )


@pytest.fixture
def talk(api: factories.ApiAs, db: Database) -> Talk:
    return Talk(api, db)
