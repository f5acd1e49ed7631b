"""Role × route matrix: every route of the app, walked from app.routes, for six roles.

Routes listed in EXPECTED must answer as written. Every other route (other parts add theirs
later) is still requested for every role and must never answer 5xx, and anonymous callers
must never get a 2xx from a state-changing method.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import select
from starlette.applications import Starlette
from starlette.routing import BaseRoute, Mount, Route, WebSocketRoute

from dialog.accounts.models import User
from dialog.db import Database
from dialog.discussion.models import Comment
from dialog.procedures.models import Department, Procedure, Thread
from tests import factories
from tests.accounts.conftest import MakeUser

ROLES = ("anonymous", "resident", "moderator", "office", "staff", "staff_other", "admin")
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
SIGNED_IN = ("resident", "moderator", "office", "staff", "staff_other", "admin")

# (method, path template) -> role -> expected status, or a class "2xx" / "4xx".
# "*" applies to roles not named. Bodies are empty: a permitted write answers 422.
EXPECTED: dict[tuple[str, str], dict[str, int | str]] = {
    ("GET", "/"): {"*": 200},
    ("GET", "/procedures"): {"*": 200},
    ("GET", "/login"): {"*": 200},
    ("POST", "/login"): {"anonymous": 403, "*": 422},
    ("POST", "/logout"): {"anonymous": 403, "*": 303},
    ("GET", "/register"): {"*": 200},
    ("POST", "/register"): {"anonymous": 403, "*": 422},
    ("GET", "/verify"): {"*": 400},
    ("GET", "/email/confirm"): {"*": 400},
    ("GET", "/password/reset"): {"*": 200},
    ("POST", "/password/reset"): {"anonymous": 403, "*": 422},
    ("GET", "/password/reset/confirm"): {"*": 200},
    ("POST", "/password/reset/confirm"): {"anonymous": 403, "*": 422},
    ("GET", "/login/oidc"): {"*": 404},
    ("GET", "/login/oidc/callback"): {"*": 404},
    ("GET", "/me"): {"anonymous": 401, "*": 200},
    ("POST", "/me/display-name"): {"anonymous": 403, "*": 422},
    ("POST", "/me/email"): {"anonymous": 403, "*": 422},
    ("POST", "/me/password"): {"anonymous": 403, "*": 422},
    ("POST", "/me/preferences"): {"anonymous": 403, "*": 303},
    ("POST", "/me/notifications/read"): {"anonymous": 403, "*": 303},
    ("POST", "/me/tokens"): {"anonymous": 403, "*": 201},
    ("POST", "/me/tokens/{token_id:int}/revoke"): {"anonymous": 403, "*": 404},
    ("POST", "/me/sessions/{session_id:int}/revoke"): {"anonymous": 403, "*": 404},
    ("GET", "/me/export"): {"anonymous": 401, "*": 200},
    ("GET", "/me/delete"): {"anonymous": 401, "*": 200},
    ("POST", "/me/delete"): {"anonymous": 403, "*": 422},
    ("GET", "/admin/people"): {"anonymous": 401, "admin": 200, "*": 403},
    ("GET", "/admin/people/{user_id:int}"): {"anonymous": 401, "admin": 200, "*": 403},
    ("POST", "/admin/people/{user_id:int}/role"): {"anonymous": 403, "admin": 422, "*": 403},
    ("POST", "/admin/people/{user_id:int}/block"): {"anonymous": 403, "admin": 303, "*": 403},
    ("GET", "/api/v1/me"): {"anonymous": 401, "*": 200},
    ("PATCH", "/api/v1/me"): {"anonymous": 401, "*": 200},
    ("DELETE", "/api/v1/me"): {"anonymous": 401, "*": 422},
    ("GET", "/api/v1/me/export"): {"anonymous": 401, "*": 200},
    ("GET", "/api/v1/me/sessions"): {"anonymous": 401, "*": 200},
    ("DELETE", "/api/v1/me/sessions/{session_id:int}"): {"anonymous": 401, "*": 404},
    ("GET", "/api/v1/me/tokens"): {"anonymous": 401, "*": 200},
    ("DELETE", "/api/v1/me/tokens/{token_id:int}"): {"anonymous": 401, "*": 404},
    ("GET", "/api/v1/me/notifications"): {"anonymous": 401, "*": 200},
    ("POST", "/api/v1/me/notifications/read"): {"anonymous": 401, "*": 422},
    # Bearer tokens have no idle clock: only a browser session can be extended.
    ("POST", "/api/v1/session/extend"): {"anonymous": 401, "*": 403},
    ("GET", "/api/v1/openapi.json"): {"*": 200},
    ("GET", "/api/v1/procedures"): {"*": 200},
    ("PATCH", "/api/v1/procedures/{procedure_id:int}"): {
        "anonymous": 401,
        "resident": 403,
        "moderator": 403,
        "office": 403,
        "staff_other": 403,
        "*": "2xx",
    },
    ("GET", "/healthz"): {"*": 200},
    # Thread lifecycle (staff of the responsible department and admins).
    ("GET", "/threads/{thread_id:int}/edit"): {
        "anonymous": 401,
        "staff": 200,
        "admin": 200,
        "*": 403,
    },
    ("POST", "/threads/{thread_id:int}/edit"): {"staff": 422, "admin": 422, "*": 403},
    ("POST", "/threads/{thread_id:int}/close"): {"staff": 303, "admin": 303, "*": 403},
    ("POST", "/threads/{thread_id:int}/reopen"): {"staff": 303, "admin": 303, "*": 403},
    ("GET", "/moderation/fragments"): {
        "anonymous": 401,
        "moderator": 200,
        "admin": 200,
        "*": 403,
    },
    # notifications
    ("GET", "/notifications"): {"anonymous": 401, "*": 200},
    ("POST", "/notifications/read"): {"anonymous": 403, "*": 303},
    ("POST", "/follows"): {"anonymous": 403, "*": 422},
    ("GET", "/me/following"): {"anonymous": 401, "*": 200},
    ("GET", "/me/notifications"): {"anonymous": 401, "*": 200},
    ("POST", "/me/notifications"): {"anonymous": 403, "*": 303},
    ("GET", "/unsubscribe/{token:str}"): {"*": 404},
    ("POST", "/unsubscribe/{token:str}"): {"*": 404},
    ("GET", "/api/v1/me/follows"): {"anonymous": 401, "*": 200},
    ("GET", "/api/v1/me/follows/{kind:str}/{target_id:int}"): {"anonymous": 401, "*": 422},
    ("PUT", "/api/v1/me/follows/{kind:str}/{target_id:int}"): {"anonymous": 401, "*": 422},
    ("DELETE", "/api/v1/me/follows/{kind:str}/{target_id:int}"): {"anonymous": 401, "*": 422},
    ("GET", "/api/v1/me/notifications/unread"): {"anonymous": 401, "*": 200},
    ("POST", "/api/v1/me/notifications/read-all"): {"anonymous": 401, "*": 204},
    ("GET", "/api/v1/me/notification-preferences"): {"anonymous": 401, "*": 200},
    ("PUT", "/api/v1/me/notification-preferences"): {"anonymous": 401, "*": 200},
    # Feeds and calendars (dialog/feeds): public, the same for every role.
    ("GET", "/procedures.atom"): {"*": 200},
    ("GET", "/procedures/{procedure_id:int}.atom"): {"*": 200},
    ("GET", "/procedures/{procedure_id:int}.ics"): {"*": 200},
    ("GET", "/threads/{thread_id:int}.atom"): {"*": 200},
    # Search (dialog/search) and saved Vorhabenliste searches (dialog/saved_searches).
    ("GET", "/search"): {"*": 200},
    ("GET", "/api/v1/search"): {"*": 422},  # without q
    ("GET", "/me/searches"): {"anonymous": 401, "*": 200},
    ("POST", "/me/searches"): {"anonymous": 403, "*": 422},
    ("POST", "/me/searches/{search_id:int}/delete"): {"anonymous": 403, "*": 404},
    # Proposals (their routes with an id: tests/proposals/test_roles.py).
    ("GET", "/proposals"): {"*": 200},
    ("GET", "/proposals/new"): {"anonymous": 401, "*": 200},
    ("POST", "/proposals/new"): {"anonymous": 403, "*": 422},
    ("GET", "/api/v1/proposals"): {"*": 200},
    ("POST", "/api/v1/proposals"): {"anonymous": 401, "*": 422},
    ("GET", "/organisations"): {"*": 200},
    ("GET", "/organisations/new"): {"anonymous": 401, "office": 200, "admin": 200, "*": 403},
    ("POST", "/organisations/new"): {"anonymous": 403, "office": 422, "admin": 422, "*": 403},
    ("GET", "/api/v1/organisations"): {"*": 200},
    ("GET", "/districts"): {"*": 200},
    # The office's review (dialog.review): the matrix's procedure is public.
    ("GET", "/procedures/{procedure_id:int}/review"): {
        "anonymous": 401,
        "office": 200,
        "staff": 200,
        "admin": 200,
        "*": 403,
    },
    ("GET", "/office"): {"anonymous": 401, "office": 200, "admin": 200, "*": 403},
    ("GET", "/office/checklist"): {"anonymous": 401, "office": 200, "admin": 200, "*": 403},
    ("POST", "/office/checklist"): {"anonymous": 403, "office": 422, "admin": 422, "*": 403},
    ("GET", "/methods/new"): {"anonymous": 401, "office": 200, "admin": 200, "*": 403},
    ("POST", "/methods/new"): {"anonymous": 403, "office": 422, "admin": 422, "*": 403},
}

# The evaluation workbench: the procedure's department and the office (admins included).
_CODERS_READ: dict[str, int | str] = {
    "anonymous": 401,
    "office": 200,
    "staff": 200,
    "admin": 200,
    "*": 403,
}
EXPECTED.update(
    {
        ("GET", "/procedures/{procedure_id:int}/coding"): _CODERS_READ,
        ("POST", "/procedures/{procedure_id:int}/coding"): {
            "anonymous": 403,
            "office": 303,
            "staff": 303,
            "admin": 303,
            "*": 403,
        },
        ("GET", "/procedures/{procedure_id:int}/themes"): _CODERS_READ,
        ("POST", "/procedures/{procedure_id:int}/themes"): {
            "anonymous": 403,
            "office": 422,
            "staff": 422,
            "admin": 422,
            "*": 403,
        },
        ("POST", "/themes/{theme_id:int}/rename"): {"anonymous": 403, "*": 404},
        ("POST", "/themes/{theme_id:int}/merge"): {"anonymous": 403, "*": 404},
        ("GET", "/procedures/{procedure_id:int}/offline"): _CODERS_READ,
        ("GET", "/api/v1/procedures/{procedure_id:int}/opinion-groups"): _CODERS_READ,
        ("POST", "/procedures/{procedure_id:int}/offline"): {
            "anonymous": 403,
            "office": 422,
            "staff": 422,
            "admin": 422,
            "*": 403,
        },
    }
)


# Ideas and complaints: one public item by the resident, with a photo, routed to `staff`'s
# department. Workflow forms: office steps need the office; handler steps the office or the
# routed department; a permitted step with an empty body answers 422 (accept needs nothing).
OFFICE: dict[str, int | str] = {"anonymous": 401, "office": 422, "admin": 422, "*": 403}
HANDLER: dict[str, int | str] = {
    "anonymous": 401,
    "office": 422,
    "admin": 422,
    "staff": 422,
    "*": 403,
}
FORM_OFFICE: dict[str, int | str] = {"anonymous": 403, "office": 422, "admin": 422, "*": 403}
FORM_HANDLER: dict[str, int | str] = {
    "anonymous": 403,
    "office": 422,
    "admin": 422,
    "staff": 422,
    "*": 403,
}
CONCERN_STEPS = {
    "route": "office",
    "forward": "office",
    "merge": "office",
    "category": "office",
    "unpublish": "office",
    "return": "handler",
    "notes": "handler",
    "answer": "handler",
}
CONCERNS: dict[tuple[str, str], dict[str, int | str]] = {
    ("GET", "/concerns"): {"*": 200},
    ("GET", "/concerns/new"): {"*": 200},
    ("POST", "/concerns/new"): {"anonymous": 403, "*": 422},
    ("GET", "/concerns/similar"): {"*": 200},
    ("GET", "/concerns/department"): {
        "anonymous": 401,
        "staff": 200,
        "staff_other": 200,
        "*": 403,
    },
    ("GET", "/concerns/photos/{photo_id:int}"): {"*": 200},
    ("GET", "/concerns/track/{token}"): {"*": 404},
    ("POST", "/concerns/track/{token}"): {"anonymous": 403, "*": 404},
    ("GET", "/concerns/{concern_id:int}"): {"*": 200},
    ("POST", "/concerns/{concern_id:int}/support"): {"anonymous": 403, "resident": 409, "*": 303},
    ("POST", "/concerns/{concern_id:int}/unsupport"): {"anonymous": 403, "*": 303},
    ("POST", "/concerns/{concern_id:int}/reopen"): {"anonymous": 403, "resident": 422, "*": 403},
    ("POST", "/concerns/{concern_id:int}/photos/{photo_id:int}/hide"): FORM_OFFICE,
    ("POST", "/concerns/{concern_id:int}/accept"): {
        "anonymous": 403,
        "office": 303,
        "admin": 303,
        "staff": 303,
        "*": 403,
    },
    ("POST", "/concerns/{concern_id:int}/archive"): {
        "anonymous": 403,
        "office": 409,
        "admin": 409,
        "*": 403,
    },
    ("POST", "/concerns/{concern_id:int}/approve"): {
        "anonymous": 403,
        "office": 409,
        "admin": 409,
        "*": 403,
    },
    ("GET", "/office/concerns"): {"anonymous": 401, "office": 200, "admin": 200, "*": 403},
    ("POST", "/office/concerns/routes"): FORM_OFFICE,
    ("GET", "/me/concerns"): {"anonymous": 401, "*": 200},
    ("GET", "/office/concerns/settings"): {
        "anonymous": 401,
        "office": 200,
        "admin": 200,
        "*": 403,
    },
    # {part} is "x" here: no such part (categories, departments, templates are tested apart).
    ("POST", "/office/concerns/settings/{part}"): {
        "anonymous": 403,
        "office": 404,
        "admin": 404,
        "*": 403,
    },
    ("GET", "/api/v1/concerns"): {"*": 200},
    ("POST", "/api/v1/concerns"): {"*": 422},
    ("GET", "/api/v1/concerns/queue"): {
        "anonymous": 401,
        "office": 200,
        "admin": 200,
        "*": 403,
    },
    ("GET", "/api/v1/concerns/{concern_id:int}"): {"*": 200},
    ("PUT", "/api/v1/concerns/{concern_id:int}/support"): {
        "anonymous": 401,
        "resident": 409,
        "*": 200,
    },
    ("DELETE", "/api/v1/concerns/{concern_id:int}/support"): {"anonymous": 401, "*": 200},
    ("POST", "/api/v1/concerns/{concern_id:int}/accept"): {
        "anonymous": 401,
        "office": 200,
        "admin": 200,
        "staff": 200,
        "*": 403,
    },
    ("POST", "/api/v1/concerns/{concern_id:int}/archive"): {
        "anonymous": 401,
        "office": 409,
        "admin": 409,
        "*": 403,
    },
    ("POST", "/api/v1/concerns/{concern_id:int}/approve"): {
        "anonymous": 401,
        "office": 409,
        "admin": 409,
        "*": 403,
    },
}
for _step, _who in CONCERN_STEPS.items():
    CONCERNS[("POST", f"/concerns/{{concern_id:int}}/{_step}")] = (
        FORM_OFFICE if _who == "office" else FORM_HANDLER
    )
    CONCERNS[("POST", f"/api/v1/concerns/{{concern_id:int}}/{_step}")] = (
        OFFICE if _who == "office" else HANDLER
    )
EXPECTED.update(CONCERNS)


@dataclass
class Fixtures:
    users: dict[str, User]
    department: Department
    procedure: Procedure
    thread: Thread
    comment: Comment
    concern_id: int = 0
    photo_id: int = 0


def routes_of(routes: Sequence[BaseRoute], prefix: str = "") -> Iterator[tuple[str, str]]:
    for route in routes:
        if isinstance(route, Mount):
            if route.path == "/static":
                continue
            yield from routes_of(route.routes, prefix + route.path)
        elif isinstance(route, Route):
            for method in sorted((route.methods or {"GET"}) - {"HEAD"}):
                yield method, prefix + route.path
        elif isinstance(route, WebSocketRoute):
            yield "WEBSOCKET", prefix + route.path


BY_SEGMENT = {"procedures": "procedure", "threads": "thread", "comments": "comment"}


def concrete(path: str, fx: Fixtures) -> str:
    ids = {
        "procedure": fx.procedure.id,
        "thread": fx.thread.id,
        "comment": fx.comment.id,
        "user": fx.users["resident"].id,
        "department": fx.department.id,
        "concern": fx.concern_id,
        "photo": fx.photo_id,
    }

    def value(match: re.Match[str]) -> str:
        name, kind = match.group(1), match.group(2) or "str"
        before = path[: match.start()].rstrip("/").rsplit("/", 1)[-1]
        if name.endswith("_id") and name[:-3] in ids:
            return str(ids[name[:-3]])
        if name == "id" and before in BY_SEGMENT:
            return str(ids[BY_SEGMENT[before]])
        if name in ("session_id", "token_id"):
            return "999999"  # never one of the caller's own: revoking it would end the test
        if name == "code":
            return "en"
        if name == "key":
            return str(fx.procedure.id)
        return "1" if kind == "int" else "x"

    return re.sub(r"\{(\w+)(?::(\w+))?\}", value, path)


def matches(expected: int | str, status: int) -> bool:
    if isinstance(expected, int):
        return status == expected
    return str(status)[0] == expected[0]


@pytest.fixture
async def fixtures(
    make_user: MakeUser,
    department: Department,
    other_department: Department,
    procedure: Procedure,
    thread: Thread,
    db: Database,
) -> Fixtures:
    users = {
        "resident": await make_user(),
        "moderator": await make_user("moderator"),
        "office": await make_user("office"),
        "staff": await make_user("staff", department),
        "staff_other": await make_user("staff", other_department),
        "admin": await make_user("admin"),
    }
    async with db.unit_of_work() as uow:
        comment = Comment(
            thread_id=thread.id,
            author_id=users["resident"].id,
            body="Ein Beitrag",
            html="<p>Ein Beitrag</p>",
        )
        uow.session.add(comment)
        await uow.session.flush()
    concern_id, photo_id = await public_concern(db, users["resident"], department)
    return Fixtures(users, department, procedure, thread, comment, concern_id, photo_id)


async def public_concern(db: Database, author: User, department: Department) -> tuple[int, int]:
    """A public item by `author`, routed to `department` (in review), with one photo."""
    from dialog.concerns.models import Category, Concern, Photo

    async with db.unit_of_work() as uow:
        category = await uow.session.scalar(select(Category).where(Category.is_other.is_(True)))
        assert category is not None
        item = Concern(
            kind="idea",
            category_id=category.id,
            text="Mehr Bäume in der Innenstadt.",
            author_id=author.id,
            department_id=department.id,
            state="in-review",
            first_reply_due=date(2026, 1, 5),
            answer_due=date(2026, 2, 2),
        )
        uow.session.add(item)
        await uow.session.flush()
        photo = Photo(concern_id=item.id, data=b"\xff\xd8\xff", width=1, height=1)
        uow.session.add(photo)
        await uow.session.flush()
        return item.id, photo.id


@pytest.mark.parametrize("role", ROLES)
async def test_every_route_answers_each_role_as_expected(
    app: Starlette, api: factories.ApiAs, fixtures: Fixtures, role: str
) -> None:
    who = None if role == "anonymous" else fixtures.users[role]
    problems: list[str] = []
    seen: set[tuple[str, str]] = set()
    for method, template in routes_of(app.routes):
        if method == "WEBSOCKET":
            continue  # the live part tests its socket's authentication over a real server
        seen.add((method, template))
        url = concrete(template, fixtures)
        body: dict[str, object] = {}
        if method in UNSAFE:
            body = {"json": {}} if url.startswith("/api/") else {"data": {}}
        response = await api.request(who, method, url, **body)
        status = response.status_code
        if status >= 500:
            problems.append(f"{method} {url}: {status}")
        if role == "anonymous" and method in UNSAFE and 200 <= status < 300:
            problems.append(f"{method} {url}: anonymous got {status}")
        rule = EXPECTED.get((method, template))
        if rule is not None:
            expected = rule.get(role, rule.get("*"))
            if expected is not None and not matches(expected, status):
                problems.append(f"{method} {url}: {status}, expected {expected}")
    assert problems == []
    assert set(EXPECTED) <= seen, set(EXPECTED) - seen


def test_the_walk_finds_routes_inside_mounts(app: Starlette) -> None:
    found = set(routes_of(app.routes))
    assert ("GET", "/api/v1/me") in found and ("GET", "/me") in found
    assert ("WEBSOCKET", "/api/v1/live") in found
