"""The codebook and coding: themes created, renamed and merged; counts per theme and stance."""

from __future__ import annotations

import pytest

from dialog.db import Database
from dialog.discussion.models import Comment, CommentStatus
from dialog.errors import InvalidInput
from dialog.evaluation import actions, queries
from dialog.evaluation.models import Theme
from dialog.evaluation.schemas import CodingIn, MergeIn, ThemeIn
from dialog.procedures.models import Procedure
from tests.evaluation.conftest import Workbench, as_actor


async def test_a_contribution_can_carry_several_themes_and_counts_go_by_stance(
    bench: Workbench, db: Database
) -> None:
    shade = await bench.theme("Schatten")
    trees = await bench.theme("Bäume")
    first = await bench.comment("Mehr Bäume für Schatten", stance="for")
    second = await bench.comment("Keine Bäume vor meinem Fenster", stance="against")
    await bench.code(first, shade, trees)
    await bench.code(second, trees)
    async with db.reading() as session:
        counts = {c.name: c for c in await queries.theme_counts(session, bench.procedure.id)}
        progress = await queries.coding_progress(session, bench.procedure.id)
    assert counts["Bäume"].total == 2
    assert counts["Bäume"].stances == {"for": 1, "neutral": 0, "against": 1, "none": 0}
    assert counts["Schatten"].total == 1
    assert (progress.contributions, progress.coded) == (2, 2)


async def test_coding_again_replaces_the_set_of_themes(bench: Workbench, db: Database) -> None:
    shade, trees = await bench.theme("Schatten"), await bench.theme("Bäume")
    comment = await bench.comment("Mehr Schatten")
    await bench.code(comment, shade, trees)
    await bench.code(comment, shade)
    async with db.reading() as session:
        assert await queries.themes_by_comment(session, [comment]) == {comment: {shade.id}}


async def test_a_theme_name_is_unique_in_its_procedure(bench: Workbench) -> None:
    await bench.theme("Verkehr")
    with pytest.raises(InvalidInput) as raised:
        await bench.theme(" Verkehr ")
    assert "name" in raised.value.fields


async def test_renaming_keeps_the_codings(bench: Workbench, db: Database) -> None:
    theme = await bench.theme("Verkehr")
    comment = await bench.comment("Tempo 30")
    await bench.code(comment, theme)
    async with db.unit_of_work() as uow:
        stored = await uow.session.get(Theme, theme.id)
        assert stored is not None
        await actions.do_rename_theme(uow, stored, ThemeIn(name="Verkehr und Lärm"))
    async with db.reading() as session:
        counts = await queries.theme_counts(session, bench.procedure.id)
    assert [(c.name, c.total) for c in counts] == [("Verkehr und Lärm", 1)]


async def test_merging_moves_codings_once_and_removes_the_theme(
    bench: Workbench, db: Database
) -> None:
    trees, greenery = await bench.theme("Bäume"), await bench.theme("Grün")
    both = await bench.comment("Bäume und Grün")
    only_trees = await bench.comment("Bäume")
    await bench.code(both, trees, greenery)
    await bench.code(only_trees, trees)
    async with db.unit_of_work() as uow:
        stored = await uow.session.get(Theme, trees.id)
        assert stored is not None
        await actions.do_merge_theme(uow, stored, MergeIn(into=greenery.id))
    async with db.reading() as session:
        counts = await queries.theme_counts(session, bench.procedure.id)
        coded = await queries.themes_by_comment(session, [both, only_trees])
    assert [(c.name, c.total) for c in counts] == [("Grün", 2)]
    assert coded == {both: {greenery.id}, only_trees: {greenery.id}}


async def test_a_theme_cannot_merge_into_itself(bench: Workbench, db: Database) -> None:
    theme = await bench.theme("Bäume")
    async with db.unit_of_work() as uow:
        stored = await uow.session.get(Theme, theme.id)
        assert stored is not None
        with pytest.raises(InvalidInput) as raised:
            await actions.do_merge_theme(uow, stored, MergeIn(into=theme.id))
    assert "into" in raised.value.fields


async def test_only_published_contributions_can_be_coded(bench: Workbench, db: Database) -> None:
    theme = await bench.theme("Bäume")
    pending = await bench.comment("Wartet", status=CommentStatus.pending)
    async with db.unit_of_work() as uow:
        procedure = await uow.session.get(Procedure, bench.procedure.id)
        assert procedure is not None
        with pytest.raises(InvalidInput) as raised:
            await actions.do_code(
                uow, as_actor(bench.staff), procedure, {pending: CodingIn(themes=[theme.id])}
            )
    assert f"c{pending}" in raised.value.fields


async def test_codings_of_a_hidden_contribution_are_not_counted(
    bench: Workbench, db: Database
) -> None:
    theme = await bench.theme("Bäume")
    comment = await bench.comment("Bäume!")
    await bench.code(comment, theme)
    async with db.unit_of_work() as uow:
        stored = await uow.session.get(Comment, comment)
        assert stored is not None
        stored.status = CommentStatus.hidden
    async with db.reading() as session:
        counts = await queries.theme_counts(session, bench.procedure.id)
        items = await queries.coding_items(session, bench.procedure.id)
    assert [(c.name, c.total) for c in counts] == [("Bäume", 0)]
    assert items == []
