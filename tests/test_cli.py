"""The `dialog` command as an operator uses it, in a real subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from tests.live.harness import free_port


def dialog(
    var: Path, database_url: str, *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ["PATH"],
        "DIALOG_VAR_DIR": str(var),
        "DIALOG_DATABASE_URL": database_url,
        "DIALOG_SECRET_KEY": "c" * 40,
    }
    return subprocess.run(
        [sys.executable, "-m", "dialog", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path}/cli.db"


def test_migrate_and_demo_are_idempotent(tmp_path: Path, sqlite_url: str) -> None:
    assert dialog(tmp_path, sqlite_url, "migrate").returncode == 0
    assert dialog(tmp_path, sqlite_url, "migrate").returncode == 0
    first = dialog(tmp_path, sqlite_url, "demo")
    second = dialog(tmp_path, sqlite_url, "demo")
    assert first.returncode == second.returncode == 0, first.stderr
    assert "loaded" in first.stdout and "present already" in second.stdout


def test_users_add_then_tokens_add_give_a_working_bearer_token(
    tmp_path: Path, sqlite_url: str
) -> None:
    assert dialog(tmp_path, sqlite_url, "migrate").returncode == 0
    added = dialog(
        tmp_path,
        sqlite_url,
        "users",
        "add",
        "Admin@Example.org",
        "--name",
        "Admin",
        "--role",
        "admin",
        "--password-stdin",
        stdin="ein-sehr-langes-passwort\n",
    )
    assert added.returncode == 0, added.stderr
    token = dialog(tmp_path, sqlite_url, "tokens", "add", "admin@example.org")
    assert token.returncode == 0 and token.stdout.strip().startswith("dlg_")
    duplicate = dialog(tmp_path, sqlite_url, "users", "add", "admin@example.org", "--name", "X")
    assert duplicate.returncode == 1 and "exists already" in duplicate.stderr


def test_staff_need_an_existing_department(tmp_path: Path, sqlite_url: str) -> None:
    assert dialog(tmp_path, sqlite_url, "migrate").returncode == 0
    result = dialog(
        tmp_path,
        sqlite_url,
        "users",
        "add",
        "s@example.org",
        "--name",
        "S",
        "--role",
        "staff",
        "--department",
        "nowhere",
    )
    assert result.returncode == 1
    assert "--department" in result.stderr


@pytest.fixture(params=["postgresql", "sqlite"])
def unreachable(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, str]:
    """(a database URL that cannot be reached, how the one line must name the database)."""
    if request.param == "postgresql":
        port = free_port()  # nothing listens there
        return f"postgresql+asyncpg://dialog:geheim@127.0.0.1:{port}/dialog", f"127.0.0.1:{port}"
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    return f"sqlite+aiosqlite:///{blocker}/dialog.db", f"{blocker}/dialog.db"


@pytest.mark.parametrize("command", [["migrate"], ["demo"], ["serve", "--port", "0"]])
def test_an_unreachable_database_stops_a_command_with_one_line_naming_it(
    tmp_path: Path, unreachable: tuple[str, str], command: list[str]
) -> None:
    url, place = unreachable
    result = dialog(tmp_path, url, *command)
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("dialog: cannot reach the database") and place in line
    assert "geheim" not in result.stderr and result.stdout == ""


def test_more_than_one_worker_needs_redis(tmp_path: Path, sqlite_url: str) -> None:
    result = dialog(tmp_path, sqlite_url, "serve", "--workers", "2")
    assert result.returncode == 1 and "DIALOG_REDIS_URL" in result.stderr


async def test_a_cli_token_authenticates_api_requests(
    tmp_path: Path, app: Starlette, client: httpx.AsyncClient
) -> None:
    url = app.state.services.settings.database_url
    added = dialog(
        tmp_path, url, "users", "add", "bot@example.org", "--name", "Bot", "--role", "admin"
    )
    assert added.returncode == 0, added.stderr
    token = dialog(tmp_path, url, "tokens", "add", "bot@example.org").stdout.strip()
    good = await client.get("/api/v1/procedures", headers={"Authorization": f"Bearer {token}"})
    bad = await client.get("/api/v1/procedures", headers={"Authorization": "Bearer dlg_wrong"})
    assert good.status_code == 200
    assert bad.status_code == 401 and bad.json()["error"]["code"] == "not_authenticated"
