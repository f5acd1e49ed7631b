"""Every payload of the shared XSS corpus comes out harmless in every export and the report."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Awaitable, Callable
from html.parser import HTMLParser
from pathlib import Path

import httpx
import openpyxl
import pytest

from dialog.accounts.models import User
from dialog.db import Database
from dialog.discussion.models import Comment
from dialog.markup import render_markdown
from dialog.procedures.models import Procedure, Thread
from tests import factories

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "xss"
MakeUser = Callable[..., Awaitable[User]]


def payloads() -> list[str]:
    found = sorted(CORPUS.glob("*.txt"))
    assert found, f"the XSS corpus is missing at {CORPUS}"
    lines = [line for path in found for line in path.read_text(errors="replace").splitlines()]
    return [line for line in lines if line.strip()]


@pytest.fixture
async def hostile(db: Database, thread: Thread, make_user: MakeUser) -> list[str]:
    """Each payload as a published comment with one vote each way (so the report lists it)."""
    author = await make_user(display_name="<img src=x onerror=alert(1)>")
    texts = payloads()
    async with db.unit_of_work() as uow:
        for text in texts:
            html = render_markdown(text) or "<p>.</p>"
            uow.session.add(
                Comment(
                    thread_id=thread.id,
                    author_id=author.id,
                    body=text,
                    html=html,
                    up_count=1,
                    down_count=1,
                )
            )
    return texts


class Scan(HTMLParser):
    """Collects anything in a page that could run script."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "iframe", "object", "embed", "style", "base", "meta", "link"):
            allowed = tag == "script" and dict(attrs).get("type") == "module"
            allowed = allowed or tag in ("meta", "link")  # the page head's own
            if not allowed:
                self.problems.append(tag)
        for name, value in attrs:
            lowered = (value or "").strip().lower()
            if name.startswith("on") or name == "style":
                self.problems.append(f"{tag}[{name}]")
            if (tag, lowered) == ("link", "data:,"):
                continue  # the page's own empty favicon
            if name in ("href", "src", "action", "formaction", "xlink:href") and (
                lowered.startswith(("javascript:", "data:", "vbscript:"))
            ):
                self.problems.append(f"{tag}[{name}={lowered[:30]}]")


async def test_payloads_stay_plain_text_in_csv_and_xlsx(
    api: factories.ApiAs, make_user: MakeUser, procedure: Procedure, hostile: list[str]
) -> None:
    admin = await make_user("admin")
    base = f"/api/v1/procedures/{procedure.id}/export?format="
    content = (await api.request(admin, "GET", base + "csv")).content
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert len(rows) == len(hostile)
    assert not [r for r in rows for v in r.values() if v[:1] in ("=", "+", "-", "@", "\t", "\r")]
    book = openpyxl.load_workbook(
        io.BytesIO((await api.request(admin, "GET", base + "xlsx")).content)
    )
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    assert book["comments"].max_row == len(hostile) + 1


async def test_payloads_are_strings_and_sanitized_html_in_json(
    api: factories.ApiAs, make_user: MakeUser, procedure: Procedure, hostile: list[str]
) -> None:
    content = (
        await api.request(
            await make_user("admin"), "GET", f"/api/v1/procedures/{procedure.id}/export?format=json"
        )
    ).content
    comments = json.loads(content)["comments"]
    assert len(comments) == len(hostile)
    assert all(isinstance(c["text"], str) and isinstance(c["html"], str) for c in comments)
    scan = Scan()
    for comment in comments:
        scan.feed(comment["html"])
    assert scan.problems == []


async def test_payloads_come_out_escaped_or_sanitized_in_the_report(
    client: httpx.AsyncClient,
    browser_session: Callable[[User], Awaitable[str]],
    make_user: MakeUser,
    procedure: Procedure,
    hostile: list[str],
) -> None:
    await browser_session(await make_user("admin"))
    page = await client.get(f"/procedures/{procedure.id}/report?top=500")
    assert page.status_code == 200
    assert page.text.count('class="report-comments"') == 2
    scan = Scan()
    scan.feed(page.text)
    assert scan.problems == []
    assert "<img src=x" not in page.text
