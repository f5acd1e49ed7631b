"""The header's links by role, with what waits behind them: the department's workspace (its
unanswered contributions), the moderation queue (its length), the office's queue of ideas and
complaints (its open items), the people admin; and for everyone signed in, their unread
notifications.

The role counts are counted for HTML pages of the people who see the links, at most every few
seconds per process (a small cache per department and one for the queue): a busy page costs no
query for them. The unread count is the reader's own and read with each signed-in page (one
indexed count, which comes with the reader's credential: dialog.accounts.middleware), so it is
right without JavaScript; static/js/notifications.js keeps it current.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.types import ASGIApp, Receive, Scope, Send

from dialog.accounts import policy
from dialog.accounts.actor import Actor
from dialog.db import Database
from dialog.direct import Direct, Script

Count = Callable[[AsyncSession], Awaitable[int]]
DepartmentCount = Callable[[AsyncSession, int], Awaitable[int]]
DepartmentSlug = Callable[[AsyncSession, int], Awaitable[str | None]]
UserCount = Callable[[int], Script[int]]
# The roles whose header links count something (links_for): only their pages open a session.
COUNTED_ROLES = frozenset(["staff", "moderator", "office", "admin"])
FRESH_SECONDS = 15.0
SKIPPED = ("/api/", "/static/", "/healthz", "/readyz")


@dataclass(frozen=True)
class NavLink:
    kind: str  # workspace | moderation | office | people (the template names it)
    href: str
    waiting: int | None = None


@dataclass
class Counters:
    queue_length: Count
    unanswered: DepartmentCount
    department_slug: DepartmentSlug
    office_open: Count
    unread: UserCount
    kept: dict[tuple[str, int], tuple[float, int | str | None]]

    async def cached(
        self, key: tuple[str, int], load: Callable[[], Awaitable[int | str | None]]
    ) -> int | str | None:
        now = time.monotonic()
        found = self.kept.get(key)
        if found is not None and found[0] > now:
            return found[1]
        value = await load()
        self.kept[key] = (now + FRESH_SECONDS, value)
        return value


def shows_header(path: str) -> bool:
    """Whether the response to a request for `path` may be a page with the header's links."""
    return not path.startswith(SKIPPED)


async def header_for(
    actor: Actor, db: Database, direct: Direct, counters: Counters, unread: int | None = None
) -> tuple[list[NavLink], int]:
    """The role links and the reader's unread notifications (no query for visitors; for
    residents none when `unread` came with their credential, else one on the driver)."""
    if actor.user_id is None:
        return [], 0
    links: list[NavLink] = []
    if actor.role in COUNTED_ROLES:
        async with db.reading() as session:
            links = await links_for(actor, session, counters)
    if unread is None:
        unread = await direct.read(counters.unread(actor.user_id))
    return links, unread


async def links_for(actor: Actor, session: AsyncSession, counters: Counters) -> list[NavLink]:
    """The links of a role in COUNTED_ROLES, with their counts (cached per process)."""
    links: list[NavLink] = []
    if actor.role == "staff" and actor.department_id is not None:
        department = actor.department_id
        slug = await counters.cached(
            ("slug", department), lambda: counters.department_slug(session, department)
        )
        waiting = await counters.cached(
            ("unanswered", department), lambda: counters.unanswered(session, department)
        )
        if isinstance(slug, str):
            links.append(NavLink("workspace", f"/departments/{slug}", int(waiting or 0)))
    if policy.is_moderator(actor):
        length = await counters.cached(("queue", 0), lambda: counters.queue_length(session))
        links.append(NavLink("moderation", "/moderation", int(length or 0)))
    if policy.is_office(actor):
        open_items = await counters.cached(("office", 0), lambda: counters.office_open(session))
        links.append(NavLink("office", "/office/concerns", int(open_items or 0)))
    if actor.role == "admin":
        links.append(NavLink("people", "/admin/people"))
    return links


class NavigationMiddleware:
    """Puts the header's role links into the request state (read by the page context)."""

    def __init__(
        self,
        app: ASGIApp,
        db: Database,
        direct: Direct,
        queue_length: Count,
        unanswered: DepartmentCount,
        department_slug: DepartmentSlug,
        office_open: Count,
        unread: UserCount,
    ) -> None:
        self.app = app
        self.db = db
        self.direct = direct
        self.counters = Counters(queue_length, unanswered, department_slug, office_open, unread, {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = str(scope.get("path", ""))
            actor = scope.get("state", {}).get("actor")
            if isinstance(actor, Actor) and shows_header(path):
                state = scope["state"]
                state["nav"], state["unread"] = await header_for(
                    actor, self.db, self.direct, self.counters, state.get("unread")
                )
        await self.app(scope, receive, send)
