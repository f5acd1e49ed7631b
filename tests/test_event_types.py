"""Every event the platform emits is declared, once, in the registry of dialog.app.

`emit` takes only an `EventType`, so an undeclared type cannot be emitted by a typo; these
tests make sure every `EventType` in the code is in the registry, and that what the
platform's actions store is declared and has the declared shape (or the redacted one).
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select
from starlette.applications import Starlette

import dialog
import moderation
from dialog.accounts.models import User
from dialog.app import EVENT_TYPES
from dialog.db import Database
from dialog.discussion.voting import VoteEvents
from dialog.live.events import EventType
from dialog.live.models import Event
from dialog.procedures.models import Department, Procedure, Thread
from tests import factories
from tests.discussion.helpers import MakeUser, post

ROOT = Path(__file__).resolve().parent.parent


def declared_in_the_code() -> list[EventType[Any]]:
    found: list[EventType[Any]] = []
    for package in (dialog, moderation):
        for module in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            if ".migrations" in module.name or module.name.endswith("__main__"):
                continue
            values = vars(importlib.import_module(module.name)).values()
            found.extend(value for value in values if isinstance(value, EventType))
    return found


def test_every_event_type_in_the_code_is_in_the_registry() -> None:
    declared = declared_in_the_code()
    assert len(declared) >= len(EVENT_TYPES)
    assert [t.name for t in declared if t not in EVENT_TYPES] == []


def test_event_types_are_declared_at_the_top_of_an_events_module_only() -> None:
    """So each is a module-level name that the test above finds, in one place per package."""
    misplaced = []
    for folder in ("dialog", "moderation"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            tree = ast.parse(path.read_text())
            top = {id(node.value) for node in tree.body if isinstance(node, ast.Assign)}
            calls = [
                node
                for node in ast.walk(tree)
                if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "EventType"
            ]
            misplaced += [
                f"{path.relative_to(ROOT)}:{node.lineno}"
                for node in calls
                if path.name != "events.py" or id(node) not in top
            ]
    assert misplaced == []


async def shape_problems(db: Database) -> list[str]:
    """Stored events whose type is undeclared, or whose data has neither the declared payload's
    shape nor (for a type with a ref) the redacted one."""
    by_name = {t.name: t for t in EVENT_TYPES}
    async with db.reading() as session:
        stored = (await session.scalars(select(Event).order_by(Event.id))).all()
    problems = []
    for event in stored:
        declared = by_name.get(event.type)
        if declared is None:
            problems.append(f"{event.type}: not declared")
            continue
        shapes = [declared.payload] + ([declared.ref.shape] if declared.ref else [])
        if not any(set(event.data) == set(shape.model_fields) for shape in shapes):
            problems.append(f"{event.type}: {sorted(event.data)}")
        elif not event.topic.startswith(declared.topic.name):
            problems.append(f"{event.type}: on {event.topic}")
    return problems


async def test_every_event_the_platforms_actions_store_is_declared_with_its_shape(
    app: Starlette,
    client: httpx.AsyncClient,
    api: factories.ApiAs,
    make_user: MakeUser,
    db: Database,
    thread: Thread,
    procedure: Procedure,
    department: Department,
) -> None:
    author, other, moderator = await make_user(), await make_user(), await make_user("moderator")
    staff = await make_user("staff", department)
    held = await factories.thread(db, procedure, moderation="pre")
    first = await post(api, author, thread.id, "Ein Beitrag")  # the posting script
    second = await post(api, other, thread.id, "Noch einer")
    await post(api, author, held.id, "Wartet auf Freigabe")  # held: comment.queued
    vote = f"/api/v1/comments/{first['id']}/vote"
    assert (await api.request(other, "PUT", vote, json={"value": 1})).status_code == 200
    votes: VoteEvents = app.state.services.vote_events
    await votes.flush()
    edit = f"/api/v1/comments/{first['id']}"
    assert (await api.request(author, "PATCH", edit, json={"body": "Neu"})).status_code == 200
    back = await api.request(author, "PATCH", edit, json={"body": "Ruf an: 0331 1234567"})
    assert back.json()["status"] == "pending"
    flag = f"/api/v1/comments/{second['id']}/flags"
    assert (await api.request(author, "POST", flag, json={"reason": "spam"})).status_code == 201
    claim = f"/api/v1/moderation/comments/{second['id']}/claim"
    assert (await api.request(moderator, "POST", claim)).status_code == 200
    assert (await api.request(moderator, "DELETE", claim)).status_code == 204
    decide = f"/api/v1/moderation/comments/{second['id']}/decision"
    for action in ("hide", "restore"):
        decided = await api.request(
            moderator, "POST", decide, json={"action": action, "reason": "spam"}
        )
        assert decided.status_code == 200, decided.text
    answer = f"/api/v1/comments/{second['id']}/answer"
    for body in ("Danke", "Danke vielmals"):
        assert (await api.request(staff, "POST", answer, json={"body": body})).status_code < 300
    new_thread = {"title": "Noch eine Frage", "question": "Was meinen Sie?"}
    threads = f"/api/v1/procedures/{procedure.id}/threads"
    assert (await api.request(staff, "POST", threads, json=new_thread)).status_code == 201
    phase = await api.request(
        staff, "PATCH", f"/api/v1/procedures/{procedure.id}", json={"phase": "evaluation"}
    )
    assert phase.status_code == 200, phase.text
    rename = await api.request(other, "PATCH", "/api/v1/me", json={"display_name": "Neuer Name"})
    assert rename.status_code == 200
    withdraw = f"/api/v1/comments/{second['id']}/withdraw"
    assert (await api.request(other, "POST", withdraw)).status_code == 200
    # Proposals: published, supported to its threshold of one (dialog.proposals).
    office = await make_user("office")
    created = await api.request(
        other,
        "POST",
        "/api/v1/proposals",
        json={"title": "Ein Vorschlag", "summary": "Was wir wollen.", "reason": "Weil es gut ist."},
    )
    publish = {"action": "publish", "threshold": 1}
    decision = f"/api/v1/proposals/{created.json()['id']}/decision"
    assert (await api.request(office, "POST", decision, json=publish)).status_code == 200
    supported = f"/api/v1/proposals/{created.json()['id']}/support"
    assert (await api.request(author, "PUT", supported)).status_code == 200
    csrf = await factories.sign_in(client, author)
    assert (await client.post("/logout", data={"csrf_token": csrf})).status_code == 303
    deletion = {"password": factories.PASSWORD, "comments": "remove"}
    assert (await api.request(author, "DELETE", "/api/v1/me", json=deletion)).status_code == 204

    await concern_events_through_the_api(api, db, department, staff)
    new_procedure = {
        "title": "Ein neues Vorhaben",
        "summary": "Eine kurze Beschreibung des Vorhabens.",
        "department": department.slug,
        "level": "consultation",
        "initiator": "administration",
    }  # procedure.published
    created = await api.request(staff, "POST", "/api/v1/procedures", json=new_procedure)
    assert created.status_code == 201, created.text

    assert await shape_problems(db) == []
    async with db.reading() as session:
        stored = set((await session.scalars(select(Event.type))).all())
    # Representative: every declared type but one that no action reaches today (moderation
    # rejects only pending comments, which were never on the thread's topic).
    assert {t.name for t in EVENT_TYPES} - stored == {"comment.rejected"}


async def concern_events_through_the_api(
    api: factories.ApiAs, db: Database, department: Department, staff: User
) -> None:
    """Ideas and complaints: submit, route, accept, unpublish (redacts the public events)."""
    from dialog.concerns.models import Category

    office = await factories.user(db, "office")
    async with db.reading() as session:
        other = await session.scalar(select(Category.id).where(Category.is_other.is_(True)))
    body = {"kind": "idea", "category": other, "text": "Mehr Bänke am Ufer.", "public": True}
    created = await api.request(None, "POST", "/api/v1/concerns", json=body)
    assert created.status_code == 201, created.text
    item = created.json()["id"]
    route = {"department": department.id}
    steps = [
        (office, "route", route),
        (staff, "accept", {}),
        (office, "unpublish", {"reason": "Nein"}),
    ]
    for who, step, data in steps:
        done = await api.request(who, "POST", f"/api/v1/concerns/{item}/{step}", json=data)
        assert done.status_code == 200, done.text
