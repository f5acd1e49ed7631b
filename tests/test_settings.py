"""Settings come from DIALOG_* variables; a wrong one stops start-up with one clear line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from dialog.app import create_app
from dialog.settings import Settings, SettingsError


def test_defaults_are_sqlite_in_var_and_the_in_process_hub(tmp_path: Path) -> None:
    settings = Settings.from_env({"DIALOG_VAR_DIR": str(tmp_path)})
    assert settings.database_url == f"sqlite+aiosqlite:///{tmp_path}/dialog.db"
    assert settings.redis_url is None
    assert settings.env == "development" and settings.log_format == "text"


def test_a_missing_secret_is_generated_once_and_kept(tmp_path: Path) -> None:
    first = Settings.from_env({"DIALOG_VAR_DIR": str(tmp_path)}).secret_key
    second = Settings.from_env({"DIALOG_VAR_DIR": str(tmp_path)}).secret_key
    assert first == second and len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        ({"DIALOG_DATABASE_URL": "mysql://x"}, "DIALOG_DATABASE_URL"),
        ({"DIALOG_REDIS_URL": "http://redis"}, "DIALOG_REDIS_URL"),
        ({"DIALOG_SECRET_KEY": "short"}, "DIALOG_SECRET_KEY"),
        ({"DIALOG_BASE_URL": "dialog.potsdam.de"}, "DIALOG_BASE_URL"),
        ({"DIALOG_ENV": "staging"}, "DIALOG_ENV"),
        ({"DIALOG_ENV": "production", "DIALOG_BASE_URL": "https://d.example"}, "DIALOG_SECRET_KEY"),
        (
            {
                "DIALOG_ENV": "production",
                "DIALOG_SECRET_KEY": "s" * 40,
                "DIALOG_BASE_URL": "http://d.example",
            },
            "DIALOG_BASE_URL",
        ),
        ({"DIALOG_SMTP_URL": "mail.example.org"}, "DIALOG_SMTP_URL"),
        ({"DIALOG_OIDC_ISSUER": "https://sso.example"}, "DIALOG_OIDC_CLIENT_ID"),
        ({"DIALOG_OIDC_ROLE_MAP": "moderatoren=boss"}, "DIALOG_OIDC_ROLE_MAP"),
        ({"DIALOG_FLAG_THRESHOLD": "three"}, "DIALOG_FLAG_THRESHOLD"),
        ({"DIALOG_DATABASE_POOL_SIZE": "0"}, "DIALOG_DATABASE_POOL_SIZE"),
        ({"DIALOG_LOG_LEVEL": "LOUD"}, "DIALOG_LOG_LEVEL"),
        ({"DIALOG_REDIS_NAMESPACE": "a b"}, "DIALOG_REDIS_NAMESPACE"),
        ({"DIALOG_LIVE_SOCKETS_PER_ADDRESS": "0"}, "DIALOG_LIVE_SOCKETS_PER_ADDRESS"),
        (
            {"DIALOG_LIVE_SIGNED_IN_SOCKETS_PER_ADDRESS": "many"},
            "DIALOG_LIVE_SIGNED_IN_SOCKETS_PER_ADDRESS",
        ),
        ({"DIALOG_MAIL_INTERVAL": "0"}, "DIALOG_MAIL_INTERVAL"),
        ({"DIALOG_MAIL_MAX_ATTEMPTS": "many"}, "DIALOG_MAIL_MAX_ATTEMPTS"),
        ({"DIALOG_WEBHOOK_ALLOW_PRIVATE": "maybe"}, "DIALOG_WEBHOOK_ALLOW_PRIVATE"),
        ({"DIALOG_DATABSE_URL": "sqlite+aiosqlite:///x"}, "DIALOG_DATABSE_URL"),
    ],
)
def test_a_wrong_setting_names_the_variable(
    tmp_path: Path, variables: dict[str, str], named: str
) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({"DIALOG_VAR_DIR": str(tmp_path), **variables})
    message = str(caught.value)
    assert message.startswith(named + ":")
    assert "\n" not in message


def test_the_live_socket_allowances_per_address_are_read_from_the_environment(
    tmp_path: Path,
) -> None:
    settings = Settings.from_env(
        {
            "DIALOG_VAR_DIR": str(tmp_path),
            "DIALOG_LIVE_SOCKETS_PER_ADDRESS": "20",
            "DIALOG_LIVE_SIGNED_IN_SOCKETS_PER_ADDRESS": "400",
        }
    )
    assert (settings.live_sockets_per_address, settings.live_signed_in_sockets_per_address) == (
        20,
        400,
    )


def test_internal_webhook_addresses_are_refused_unless_the_setting_allows_them(
    tmp_path: Path,
) -> None:
    assert Settings.from_env({"DIALOG_VAR_DIR": str(tmp_path)}).webhook_allow_private is False
    allowed = {"DIALOG_VAR_DIR": str(tmp_path), "DIALOG_WEBHOOK_ALLOW_PRIVATE": "true"}
    assert Settings.from_env(allowed).webhook_allow_private is True


def test_oidc_role_map_is_parsed(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "DIALOG_VAR_DIR": str(tmp_path),
            "DIALOG_OIDC_ROLE_MAP": "beteiligung=moderator, fb-stadtplanung=staff:stadtplanung",
        }
    )
    assert settings.oidc_role_map == {
        "beteiligung": "moderator",
        "fb-stadtplanung": "staff:stadtplanung",
    }


def test_the_command_stops_with_one_line_on_a_bad_setting(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "dialog", "migrate"],
        env={"DIALOG_VAR_DIR": str(tmp_path), "DIALOG_REDIS_URL": "nope://x", "PATH": "/usr/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "dialog: configuration error: DIALOG_REDIS_URL: must start with redis://, rediss:// "
        "or unix://"
    ]


def test_templates_are_checked_for_changes_in_development_only(tmp_path: Path) -> None:
    """In production every template is read once: no file check on every page."""
    base = {"DIALOG_VAR_DIR": str(tmp_path), "DIALOG_SECRET_KEY": "k" * 40}
    production = Settings.from_env(
        {**base, "DIALOG_ENV": "production", "DIALOG_BASE_URL": "https://d.example"}
    )
    development = Settings.from_env(base)
    for settings, reloads in ((production, False), (development, True)):
        services = create_app(settings).state.services
        assert services.templates.env.auto_reload is reloads
