"""The coding page, the codebook and offline input, through their forms."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx

from dialog.accounts.models import User
from dialog.db import Database
from dialog.evaluation import queries
from tests.evaluation.conftest import Workbench

SignIn = Callable[[User], Awaitable[str]]


async def test_staff_code_a_page_of_contributions_and_go_on_to_the_next(
    client: httpx.AsyncClient, browser_session: SignIn, bench: Workbench, db: Database
) -> None:
    shade, trees = await bench.theme("Schatten"), await bench.theme("Bäume")
    ids = [await bench.comment(f"Idee Nummer {n}") for n in range(22)]
    token = await browser_session(bench.staff)
    page = await client.get(f"/procedures/{bench.procedure.id}/coding")
    assert page.status_code == 200
    assert "Idee Nummer 19<" in page.text and "Idee Nummer 20<" not in page.text
    assert 'data-key="1"' in page.text
    form: dict[str, object] = {
        "csrf_token": token,
        "after": "0",
        "listed": [str(i) for i in ids[:20]],
    }
    form[f"c{ids[0]}"] = [str(shade.id), str(trees.id)]
    form[f"c{ids[1]}"] = str(trees.id)
    saved = await client.post(f"/procedures/{bench.procedure.id}/coding", data=form)
    assert saved.status_code == 303
    assert saved.headers["location"].startswith(
        f"/procedures/{bench.procedure.id}/coding?after={ids[19]}&saved=20&changed=2"
    )
    following = await client.get(saved.headers["location"])
    assert "Idee Nummer 20<" in following.text and "Idee Nummer 1<" not in following.text
    assert "2 von 22" in following.text  # progress, in German (the default language)
    async with db.reading() as session:
        coded = await queries.themes_by_comment(session, ids[:3])
    assert coded == {ids[0]: {shade.id, trees.id}, ids[1]: {trees.id}}


async def test_only_uncoded_contributions_can_be_listed(
    client: httpx.AsyncClient, browser_session: SignIn, bench: Workbench
) -> None:
    theme = await bench.theme("Bäume")
    coded = await bench.comment("Schon codiert")
    await bench.comment("Noch offen")
    await bench.code(coded, theme)
    await browser_session(bench.staff)
    page = await client.get(f"/procedures/{bench.procedure.id}/coding?uncoded=1")
    assert "Noch offen" in page.text and "Schon codiert" not in page.text


async def test_a_theme_of_another_procedure_is_refused_naming_the_contribution(
    client: httpx.AsyncClient, browser_session: SignIn, bench: Workbench
) -> None:
    await bench.theme("Bäume")
    comment = await bench.comment("Bäume")
    token = await browser_session(bench.staff)
    response = await client.post(
        f"/procedures/{bench.procedure.id}/coding",
        data={"csrf_token": token, "listed": str(comment), f"c{comment}": "999999"},
    )
    assert response.status_code == 422
    assert f'id="c{comment}-error"' in response.text


async def test_the_codebook_adds_renames_and_merges_themes(
    client: httpx.AsyncClient, browser_session: SignIn, bench: Workbench, db: Database
) -> None:
    token = await browser_session(bench.staff)
    url = f"/procedures/{bench.procedure.id}/themes"
    for name in ("Bäume", "Grün", "Verkehr"):
        added = await client.post(url, data={"csrf_token": token, "name": name})
        assert added.status_code == 303
    twice = await client.post(url, data={"csrf_token": token, "name": "Bäume"})
    assert twice.status_code == 422 and 'id="name-error"' in twice.text
    async with db.reading() as session:
        themes = {t.name: t.id for t in await queries.themes_of(session, bench.procedure.id)}
    renamed = await client.post(
        f"/themes/{themes['Verkehr']}/rename",
        data={"csrf_token": token, "name": "Verkehr und Lärm"},
    )
    merged = await client.post(
        f"/themes/{themes['Bäume']}/merge", data={"csrf_token": token, "into": str(themes["Grün"])}
    )
    assert (renamed.status_code, merged.status_code) == (303, 303)
    page = await client.get(url)
    assert "Verkehr und Lärm" in page.text and "Bäume" not in page.text
    blank = await client.post(
        f"/themes/{themes['Grün']}/rename", data={"csrf_token": token, "name": "  "}
    )
    assert blank.status_code == 422
    assert f'id="theme-{themes["Grün"]}-name-error"' in blank.text


async def test_offline_input_lands_in_the_thread_marked_with_its_source(
    client: httpx.AsyncClient, browser_session: SignIn, bench: Workbench
) -> None:
    token = await browser_session(bench.staff)
    form = {
        "csrf_token": token,
        "thread_id": str(bench.thread.id),
        "kind": "walk",
        "held_on": "2026-05-04",
        "place": "Schlaatz",
        "people": "14",
        "stance": "",
        "body": "Am Spielplatz fehlt Schatten.",
    }
    entered = await client.post(f"/procedures/{bench.procedure.id}/offline", data=form)
    assert entered.status_code == 303, entered.text
    thread = await client.get(f"/threads/{bench.thread.id}")
    assert "Am Spielplatz fehlt Schatten." in thread.text
    assert "Spaziergang" in thread.text and "14 Personen" in thread.text
    bad = await client.post(
        f"/procedures/{bench.procedure.id}/offline", data={**form, "people": "0", "held_on": ""}
    )
    assert bad.status_code == 422
    assert 'id="people-error"' in bad.text and 'id="held_on-error"' in bad.text


async def test_residents_and_other_departments_cannot_code(
    client: httpx.AsyncClient,
    browser_session: SignIn,
    bench: Workbench,
    make_user: Callable[..., Awaitable[User]],
) -> None:
    await browser_session(await make_user())
    assert (await client.get(f"/procedures/{bench.procedure.id}/coding")).status_code == 403
    assert (await client.get(f"/procedures/{bench.procedure.id}/offline")).status_code == 403
