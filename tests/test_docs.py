"""The README cannot drift: every setting, command and API path is named in it."""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator

import pytest

from dialog.__main__ import _parser
from dialog.app import api_routes
from dialog.settings import DOCUMENTED_SETTINGS, PROJECT_ROOT
from dialog.web.api import openapi_document

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", README, re.M | re.S)
    assert match, f"README has no section '## {title}'"
    return match.group(1)


def commands(parser: argparse.ArgumentParser, prefix: str = "dialog") -> Iterator[str]:
    """Every leaf command line, e.g. 'dialog users add'."""
    subparsers = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subparsers:
        yield prefix
        return
    for action in subparsers:
        for name, child in action.choices.items():
            yield from commands(child, f"{prefix} {name}")


def api_paths() -> list[tuple[str, str]]:
    document = openapi_document(api_routes())
    return [
        (method.upper(), path)
        for path, operations in document["paths"].items()
        for method in operations
    ]


@pytest.mark.parametrize("name", sorted(DOCUMENTED_SETTINGS))
def test_every_setting_is_documented_in_the_readme(name: str) -> None:
    assert f"`{name}`" in section("Configuration")


@pytest.mark.parametrize("command", sorted(commands(_parser())))
def test_every_command_is_documented_in_the_readme(command: str) -> None:
    assert f"`{command}" in section("Command line")


def test_the_cli_has_the_commands_of_the_contract() -> None:
    found = set(commands(_parser()))
    expected = {
        "serve",
        "migrate",
        "demo",
        "users add",
        "tokens add",
        "export",
        "backup",
        "restore",
    }
    assert {f"dialog {name}" for name in expected} <= found


def test_every_api_path_is_documented_in_the_readme() -> None:
    documented = section("API")
    missing = [
        f"{method} {path}"
        for method, path in api_paths()
        if not re.search(rf"`{method}`[^\n]*`{re.escape(path)}`", documented)
    ]
    assert missing == []


def test_the_readme_names_no_api_path_that_does_not_exist() -> None:
    known = {path for _, path in api_paths()}
    named = set(re.findall(r"`(/api/v1/[^`\s]*)`", section("API")))
    assert named - known - {"/api/v1/openapi.json", "/api/v1/live"} == set()
