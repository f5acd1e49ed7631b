"""JSON routes of moderation: the queue, decisions, claims, appeals, blocks, rules, figures."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from dialog.errors import Conflict, NotAuthenticated, NotFound
from dialog.i18n import gettext as _
from dialog.i18n import lazy
from dialog.settings import Settings
from dialog.web.api import ApiRoute, Doc, actor, database, respond
from dialog.web.inputs import json_body, query_as
from dialog.web.services import services
from moderation import actions, audit, policy, queries
from moderation.schemas import (
    AppealBody,
    AppealOut,
    AuditOut,
    AuthorStatusOut,
    BlockBody,
    BlockOut,
    BulkDecisionBody,
    BulkOut,
    ClaimOut,
    DecisionBody,
    DecisionOut,
    FiguresOut,
    QueueItemOut,
    QueueOut,
    QueueQuery,
    RuleBody,
    RuleOut,
    VerificationOut,
)


def _settings(request: Request) -> Settings:
    found: Settings = services(request).settings
    return found


async def queue(request: Request) -> Response:
    actions.require_moderator(actor(request))
    query = query_as(request, QueueQuery)
    async with database(request).reading() as session:
        items = await queries.queue(
            session,
            procedure_id=query.procedure,
            reason=query.reason,
            older_than_hours=query.older_than_hours,
            sort=query.sort,
        )
    return respond(QueueOut(count=len(items), items=[QueueItemOut.of(i) for i in items]))


async def fresh_item(request: Request, comment_id: int) -> QueueItemOut:
    async with database(request).reading() as session:
        found = await queries.item(session, comment_id)
    if found is None:
        raise NotFound(actions.NOT_FOUND)
    return QueueItemOut.of(found)


async def comment_item(request: Request) -> Response:
    actions.require_moderator(actor(request))
    return respond(await fresh_item(request, request.path_params["comment_id"]))


def conflict(error: Conflict, item: QueueItemOut) -> Response:
    """409 with the error and the item as it is now, so the moderator sees what happened."""
    return JSONResponse(
        {
            "error": {"code": error.code, "message": _(error.message)},
            "item": item.model_dump(mode="json"),
        },
        status_code=409,
    )


async def decide(request: Request) -> Response:
    who = actor(request)
    actions.require_moderator(who)
    comment_id: int = request.path_params["comment_id"]
    body = await json_body(request, DecisionBody)
    data = actions.DecisionIn(body.action, body.reason, body.note, body.version)
    try:
        async with database(request).unit_of_work() as uow:
            decision = await actions.do_decide(uow, _settings(request), who, comment_id, data)
    except Conflict as error:
        return conflict(error, await fresh_item(request, comment_id))
    return respond(
        DecisionOut(
            id=decision.id,
            comment_id=decision.comment_id,
            action=decision.action,
            reason=decision.reason,
            note=decision.note,
            status=decision.status_after,
            on_appeal=decision.on_appeal,
            created_at=decision.created_at,
        )
    )


async def bulk_decide(request: Request) -> Response:
    who = actor(request)
    actions.require_moderator(who)
    body = await json_body(request, BulkDecisionBody)
    decided, conflicts = await bulk(request, body)
    return respond(BulkOut(decided=decided, conflicts=conflicts))


async def bulk(request: Request, body: BulkDecisionBody) -> tuple[list[int], list[int]]:
    """Each item in its own transaction: one that was decided meanwhile spoils no other."""
    who = actor(request)
    decided: list[int] = []
    conflicts: list[int] = []
    for comment_id in dict.fromkeys(body.comment_ids):
        try:
            async with database(request).unit_of_work() as uow:
                await actions.do_decide(
                    uow,
                    _settings(request),
                    who,
                    comment_id,
                    actions.DecisionIn(body.action, body.reason, body.note),
                )
            decided.append(comment_id)
        except (Conflict, NotFound):
            conflicts.append(comment_id)
    return decided, conflicts


async def claim(request: Request) -> Response:
    who = actor(request)
    actions.require_moderator(who)
    comment_id: int = request.path_params["comment_id"]
    if request.method == "DELETE":
        async with database(request).unit_of_work() as uow:
            await actions.do_release(uow, who, comment_id)
        return Response(status_code=204)
    try:
        async with database(request).unit_of_work() as uow:
            item = await actions.do_claim(uow, who, comment_id)
            out = ClaimOut(
                comment_id=comment_id,
                claimed_by=item.claimed_by,
                claim_expires_at=item.claim_expires_at,
            )
    except Conflict as error:
        return conflict(error, await fresh_item(request, comment_id))
    return respond(out)


async def author_view(request: Request, comment_id: int) -> AuthorStatusOut:
    who = actor(request)
    if not who.authenticated:
        raise NotAuthenticated(lazy("Please sign in first."))
    async with database(request).reading() as session:
        found = await queries.author_status(session, comment_id)
    if found is None or (found.author_id != who.user_id and not policy.can_moderate(who)):
        raise NotFound(actions.NOT_FOUND)
    allowed = policy.can_appeal(who, found.author_id, found.status, found.appealed)
    return AuthorStatusOut.of(found, allowed and found.reason is not None)


async def comment_status(request: Request) -> Response:
    return respond(await author_view(request, request.path_params["comment_id"]))


async def appeal(request: Request) -> Response:
    who = actor(request)
    if not who.authenticated:
        raise NotAuthenticated(lazy("Please sign in first."))
    body = await json_body(request, AppealBody)
    async with database(request).unit_of_work() as uow:
        made = await actions.do_appeal(uow, who, request.path_params["comment_id"], body.text)
        out = AppealOut(id=made.id, comment_id=made.comment_id, created_at=made.created_at)
    return respond(out, status=201)


async def block(request: Request) -> Response:
    who = actor(request)
    actions.require_moderator(who)
    user_id: int = request.path_params["user_id"]
    async with database(request).unit_of_work() as uow:
        if request.method == "DELETE":
            target = await actions.do_unblock(uow, who, user_id)
        else:
            body = await json_body(request, BlockBody)
            target = await actions.do_block(
                uow, _settings(request), who, user_id, body.period, body.reason
            )
        out = BlockOut(
            user_id=target.id, blocked_until=target.blocked_until, reason=target.block_reason
        )
    return respond(out)


async def rule_list(request: Request) -> Response:
    actions.require_moderator(actor(request))
    async with database(request).reading() as session:
        found = await actions.rule_configs(session)
    return respond([RuleOut(name=r.name, enabled=r.enabled, params=r.params) for r in found])


async def rule_change(request: Request) -> Response:
    who = actor(request)
    actions.require_moderator(who)
    body = await json_body(request, RuleBody)
    async with database(request).unit_of_work() as uow:
        changed = await actions.do_set_rule(
            uow, who, request.path_params["name"], body.enabled, body.params
        )
    return respond(RuleOut(name=changed.name, enabled=changed.enabled, params=changed.params))


class FiguresQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    procedure: int | None = None


async def figures(request: Request) -> Response:
    actions.require_moderator(actor(request))
    query = query_as(request, FiguresQuery)
    async with database(request).reading() as session:
        if query.procedure is not None:
            found = [await queries.figures_for_procedure(session, query.procedure)]
        else:
            found = await queries.figures(session)
    return respond([FiguresOut.of(f) for f in found])


class AuditQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    before: int | None = None
    limit: int = Field(default=100, ge=1, le=500)


async def audit_log(request: Request) -> Response:
    actions.require_moderator(actor(request))
    query = query_as(request, AuditQuery)
    async with database(request).reading() as session:
        rows = await queries.audit_page(session, query.before, query.limit)
    return respond(
        [
            AuditOut(
                id=e.id,
                created_at=e.created_at,
                actor_id=e.actor_id,
                action=e.action,
                subject=e.subject,
                data=e.data,
                prev_hash=e.prev_hash,
                hash=e.hash,
            )
            for e, _name in rows
        ]
    )


async def audit_verify(request: Request) -> Response:
    actions.require_moderator(actor(request))
    async with database(request).reading() as session:
        result = await audit.verify(session)
    return respond(
        VerificationOut(ok=result.ok, checked=result.checked, broken_at=result.broken_at)
    )


M = "/moderation"
routes: list[BaseRoute] = [
    ApiRoute(
        f"{M}/queue",
        queue,
        docs={
            "GET": Doc(
                "The moderation queue across all procedures", QueueOut, query=QueueQuery, auth=True
            )
        },
    ),
    ApiRoute(
        f"{M}/comments/{{comment_id:int}}",
        comment_item,
        docs={"GET": Doc("One comment with its moderation context", QueueItemOut, auth=True)},
    ),
    ApiRoute(
        f"{M}/comments/{{comment_id:int}}/decision",
        decide,
        docs={
            "POST": Doc(
                "Decide: approve, reject, hide or restore with a netiquette reason "
                "(409 with the current item if someone else was faster)",
                DecisionOut,
                request=DecisionBody,
                auth=True,
            )
        },
    ),
    ApiRoute(
        f"{M}/decisions",
        bulk_decide,
        docs={
            "POST": Doc(
                "Approve or reject many items", BulkOut, request=BulkDecisionBody, auth=True
            )
        },
    ),
    ApiRoute(
        f"{M}/comments/{{comment_id:int}}/claim",
        claim,
        docs={
            "POST": Doc("Claim an item for a few minutes", ClaimOut, auth=True),
            "DELETE": Doc("Release one's claim", None, status=204, auth=True),
        },
    ),
    ApiRoute(
        f"{M}/comments/{{comment_id:int}}/status",
        comment_status,
        docs={"GET": Doc("The author's view: state, reason, appeal", AuthorStatusOut, auth=True)},
    ),
    ApiRoute(
        f"{M}/comments/{{comment_id:int}}/appeal",
        appeal,
        docs={
            "POST": Doc(
                "Ask once for a second review (authors)",
                AppealOut,
                request=AppealBody,
                status=201,
                auth=True,
            )
        },
    ),
    ApiRoute(
        f"{M}/users/{{user_id:int}}/block",
        block,
        docs={
            "POST": Doc("Block an account from writing", BlockOut, request=BlockBody, auth=True),
            "DELETE": Doc("Lift a block", BlockOut, auth=True),
        },
    ),
    ApiRoute(
        f"{M}/rules", rule_list, docs={"GET": Doc("The hold rules", list[RuleOut], auth=True)}
    ),
    ApiRoute(
        f"{M}/rules/{{name:str}}",
        rule_change,
        docs={"PUT": Doc("Change a hold rule (admins)", RuleOut, request=RuleBody, auth=True)},
    ),
    ApiRoute(
        f"{M}/figures",
        figures,
        docs={"GET": Doc("Figures per procedure", list[FiguresOut], query=FiguresQuery, auth=True)},
    ),
    ApiRoute(
        f"{M}/audit",
        audit_log,
        docs={
            "GET": Doc("The audit log, newest first", list[AuditOut], query=AuditQuery, auth=True)
        },
    ),
    ApiRoute(
        f"{M}/audit/verify",
        audit_verify,
        docs={"GET": Doc("Verify the audit log's hash chain", VerificationOut, auth=True)},
    ),
]
