"""Moderation pages: the queue, rules, the audit log, and the author's view of a decision."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from dialog.db import utcnow
from dialog.errors import Conflict, DomainError, InvalidInput, NotAuthenticated, NotFound
from dialog.i18n import gettext as _
from dialog.i18n import lazy
from dialog.settings import Settings
from dialog.web.api import actor, database
from dialog.web.ids import parse_id
from dialog.web.inputs import form_data, validate
from dialog.web.services import services
from dialog.web.templating import render
from moderation import actions, audit, policy, queries, rules
from moderation.api import author_view, bulk
from moderation.audit_lines import audit_line
from moderation.schemas import (
    AppealBody,
    BlockBody,
    BulkDecisionBody,
    DecisionBody,
    QueueItemOut,
    QueueQuery,
)

# Notices after a redirect are chosen from this list, never taken from the address.
NOTICES = {
    "decided": lazy("The decision is saved."),
    "claimed": lazy("You are working on this item now; others see your claim for 10 minutes."),
    "released": lazy("Your claim is released."),
    "blocked": lazy("The account is blocked from writing."),
    "bulk": lazy("The selected items are decided."),
    "bulk-conflicts": lazy("Some selected items were decided by someone else meanwhile."),
    "rule": lazy("The rule is saved."),
    "appealed": lazy("Your request for a second review is in the queue."),
}
AGES = (1, 24, 72, 168)
FLAG_LABELS = {
    "spam": lazy("Spam"),
    "insult": lazy("Insult"),
    "discrimination": lazy("Discrimination"),
    "personal-data": lazy("Personal data"),
    "off-topic": lazy("Off topic"),
    "other": lazy("Other"),
}
STATUS_LABELS = {
    "pending": lazy("waiting for review"),
    "published": lazy("published"),
    "rejected": lazy("not published"),
    "hidden": lazy("hidden"),
    "withdrawn": lazy("withdrawn"),
}
QUEUE_LABELS = {**rules.LABELS, "flags": lazy("Flags"), "appeal": lazy("Appeal")}


def queue_label(name: str) -> str:
    return _(QUEUE_LABELS.get(name, name))


def flag_label(reason: str) -> str:
    return _(FLAG_LABELS.get(reason, reason))


def status_label(status: str) -> str:
    return _(STATUS_LABELS.get(status, status))


def _settings(request: Request) -> Settings:
    found: Settings = services(request).settings
    return found


def _back(request: Request, notice: str, anchor: str = "") -> RedirectResponse:
    target = request.headers.get("referer", "")
    base = "/moderation"
    if "/moderation?" in target:
        base = "/moderation?" + target.split("/moderation?", 1)[1].split("#")[0]
        base = "&".join(p for p in base.split("&") if not p.startswith("notice="))
    joiner = "&" if "?" in base else "?"
    return RedirectResponse(f"{base}{joiner}notice={notice}{anchor}", status_code=303)


async def queue_page(
    request: Request,
    status_code: int = 200,
    problem: str | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    actions.require_moderator(actor(request))
    params = {k: v for k, v in request.query_params.items() if k != "notice"}
    try:
        query = validate(QueueQuery, params)
    except InvalidInput as error:
        query, errors = QueueQuery(), {**error.fields, **(errors or {})}
    async with database(request).reading() as session:
        items = await queries.queue(
            session,
            procedure_id=query.procedure,
            reason=query.reason,
            older_than_hours=query.older_than_hours,
            sort=query.sort,
        )
        procedures = await queries.procedures(session)
        figures = await queries.figures(session)
        since = await queries.latest_event_id(session)
    notice = NOTICES.get(request.query_params.get("notice", ""))
    return render(
        request,
        "moderation/queue.html",
        {
            "items": [QueueItemOut.of(i) for i in items],
            "query": query,
            "procedures": procedures,
            "figures": figures,
            "since": since,
            "notice": notice,
            "problem": problem,
            "errors": errors or {},
            "queue_reasons": ["pre-moderation", *rules.RULES, "flags", "appeal"],
            "ages": AGES,
            **item_helpers(request),
        },
        status_code=status_code,
    )


def item_helpers(request: Request) -> dict[str, Any]:
    """What templates/moderation/_item.html needs beside the item (page and fragments)."""
    return {
        "reasons": policy.REASONS,
        "actions": policy.ACTIONS,
        "queue_label": queue_label,
        "status_label": status_label,
        "flag_label": flag_label,
        "periods": policy.BLOCK_LABELS,
        "can_decide": lambda item: policy.can_decide(actor(request), item.excluded_moderator_id),
        "next_status": policy.next_status,
        "age_days": lambda moment: max(0, (utcnow() - moment).days),
    }


async def queue_fragments(request: Request) -> Response:
    """GET /moderation/fragments?ids=1,2: those of the posts that are in the open queue, as
    the page shows them, for the page's script to add when they enter the queue live."""
    actions.require_moderator(actor(request))
    raw = request.query_params.get("ids", "")
    ids = [
        int(part)
        for part in raw.split(",")[:50]
        if (part.isascii() and part.isdigit()) and 0 < int(part) < 2**31
    ]
    async with database(request).reading() as session:
        items = await queries.open_items(session, ids)
    return render(
        request,
        "moderation/fragments.html",
        {"items": [QueueItemOut.of(i) for i in items], "errors": {}, **item_helpers(request)},
    )


async def queue_view(request: Request) -> Response:
    return await queue_page(request)


def _form_dict(form: dict[str, Any], *names: str) -> dict[str, Any]:
    return {name: form.get(name) for name in names if form.get(name) not in (None, "")}


async def decide_form(request: Request) -> Response:
    who = actor(request)
    actions.require_moderator(who)
    comment_id: int = request.path_params["comment_id"]
    form = await form_data(request)
    try:
        body = validate(DecisionBody, _form_dict(form, "action", "reason", "note", "version"))
        async with database(request).unit_of_work() as uow:
            await actions.do_decide(
                uow,
                _settings(request),
                who,
                comment_id,
                actions.DecisionIn(body.action, body.reason, body.note, body.version),
            )
    except Conflict as error:
        return await queue_page(request, 409, problem=error.message)
    except InvalidInput as error:
        return await queue_page(
            request,
            422,
            problem=error.message,
            errors={f"{k}-{comment_id}": v for k, v in error.fields.items()},
        )
    return _back(request, "decided")


async def bulk_form(request: Request) -> Response:
    actions.require_moderator(actor(request))
    form = await form_data(request)
    data = _form_dict(form, "action", "reason", "note")
    chosen = form.get("comment_ids", [])
    data["comment_ids"] = chosen if isinstance(chosen, list) else [chosen]
    try:
        body = validate(BulkDecisionBody, data)
    except InvalidInput as error:
        fields = {f"bulk-{k}": v for k, v in error.fields.items()}
        return await queue_page(request, 422, problem=error.message, errors=fields)
    _decided, conflicts = await bulk(request, body)
    return _back(request, "bulk-conflicts" if conflicts else "bulk")


async def claim_form(request: Request) -> Response:
    who = actor(request)
    actions.require_moderator(who)
    comment_id: int = request.path_params["comment_id"]
    form = await form_data(request)
    try:
        async with database(request).unit_of_work() as uow:
            if form.get("release"):
                await actions.do_release(uow, who, comment_id)
            else:
                await actions.do_claim(uow, who, comment_id)
    except Conflict as error:
        return await queue_page(request, 409, problem=error.message)
    notice = "released" if form.get("release") else "claimed"
    return _back(request, notice, f"#item-{comment_id}")


async def block_form(request: Request) -> Response:
    who = actor(request)
    actions.require_moderator(who)
    user_id: int = request.path_params["user_id"]
    form = await form_data(request)
    try:
        body = validate(BlockBody, _form_dict(form, "period", "reason"))
        async with database(request).unit_of_work() as uow:
            await actions.do_block(uow, _settings(request), who, user_id, body.period, body.reason)
    except InvalidInput as error:
        fields = {f"block-{k}-{user_id}": v for k, v in error.fields.items()}
        return await queue_page(request, 422, problem=error.message, errors=fields)
    return _back(request, "blocked")


# -- rules -------------------------------------------------------------------------------------


async def rules_page(request: Request) -> Response:
    who = actor(request)
    actions.require_moderator(who)
    errors: dict[str, str] = {}
    status = 200
    notice = None
    if request.method == "POST":
        form = await form_data(request)
        name = str(form.get("rule", ""))
        params = _rule_params(name, form)
        try:
            async with database(request).unit_of_work() as uow:
                await actions.do_set_rule(uow, who, name, form.get("enabled") == "on", params)
            return RedirectResponse("/moderation/rules?notice=rule", status_code=303)
        except InvalidInput as error:
            errors = {f"{name}-{k}": v for k, v in error.fields.items()}
            status = 422
    else:
        notice = NOTICES.get(request.query_params.get("notice", ""))
    async with database(request).reading() as session:
        found = await actions.rule_configs(session)
    return render(
        request,
        "moderation/rules.html",
        {
            "rules": found,
            "labels": rules.LABELS,
            "descriptions": rules.DESCRIPTIONS,
            "can_edit": policy.can_configure_rules(who),
            "errors": errors,
            "notice": notice,
        },
        status_code=status,
    )


def _rule_params(name: str, form: dict[str, Any]) -> dict[str, Any]:
    if name == "watched-words":
        return {"words": str(form.get("words", "")).splitlines()}
    found = {key: form.get(key) for key in ("count", "max", "hours") if form.get(key) is not None}
    return found


# -- audit log ---------------------------------------------------------------------------------


async def audit_page(request: Request) -> Response:
    actions.require_moderator(actor(request))
    before = request.query_params.get("before")
    before_id = parse_id(before, "before") if before else None
    admin = actor(request).role == "admin"
    async with database(request).reading() as session:
        rows = await queries.audit_page(session, before_id, 100)
        checked = await audit.verify(session)
        people = [
            int(entry.subject.split(":", 1)[1])
            for entry, _name in rows
            if entry.subject.startswith("user:") and entry.subject[5:].isdigit()
        ]
        names = await queries.display_names(session, people)
    return render(
        request,
        "moderation/audit.html",
        {
            "rows": [audit_line(entry, name, names, admin) for entry, name in rows],
            "verification": checked,
            "older": rows[-1][0].id if len(rows) == 100 else None,
        },
    )


async def audit_csv(request: Request) -> Response:
    actions.require_moderator(actor(request))
    db = database(request)

    async def lines() -> AsyncIterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(
            ["id", "created_at", "actor_id", "action", "subject", "data", "prev_hash", "hash"]
        )
        async with db.reading() as session:
            async for entry in queries.audit_rows(session):
                writer.writerow(
                    [
                        entry.id,
                        entry.created_at.isoformat(),
                        entry.actor_id or "",
                        entry.action,
                        entry.subject,
                        json.dumps(entry.data, ensure_ascii=False, sort_keys=True),
                        entry.prev_hash,
                        entry.hash,
                    ]
                )
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    return StreamingResponse(
        lines(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="moderation-audit.csv"'},
    )


# -- the author's view -------------------------------------------------------------------------


async def status_page(request: Request) -> Response:
    who = actor(request)
    if not who.authenticated:
        raise NotAuthenticated(lazy("Please sign in first."))
    comment_id: int = request.path_params["comment_id"]
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        form = await form_data(request)
        try:
            body = validate(AppealBody, _form_dict(form, "text"))
            async with database(request).unit_of_work() as uow:
                await actions.do_appeal(uow, who, comment_id, body.text)
            return RedirectResponse(
                f"/moderation/comments/{comment_id}/status?notice=appealed", status_code=303
            )
        except InvalidInput as error:
            errors, status = error.fields, 422
        except DomainError as error:
            if isinstance(error, NotFound):
                raise
            errors, status = {"text": error.message}, error.status
    view = await author_view(request, comment_id)
    async with database(request).reading() as session:
        found = await queries.author_status(session, comment_id)
    assert found is not None
    return render(
        request,
        "moderation/status.html",
        {
            "view": view,
            "html": found.html,
            "thread_id": found.thread_id,
            "reasons": policy.REASONS,
            "queue_label": queue_label,
            "status_label": status_label,
            "errors": errors,
            "notice": NOTICES.get(request.query_params.get("notice", "")),
        },
        status_code=status,
    )


routes: list[BaseRoute] = [
    Route("/moderation", queue_view),
    Route("/moderation/bulk", bulk_form, methods=["POST"]),
    Route("/moderation/fragments", queue_fragments),
    Route("/moderation/comments/{comment_id:int}/decision", decide_form, methods=["POST"]),
    Route("/moderation/comments/{comment_id:int}/claim", claim_form, methods=["POST"]),
    Route("/moderation/comments/{comment_id:int}/status", status_page, methods=["GET", "POST"]),
    Route("/moderation/users/{user_id:int}/block", block_form, methods=["POST"]),
    Route("/moderation/rules", rules_page, methods=["GET", "POST"]),
    Route("/moderation/audit", audit_page),
    Route("/moderation/audit.csv", audit_csv),
]
