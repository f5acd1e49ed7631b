"""The city's identity: name, colour (contrast checked at start-up) and logo."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest

from dialog.app import create_app
from dialog.identity import darker
from dialog.settings import Settings, SettingsError, contrast
from tests import backends

LOGO = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
    '<rect width="10" height="10" fill="#c00"/></svg>'
)


def from_env(tmp_path: Path, **values: str) -> Settings:
    return Settings.from_env({"DIALOG_VAR_DIR": str(tmp_path), **values})


@asynccontextmanager
async def served(
    settings: Settings, backend: backends.Backend, **changes: Any
) -> AsyncIterator[httpx.AsyncClient]:
    application = create_app(replace(settings, **changes))
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client
    await backends.clean(backend)


def test_contrast_follows_wcag() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#004f9f", "#ffffff") == pytest.approx(8.02, abs=0.01)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert darker("#004f9f") == "#003b77"


def test_a_colour_without_enough_contrast_stops_start_up_naming_the_ratio(tmp_path: Path) -> None:
    with pytest.raises(SettingsError) as raised:
        from_env(tmp_path, DIALOG_BRAND_COLOUR="#7fb2e5")
    message = str(raised.value)
    assert message.startswith("DIALOG_BRAND_COLOUR: #7fb2e5 has a contrast of 2.")
    assert "4.5:1" in message
    # Enough against white but not against the panel grey the filters use.
    with pytest.raises(SettingsError, match="panel grey"):
        from_env(tmp_path, DIALOG_BRAND_COLOUR="#737373")
    with pytest.raises(SettingsError, match="like #004f9f"):
        from_env(tmp_path, DIALOG_BRAND_COLOUR="blue")
    assert from_env(tmp_path, DIALOG_BRAND_COLOUR="#A00000").brand_colour == "#a00000"


def test_a_logo_must_be_a_small_svg_or_png_that_exists(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match=r"DIALOG_LOGO: .* does not exist"):
        from_env(tmp_path, DIALOG_LOGO=str(tmp_path / "missing.svg"))
    (tmp_path / "logo.gif").write_bytes(b"GIF89a")
    with pytest.raises(SettingsError, match=r"DIALOG_LOGO: must be an \.svg or \.png"):
        from_env(tmp_path, DIALOG_LOGO=str(tmp_path / "logo.gif"))
    (tmp_path / "big.png").write_bytes(b"\0" * (300 * 1024))
    with pytest.raises(SettingsError, match="larger than 256 KB"):
        from_env(tmp_path, DIALOG_LOGO=str(tmp_path / "big.png"))
    with pytest.raises(SettingsError, match="DIALOG_SITE_NAME"):
        from_env(tmp_path, DIALOG_SITE_NAME="x" * 61)


async def test_pages_carry_the_name_colour_and_logo(
    settings: Settings, backend: backends.Backend, tmp_path: Path
) -> None:
    logo = tmp_path / "stadt.svg"
    logo.write_text(LOGO)
    async with served(
        settings, backend, site_name="Potsdam beteiligt", brand_colour="#a00000", logo=logo
    ) as client:
        page = (await client.get("/procedures")).text
        assert '<span class="brand-name">Potsdam beteiligt</span>' in page
        assert "<title>" in page and "Potsdam beteiligt · WerkStadt" in page
        stylesheet = page.split('href="/brand.css?v=', 1)[1].split('"', 1)[0]
        css = await client.get(f"/brand.css?v={stylesheet}")
        assert css.headers["content-type"].startswith("text/css")
        assert "--brand: #a00000;" in css.text and "--brand-dark: #780000;" in css.text
        assert "immutable" in css.headers["cache-control"]
        assert '<img class="brand-logo" src="/brand/logo?v=' in page and 'alt=""' in page
        image = await client.get("/brand/logo")
        assert image.headers["content-type"] == "image/svg+xml"
        assert image.headers["content-security-policy"] == "default-src 'none'"
        assert image.text == LOGO


async def test_without_settings_the_default_look_and_no_logo(
    settings: Settings, backend: backends.Backend
) -> None:
    async with served(settings, backend) as client:
        page = (await client.get("/")).text
        assert '<span class="brand-name">dialog</span>' in page
        assert "brand-logo" not in page
        assert "--brand: #004f9f;" in (await client.get("/brand.css")).text
        assert (await client.get("/brand/logo")).status_code == 404
