"""Signed-in browsers are listed as people name them ("Firefox unter Windows")."""

from __future__ import annotations

import httpx
import pytest

from dialog import i18n
from dialog.accounts.devices import device_label
from tests import factories
from tests.accounts.conftest import MakeUser

FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
AGENTS = [
    (FIREFOX_WINDOWS, "Firefox unter Windows"),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
        "Safari unter iOS",
    ),
    (
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Mobile Safari/537.36",
        "Chrome unter Android",
    ),
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
        "Edge unter macOS",
    ),
    ("curl/8.5.0", "unbekannt"),
    ("", "unbekannt"),
]


@pytest.mark.parametrize(("agent", "expected"), AGENTS)
def test_a_user_agent_is_named_by_browser_and_system(agent: str, expected: str) -> None:
    token = i18n.current_locale.set("de")
    try:
        assert device_label(agent) == expected
    finally:
        i18n.current_locale.reset(token)


async def test_the_account_page_lists_sessions_by_browser_and_system(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    client.headers["user-agent"] = FIREFOX_WINDOWS
    await factories.sign_in(client, await make_user())
    page = await client.get("/me", headers={"accept-language": "de"})
    assert "Firefox unter Windows <strong>(dieser Browser)</strong>" in page.text
    assert "Gecko/20100101" not in page.text
