"""Every route of the app, walked from app.routes, with bad input: ids beyond 2^31-1, NUL
characters, deeply nested JSON. None may answer 5xx; a JSON body's bad field is named."""

from __future__ import annotations

import base64
import json
import re
import typing
from collections.abc import Iterator

import httpx
import pytest
from pydantic import BaseModel
from starlette.applications import Starlette

from dialog.web.api import api_routes_of
from dialog.web.ids import IdConvertor, unnamed_int_parameters
from tests import factories
from tests.accounts.test_route_matrix import Fixtures, concrete, fixtures, routes_of

__all__ = ["fixtures"]  # the role matrix's fixture: users of every role, a thread and a comment

HUGE = 2**31
NUL = "a\x00b"
NESTED = b"[" * 100_000 + b"]" * 100_000


def models() -> Iterator[type[BaseModel]]:
    """Every input model of the app's own packages."""
    pending = list(BaseModel.__subclasses__())
    while pending:
        model = pending.pop()
        pending.extend(model.__subclasses__())
        if model.__module__.startswith(("dialog.", "moderation.")):
            yield model


def field_names() -> set[str]:
    return {name for model in models() for name in model.model_fields} | {
        "q", "cursor", "ids", "top", "next", "token", "role", "since", "sort", "limit", "lang",
    }  # fmt: skip


def int_fields(model: type[BaseModel]) -> set[str]:
    found = set()
    for name, field in model.model_fields.items():
        if "int" in str(field.annotation) and "Literal" not in str(field.annotation):
            found.add(name)
    return found


def str_fields(model: type[BaseModel]) -> set[str]:
    found = set()
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if annotation is str or str in typing.get_args(annotation):
            found.add(name)
    return found


def oversized(path: str) -> Iterator[str]:
    """The path with each id parameter, in turn, beyond the range of ids (and at zero)."""
    for match in re.finditer(r"\{(\w+):int\}", path):
        for value in (str(HUGE), "99999999999999999999999", "0"):
            yield path[: match.start()] + value + path[match.end() :]


async def signed_in_client(app: Starlette, fx: Fixtures) -> tuple[httpx.AsyncClient, str]:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    client = httpx.AsyncClient(transport=transport, base_url="http://testserver")
    token = await factories.sign_in(client, fx.users["admin"])
    return client, token


async def test_no_route_answers_5xx_to_bad_input(
    app: Starlette, api: factories.ApiAs, fixtures: Fixtures
) -> None:
    admin = fixtures.users["admin"]
    browser, csrf_token = await signed_in_client(app, fixtures)
    names = field_names()
    problems: list[str] = []

    async def check(method: str, url: str, **kwargs: typing.Any) -> httpx.Response:
        if url.startswith("/api/"):
            response = await api.request(admin, method, url, **kwargs)
        else:
            response = await browser.request(method, url, **kwargs)
        if response.status_code >= 500:
            problems.append(f"{method} {url} {kwargs!r:.80}: {response.status_code}")
        return response

    try:
        for method, template in routes_of(app.routes):
            if method == "WEBSOCKET" or template in ("/logout", "/me/delete", "/api/v1/me"):
                continue  # ending the walker's own session or account would end the walk
            for url in oversized(template):
                await check(method, concrete(url, fixtures))
            url = concrete(template, fixtures)
            for value in (NUL, str(HUGE), "-1", "false", "²"):
                await check(method, url, params={name: value for name in names})
            if method == "GET":
                continue
            await check(method, url, content=NESTED, headers={"content-type": "application/json"})
            for value in (NUL, str(HUGE)):
                form = {name: value for name in names} | {"csrf_token": csrf_token}
                if url.startswith("/api/"):
                    await check(method, url, json={name: value for name in names})
                    await check(method, url, json={name: HUGE for name in names})
                else:
                    await check(method, url, data=form)
    finally:
        await browser.aclose()
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("bad", ["huge", "nul"])
async def test_every_documented_body_names_each_bad_field(
    app: Starlette, api: factories.ApiAs, fixtures: Fixtures, bad: str
) -> None:
    admin = fixtures.users["admin"]
    problems: list[str] = []
    checked = 0
    for route, prefix in api_routes_of(app.routes):
        for method, doc in route.docs.items():
            if doc.request is None:
                continue
            named = int_fields(doc.request) if bad == "huge" else str_fields(doc.request)
            if not named:
                continue
            body = {name: HUGE if bad == "huge" else NUL for name in named}
            url = concrete(prefix + route.path, fixtures)
            response = await api.request(admin, method, url, json=body)
            checked += 1
            fields = response.json().get("error", {}).get("fields", {})
            if response.status_code != 422 or not named <= set(fields):
                problems.append(f"{method} {url}: {response.status_code} {fields} for {named}")
    assert checked > 0
    assert problems == [], "\n".join(problems)


def test_every_int_path_parameter_is_a_named_id(app: Starlette) -> None:
    assert unnamed_int_parameters(app.routes) == []
    assert any(
        isinstance(c, IdConvertor) and c.name == "comment_id"
        for route, _prefix in api_routes_of(app.routes)
        for c in route.param_convertors.values()
    )


@pytest.mark.parametrize("value", [str(HUGE), "0", "99999999999999999999"])
async def test_an_id_out_of_range_in_a_path_answers_422_naming_the_parameter(
    client: httpx.AsyncClient, value: str
) -> None:
    response = await client.get(f"/api/v1/comments/{value}")
    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == {"comment_id"}
    page = await client.get(f"/threads/{value}")
    assert page.status_code == 422 and "text/html" in page.headers["content-type"]


async def test_a_procedure_page_addressed_by_a_huge_number_answers_422(
    client: httpx.AsyncClient,
) -> None:
    assert (await client.get(f"/procedures/{HUGE}")).status_code == 422
    assert (await client.get("/procedures/²")).status_code == 404  # a slug that does not exist


@pytest.mark.parametrize("parent", [HUGE, 0, False, "1"])
async def test_a_reply_to_a_parent_id_out_of_range_or_not_a_number_names_parent_id(
    api: factories.ApiAs, fixtures: Fixtures, parent: object
) -> None:
    response = await api.request(
        fixtures.users["resident"],
        "POST",
        f"/api/v1/threads/{fixtures.thread.id}/comments",
        json={"body": "Eine Antwort", "parent_id": parent},
    )
    assert response.status_code == 422, response.text
    assert set(response.json()["error"]["fields"]) == {"parent_id"}


async def test_a_vote_of_true_is_not_the_number_one(
    api: factories.ApiAs, fixtures: Fixtures
) -> None:
    response = await api.request(
        fixtures.users["office"],
        "PUT",
        f"/api/v1/comments/{fixtures.comment.id}/vote",
        json={"value": True},
    )
    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == {"value"}


@pytest.mark.parametrize("values", [[HUGE], [-HUGE - 1], [True], [1.5], "nested"])
async def test_a_forged_cursor_answers_422_naming_the_cursor(
    client: httpx.AsyncClient, fixtures: Fixtures, values: object
) -> None:
    raw = b"[" * 5000 + b"]" * 5000 if values == "nested" else json.dumps(values).encode()
    cursor = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    response = await client.get(
        f"/api/v1/threads/{fixtures.thread.id}/comments", params={"cursor": cursor}
    )
    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == {"cursor"}


async def test_deeply_nested_json_answers_400_with_the_error_body(
    api: factories.ApiAs, fixtures: Fixtures
) -> None:
    response = await api.request(
        fixtures.users["resident"],
        "POST",
        f"/api/v1/threads/{fixtures.thread.id}/comments",
        content=NESTED,
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"


@pytest.mark.parametrize("body", [NUL, "Hallo\x00"])
async def test_a_nul_character_in_a_comment_answers_422_naming_the_body(
    api: factories.ApiAs, fixtures: Fixtures, body: str
) -> None:
    response = await api.request(
        fixtures.users["resident"],
        "POST",
        f"/api/v1/threads/{fixtures.thread.id}/comments",
        json={"body": body},
    )
    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == {"body"}


async def test_a_nul_character_in_a_display_name_answers_422_naming_it(
    api: factories.ApiAs, fixtures: Fixtures
) -> None:
    response = await api.request(
        fixtures.users["resident"], "PATCH", "/api/v1/me", json={"display_name": "Anna\x00"}
    )
    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == {"display_name"}


async def test_a_nul_character_in_a_query_answers_422_naming_the_parameter(
    api: factories.ApiAs, fixtures: Fixtures
) -> None:
    response = await api.request(None, "GET", "/api/v1/procedures", params={"q": "Park\x00"})
    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == {"q"}
    people = await api.request(fixtures.users["admin"], "GET", "/admin/people?q=a%00b")
    assert people.status_code == 422


@pytest.mark.parametrize(
    "body",
    ["\u200b\u200b", "\u200e\u202e\u2066", "\ufeff \u200d\n\u2069", "\u00ad"],
    ids=["zero-width-space", "bidi", "mixed", "soft-hyphen"],
)
async def test_a_comment_of_only_invisible_characters_counts_as_empty(
    api: factories.ApiAs, fixtures: Fixtures, body: str
) -> None:
    response = await api.request(
        fixtures.users["resident"],
        "POST",
        f"/api/v1/threads/{fixtures.thread.id}/comments",
        json={"body": body},
    )
    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == {"body"}
