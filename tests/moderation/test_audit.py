"""The audit log: every decision, block and rule change chained by hashes; tampering shows."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from dialog.__main__ import main
from dialog.db import Database
from dialog.procedures.models import Thread
from dialog.settings import Settings
from moderation import audit, cli
from tests import backends, factories
from tests.moderation.helpers import MakeUser, decide, post


async def fill(api: factories.ApiAs, make_user: MakeUser, thread: Thread) -> None:
    resident, moderator, admin = (
        await make_user(),
        await make_user("moderator"),
        await make_user("admin"),
    )
    comment = await post(api, resident, thread, "Text")
    assert (await decide(api, moderator, comment["id"], "hide", "spam")).status_code == 200
    block = {"period": "1d", "reason": "Spam"}
    url = f"/api/v1/moderation/users/{resident.id}/block"
    assert (await api.request(moderator, "POST", url, json=block)).status_code == 200
    rule = {"enabled": True, "params": {"max": 4}}
    assert (
        await api.request(admin, "PUT", "/api/v1/moderation/rules/links", json=rule)
    ).status_code == 200


async def test_decisions_blocks_and_rule_changes_form_an_intact_chain(
    api: factories.ApiAs, make_user: MakeUser, db: Database, thread: Thread
) -> None:
    await fill(api, make_user, thread)
    admin = await make_user("admin")
    rows = (await api.request(admin, "GET", "/api/v1/moderation/audit")).json()
    assert [r["action"] for r in rows] == ["rule", "block", "decision"]
    assert rows[0]["prev_hash"] == rows[1]["hash"] and rows[1]["prev_hash"] == rows[2]["hash"]
    assert rows[0]["data"]["before"]["params"] == {"max": 2}
    verified = (await api.request(admin, "GET", "/api/v1/moderation/audit/verify")).json()
    assert verified == {"ok": True, "checked": 3, "broken_at": None}


async def test_a_row_changed_in_the_database_breaks_the_chain(
    api: factories.ApiAs, make_user: MakeUser, db: Database, thread: Thread
) -> None:
    await fill(api, make_user, thread)
    async with db.unit_of_work() as uow:
        first = await uow.session.scalar(text("SELECT min(id) FROM moderation_audit"))
        await uow.session.execute(
            text("UPDATE moderation_audit SET subject = 'comment:999' WHERE id = :id"),
            {"id": first},
        )
    async with db.reading() as session:
        result = await audit.verify(session)
    assert not result.ok and result.broken_at == first


async def test_the_verify_command_reports_a_broken_chain(
    api: factories.ApiAs,
    make_user: MakeUser,
    db: Database,
    thread: Thread,
    settings: Settings,
) -> None:
    await fill(api, make_user, thread)
    assert await cli.verify(settings) == audit.Verification(3, None)
    async with db.unit_of_work() as uow:
        await uow.session.execute(
            text("UPDATE moderation_audit SET data = '{}' WHERE action = 'block'")
        )
    result = await cli.verify(settings)
    assert not result.ok and result.checked == 1


def test_the_audit_verify_command_reports_an_intact_chain(
    backend: backends.Backend,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DIALOG_DATABASE_URL", backend.database_url(tmp_path))
    monkeypatch.setenv("DIALOG_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("DIALOG_SECRET_KEY", "s" * 40)
    assert main(["audit", "verify"]) == 0
    assert "audit log intact" in capsys.readouterr().out
