"""Residents and staff cannot reach the queue or decide; moderators and admins can."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.applications import Starlette

from dialog.db import Database
from dialog.procedures.models import Department, Procedure
from tests import factories
from tests.moderation.helpers import MakeUser, post_directly

# (method, path template, JSON body); {c} is a pending comment, {u} a resident to block.
ROUTES: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", "/api/v1/moderation/queue", None),
    ("GET", "/api/v1/moderation/comments/{c}", None),
    ("POST", "/api/v1/moderation/comments/{c}/claim", None),
    ("DELETE", "/api/v1/moderation/comments/{c}/claim", None),
    ("POST", "/api/v1/moderation/comments/{c}/decision", {"action": "approve", "reason": "topic"}),
    (
        "POST",
        "/api/v1/moderation/decisions",
        {"comment_ids": ["{c}"], "action": "approve", "reason": "topic"},
    ),
    ("POST", "/api/v1/moderation/users/{u}/block", {"period": "1d", "reason": "Test"}),
    ("DELETE", "/api/v1/moderation/users/{u}/block", None),
    ("GET", "/api/v1/moderation/rules", None),
    ("GET", "/api/v1/moderation/figures", None),
    ("GET", "/api/v1/moderation/audit", None),
    ("GET", "/api/v1/moderation/audit/verify", None),
    ("GET", "/moderation", None),
    ("GET", "/moderation/rules", None),
    ("GET", "/moderation/audit", None),
    ("GET", "/moderation/audit.csv", None),
    ("POST", "/moderation/comments/{c}/claim", {"form": "1"}),
    (
        "POST",
        "/moderation/comments/{c}/decision",
        {"form": "1", "action": "approve", "reason": "topic"},
    ),
    (
        "POST",
        "/moderation/bulk",
        {"form": "1", "comment_ids": "{c}", "action": "reject", "reason": "spam"},
    ),
    ("POST", "/moderation/users/{u}/block", {"form": "1", "period": "1d", "reason": "Test"}),
]


def fill(value: Any, comment_id: int, user_id: int) -> Any:
    if isinstance(value, str):
        filled = value.replace("{c}", str(comment_id)).replace("{u}", str(user_id))
        return int(filled) if value in ("{c}", "{u}") else filled
    if isinstance(value, list):
        return [fill(v, comment_id, user_id) for v in value]
    if isinstance(value, dict):
        return {k: fill(v, comment_id, user_id) for k, v in value.items()}
    return value


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("anonymous", False),
        ("resident", False),
        ("staff", False),
        ("moderator", True),
        ("admin", True),
    ],
)
async def test_only_moderators_and_admins_reach_every_moderation_route(
    app: Starlette,
    api: factories.ApiAs,
    make_user: MakeUser,
    db: Database,
    procedure: Procedure,
    department: Department,
    role: str,
    allowed: bool,
) -> None:
    held = await factories.thread(db, procedure, moderation="pre")
    who = None
    if role != "anonymous":
        who = await make_user(role, department if role == "staff" else None)
    author, target = await make_user(), await make_user()
    seen = {}
    for method, path, body in ROUTES:
        # A fresh pending comment each time: an approval by an earlier route changes nothing.
        comment = {"id": await post_directly(app, db, author, held, f"Wartet {path} {method}")}
        url = fill(path, comment["id"], target.id)
        payload = fill(body, comment["id"], target.id)
        if payload and payload.pop("form", None):
            response = await api.request(
                who, method, url, data={k: str(v) for k, v in payload.items()}
            )
        else:
            response = await api.request(who, method, url, json=payload)
        seen[f"{method} {path}"] = response.status_code
    if allowed:
        assert set(seen.values()) <= {200, 204, 303}, seen
    elif role == "anonymous":
        api_codes = {v for k, v in seen.items() if " /api/" in k}
        page_codes = {v for k, v in seen.items() if " /api/" not in k}
        # Pages send the anonymous to sign in; their forms are refused by the CSRF check first.
        assert api_codes == {401} and page_codes <= {401, 403, 303}, seen
    else:
        assert set(seen.values()) == {403}, seen


async def test_changing_rules_is_for_admins_only(
    api: factories.ApiAs, make_user: MakeUser, department: Department
) -> None:
    body = {"enabled": False, "params": {}}
    url = "/api/v1/moderation/rules/personal-data"
    for role, status in (("resident", 403), ("staff", 403), ("moderator", 403), ("admin", 200)):
        who = await make_user(role, department if role == "staff" else None)
        assert (await api.request(who, "PUT", url, json=body)).status_code == status, role
