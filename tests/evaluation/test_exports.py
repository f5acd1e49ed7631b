"""Themes, offline sources and opinion groups in the CSV, XLSX and JSON exports and in the
hand-over payload; nothing of a hidden contribution."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import openpyxl

from dialog.db import Database
from dialog.discussion.actions import do_change_status
from dialog.discussion.models import Comment, CommentStatus
from dialog.evaluation import jobs
from dialog.results import exports
from tests import factories
from tests.evaluation.conftest import Camps, MakeUser, Workbench, plant_camps
from tests.evaluation.test_offline import enter, workshop


async def coded(bench: Workbench, make_user: MakeUser) -> tuple[Camps, int]:
    camps = await plant_camps(bench, make_user)
    trees, shade = await bench.theme("Trees"), await bench.theme("Shade")
    await bench.code(camps.consensus, trees, shade)
    await bench.code(camps.divisive, shade)
    offline = await enter(bench, workshop(bench.thread.id))
    await bench.code(offline.id, trees)
    await jobs.recompute(bench.db, bench.thread.id)
    return camps, offline.id


async def download(api: factories.ApiAs, bench: Workbench, query: str) -> bytes:
    response = await api.request(
        bench.staff, "GET", f"/api/v1/procedures/{bench.procedure.id}/export?{query}"
    )
    assert response.status_code == 200, response.text
    return response.content


async def test_the_json_export_carries_themes_sources_and_opinion_groups(
    api: factories.ApiAs, bench: Workbench, make_user: MakeUser
) -> None:
    camps, offline = await coded(bench, make_user)
    document = json.loads(await download(api, bench, "format=json"))
    by_id = {c["id"]: c for c in document["comments"]}
    assert by_id[camps.consensus]["themes"] == ["Shade", "Trees"]
    assert by_id[camps.consensus]["source"] is None
    assert by_id[offline]["source"] == {
        "kind": "workshop",
        "date": "2026-05-04",
        "place": "Bürgerhaus Schlaatz",
        "people": 12,
    }
    assert by_id[offline]["author"] == ""
    assert document["counts"]["offline"] == 1
    assert {t["name"]: t["contributions"] for t in document["themes"]} == {"Trees": 2, "Shade": 2}
    assert document["offline"] == [{"source": "workshop", "contributions": 1, "people": 12}]
    groups: dict[str, Any] = document["opinion_groups"][0]
    assert groups["thread_id"] == bench.thread.id and groups["shown"] is True
    assert sorted(g["size"] for g in groups["groups"]) == [8, 8]
    assert all("members" not in g for g in groups["groups"]) and "state" not in groups
    assert groups["bridging"][0]["statement_id"] == camps.consensus


async def test_csv_and_xlsx_have_a_theme_column_and_the_opinion_group_sheet(
    api: factories.ApiAs, bench: Workbench, make_user: MakeUser
) -> None:
    camps, offline = await coded(bench, make_user)
    text = (await download(api, bench, "format=csv")).decode("utf-8-sig")
    lines = {int(row["comment_id"]): row for row in csv.DictReader(io.StringIO(text))}
    assert lines[camps.consensus]["themes"] == "Shade; Trees"
    assert (lines[offline]["source"], lines[offline]["source_people"]) == ("workshop", "12")
    book = openpyxl.load_workbook(io.BytesIO(await download(api, bench, "format=xlsx")))
    assert {"themes", "offline", "opinion_groups"} <= set(book.sheetnames)
    themes = [[c.value for c in row] for row in book["themes"].iter_rows(min_row=2)]
    assert sorted(row[:2] for row in themes) == [["Shade", 2], ["Trees", 2]]
    opinion = [[c.value for c in row] for row in book["opinion_groups"].iter_rows(min_row=2)]
    kinds = [row[1] for row in opinion]
    assert kinds[0] == "summary" and kinds.count("group") == 2
    assert "bridging" in kinds and "divisive" in kinds
    explained = {row[0].value for row in book["columns"].iter_rows(min_row=2)}
    assert {"themes", "source", "source_date", "source_place", "source_people"} <= explained


async def test_the_handover_payload_has_the_thread_s_evaluation(
    bench: Workbench, make_user: MakeUser, db: Database
) -> None:
    await coded(bench, make_user)
    body = b"".join(
        [
            chunk
            async for chunk in exports.json_chunks(
                db, bench.procedure.id, bench.thread.id, handover={"delivery_id": "x"}
            )
        ]
    )
    document = json.loads(body)
    assert [g["thread_id"] for g in document["opinion_groups"]] == [bench.thread.id]
    assert document["themes"] and document["offline"] and document["handover"]


async def test_nothing_of_a_hidden_contribution_is_exported(
    api: factories.ApiAs, bench: Workbench, make_user: MakeUser, db: Database
) -> None:
    camps, _offline = await coded(bench, make_user)
    async with db.unit_of_work() as uow:
        comment = await uow.session.get(Comment, camps.consensus)
        assert comment is not None
        await do_change_status(uow, comment, CommentStatus.hidden)
    document = json.loads(await download(api, bench, "format=json"))
    assert camps.consensus not in {c["id"] for c in document["comments"]}
    assert {t["name"]: t["contributions"] for t in document["themes"]} == {"Trees": 1, "Shade": 1}
    named = json.dumps(document["opinion_groups"])
    assert f'"statement_id": {camps.consensus},' not in named
    assert "Aussage 0" not in (await download(api, bench, "format=csv")).decode("utf-8-sig")
