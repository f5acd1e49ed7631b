"""Open311 GeoReport v2, read by a real client library (`georeport` from PyPI) from a real
uvicorn server, in JSON and XML; created with form posts as Open311 apps send them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import httpx
import pytest
import xmltodict
from georeport import GeoReport
from sqlalchemy import func, select
from starlette.applications import Starlette

from dialog.concerns import actions
from dialog.concerns.models import Answer, AnswerState, Concern, Photo, State
from dialog.db import Database
from dialog.settings import Settings
from tests.concerns.conftest import World
from tests.live.harness import serving

KEY = "stadt-app-schluessel-0123456789"
PRIVATE_TEXT = "Nur für das Amt: der Nachbar parkt seit Wochen auf dem Gehweg vor Nummer 12."
UNCONFIRMED_TEXT = "Noch unbestätigt: die Bank am Ufer hat eine lose Latte und wackelt."


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return replace(settings, open311_api_keys={KEY: "Stadt-App"})


@pytest.fixture
async def base_url(app: Starlette) -> AsyncIterator[str]:
    async with serving(app) as live_url:
        yield live_url.replace("ws://", "http://").removesuffix("/api/v1/live") + "/open311/v2"


async def seeded(world: World) -> dict[str, Concern]:
    lamp = await world.submit(lat=52.39, lon=13.06, place="Am Kanal 4")
    answered = await world.submit(text="Der Mülleimer am Bassinplatz quillt jeden Montag über.")
    private = await world.submit(text=PRIVATE_TEXT, public=False)
    unconfirmed = await world.submit(text=UNCONFIRMED_TEXT, email="anna@example.org")
    async with world.db.unit_of_work() as uow:
        item = await uow.session.get(Concern, answered.id)
        assert item is not None
        item.state = State.answered
        uow.session.add_all(
            [
                Answer(
                    concern_id=answered.id,
                    department_id=world.department.id,
                    outcome="answered",
                    body="Wir leeren den Eimer jetzt zweimal pro Woche.",
                    state=AnswerState.published,
                ),
                Photo(concern_id=lamp.id, data=b"x", width=1, height=1, hidden=True),
                Photo(concern_id=lamp.id, data=b"y", width=1, height=1),
            ]
        )
    return {"lamp": lamp, "answered": answered, "private": private, "unconfirmed": unconfirmed}


def ids_of(rows: Any) -> set[int]:
    rows = rows if isinstance(rows, list) else [rows]
    return {int(r["service_request_id"]) for r in rows}


async def test_a_georeport_client_reads_services_and_requests_in_json_and_xml(
    world: World, base_url: str
) -> None:
    items = await seeded(world)
    public = {items["lamp"].id, items["answered"].id}
    for output in ("json", "xml"):
        client = GeoReport(base_url, output_format=output)
        services = await asyncio.to_thread(client.get_service_list)
        codes = {s["service_code"] for s in services}
        assert {"licht", "sonstiges"} <= codes
        definition = await asyncio.to_thread(client.get_service_definition, "licht")
        attributes = definition["attributes"]
        kind = attributes[0] if isinstance(attributes, list) else attributes["attribute"]
        assert kind["code"] == "kind"
        listed = await asyncio.to_thread(client.get_service_requests)
        assert ids_of(listed) == public
        closed = await asyncio.to_thread(client.get_service_requests, status="closed")
        assert ids_of(closed) == {items["answered"].id}
        chosen = await asyncio.to_thread(
            client.get_service_requests, service_request_id=f"{items['lamp'].id}"
        )
        assert ids_of(chosen) == {items["lamp"].id}
        one = await asyncio.to_thread(client.get_service_request, str(items["answered"].id))
        assert one["status"] == "closed"
        assert one["status_notes"] == "Wir leeren den Eimer jetzt zweimal pro Woche."
        assert one["service_code"] == "licht"
        lamp = await asyncio.to_thread(client.get_service_request, str(items["lamp"].id))
        assert lamp["status"] == "open"
        assert float(lamp["lat"]) == 52.39 and float(lamp["long"]) == 13.06
        assert lamp["address"] == "Am Kanal 4"
        assert lamp["media_url"].endswith(f"/concerns/photos/{await visible_photo(world)}")
        assert lamp["requested_datetime"].endswith("Z")
        assert lamp["expected_datetime"]  # the answer's due date, as promised by the office


async def visible_photo(world: World) -> int:
    async with world.db.reading() as session:
        found = await session.scalar(select(Photo.id).where(Photo.hidden.is_(False)))
    assert found is not None
    return found


async def test_private_unconfirmed_and_personal_data_never_leave(
    world: World, base_url: str
) -> None:
    items = await seeded(world)
    async with httpx.AsyncClient() as http:
        for fmt in ("json", "xml"):
            everything = (await http.get(f"{base_url}/requests.{fmt}?page_size=500")).text
            assert PRIVATE_TEXT not in everything and UNCONFIRMED_TEXT not in everything
            assert "anna@example.org" not in everything
            for hidden in (items["private"], items["unconfirmed"]):
                one = await http.get(f"{base_url}/requests/{hidden.id}.{fmt}")
                assert one.status_code == 404
        listed = (await http.get(f"{base_url}/requests.json")).json()
        assert all("email" not in row and "requestor_name" not in row for row in listed)


async def count(db: Database) -> int:
    async with db.reading() as session:
        return int(await session.scalar(select(func.count()).select_from(Concern)) or 0)


async def test_an_app_with_a_key_creates_a_request_that_is_listed_at_once(
    world: World, base_url: str
) -> None:
    async with httpx.AsyncClient() as http:
        created = await http.post(
            f"{base_url}/requests.json",
            data={
                "api_key": KEY,
                "service_code": "licht",
                "lat": "52.4",
                "long": "13.05",
                "description": "Laterne an der Haltestelle Rathaus flackert.",
                "attribute[kind]": "defect",
            },
        )
        assert created.status_code == 201, created.text
        number = created.json()[0]["service_request_id"]
        item = await world.load(number)
        assert item.state == State.received and item.is_public and item.channel == "online"
        assert item.author_id is None and item.email is None
        listed = (await http.get(f"{base_url}/requests/{number}.json")).json()
        assert listed[0]["description"] == "Laterne an der Haltestelle Rathaus flackert."


async def test_without_a_key_an_e_mail_confirmation_holds_the_request_back(
    world: World, base_url: str, app: Starlette
) -> None:
    async with httpx.AsyncClient() as http:
        created = await http.post(
            f"{base_url}/requests.xml",
            data={
                "service_code": "licht",
                "address_string": "Breite Straße 7",
                "description": "Die Ampel an der Breiten Straße ist nachts aus.",
                "email": "bernd@example.org",
            },
        )
        assert created.status_code == 201, created.text
        row = xmltodict.parse(created.content)["service_requests"]["request"]
        token = row["token"]
        assert "service_request_id" not in row
        waiting = (await http.get(f"{base_url}/tokens/{token}.json")).json()
        assert waiting[0]["service_request_id"] is None
        number = int(token.split("-")[0])
        assert (await http.get(f"{base_url}/requests/{number}.json")).status_code == 404
        item = await world.load(number)
        assert item.state == State.unconfirmed
        async with world.db.unit_of_work() as uow:
            found = await uow.session.get(Concern, number)
            assert found is not None
            await actions.do_confirm(uow, world.ctx, found)
        confirmed = (await http.get(f"{base_url}/tokens/{token}.json")).json()
        assert confirmed[0]["service_request_id"] == number
        forged = await http.get(f"{base_url}/tokens/{number}-{'0' * 32}.json")
        assert forged.status_code == 404


GOOD = {"service_code": "licht", "description": "Laterne kaputt am Markt.", "lat": "1", "long": "1"}
GONE = ""  # a field left out of the request


@pytest.mark.parametrize(
    ("changes", "status", "named"),
    [
        ({"description": GONE}, 400, "description"),
        ({"service_code": GONE}, 400, "service_code"),
        ({"lat": GONE, "long": GONE}, 400, "lat"),
        ({"service_code": "gibt-es-nicht"}, 404, "service_code"),
        ({"description": "x" * 4001}, 400, "description"),
        ({"description": "Laterne\x00kaputt"}, 400, "description"),
        ({"lat": "91"}, 400, "lat"),
        ({"long": GONE}, 400, "long"),
        ({"media_url": "http://127.0.0.1/x.jpg"}, 400, "media_url"),
        ({"attribute[kind]": "rant"}, 400, "attribute[kind]"),
        ({"email": "kein-at"}, 400, "email"),
        ({}, 400, "api_key"),
        ({"api_key": "falsch"}, 403, "api_key"),
    ],
)
async def test_a_wrong_request_is_refused_naming_its_field_and_nothing_is_stored(
    world: World, base_url: str, changes: dict[str, str], status: int, named: str
) -> None:
    key = {"api_key": KEY} if named not in ("api_key", "email") else {}
    fields = {k: v for k, v in {**GOOD, **changes}.items() if v != GONE}
    before = await count(world.db)
    async with httpx.AsyncClient() as http:
        for fmt in ("json", "xml"):
            refused = await http.post(f"{base_url}/requests.{fmt}", data={**key, **fields})
            assert refused.status_code == status, refused.text
            if fmt == "json":
                error = refused.json()[0]
            else:
                error = xmltodict.parse(refused.content)["errors"]["error"]
            assert int(error["code"]) == status
            assert error["description"].startswith(named), error
    assert await count(world.db) == before


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("start_date=gestern", "start_date"),
        ("start_date=2026-01-01T00:00:00", "start_date"),
        ("start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z", "start_date"),
        ("status=offen", "status"),
        ("page_size=0", "page_size"),
        ("page=x", "page"),
        ("service_request_id=2147483648", "service_request_id"),
        ("service_request_id=eins", "service_request_id"),
    ],
)
async def test_wrong_filters_are_refused_naming_the_parameter(
    world: World, base_url: str, query: str, named: str
) -> None:
    async with httpx.AsyncClient() as http:
        refused = await http.get(f"{base_url}/requests.json?{query}")
    assert refused.status_code == 400
    assert refused.json()[0]["description"].startswith(named)


async def test_discovery_and_unknown_formats(world: World, base_url: str) -> None:
    async with httpx.AsyncClient() as http:
        discovery = (await http.get(f"{base_url}/discovery.json")).json()
        endpoint = discovery["endpoints"][0]
        assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
        assert set(endpoint["formats"]) == {"application/json", "text/xml"}
        xml = await http.get(f"{base_url}/discovery.xml")
        assert xml.text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
        assert xmltodict.parse(xml.content)["discovery"]["endpoints"]["endpoint"]["url"]
        assert (await http.get(f"{base_url}/services.csv")).status_code == 404
        assert (await http.get(f"{base_url}/requests/99999999999.json")).status_code == 404
        assert (await http.get(f"{base_url}/services/nichts.xml")).status_code == 404
