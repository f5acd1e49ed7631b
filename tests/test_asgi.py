"""The module uvicorn's workers load (`dialog serve`)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from dialog.settings import PROJECT_ROOT


def test_the_server_keeps_its_startup_objects_out_of_the_garbage_collector_s_walks(
    tmp_path: Path,
) -> None:
    """A full collection over the imports' objects stopped the event loop for 0.3-1.3 s."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DIALOG_")},
        "DIALOG_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/a.db",
        "DIALOG_SECRET_KEY": "a" * 40,
        "DIALOG_VAR_DIR": str(tmp_path),
    }
    script = "import gc, dialog.asgi; print(gc.get_freeze_count(), len(gc.get_objects()))"
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    frozen, still_walked = (int(n) for n in done.stdout.split())
    assert frozen > 100_000  # the imports and the app
    assert still_walked < frozen / 10
