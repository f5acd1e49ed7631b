"""Writes of the results part: official answers, the decision, hand-over settings."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialog import outbound
from dialog.accounts.actor import Actor
from dialog.db import UnitOfWork, utcnow
from dialog.discussion.models import Comment, CommentStatus
from dialog.errors import Conflict, Forbidden, InvalidInput, NotAuthenticated, NotFound
from dialog.i18n import gettext as _
from dialog.i18n import lazy
from dialog.live.outbox import emit, redact
from dialog.markup import render_markdown
from dialog.procedures.models import Department, Procedure, Thread
from dialog.results import policy, queries
from dialog.results.events import ANSWER, ANSWER_PUBLISHED, AnswerWithoutText
from dialog.results.models import Answer, Decision
from dialog.results.present import answer_out
from dialog.results.schemas import AnswerIn, DecisionIn, HandoverSettingsIn
from dialog.settings import Settings


def require_signed_in(actor: Actor) -> None:
    if not actor.authenticated:
        raise NotAuthenticated(lazy("Please sign in first."))


async def access_thread_to_answer(
    session: AsyncSession, actor: Actor, thread_id: int
) -> tuple[Thread, Procedure]:
    require_signed_in(actor)
    found = await queries.thread_with_procedure(session, thread_id)
    if found is None:
        raise NotFound(lazy("This thread does not exist."))
    if not policy.can_answer(actor, found[1].department_id):
        raise Forbidden(lazy("Only staff of the responsible department answer officially."))
    return found


async def access_comment_to_answer(
    session: AsyncSession, actor: Actor, comment_id: int
) -> tuple[Comment, Thread, Procedure]:
    require_signed_in(actor)
    comment = await session.get(Comment, comment_id)
    if comment is None:
        raise NotFound(lazy("This comment does not exist."))
    thread, procedure = await access_thread_to_answer(session, actor, comment.thread_id)
    if comment.status != CommentStatus.published:
        raise Conflict(lazy("Only published comments can be answered."))
    return comment, thread, procedure


async def do_answer(
    uow: UnitOfWork,
    settings: Settings,
    actor: Actor,
    thread: Thread,
    procedure: Procedure,
    comment: Comment | None,
    data: AnswerIn,
) -> tuple[Answer, bool]:
    """Answer a comment or (comment None) a thread; answering again updates the answer.

    Returns (answer, created). The thread hears about it live; the notification consumer
    (dialog.notifications.consumer) tells the people behind the item from the event.
    """
    target = f"comment:{comment.id}" if comment else f"thread:{thread.id}"
    answer = await uow.session.scalar(select(Answer).where(Answer.target == target))
    created = answer is None
    now = utcnow()
    if answer is None:
        answer = Answer(
            target=target,
            thread_id=thread.id,
            comment_id=comment.id if comment else None,
            department_id=procedure.department_id,
            created_at=now,
        )
        uow.session.add(answer)
    answer.author_id = actor.user_id
    answer.body = data.body
    answer.html = render_markdown(data.body)
    answer.state = data.state
    answer.reason = data.reason
    answer.updated_at = now
    await uow.session.flush()
    department = await uow.session.get(Department, procedure.department_id)
    department_name = department.name if department else ""
    out = answer_out(answer, department_name)
    if not created:  # the earlier text is no longer the answer
        gone = AnswerWithoutText(id=answer.id, thread_id=thread.id, comment_id=answer.comment_id)
        await redact(uow, ANSWER, answer.id, gone)
    await emit(uow, ANSWER_PUBLISHED, out, thread.id)
    return answer, created


async def do_set_decision(
    uow: UnitOfWork, actor: Actor, procedure: Procedure, data: DecisionIn
) -> Decision:
    if not policy.can_hand_over(actor, procedure.department_id):
        raise Forbidden(lazy("Only staff of the responsible department record the decision."))
    decision = await uow.session.get(Decision, procedure.id)
    if decision is None:
        decision = Decision(procedure_id=procedure.id)
        uow.session.add(decision)
    decision.text = data.text.strip()
    decision.html = render_markdown(decision.text) if decision.text else ""
    decision.decided_on = data.decided_on
    decision.updated_at = utcnow()
    decision.updated_by = actor.user_id
    await uow.session.flush()
    return decision


# Where a refused webhook address leads, by outbound.refused_reason's classes.
INTERNAL_PLACES = {
    "unspecified": lazy("no address at all"),
    "loopback": lazy("this server itself"),
    "link-local": lazy("a link-local network"),
    "multicast": lazy("a multicast group"),
    "private": lazy("a private network"),
    "reserved": lazy("a reserved address range"),
    "not public": lazy("an address that is not public"),
    "tunnel": lazy("a tunnel address"),
}
WEBHOOK_INTERNAL = lazy(
    "Results can only be sent to a public internet address; %(host)s leads to %(place)s."
)
WEBHOOK_UNKNOWN = lazy("The address %(host)s cannot be found. Please check the spelling.")


async def check_webhook_target(url: str, *, allow_private: bool) -> None:
    """The webhook must lead to the public internet (checked again at every delivery, after
    resolving the name anew)."""
    parsed = httpx.URL(url)
    host = parsed.raw_host.decode("ascii")
    port = parsed.port or (80 if parsed.scheme == "http" else 443)
    try:
        await outbound.checked_address(host, port, allow_private=allow_private)
    except outbound.RefusedAddress as refused:
        if refused.reason in INTERNAL_PLACES:
            place = _(INTERNAL_PLACES[refused.reason])
            message = _(WEBHOOK_INTERNAL) % {"host": host, "place": place}
        else:
            message = _(WEBHOOK_UNKNOWN) % {"host": host}
        raise InvalidInput(message, {"webhook_url": message}) from refused


async def do_set_handover(
    uow: UnitOfWork, actor: Actor, department: Department, data: HandoverSettingsIn
) -> Department:
    """Callers run check_webhook_target first, outside the transaction: a slow DNS answer
    must not hold the write lock."""
    if not policy.can_see_workspace(actor, department.id):
        raise Forbidden(lazy("Only staff of this department change where results go."))
    department.handover_channel = data.handover_channel
    department.handover_email = data.handover_email
    department.webhook_url = data.webhook_url
    if data.webhook_secret:  # an empty field keeps the stored secret (it is never shown)
        department.webhook_secret = data.webhook_secret
    await uow.session.flush()
    return department


async def access_procedure_for(
    session: AsyncSession, actor: Actor, procedure_id: int, allowed: Callable[[Actor, int], bool]
) -> Procedure:
    """Load a procedure for an export, the report or the decision: 401, 404, then 403."""
    require_signed_in(actor)
    procedure = await session.get(Procedure, procedure_id)
    if procedure is None:
        raise NotFound(lazy("This procedure does not exist."))
    if not allowed(actor, procedure.department_id):
        raise Forbidden(lazy("Only the responsible department, moderators and admins see this."))
    return procedure


async def access_department(session: AsyncSession, actor: Actor, slug: str) -> Department:
    require_signed_in(actor)
    department = await session.scalar(select(Department).where(Department.slug == slug))
    if department is None:
        raise NotFound(lazy("This department does not exist."))
    if not policy.can_see_workspace(actor, department.id):
        raise Forbidden(lazy("Only staff of this department and admins open its workspace."))
    return department
