"""Exports: published content only, counts that match the database, no formula injection."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from collections.abc import Awaitable, Callable
from datetime import UTC, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import func, select

from dialog.accounts.models import User
from dialog.db import Database, utcnow
from dialog.discussion.models import Comment, CommentStatus, Vote
from dialog.procedures.models import Department, Procedure, Thread
from tests import factories
from tests.results.conftest import Helpers

MakeUser = Callable[..., Awaitable[User]]
SECRETS = ("pending-secret", "rejected-secret", "hidden-secret", "withdrawn-secret")
FORMULAS = ('=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)")


@pytest.fixture
async def discussion(
    helpers: Helpers,
    make_user: MakeUser,
    thread: Thread,
    procedure: Procedure,
    db: Database,
    staff: User,
    api: factories.ApiAs,
) -> dict[str, Any]:
    """Two threads: published comments and replies with votes, flags and an answer, and
    one comment in every unpublished status."""
    alice = await make_user(display_name="Alice", email="alice@example.org")
    bob = await make_user(display_name="Bob", email="bob-secret@example.org")
    first = await helpers.comment(alice, thread, "Mehr Bäume im Park", stance="for")
    reply = await helpers.comment(bob, thread, "Und Bänke", parent_id=first["id"])
    await helpers.comment(alice, thread, "Tiefer", parent_id=reply["id"])
    for text in FORMULAS:
        await helpers.comment(bob, thread, text)
    await helpers.vote(bob, first["id"], 1)
    await helpers.vote(staff, first["id"], 1)
    await helpers.vote(alice, reply["id"], -1)
    await helpers.flag(alice, reply["id"])
    await api.request(
        staff,
        "POST",
        f"/api/v1/comments/{first['id']}/answer",
        json={"body": "Wir pflanzen 20 Bäume.", "state": "adopted"},
    )
    for status in ("rejected", "hidden", "withdrawn"):
        made = await helpers.comment(bob, thread, f"{status}-secret")
        await helpers.vote(alice, made["id"], 1)
        await helpers.set_status(made["id"], CommentStatus(status))
    held = await factories.thread(db, procedure, moderation="pre", title="Zweiter Faden")
    await helpers.comment(bob, held, "pending-secret")
    await helpers.comment(alice, await factories.thread(db, procedure), "Im dritten Faden")
    return {"first": first, "reply": reply}


async def database_counts(db: Database, procedure: Procedure) -> tuple[int, int, int]:
    published = (
        select(Comment.id)
        .join(Thread, Thread.id == Comment.thread_id)
        .where(Thread.procedure_id == procedure.id, Comment.status == "published")
    )
    async with db.reading() as session:
        comments = await session.scalar(select(func.count()).select_from(published.subquery()))
        votes = {
            value: await session.scalar(
                select(func.count()).where(Vote.comment_id.in_(published), Vote.value == value)
            )
            for value in (1, -1)
        }
    return int(comments or 0), int(votes[1] or 0), int(votes[-1] or 0)


async def download(api: factories.ApiAs, who: User, procedure: Procedure, query: str) -> bytes:
    response = await api.request(who, "GET", f"/api/v1/procedures/{procedure.id}/export?{query}")
    assert response.status_code == 200, response.text
    return response.content


def csv_rows(content: bytes, delimiter: str = ",") -> list[dict[str, str]]:
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=delimiter))


async def test_the_csv_holds_every_published_comment_and_nothing_else(
    api: factories.ApiAs,
    staff: User,
    procedure: Procedure,
    db: Database,
    discussion: dict[str, Any],
) -> None:
    content = await download(api, staff, procedure, "format=csv")
    rows = csv_rows(content)
    comments, up, down = await database_counts(db, procedure)
    assert len(rows) == comments == 8
    assert sum(int(r["votes_up"]) for r in rows) == up
    assert sum(int(r["votes_down"]) for r in rows) == down
    text = content.decode("utf-8-sig")
    assert not [secret for secret in SECRETS if secret in text]
    assert "@example.org" not in text
    by_id = {int(r["comment_id"]): r for r in rows}
    first, reply = by_id[discussion["first"]["id"]], by_id[discussion["reply"]["id"]]
    assert (first["author"], first["stance"], first["answer_state"]) == ("Alice", "for", "adopted")
    assert first["answer_text"] == "Wir pflanzen 20 Bäume."
    assert (reply["parent_id"], reply["depth"], reply["flags"]) == (first["comment_id"], "1", "1")


async def test_formula_looking_text_is_escaped_in_csv(
    api: factories.ApiAs, staff: User, procedure: Procedure, discussion: dict[str, Any]
) -> None:
    rows = csv_rows(await download(api, staff, procedure, "format=csv"))
    texts = {r["text"] for r in rows}
    assert {"'" + formula for formula in FORMULAS} <= texts
    assert not [t for t in texts if t[:1] in ("=", "+", "-", "@")]


async def test_the_semicolon_option_suits_german_excel(
    api: factories.ApiAs, staff: User, procedure: Procedure, discussion: dict[str, Any]
) -> None:
    content = await download(api, staff, procedure, "format=csv&delimiter=semicolon")
    assert content.decode("utf-8-sig").splitlines()[0].startswith("comment_id;thread_id;")
    assert len(csv_rows(content, ";")) == 8


async def test_the_xlsx_opens_with_filters_frozen_header_and_an_explanation_sheet(
    api: factories.ApiAs,
    staff: User,
    procedure: Procedure,
    db: Database,
    discussion: dict[str, Any],
) -> None:
    content = await download(api, staff, procedure, "format=xlsx")
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == [
        "comments",
        "threads",
        "themes",
        "offline",
        "opinion_groups",
        "columns",
    ]
    sheet = book["comments"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:V9"
    header = [cell.value for cell in sheet[1]]
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(2)]
    comments, up, down = await database_counts(db, procedure)
    assert len(rows) == comments
    assert sum(r["votes_up"] for r in rows) == up and sum(r["votes_down"] for r in rows) == down
    texts = {r["text"] for r in rows}
    assert {"'" + formula for formula in FORMULAS} <= texts
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    explained = {row[0].value for row in book["columns"].iter_rows(2) if row[0].value}
    assert set(header) <= explained
    everything = " ".join(
        str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row
    )
    assert not [secret for secret in SECRETS if secret in everything]
    assert "@example.org" not in everything


async def test_the_xlsx_converts_with_libreoffice_headless(
    api: factories.ApiAs,
    staff: User,
    procedure: Procedure,
    discussion: dict[str, Any],
    tmp_path: Path,
) -> None:
    source = tmp_path / "export.xlsx"
    source.write_bytes(await download(api, staff, procedure, "format=xlsx"))
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [
            "libreoffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",  # comma, quote, UTF-8
            "--outdir",
            str(tmp_path / "out"),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    converted = (tmp_path / "out" / "export.csv").read_text(encoding="utf-8")
    lines = list(csv.reader(io.StringIO(converted)))
    assert lines[0][:3] == ["comment_id", "thread_id", "thread_title"]
    assert len(lines) == 1 + 8
    assert "Mehr Bäume im Park" in converted
    assert "'=HYPERLINK" in converted


async def test_the_json_is_versioned_and_its_counts_match_the_database(
    api: factories.ApiAs,
    staff: User,
    procedure: Procedure,
    db: Database,
    discussion: dict[str, Any],
) -> None:
    content = await download(api, staff, procedure, "format=json")
    document = json.loads(content)
    assert (document["format"], document["version"]) == ("dialog.procedure-export", 1)
    comments, up, down = await database_counts(db, procedure)
    assert document["counts"] == {
        "comments": comments,
        "votes_up": up,
        "votes_down": down,
        "offline": 0,
    }
    assert len(document["comments"]) == comments
    assert [t["title"] for t in document["threads"]] == [
        "Ihre Meinung",
        "Zweiter Faden",
        "Ihre Meinung",
    ]
    first = next(c for c in document["comments"] if c["id"] == discussion["first"]["id"])
    assert first["answer"]["state"] == "adopted"
    assert first["votes"] == {"up": 2, "down": 0}
    # JSON is not a spreadsheet: text stays exactly as written
    assert {c["text"] for c in document["comments"]} >= set(FORMULAS)
    assert not [secret for secret in SECRETS if secret in content.decode()]
    assert b"@example.org" not in content


async def test_every_format_gives_utc_times_thread_titles_and_hides_deleted_authors(
    api: factories.ApiAs,
    staff: User,
    procedure: Procedure,
    db: Database,
    discussion: dict[str, Any],
) -> None:
    first_id, reply_id = discussion["first"]["id"], discussion["reply"]["id"]
    async with db.unit_of_work() as uow:
        bob = await uow.session.scalar(select(User).where(User.display_name == "Bob"))
        assert bob is not None
        bob.deleted_at = utcnow()
    async with db.reading() as session:
        written = {
            cid: (created, title)
            for cid, created, title in await session.execute(
                select(Comment.id, Comment.created_at, Thread.title)
                .join(Thread, Thread.id == Comment.thread_id)
                .where(Comment.id.in_([first_id, reply_id]))
            )
        }
    placeholder = "gelöschtes Konto"
    by_id = {
        int(r["comment_id"]): r
        for r in csv_rows(await download(api, staff, procedure, "format=csv"))
    }
    for cid, author in ((first_id, "Alice"), (reply_id, placeholder)):
        created, title = written[cid]
        assert by_id[cid]["created_at_utc"] == created.astimezone(UTC).isoformat()
        assert (by_id[cid]["author"], by_id[cid]["thread_title"]) == (author, title)
    assert by_id[first_id]["answered_at_utc"].endswith("+00:00")
    book = openpyxl.load_workbook(io.BytesIO(await download(api, staff, procedure, "format=xlsx")))
    sheet = book["comments"]
    header = [cell.value for cell in sheet[1]]
    cells = {
        row[0]: dict(zip(header, row, strict=True)) for row in sheet.iter_rows(2, values_only=True)
    }
    for cid, author in ((first_id, "Alice"), (reply_id, placeholder)):
        created, title = written[cid]
        naive = created.astimezone(UTC).replace(tzinfo=None)  # a spreadsheet keeps milliseconds
        assert abs(cells[cid]["created_at_utc"] - naive) < timedelta(milliseconds=1)
        assert (cells[cid]["author"], cells[cid]["thread_title"]) == (author, title)
    document = json.loads(await download(api, staff, procedure, "format=json"))
    comments = {c["id"]: c for c in document["comments"]}
    assert comments[first_id]["created_at"] == written[first_id][0].astimezone(UTC).isoformat()
    assert (comments[first_id]["author"], comments[reply_id]["author"]) == ("Alice", placeholder)
    assert comments[first_id]["answer"]["answered_at"].endswith("+00:00")


async def test_residents_get_403_and_anonymous_401_on_exports(
    api: factories.ApiAs,
    make_user: MakeUser,
    procedure: Procedure,
    other_department: Department,
) -> None:
    url = f"/api/v1/procedures/{procedure.id}/export?format=csv"
    assert (await api.request(None, "GET", url)).status_code == 401
    assert (await api.request(await make_user(), "GET", url)).status_code == 403
    stranger = await make_user("staff", other_department)
    assert (await api.request(stranger, "GET", url)).status_code == 403
    for role in ("moderator", "admin"):
        assert (await api.request(await make_user(role), "GET", url)).status_code == 200
