"""Exports of a procedure's published contributions: CSV, XLSX and JSON, streamed.

Rows come from one server-side cursor (`yield_per`), so memory stays flat however large the
procedure is. Tabular formats escape text that a spreadsheet would run as a formula.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from html import unescape
from typing import IO, Any

from sqlalchemy.ext.asyncio import AsyncSession

from dialog.db import Database, utcnow
from dialog.discussion.present import DELETED_ACCOUNT
from dialog.evaluation import export as evaluation_export
from dialog.evaluation.queries import THEME_SEPARATOR
from dialog.i18n import gettext as _
from dialog.i18n import lazy, using
from dialog.procedures.models import Procedure
from dialog.procedures.present import image_out
from dialog.results import queries, wording, xlsx
from dialog.results.models import AnswerState
from dialog.results.present import state_label

EXPORT_FORMAT = "dialog.procedure-export"
EXPORT_VERSION = 1
SCHEMA_URL = "docs/export-schema.json"
BATCH = 2000
BOM = "\ufeff"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# XML 1.0 forbids most control characters; a comment containing one must not break the file.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(frozen=True)
class ExportColumn:
    key: str
    meaning: str  # lazy message, translated in the explanation sheet


COLUMNS = (
    ExportColumn("comment_id", lazy("Number of the comment; replies refer to it")),
    ExportColumn("thread_id", lazy("Number of the discussion thread")),
    ExportColumn("thread_title", lazy("Title of the discussion thread")),
    ExportColumn(
        "parent_id", lazy("Number of the comment this one replies to; empty at top level")
    ),
    ExportColumn("depth", lazy("0 for a comment, 1 to 3 for replies and replies to replies")),
    ExportColumn("created_at_utc", lazy("When it was written (UTC)")),
    ExportColumn("author", lazy("Pseudonym (display name) of the author; never an e-mail address")),
    ExportColumn("stance", lazy("The author's stance: for, neutral, against, or empty")),
    ExportColumn("text", lazy("The published text, without formatting")),
    ExportColumn("votes_up", lazy("Number of supporting votes")),
    ExportColumn("votes_down", lazy("Number of opposing votes")),
    ExportColumn("replies", lazy("Number of published replies")),
    ExportColumn("flags", lazy("How often readers flagged it for moderation")),
    ExportColumn("answer_state", lazy("State given by the department in its official answer")),
    ExportColumn("answer_text", lazy("The department's official answer")),
    ExportColumn("answer_reason", lazy("Why it was not or only partly adopted")),
    ExportColumn("answered_at_utc", lazy("When the answer was given or last changed (UTC)")),
    ExportColumn("themes", lazy("Themes of the codebook given to it, separated by “; ”")),
    ExportColumn(
        "source", lazy("Offline input: workshop, walk, letter, phone or other; empty online")
    ),
    ExportColumn("source_date", lazy("Offline input: the day of the event, letter or call")),
    ExportColumn("source_place", lazy("Offline input: where it took place")),
    ExportColumn("source_people", lazy("Offline input: how many people took part")),
)
HEADERS = [c.key for c in COLUMNS]
THREAD_HEADERS = ["thread_id", "title", "question", "is_open", "closes_at_utc"]
THREAD_HEADERS += ["answer_state", "answer_text", "answer_reason"]
# Column widths in the comments sheet, in characters, in HEADERS order.
COLUMN_WIDTHS = (11, 9, 30, 10, 6, 18, 20, 9, 80, 9, 10, 8, 6, 18, 60, 40, 18, 30, 10, 12, 20, 8)


def escape_formula(value: str) -> str:
    """Text a spreadsheet would evaluate gets a leading apostrophe and stays text."""
    return "'" + value if value.startswith(FORMULA_START) else value


def _naive_utc(value: datetime | None) -> datetime | None:
    return value.astimezone(UTC).replace(tzinfo=None) if value else None


_BREAK = re.compile(r"<br\s*/?>|</p>|</li>|</blockquote>")
_TAG = re.compile(r"<[^>]*>")


def text_of(html: str) -> str:
    """Plain text of sanitized HTML (nh3 output escapes every `<` in text, so a tag pattern
    is exact here); much faster than a second sanitizer pass over 100,000 rows."""
    if "<" not in html and "&" not in html:
        return html
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<") == 2:
        inner = html[3:-4]  # the common case: one paragraph
        return unescape(inner) if "&" in inner else inner
    return unescape(_TAG.sub("", _BREAK.sub("\n", html))).strip()


def _utc(value: datetime) -> datetime:
    """Aware UTC from what the export query gives: naive UTC (SQLite) or aware (PostgreSQL)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value if value.tzinfo is UTC else value.astimezone(UTC)


async def raw_rows(
    session: AsyncSession, procedure_id: int, thread_id: int | None = None
) -> AsyncIterator[Sequence[Sequence[Any]]]:
    """Batches of raw result rows from a server-side cursor (Core rows: no ORM overhead)."""
    connection = await session.connection()
    query = queries.export_query(procedure_id, thread_id)
    result = await connection.stream(query.execution_options(yield_per=BATCH))
    async for partition in result.partitions(BATCH):
        yield partition


def _row(raw: Sequence[Any], placeholder: str) -> dict[str, Any]:
    (cid, tid, parent, depth, created, name, stance, html) = raw[:8]
    (up, down, replies, flags, astate, ahtml, areason, aupdated) = raw[8:16]
    (themes, kind, held_on, place, people) = raw[16:]
    return {
        "comment_id": cid,
        "thread_id": tid,
        "parent_id": parent,
        "depth": depth,
        "created_at": _utc(created),
        "author": _author_of(name, kind, placeholder),
        "themes": _themes(themes),
        "source": {
            "kind": kind,
            "date": _day_iso(held_on),
            "place": place,
            "people": people,
        }
        if kind
        else None,
        "stance": stance or "",
        "text": text_of(html),
        "html": html,
        "votes_up": up,
        "votes_down": down,
        "replies": replies,
        "flags": flags,
        "answer_state": astate or "",
        "answer_text": text_of(ahtml) if ahtml else "",
        "answer_html": ahtml or "",
        "answer_reason": areason or "",
        "answered_at": _utc(aupdated) if aupdated else None,
    }


async def rows(
    session: AsyncSession, procedure_id: int, thread_id: int | None = None
) -> AsyncIterator[list[dict[str, Any]]]:
    """Batches of export rows as dicts (the JSON shape)."""
    placeholder = _(DELETED_ACCOUNT)
    async for batch in raw_rows(session, procedure_id, thread_id):
        yield [_row(raw, placeholder) for raw in batch]


def _author_of(name: str | None, kind: str | None, placeholder: str) -> str:
    """Offline input has no account: its source columns say where it came from."""
    if kind:
        return ""
    return placeholder if name is None else name


def _themes(value: str | None) -> list[str]:
    return sorted(value.split(THEME_SEPARATOR), key=str.casefold) if value else []


def _day_iso(value: object) -> str | None:
    """A date as the driver gives it (date, or ISO text on SQLite) as YYYY-MM-DD."""
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else str(value)[:10]


def _cell(value: str) -> str:
    """A text cell: formula-looking text escaped, XML-illegal control characters dropped."""
    if value.startswith(FORMULA_START):
        value = "'" + value
    return _ILLEGAL.sub("", value) if _ILLEGAL.search(value) else value


class Tabulator:
    """Spreadsheet lines in HEADERS order, straight from raw rows. Thread titles and author
    names repeat over thousands of rows, so their cleaned cells are kept."""

    def __init__(self, placeholder: str, iso: bool, titles: dict[int, str]) -> None:
        self.placeholder = placeholder
        self.iso = iso
        self._titles = {thread_id: _cell(title) for thread_id, title in titles.items()}
        self._cells: dict[str | None, str] = {None: _cell(placeholder)}

    def _author(self, name: str | None) -> str:
        cell = self._cells.get(name)
        if cell is None:
            assert name is not None
            cell = self._cells[name] = _cell(name)
        return cell

    def _when(self, value: datetime) -> datetime | str:
        if value.tzinfo is None:  # naive UTC, as SQLite gives it
            return value.isoformat() + "+00:00" if self.iso else value
        if value.tzinfo is not UTC:
            value = value.astimezone(UTC)
        return value.isoformat() if self.iso else value.replace(tzinfo=None)

    def line(self, raw: Sequence[Any]) -> list[Any]:
        (cid, tid, parent, depth, created, name, stance, html) = raw[:8]
        (up, down, replies, flags, astate, ahtml, areason, aupdated) = raw[8:16]
        (themes, kind, held_on, place, people) = raw[16:]
        return [
            cid,
            tid,
            self._titles[tid],
            parent,
            depth,
            self._when(created),
            "" if kind else self._author(name),
            stance or "",
            _cell(text_of(html)),
            up,
            down,
            replies,
            flags,
            astate or "",
            _cell(text_of(ahtml)) if ahtml else "",
            _cell(areason) if areason else "",
            self._when(aupdated) if aupdated else None,
            _cell(THEME_SEPARATOR.join(_themes(themes))) if themes else "",
            kind or "",
            _day_iso(held_on) or "",
            _cell(place) if place else "",
            people,
        ]


async def csv_chunks(
    db: Database,
    procedure_id: int,
    delimiter: str = ",",
    thread_id: int | None = None,
    lang: str | None = None,
) -> AsyncIterator[bytes]:
    """UTF-8 with BOM (Excel then reads umlauts right); `;` for German Excel. With `lang`:
    for people (dialog.results.wording); without: the fixed machine columns."""
    words = wording.wording_for(lang) if lang else None
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow(words.headers if words else HEADERS)
    async with db.reading() as session:
        titles = await queries.thread_titles(session, procedure_id)
        placeholder = words.deleted if words else _(DELETED_ACCOUNT)
        line = Tabulator(placeholder, iso=True, titles=titles).line
        async for batch in raw_rows(session, procedure_id, thread_id):
            if words:
                writer.writerows([words.line(line(raw), raw, xlsx=False) for raw in batch])
            else:
                writer.writerows([line(raw) for raw in batch])
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode()


async def write_xlsx(
    db: Database,
    procedure_id: int,
    target: IO[bytes],
    thread_id: int | None = None,
    lang: str | None = None,
) -> int:
    """Write the workbook to `target` (streamed sheet by sheet); returns the number of comments.
    With `lang`: for people (dialog.results.wording); without: the fixed machine columns."""
    workbook = xlsx.Workbook()
    try:
        if lang:
            words = wording.wording_for(lang)
            count = await _fill_people_workbook(db, workbook, procedure_id, thread_id, words)
        else:
            count = await _fill_workbook(db, workbook, procedure_id, thread_id)
        await asyncio.to_thread(workbook.save, target)
    finally:
        workbook.close()
    return count


async def _fill_workbook(
    db: Database, workbook: xlsx.Workbook, procedure_id: int, thread_id: int | None
) -> int:
    # Sheet names and column keys stay English and fixed: departments import them by name.
    sheet = workbook.add_sheet("comments", COLUMN_WIDTHS)
    sheet.frozen_header = sheet.filter_header = True
    sheet.append_header(HEADERS)
    count = 0
    async with db.reading() as session:
        head = await queries.export_head(session, procedure_id, thread_id)
        assert head is not None, "the caller checked that the procedure exists"
        titles = {item.thread.id: item.thread.title for item in head[2]}
        line = Tabulator(_(DELETED_ACCOUNT), iso=False, titles=titles).line
        async for batch in raw_rows(session, procedure_id, thread_id):
            lines = [line(raw) for raw in batch]
            # Writing is synchronous; a large batch must not hold up the event loop.
            await asyncio.to_thread(sheet.extend, lines)
            count += len(lines)
    procedure, department, threads = head
    threads_sheet = workbook.add_sheet("threads", (10, 40, 60, 8, 18, 20, 60, 40))
    threads_sheet.frozen_header = threads_sheet.filter_header = True
    threads_sheet.append_header(THREAD_HEADERS)
    for item in threads:
        answer = item.answer
        threads_sheet.append(
            [
                item.thread.id,
                _cell(item.thread.title),
                _cell(item.thread.question),
                "yes" if item.thread.is_open else "no",
                _naive_utc(item.thread.closes_at),
                answer.state if answer else "",
                _cell(text_of(answer.html)) if answer else "",
                _cell(answer.reason) if answer else "",
            ]
        )
    async with db.reading() as session:
        found = await evaluation_export.evaluation_of(session, procedure_id, thread_id)
    _evaluation_sheets(workbook, found)
    about = workbook.add_sheet("columns", (18, 90))
    about.frozen_header = True
    about.append_header([_("column"), _("meaning")])
    for column in COLUMNS:
        about.append([column.key, _(column.meaning)])
    about.append([])
    about.append([_("procedure"), _cell(procedure.title)])
    about.append([_("department"), _cell(department)])
    about.extend(_image_rows(procedure))
    about.append([_("exported at (UTC)"), _naive_utc(utcnow())])
    about.append([_("format"), f"{EXPORT_FORMAT} {EXPORT_VERSION}"])
    about.append([_("answer states"), ", ".join(_state_names())])
    return count


async def _fill_people_workbook(
    db: Database,
    workbook: xlsx.Workbook,
    procedure_id: int,
    thread_id: int | None,
    words: wording.Wording,
) -> int:
    sheet = workbook.add_sheet(words.sheets["comments"], wording.COMMENT_WIDTHS)
    sheet.frozen_header = sheet.filter_header = True
    sheet.append_header(words.headers)
    count = 0
    async with db.reading() as session:
        head = await queries.export_head(session, procedure_id, thread_id)
        assert head is not None, "the caller checked that the procedure exists"
        titles = {item.thread.id: item.thread.title for item in head[2]}
        line = Tabulator(words.deleted, iso=False, titles=titles).line
        async for batch in raw_rows(session, procedure_id, thread_id):
            lines = [words.line(line(raw), raw, xlsx=True) for raw in batch]
            await asyncio.to_thread(sheet.extend, lines)
            count += len(lines)
    procedure, department, threads = head
    threads_sheet = workbook.add_sheet(words.sheets["threads"], (12, 40, 60, 8, 20, 20, 60, 40))
    threads_sheet.frozen_header = threads_sheet.filter_header = True
    threads_sheet.append_header(words.thread_headers)
    for item in threads:
        answer = item.answer
        threads_sheet.append(
            [
                item.thread.id,
                _cell(item.thread.title),
                _cell(item.thread.question),
                words.yes if item.thread.is_open else words.no,
                wording.local(item.thread.closes_at),
                words.state(answer.state) if answer else "",
                _cell(text_of(answer.html)) if answer else "",
                _cell(answer.reason) if answer else "",
            ]
        )
    with using(words.locale):  # no await inside: the language stays this export's
        about = workbook.add_sheet(words.sheets["columns"], (28, 90))
        about.frozen_header = True
        about.append_header([_("column"), _("meaning")])
        meaning = {column.key: _(column.meaning) for column in COLUMNS}
        for (key, _label), header in zip(wording.COMMENT_COLUMNS, words.headers, strict=True):
            about.append([header, words.meanings.get(key) or meaning.get(key, "")])
        about.append([])
        about.append([_("procedure"), _cell(procedure.title)])
        about.append([_("department"), _cell(department)])
        about.extend(_image_rows(procedure))
        about.append([_("exported at (Potsdam time)"), wording.local(utcnow())])
        about.append([_("format"), f"{EXPORT_FORMAT} {EXPORT_VERSION}"])
    return count


def _evaluation_sheets(workbook: xlsx.Workbook, found: evaluation_export.Evaluation) -> None:
    """Themes, offline input and opinion groups (dialog/evaluation/export.py)."""
    themes = workbook.add_sheet("themes", (40, 14, 8, 8, 8, 10, 8))
    themes.frozen_header = True
    themes.append_header(evaluation_export.THEME_HEADERS)
    for line in evaluation_export.theme_rows(found):
        themes.append([_cell(line[0]), *line[1:]])
    offline = workbook.add_sheet("offline", (14, 14, 10))
    offline.frozen_header = True
    offline.append_header(evaluation_export.OFFLINE_HEADERS)
    for line in evaluation_export.offline_rows(found):
        offline.append(line)
    opinion = workbook.add_sheet("opinion_groups", (9, 18, 6, 6, 11, 80, 9, 9, 9, 9, 30))
    opinion.frozen_header = opinion.filter_header = True
    opinion.append_header(evaluation_export.GROUP_HEADERS)
    for line in evaluation_export.opinion_rows(found, lambda html: _cell(text_of(html))):
        opinion.append(line)


def _state_names() -> list[str]:
    return [f"{s.value} = {state_label(s.value)}" for s in AnswerState]


def _image_json(procedure: Procedure) -> dict[str, str] | None:
    """The procedure's image as its address and text alternative (as the API gives it)."""
    image = image_out(procedure)
    return {"url": image.url, "alt": image.alt} if image else None


def _image_rows(procedure: Procedure) -> list[list[Any]]:
    image = image_out(procedure)
    if image is None:
        return []
    return [[_("image"), _cell(image.url)], [_("text alternative of the image"), _cell(image.alt)]]


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value else None


async def json_chunks(
    db: Database,
    procedure_id: int,
    thread_id: int | None = None,
    handover: dict[str, Any] | None = None,
    lang: str | None = None,
) -> AsyncIterator[bytes]:
    """The versioned JSON document (docs/export-schema.json), streamed comment by comment.
    With `lang`, each moment also in Potsdam's time (`*_local`) and each code as a word in
    that language (`*_label`)."""
    words = wording.wording_for(lang) if lang else None
    async with db.reading() as session:
        head = await queries.export_head(session, procedure_id, thread_id)
        assert head is not None, "the caller checked that the procedure exists"
        procedure, department, threads = head
        top: dict[str, Any] = {
            "format": EXPORT_FORMAT,
            "version": EXPORT_VERSION,
            "schema": SCHEMA_URL,
            "exported_at": _iso(utcnow()),
            "procedure": {
                "id": procedure.id,
                "slug": procedure.slug,
                "title": procedure.title,
                "phase": procedure.phase,
                "department": department,
                "image": _image_json(procedure),
            },
            "threads": [
                {
                    "id": item.thread.id,
                    "title": item.thread.title,
                    "question": item.thread.question,
                    "is_open": item.thread.is_open,
                    "closes_at": _iso(item.thread.closes_at),
                    "answer": _answer_json(
                        item.answer.state,
                        item.answer.html,
                        item.answer.reason,
                        item.answer.updated_at,
                    )
                    if item.answer
                    else None,
                }
                for item in threads
            ],
        }
        if words:
            top["language"] = words.locale
            for item, shown in zip(threads, top["threads"], strict=True):
                shown["closes_at_local"] = _local_iso(item.thread.closes_at)
                if item.answer and shown["answer"]:
                    _label_answer(shown["answer"], item.answer.updated_at, words)
        found = await evaluation_export.evaluation_of(session, procedure_id, thread_id)
        top.update(found.to_json())
        if handover is not None:
            top["handover"] = handover
        opening = json.dumps(top, ensure_ascii=False)
        yield (opening[:-1] + ', "comments": [').encode()
        count = up = down = offline = 0
        async for batch in rows(session, procedure_id, thread_id):
            parts = []
            for row in batch:
                shown = _comment_json(row)
                if words:
                    shown["created_at_local"] = _local_iso(row["created_at"])
                    shown["stance_label"] = words.stance(row["stance"]) or None
                    if shown["answer"]:
                        _label_answer(shown["answer"], row["answered_at"], words)
                parts.append(json.dumps(shown, ensure_ascii=False))
                up += row["votes_up"]
                down += row["votes_down"]
                offline += row["source"] is not None
            yield (("," if count else "") + ",".join(parts)).encode()
            count += len(batch)
    counts = {"comments": count, "votes_up": up, "votes_down": down, "offline": offline}
    yield ('], "counts": ' + json.dumps(counts) + "}").encode()


def _local_iso(moment: datetime | None) -> str | None:
    return moment.astimezone(wording.POTSDAM).isoformat() if moment else None


def _label_answer(
    answer: dict[str, Any], answered_at: datetime | None, words: wording.Wording
) -> None:
    answer["state_label"] = words.state(answer["state"])
    answer["answered_at_local"] = _local_iso(answered_at)


def _answer_json(state: str, html: str, reason: str, updated_at: datetime | None) -> dict[str, Any]:
    return {
        "state": state,
        "text": text_of(html),
        "html": html,
        "reason": reason,
        "answered_at": _iso(updated_at),
    }


def _comment_json(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["comment_id"],
        "thread_id": row["thread_id"],
        "parent_id": row["parent_id"],
        "depth": row["depth"],
        "created_at": _iso(row["created_at"]),
        "author": row["author"],
        "stance": row["stance"] or None,
        "text": row["text"],
        "html": row["html"],
        "votes": {"up": row["votes_up"], "down": row["votes_down"]},
        "replies": row["replies"],
        "flags": row["flags"],
        "themes": row["themes"],
        "source": row["source"],
        "answer": _answer_json(
            row["answer_state"], row["answer_html"], row["answer_reason"], row["answered_at"]
        )
        if row["answer_state"]
        else None,
    }
