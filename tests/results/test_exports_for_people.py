"""Exports for a German office: asked in German (`lang=de`, what the German pages link to) the
files have German headers and sheet names, each time in Potsdam's local time beside its ISO
value, and codes as words. Read back with openpyxl and the csv module."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime
from typing import Any

import httpx
import openpyxl
from sqlalchemy import update

from dialog.accounts.models import User
from dialog.db import Database
from dialog.discussion.models import Comment
from dialog.procedures.models import Procedure
from tests import factories
from tests.results.test_exports import discussion, download

__all__ = ["discussion"]  # the fixture, used by name below
WRITTEN = datetime(2026, 7, 1, 22, 5, tzinfo=UTC)  # 2 July 00:05 in Potsdam (summer time)


async def written_at_midnight(db: Database, comment_id: int) -> None:
    async with db.unit_of_work() as uow:
        await uow.session.execute(
            update(Comment).where(Comment.id == comment_id).values(created_at=WRITTEN)
        )


async def test_the_german_csv_has_german_headers_local_times_and_words(
    api: factories.ApiAs,
    staff: User,
    procedure: Procedure,
    db: Database,
    discussion: dict[str, Any],
) -> None:
    await written_at_midnight(db, discussion["first"]["id"])
    content = await download(api, staff, procedure, "format=csv&delimiter=semicolon&lang=de")
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    header = list(rows[0])
    assert header[:3] == ["Beitrag Nr.", "Diskussion Nr.", "Diskussion"]
    assert "Geschrieben (Potsdamer Zeit)" in header and "Haltung" in header
    assert not [h for h in header if "_" in h], "no machine keys for people"
    first = next(r for r in rows if r["Beitrag Nr."] == str(discussion["first"]["id"]))
    assert first["Geschrieben (Potsdamer Zeit)"] == "02.07.2026 00:05"
    assert first["Geschrieben (ISO 8601, UTC)"] == "2026-07-01T22:05:00+00:00"
    assert first["Haltung"] == "Dafür" and first["Antwort: Stand"] == "Übernommen"
    assert first["Pseudonym"] == "Alice" and first["Zustimmungen"] == "2"
    assert "for" not in {r["Haltung"] for r in rows} and "adopted" not in content.decode()


async def test_the_german_workbook_reads_back_in_german_with_local_date_cells(
    api: factories.ApiAs,
    staff: User,
    procedure: Procedure,
    db: Database,
    discussion: dict[str, Any],
) -> None:
    await written_at_midnight(db, discussion["first"]["id"])
    content = await download(api, staff, procedure, "format=xlsx&lang=de")
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Beiträge", "Diskussionen", "Spalten"]
    rows = list(book["Beiträge"].iter_rows(values_only=True))
    header = list(rows[0])
    line = next(
        dict(zip(header, r, strict=True)) for r in rows[1:] if r[0] == discussion["first"]["id"]
    )
    assert line["Geschrieben (Potsdamer Zeit)"] == datetime(2026, 7, 2, 0, 5)
    assert line["Geschrieben (ISO 8601, UTC)"] == "2026-07-01T22:05:00+00:00"
    assert (line["Haltung"], line["Antwort: Stand"]) == ("Dafür", "Übernommen")
    threads = list(book["Diskussionen"].iter_rows(values_only=True))
    assert threads[0][:4] == ("Diskussion Nr.", "Titel", "Leitfrage", "Noch offen")
    assert {row[3] for row in threads[1:]} <= {"ja", "nein"}
    explained = {row[0] for row in book["Spalten"].iter_rows(2, values_only=True) if row[0]}
    assert set(header) <= explained


async def test_english_for_people_and_the_machine_columns_without_a_language(
    api: factories.ApiAs, staff: User, procedure: Procedure, discussion: dict[str, Any]
) -> None:
    english = await download(api, staff, procedure, "format=csv&lang=en")
    header = english.decode("utf-8-sig").splitlines()[0]
    assert header.startswith("Contribution no.,Discussion no.,Discussion,")
    assert "For it" in english.decode()
    machine = await download(api, staff, procedure, "format=csv")
    assert machine.decode("utf-8-sig").startswith("comment_id,thread_id,thread_title,")


async def test_the_json_carries_local_times_and_words_beside_the_codes(
    api: factories.ApiAs,
    staff: User,
    procedure: Procedure,
    db: Database,
    discussion: dict[str, Any],
) -> None:
    await written_at_midnight(db, discussion["first"]["id"])
    document = json.loads(await download(api, staff, procedure, "format=json&lang=de"))
    first = next(c for c in document["comments"] if c["id"] == discussion["first"]["id"])
    assert first["created_at"] == "2026-07-01T22:05:00+00:00"
    assert first["created_at_local"] == "2026-07-02T00:05:00+02:00"
    assert (first["stance"], first["stance_label"]) == ("for", "Dafür")
    assert first["answer"]["state_label"] == "Übernommen"


async def test_the_german_pages_link_to_the_german_files(
    client: httpx.AsyncClient, staff: User, procedure: Procedure, browser_session: Any
) -> None:
    await browser_session(staff)
    page = await client.get(f"/departments/{(await _slug(client, procedure))}")
    links = re.findall(r'href="(/api/v1/procedures/\d+/export\?[^"]+)"', page.text)
    assert links and all("lang=de" in link for link in links)


async def _slug(client: httpx.AsyncClient, procedure: Procedure) -> str:
    found = (await client.get(f"/api/v1/procedures/{procedure.id}")).json()
    return str(found["department"]["slug"])
