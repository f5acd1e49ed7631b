"""How dialog calls pg_dump: the password only in its environment, and failures in one line.

pg_dump and pg_restore lie outside the city: here a stand-in on PATH records what it was given
(the round trip in test_roundtrip.py runs the real tools on PostgreSQL).
"""

from __future__ import annotations

import json
import stat
import sys
from pathlib import Path

from tests.backup.conftest import dialog

URL = "postgresql+asyncpg://dialog:geheim%2F123@db.example.org:6543/beteiligung"

RECORDER = """#!{python}
import json, os, sys
with open({record!r}, "w") as out:
    json.dump({{"argv": sys.argv[1:], "env": {{k: v for k, v in os.environ.items()
                                            if k.startswith("PG")}}}}, out)
target = next(a.split("=", 1)[1] for a in sys.argv if a.startswith("--file="))
with open(target, "wb") as dump:
    dump.write(b"PGDMP stand-in")
"""
FAILING = """#!/bin/sh
echo 'pg_dump: error: connection to server at "db.example.org", port 6543 failed: timeout' >&2
echo 'second line of detail' >&2
exit 1
"""


def tool(folder: Path, name: str, script: str) -> None:
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(script)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


def test_pg_dump_gets_the_password_in_its_environment_never_on_its_command_line(
    tmp_path: Path,
) -> None:
    record = tmp_path / "record.json"
    tool(tmp_path / "bin", "pg_dump", RECORDER.format(python=sys.executable, record=str(record)))
    target = tmp_path / "dialog.backup"
    done = dialog(tmp_path, URL, "backup", str(target), path=str(tmp_path / "bin"))
    assert done.returncode == 0, done.stderr
    called = json.loads(record.read_text())
    assert not any("geheim" in argument for argument in called["argv"])
    assert called["argv"][0] == "--format=custom"
    assert called["env"] == {
        "PGHOST": "db.example.org",
        "PGPORT": "6543",
        "PGUSER": "dialog",
        "PGPASSWORD": "geheim/123",
        "PGDATABASE": "beteiligung",
    }
    assert target.read_bytes() == b"PGDMP stand-in"


def test_a_missing_pg_dump_is_named_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    done = dialog(tmp_path, URL, "backup", str(tmp_path / "x"), path=str(tmp_path / "empty"))
    assert done.returncode == 1
    assert done.stderr.startswith("dialog: pg_dump not found: install the PostgreSQL client")
    assert done.stderr.count("\n") == 1


def test_a_failing_pg_dump_gives_one_line_and_leaves_no_file(tmp_path: Path) -> None:
    tool(tmp_path / "bin", "pg_dump", FAILING)
    target = tmp_path / "dialog.backup"
    done = dialog(tmp_path, URL, "backup", str(target), path=str(tmp_path / "bin"))
    assert (done.returncode, done.stderr) == (
        1,
        'dialog: pg_dump failed (exit 1): connection to server at "db.example.org", '
        "port 6543 failed: timeout\n",
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bin"]
