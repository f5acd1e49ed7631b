"""House rules that a review would otherwise repeat: import directions and where SQL lives."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def python_files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def test_dialog_imports_moderation_only_in_app_and_migrations() -> None:
    allowed = {ROOT / "dialog" / "app.py", ROOT / "dialog" / "migrations" / "env.py"}
    offenders = [
        str(path.relative_to(ROOT))
        for path in python_files("dialog")
        if path not in allowed
        and any(name == "moderation" or name.startswith("moderation.") for name in imports_of(path))
    ]
    assert offenders == []


def test_views_and_api_modules_do_not_import_sqlalchemy() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("dialog", "moderation")
        for path in python_files(folder)
        if path.name in ("views.py", "api.py")
        and any(name.startswith("sqlalchemy") for name in imports_of(path))
    ]
    assert offenders == []


def test_db_and_settings_know_no_domain() -> None:
    for name in ("db.py", "settings.py"):
        imported = imports_of(ROOT / "dialog" / name)
        assert not [m for m in imported if m.startswith("dialog.")], name


def test_no_template_contains_inline_script_or_style_attributes() -> None:
    for template in sorted((ROOT / "templates").rglob("*.html")):
        text = template.read_text()
        assert "<script>" not in text and "<script " not in text.replace(
            '<script type="module" src=', ""
        ), template
        assert " style=" not in text and " onclick=" not in text, template


def test_accounts_reach_other_packages_personal_data_only_through_the_registry() -> None:
    """Data export and erasure: each package contributes a Part (dialog.app.PERSONAL_DATA);
    accounts import no package that stores what people wrote or received."""
    stores = ("dialog.discussion", "dialog.results", "dialog.mail.", "dialog.notifications.models")
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in python_files("dialog/accounts")
        for name in imports_of(path)
        if name.startswith(stores) and name != "dialog.mail.outbox"
    ]
    assert offenders == []


def test_handlers_reach_the_process_services_through_one_accessor() -> None:
    """`services(request)` (dialog.web.services), not loose attributes of app.state."""
    allowed = {ROOT / "dialog" / "app.py", ROOT / "dialog" / "web" / "services.py"}
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("dialog", "moderation")
        for path in python_files(folder)
        if path not in allowed and ".app.state." in path.read_text()
    ]
    assert offenders == []
