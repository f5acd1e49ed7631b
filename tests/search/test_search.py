"""Search over published comments, on both engines: German forms, privacy, bad input."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from dialog.db import Database
from dialog.procedures.models import Procedure, Thread
from dialog.search import queries as search_queries
from tests import factories
from tests.discussion.helpers import post
from tests.feeds.helpers import MakeUser, comments_in_every_state


async def found(client: httpx.AsyncClient, q: str, page: int = 1) -> dict[str, Any]:
    response = await client.get("/api/v1/search", params={"q": q, "page": page})
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def test_an_inflected_form_finds_the_comment(
    client: httpx.AsyncClient, api: factories.ApiAs, make_user: MakeUser, thread: Thread
) -> None:
    author = await make_user(display_name="Rita Rad")
    comment = await post(api, author, thread.id, "Der **Radweg** an der Havel ist zu schmal.")
    await post(api, author, thread.id, "Mehr Bänke im Park.")
    result = await found(client, "Radwege")
    assert [hit["id"] for hit in result["items"]] == [comment["id"]]
    hit = result["items"][0]
    assert "<mark>Radweg</mark>" in hit["snippet_html"]
    assert hit["author"] == "Rita Rad"
    assert hit["url"] == f"/comments/{comment['id']}"
    assert hit["title"] == thread.title
    assert (await found(client, "Bank"))["items"][0]["snippet_html"].count("<mark>") == 1
    page = await client.get("/search", params={"q": "radwegen"})
    assert page.status_code == 200
    assert "<mark>Radweg</mark>" in page.text


async def test_search_never_shows_pending_hidden_withdrawn_or_erased_text(
    client: httpx.AsyncClient,
    api: factories.ApiAs,
    db: Database,
    make_user: MakeUser,
    procedure: Procedure,
    thread: Thread,
) -> None:
    mixed = await comments_in_every_state(api, db, make_user, procedure, thread)
    result = await found(client, "Radweg")
    assert {hit["id"] for hit in result["items"]} == {mixed.published, mixed.erased}
    assert result["total"] == 2
    erased = next(hit for hit in result["items"] if hit["id"] == mixed.erased)
    assert "Geheimer Name" not in str(result)
    assert erased["author"] in ("gelöschtes Konto", "deleted account")
    page = (await client.get("/search", params={"q": "Radweg"})).text
    for gone in ("Versteckter", "Zurückgezogener", "Wartender", "Geheimer Name"):
        assert gone not in page


async def test_a_comment_taken_down_after_publication_leaves_the_results(
    client: httpx.AsyncClient, api: factories.ApiAs, make_user: MakeUser, thread: Thread
) -> None:
    author = await make_user()
    moderator = await make_user("moderator")
    comment = await post(api, author, thread.id, "Parkplätze am Radweg")
    assert len((await found(client, "Parkplatz"))["items"]) == 1
    decided = await api.request(
        moderator,
        "POST",
        f"/api/v1/moderation/comments/{comment['id']}/decision",
        json={"action": "hide", "reason": "respect"},
    )
    assert decided.status_code == 200
    assert (await found(client, "Parkplatz"))["items"] == []


async def test_an_account_erased_with_its_comments_is_not_found_by_its_words(
    client: httpx.AsyncClient, api: factories.ApiAs, make_user: MakeUser, thread: Thread
) -> None:
    author = await make_user()
    await post(api, author, thread.id, "Einzigartiges Wortungetüm Schwebebahn")
    assert len((await found(client, "Schwebebahnen"))["items"]) == 1
    deletion = {"password": factories.PASSWORD, "comments": "remove"}
    assert (await api.request(author, "DELETE", "/api/v1/me", json=deletion)).status_code == 204
    assert (await found(client, "Schwebebahn"))["items"] == []


async def test_results_come_in_pages_newest_first(
    client: httpx.AsyncClient, api: factories.ApiAs, make_user: MakeUser, thread: Thread
) -> None:
    authors = [await make_user() for _ in range(4)]  # a few: posting is rate-limited per person
    ids = [
        (await post(api, authors[n % 4], thread.id, f"Baum Nummer {n}"))["id"] for n in range(23)
    ]
    first = await found(client, "Bäume")
    assert first["total"] == 23 and first["pages"] == 2
    assert [hit["id"] for hit in first["items"]] == ids[::-1][:20]
    second = await found(client, "Bäume", page=2)
    assert [hit["id"] for hit in second["items"]] == ids[::-1][20:]
    page = (await client.get("/search", params={"q": "Bäume"})).text
    assert 'rel="next"' in page and "page=2" in page


async def test_the_snippet_escapes_the_text_around_the_marks(
    client: httpx.AsyncClient, api: factories.ApiAs, make_user: MakeUser, thread: Thread
) -> None:
    author = await make_user()
    await post(api, author, thread.id, "Brücke `<img src=x onerror=alert(1)>` Brücke")
    snippet = (await found(client, "Brücken"))["items"][0]["snippet_html"]
    assert "<img" not in snippet and "&lt;img" in snippet
    assert snippet.count("<mark>Brücke</mark>") == 2


@pytest.mark.parametrize(
    "query",
    [
        "\x00",
        "Rad\x00weg",
        "\x1b[31m",
        "x" * 201,
    ],
)
async def test_control_characters_and_overlong_queries_are_refused_by_name(
    client: httpx.AsyncClient, query: str
) -> None:
    response = await client.get("/api/v1/search", params={"q": query})
    assert response.status_code == 422
    assert "q" in response.json()["error"]["fields"]
    page = await client.get("/search", params={"q": query})
    assert page.status_code == 422


@pytest.mark.parametrize(
    "query",
    ['"', "'", "OR", "AND NOT", "-", "*", "a:*", "!(&|)", "NEAR(a b)", "^", "der die das", "ẞ ß"],
)
async def test_odd_queries_find_nothing_instead_of_failing(
    client: httpx.AsyncClient, api: factories.ApiAs, make_user: MakeUser, thread: Thread, query: str
) -> None:
    await post(api, await make_user(), thread.id, "Ein ganz normaler Beitrag")
    response = await client.get("/api/v1/search", params={"q": query})
    assert response.status_code == 200, response.text
    assert response.json()["items"] == []


async def test_missing_query_or_bad_page_is_422_naming_the_field(
    client: httpx.AsyncClient,
) -> None:
    for params, field in (({}, "q"), ({"q": ""}, "q"), ({"q": "a", "page": "0"}, "page")):
        response = await client.get("/api/v1/search", params=params)
        assert response.status_code == 422
        assert field in response.json()["error"]["fields"]
    assert (await client.get("/api/v1/search", params={"q": "a", "page": "x"})).status_code == 422
    assert (await client.get("/search")).status_code == 200  # the empty form


async def test_a_word_with_many_matches_pages_the_same_way(
    client: httpx.AsyncClient,
    api: factories.ApiAs,
    make_user: MakeUser,
    thread: Thread,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """PostgreSQL walks the newest comments instead of collecting ids past FEW_MATCHES."""
    monkeypatch.setattr(search_queries, "FEW_MATCHES", 3)
    authors = [await make_user() for _ in range(2)]
    ids = [(await post(api, authors[n % 2], thread.id, f"Teich {n}"))["id"] for n in range(6)]
    await post(api, authors[0], thread.id, "Etwas anderes")
    first = await client.get("/api/v1/search", params={"q": "Teiche"})
    assert [hit["id"] for hit in first.json()["items"]] == ids[::-1]
    # SQLite counts all six; PostgreSQL stops counting at FEW_MATCHES + 1.
    assert first.json()["total"] in (4, 6)
