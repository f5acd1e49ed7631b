"""A machine without Chromium fails the browser tests loudly instead of skipping them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from dialog.settings import PROJECT_ROOT

pytestmark = pytest.mark.browser


def test_a_missing_chromium_fails_the_browser_tests_with_a_clear_message(tmp_path: Path) -> None:
    env = {**os.environ, "DIALOG_TEST_CHROMIUM": str(tmp_path / "no-chromium")}
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/browser/test_keyboard.py::test_the_skip_link_is_the_first_stop_and_jumps_to_the_content",
        ],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 1, run.stdout
    assert "Chromium not found at" in run.stdout
    assert "skipped" not in run.stdout
