"""The OpenAPI document against the real server: schemathesis with every check, a bounded
number of examples and a fixed seed, on demo data, signed in as an administrator."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
from sqlalchemy import select
from starlette.applications import Starlette

from dialog import demo
from dialog.accounts.models import User
from dialog.app import api_routes
from dialog.db import Database
from dialog.procedures.models import Procedure
from dialog.settings import Settings
from dialog.web.api import openapi_document
from tests import factories
from tests.live.harness import serving

CONFIG = Path(__file__).with_name("schemathesis.toml")
# The caller's own account and token: deleting or revoking them would end the run.
LEFT_OUT = ("DELETE /api/v1/me", "DELETE /api/v1/me/tokens/{token_id}")


async def test_schemathesis_finds_no_failure_in_the_api_document(
    app: Starlette, settings: Settings, db: Database, tmp_path: Path
) -> None:
    await demo.load(settings)
    async with db.reading() as session:
        admin = await session.scalar(select(User).where(User.email == "admin@example.org"))
    assert admin is not None
    token = await factories.token(db, admin)
    async with serving(app) as live_url:
        origin = live_url.removeprefix("ws://").split("/", 1)[0]
        process = await asyncio.create_subprocess_exec(
            str(Path(sys.executable).with_name("st")),
            "--config-file",
            str(CONFIG),
            "run",
            f"http://{origin}/api/v1/openapi.json",
            "--url",
            f"http://{origin}",
            "--header",
            f"Authorization: Bearer {token}",
            *(arg for path in LEFT_OUT for arg in ("--exclude-name", path)),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            cwd=tmp_path,
        )
        output, _ = await process.communicate()
    report = output.decode(errors="replace")
    assert process.returncode == 0, report[-20_000:]
    assert "unique failures" not in report and " passed" in report, report[-5_000:]


async def test_a_405_names_the_allowed_methods_in_allow(client: httpx.AsyncClient) -> None:
    response = await client.request("TRACE", "/api/v1/departments")
    assert response.status_code == 405
    assert set(response.headers["allow"].split(", ")) == {"GET", "HEAD"}
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_the_procedure_decision_is_documented_with_its_own_schema(app: Starlette) -> None:
    document = openapi_document(api_routes())
    put = document["paths"]["/api/v1/procedures/{procedure_id}/decision"]["put"]
    answer = put["responses"]["200"]["content"]["application/json"]["schema"]
    assert answer == {"$ref": "#/components/schemas/ProcedureDecisionOut"}
    properties = document["components"]["schemas"]["ProcedureDecisionOut"]["properties"]
    assert {"procedure_id", "text", "decided_on"} <= set(properties)


def test_ids_and_counters_are_bounded_in_the_document() -> None:
    document = openapi_document(api_routes())
    comment = document["paths"]["/api/v1/comments/{comment_id}"]["get"]["parameters"][0]
    assert comment["schema"] == {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
    listing = document["paths"]["/api/v1/threads/{thread_id}/comments"]
    limit = next(p for p in listing["get"]["parameters"] if p["name"] == "limit")
    assert (limit["schema"]["minimum"], limit["schema"]["maximum"]) == (1, 100)
    body = document["components"]["schemas"]["CommentIn"]["properties"]["body"]
    assert body["minLength"] == 1 and "pattern" in body
    assert set(listing["post"]["responses"]) >= {"200", "201", "409"}


async def test_moderators_may_read_a_procedures_handovers(
    api: factories.ApiAs, make_user: Callable[..., Awaitable[User]], procedure: Procedure
) -> None:
    moderator = await make_user("moderator")
    url = f"/api/v1/procedures/{procedure.id}/handovers"
    response = await api.request(moderator, "GET", url)
    assert (response.status_code, response.json()) == (200, [])
    resident = await api.request(await make_user(), "GET", url)
    assert resident.status_code == 403
