"""Hostile text comes back harmless from the API and in live event data."""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from pathlib import Path

from starlette.applications import Starlette

from dialog.db import Database
from dialog.procedures.models import Thread
from tests import factories
from tests.discussion.helpers import MakeUser, events_after, last_event_id

CORPUS = Path(__file__).parents[2].parent / "shared" / "corpus" / "xss"
BUILT_IN = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[klick](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "<svg/onload=alert(1)>",
    "[x](JaVaScRiPt:alert(1))",
    '<iframe src="https://example.org"></iframe>',
    "<<script>script>alert(1)<</script>/script>",
]


def payloads() -> list[str]:
    if not CORPUS.is_dir():
        # CI always has the shared corpus; a missing folder there is a broken checkout.
        assert os.environ.get("CI") != "true", f"XSS corpus missing: {CORPUS}"
        return BUILT_IN
    lines = [
        line.strip()
        for file in sorted(CORPUS.glob("*.txt"))
        for line in file.read_text(encoding="utf-8", errors="replace").splitlines()
    ]
    found = [line for line in lines if line]
    assert found, f"XSS corpus is empty: {CORPUS}"
    return found


ALLOWED_TAGS = {"p", "br", "em", "strong", "ul", "ol", "li", "blockquote", "a", "code"}


class Tags(HTMLParser):
    """The real elements and attributes of the output (escaped text is just text)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


def assert_harmless(html: str) -> None:
    parser = Tags()
    parser.feed(html)
    parser.close()
    for tag, attrs in parser.found:
        assert tag in ALLOWED_TAGS, html
        for name, value in attrs:
            assert not name.startswith("on"), html
            if name == "href":
                scheme = re.sub(r"[\s\x00-\x1f]", "", value or "").lower()
                assert not scheme.startswith(("javascript:", "vbscript:", "data:")), html
    assert "<script" not in html.lower(), html


async def test_hostile_comments_come_back_harmless_in_the_api_and_in_events(
    api: factories.ApiAs, make_user: MakeUser, thread: Thread, db: Database, app: Starlette
) -> None:
    author = await make_user()
    await api.headers(author)
    before = await last_event_id(db)
    chosen = payloads()
    url = f"/api/v1/threads/{thread.id}/comments"
    posted = 0
    for payload in chosen:
        body = payload[:5000]
        await app.state.services.limiter.reset()  # the corpus is far over the posting limit
        response = await api.request(author, "POST", url, json={"body": body})
        if response.status_code == 422:  # nothing left after rendering: refused, fine
            continue
        assert response.status_code == 201, response.text
        assert_harmless(response.json()["html"])
        posted += 1
    assert posted > 0
    cursor = ""
    while True:
        listing = (await api.request(None, "GET", f"{url}?limit=100{cursor}")).json()
        for item in listing["items"]:
            assert_harmless(item["html"])
        if not listing["next_cursor"]:
            break
        cursor = f"&cursor={listing['next_cursor']}"
    for event in await events_after(db, before):
        assert_harmless(str(event.data.get("html", "")))
