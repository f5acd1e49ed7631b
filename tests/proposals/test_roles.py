"""Every proposal route with an id, for every role: a submitted proposal (private) and a
published one. Bodies are empty, so a permitted write answers 422."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from dialog.accounts.models import User
from dialog.procedures.models import Department
from tests import factories
from tests.proposals.helpers import propose, published

MakeUser = Callable[..., Awaitable[User]]
ROLES = ("anonymous", "resident", "author", "moderator", "office", "staff", "admin")

# (method, path, which proposal) -> role -> status; "*" for roles not named.
EXPECTED: dict[tuple[str, str, str], dict[str, int]] = {
    ("GET", "/proposals/{id}", "submitted"): {"author": 200, "office": 200, "admin": 200, "*": 404},
    ("GET", "/proposals/{id}", "published"): {"*": 200},
    ("GET", "/api/v1/proposals/{id}", "submitted"): {
        "author": 200,
        "office": 200,
        "admin": 200,
        "*": 404,
    },
    ("GET", "/api/v1/proposals/{id}", "published"): {"*": 200},
    ("POST", "/api/v1/proposals/{id}/decision", "submitted"): {
        "anonymous": 401,
        "office": 422,
        "admin": 422,
        "*": 403,
    },
    ("POST", "/proposals/{id}/decision", "published"): {
        "anonymous": 403,  # no CSRF token without a session
        "office": 422,
        "admin": 422,
        "*": 403,
    },
    ("POST", "/api/v1/proposals/{id}/statement", "published"): {
        "anonymous": 401,
        "*": 422,  # the body is checked first; who may state is checked with a valid body
    },
    ("PUT", "/api/v1/proposals/{id}/support", "published"): {"anonymous": 401, "*": 200},
    ("DELETE", "/api/v1/proposals/{id}/support", "published"): {"anonymous": 401, "*": 200},
    ("PUT", "/api/v1/proposals/{id}/support", "submitted"): {
        "anonymous": 401,
        "author": 409,
        "office": 409,
        "admin": 409,
        "*": 404,
    },
    ("POST", "/proposals/{id}/support", "published"): {"anonymous": 403, "*": 303},
    ("POST", "/proposals/{id}/statement", "published"): {"anonymous": 403, "*": 422},
}


@pytest.mark.parametrize("role", ROLES)
async def test_each_proposal_route_answers_each_role_as_expected(
    api: factories.ApiAs, make_user: MakeUser, department: Department, role: str
) -> None:
    author, office = await make_user(), await make_user("office")
    users = {
        "resident": await make_user(),
        "author": author,
        "moderator": await make_user("moderator"),
        "office": office,
        "staff": await make_user("staff", department),
        "admin": await make_user("admin"),
    }
    proposals = {
        "submitted": (await propose(api, author))["id"],
        "published": (await published(api, author, office))["id"],
    }
    who = users.get(role)
    problems = []
    for (method, template, which), rule in EXPECTED.items():
        url = template.replace("{id}", str(proposals[which]))
        body: dict[str, object] = {}
        if method in ("POST", "PUT", "PATCH", "DELETE"):
            body = {"json": {}} if url.startswith("/api/") else {"data": {}}
        status = (await api.request(who, method, url, **body)).status_code
        expected = rule.get(role, rule["*"])
        if status != expected:
            problems.append(f"{method} {url} ({which}): {status}, expected {expected}")
    assert problems == []


async def test_a_valid_statement_from_anyone_but_the_departments_staff_is_forbidden(
    api: factories.ApiAs, make_user: MakeUser, department: Department
) -> None:
    office = await make_user("office")
    proposal = await published(api, await make_user(), office)
    url = f"/api/v1/proposals/{proposal['id']}/decision"
    await api.request(office, "POST", url, json={"action": "forward", "department": "stadtplanung"})
    other = await factories.department(api.db, "kultur", "Kultur")
    body = {"json": {"body": "Eine Stellungnahme mit genug Text."}}
    statement = f"/api/v1/proposals/{proposal['id']}/statement"
    for who in (
        await make_user(),
        office,
        await make_user("moderator"),
        await make_user("staff", other),
    ):
        assert (await api.request(who, "POST", statement, **body)).status_code == 403
    staff = await make_user("staff", department)
    assert (await api.request(staff, "POST", statement, **body)).status_code == 200
