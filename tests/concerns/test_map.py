"""A point on the city's own map: only where the city configured a tile server of its own
(DIALOG_MAP_TILES), whose origin then is the one other origin the CSP allows images from."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from dialog.settings import Settings, SettingsError
from tests import backends, factories
from tests.concerns.conftest import World
from tests.test_identity import served

TILES = "https://geo.potsdam.example/tiles/{z}/{x}/{y}.png"


def from_env(tmp_path: Path, **values: str) -> Settings:
    return Settings.from_env({"DIALOG_VAR_DIR": str(tmp_path), **values})


def test_the_map_settings_are_read_and_checked(tmp_path: Path) -> None:
    settings = from_env(
        tmp_path,
        DIALOG_MAP_TILES=TILES,
        DIALOG_MAP_ATTRIBUTION="© Landeshauptstadt Potsdam",
        DIALOG_MAP_CENTRE="52.40,13.05",
    )
    assert settings.map_tiles == TILES
    assert settings.map_attribution == "© Landeshauptstadt Potsdam"
    assert settings.map_centre == (52.40, 13.05)
    assert from_env(tmp_path).map_tiles is None


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DIALOG_MAP_TILES", "http://tiles.example.org/{z}/{x}/{y}.png"),  # not https
        ("DIALOG_MAP_TILES", "https://tiles.example.org/{z}/{x}.png"),  # no {y}
        ("DIALOG_MAP_TILES", "https:///{z}/{x}/{y}.png"),  # no host
        ("DIALOG_MAP_TILES", "https://a.example/{z}/{x}/{y}.png; script-src *"),
        ("DIALOG_MAP_CENTRE", "Potsdam"),
        ("DIALOG_MAP_CENTRE", "95,13"),
        ("DIALOG_MAP_ATTRIBUTION", "x" * 201),
    ],
)
def test_a_wrong_map_setting_stops_start_up_naming_it(
    tmp_path: Path, name: str, value: str
) -> None:
    with pytest.raises(SettingsError) as raised:
        from_env(tmp_path, **{name: value})
    assert str(raised.value).startswith(name + ":")


async def test_without_tiles_there_is_no_map_and_the_csp_allows_no_other_origin(
    client: httpx.AsyncClient,
) -> None:
    page = await client.get("/concerns/new")
    assert page.status_code == 200
    assert 'id="map"' not in page.text and "map-point.js" not in page.text
    assert "img-src 'self' data:;" in page.headers["content-security-policy"]


async def test_with_tiles_the_form_offers_the_map_and_the_csp_allows_that_origin_only(
    settings: Settings, backend: backends.Backend
) -> None:
    async with served(
        settings, backend, map_tiles=TILES, map_attribution="© Landeshauptstadt Potsdam"
    ) as client:
        page = await client.get("/concerns/new")
        home = await client.get("/")
    assert page.status_code == 200
    assert f'data-tiles="{TILES}"' in page.text
    assert '<input id="lat" name="lat"' in page.text and '<input id="lon" name="lon"' in page.text
    assert "© Landeshauptstadt Potsdam" in page.text
    for response in (page, home):
        csp = response.headers["content-security-policy"]
        assert "img-src 'self' data: https://geo.potsdam.example;" in csp
        assert csp.count("https://") == 1


async def test_the_point_typed_without_javascript_is_kept_through_both_steps(
    world: World, settings: Settings, backend: backends.Backend
) -> None:
    async with served(settings, backend, map_tiles=TILES) as client:
        category = world.category.id
        form = {
            "csrf_token": await factories.csrf(client),
            "kind": "defect",
            "category": str(category),
            "text": "Die Laterne an der Ecke ist seit Tagen dunkel.",
            "lat": "52.399",
            "lon": "13.061",
        }
        confirm = await client.post("/concerns/new", data=form)
        assert confirm.status_code == 200, confirm.text
        assert '<input type="hidden" name="lat" value="52.399">' in confirm.text
        wrong = await client.post("/concerns/new", data={**form, "lat": "100"})
        assert wrong.status_code == 422
        assert 'id="lat-error"' in wrong.text and 'value="100"' in wrong.text
