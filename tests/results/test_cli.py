"""`dialog export` writes the same files as the API."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

import openpyxl

from dialog.accounts.models import User
from dialog.procedures.models import Procedure, Thread
from dialog.settings import PROJECT_ROOT, Settings
from tests.results.conftest import Helpers

MakeUser = Callable[..., Awaitable[User]]


def run_cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[bytes]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DIALOG_")},
        "DIALOG_DATABASE_URL": settings.database_url,
        "DIALOG_SECRET_KEY": settings.secret_key,
        "DIALOG_VAR_DIR": str(settings.var_dir),
    }
    return subprocess.run(
        [sys.executable, "-m", "dialog", "export", *args],
        capture_output=True,
        env=env,
        cwd=PROJECT_ROOT,
        timeout=120,
        check=False,
    )


async def test_the_cli_exports_csv_to_stdout_and_xlsx_and_json_to_files(
    settings: Settings,
    helpers: Helpers,
    make_user: MakeUser,
    thread: Thread,
    procedure: Procedure,
    tmp_path: Path,
) -> None:
    await helpers.comment(await make_user(), thread, "Über die Brücke")
    out = run_cli(settings, procedure.slug, "--format", "csv")
    assert out.returncode == 0, out.stderr
    rows = list(csv.DictReader(io.StringIO(out.stdout.decode("utf-8-sig"))))
    assert [r["text"] for r in rows] == ["Über die Brücke"]
    target = tmp_path / "x.xlsx"
    assert (
        run_cli(settings, str(procedure.id), "--format", "xlsx", "-o", str(target)).returncode == 0
    )
    assert openpyxl.load_workbook(target)["comments"].max_row == 2
    as_json = run_cli(settings, str(procedure.id), "--format", "json")
    assert json.loads(as_json.stdout)["counts"]["comments"] == 1


async def test_the_cli_names_an_unknown_procedure(settings: Settings, tmp_path: Path) -> None:
    target = tmp_path / "none.csv"
    out = run_cli(settings, "no-such-thing", "--format", "csv", "-o", str(target))
    assert out.returncode == 2
    assert b"no procedure 'no-such-thing'" in out.stderr
    assert not target.exists()
