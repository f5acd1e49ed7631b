"""Writes of the workbench: the codebook, codings and offline input (check_*, do_*, access_*)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from sqlalchemy import delete, func, insert, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from dialog.accounts.actor import Actor
from dialog.db import UnitOfWork, utcnow
from dialog.discussion.events import COMMENT_PUBLISHED
from dialog.discussion.models import Comment, CommentStatus
from dialog.discussion.present import comment_out
from dialog.errors import Forbidden, InvalidInput, NotAuthenticated, NotFound
from dialog.evaluation import policy
from dialog.evaluation.models import Coding, OfflineSource, Theme
from dialog.evaluation.schemas import MAX_THEMES, CodingIn, MergeIn, OfflineIn, ThemeIn
from dialog.i18n import lazy
from dialog.live.outbox import emit
from dialog.markup import render_markdown
from dialog.procedures.models import Procedure, Thread

Allowed = Callable[[Actor, int], bool]
NOT_YOURS = lazy("Only staff of the responsible department and the participation office do this.")
THEME_EXISTS = lazy("This procedure already has a theme of this name.")
NOT_A_THEME = lazy("Please choose themes of this procedure.")


async def access_procedure(
    session: AsyncSession, actor: Actor, procedure_id: int, allowed: Allowed = policy.can_code
) -> Procedure:
    """401 for visitors, 404 for an unknown procedure, then 403."""
    if not actor.authenticated:
        raise NotAuthenticated(lazy("Please sign in first."))
    procedure = await session.get(Procedure, procedure_id)
    if procedure is None:
        raise NotFound(lazy("This procedure does not exist."))
    if not allowed(actor, procedure.department_id):
        raise Forbidden(NOT_YOURS)
    return procedure


async def access_theme(session: AsyncSession, actor: Actor, theme_id: int) -> Theme:
    if not actor.authenticated:
        raise NotAuthenticated(lazy("Please sign in first."))
    theme = await session.get(Theme, theme_id)
    if theme is None:
        raise NotFound(lazy("This theme does not exist."))
    await access_procedure(session, actor, theme.procedure_id)
    return theme


async def _check_free_name(session: AsyncSession, procedure_id: int, name: str) -> None:
    taken = await session.scalar(
        select(Theme.id).where(Theme.procedure_id == procedure_id, Theme.name == name)
    )
    if taken is not None:
        raise InvalidInput(THEME_EXISTS, {"name": THEME_EXISTS})


async def do_create_theme(uow: UnitOfWork, procedure: Procedure, data: ThemeIn) -> Theme:
    await _check_free_name(uow.session, procedure.id, data.name)
    count = await uow.session.scalar(
        select(func.count()).select_from(Theme).where(Theme.procedure_id == procedure.id)
    )
    if (count or 0) >= MAX_THEMES:
        message = lazy("A codebook holds at most 200 themes; merge some first.")
        raise InvalidInput(message, {"name": message})
    theme = Theme(procedure_id=procedure.id, name=data.name, created_at=utcnow())
    uow.session.add(theme)
    await uow.session.flush()
    return theme


async def do_rename_theme(uow: UnitOfWork, theme: Theme, data: ThemeIn) -> Theme:
    if data.name != theme.name:
        await _check_free_name(uow.session, theme.procedure_id, data.name)
        theme.name = data.name
        await uow.session.flush()
    return theme


async def do_merge_theme(uow: UnitOfWork, theme: Theme, data: MergeIn) -> Theme:
    """Fold `theme` into another theme of the same procedure: its contributions carry the
    other one (once), and `theme` is gone."""
    target = await uow.session.get(Theme, data.into)
    if target is None or target.procedure_id != theme.procedure_id or target.id == theme.id:
        message = lazy("Please choose another theme of this procedure.")
        raise InvalidInput(message, {"into": message})
    already = select(Coding.comment_id).where(Coding.theme_id == target.id)
    moving = select(
        Coding.comment_id, literal(target.id), Coding.coded_by, Coding.created_at
    ).where(Coding.theme_id == theme.id, Coding.comment_id.not_in(already))
    await uow.session.execute(
        insert(Coding).from_select(["comment_id", "theme_id", "coded_by", "created_at"], moving)
    )
    await uow.session.execute(delete(Coding).where(Coding.theme_id == theme.id))
    await uow.session.delete(theme)
    await uow.session.flush()
    return target


async def do_code(
    uow: UnitOfWork, actor: Actor, procedure: Procedure, coding: Mapping[int, CodingIn]
) -> int:
    """Set the themes of each named contribution (its whole set, as the form shows it);
    returns how many contributions changed. Only published contributions of the procedure."""
    if not coding:
        return 0
    comment_ids = sorted(coding)
    found = set(
        (
            await uow.session.scalars(
                select(Comment.id)
                .join(Thread, Thread.id == Comment.thread_id)
                .where(
                    Comment.id.in_(comment_ids),
                    Thread.procedure_id == procedure.id,
                    Comment.status == CommentStatus.published,
                )
            )
        ).all()
    )
    missing = [cid for cid in comment_ids if cid not in found]
    if missing:
        message = lazy("This contribution cannot be coded (it is not published here).")
        fields = {f"c{missing[0]}": message}
        raise InvalidInput(message, fields)
    themes = set(
        (
            await uow.session.scalars(select(Theme.id).where(Theme.procedure_id == procedure.id))
        ).all()
    )
    for cid, data in coding.items():
        if not set(data.themes) <= themes:
            fields = {f"c{cid}": NOT_A_THEME}
            raise InvalidInput(NOT_A_THEME, fields)
    rows = await uow.session.execute(
        select(Coding.comment_id, Coding.theme_id).where(Coding.comment_id.in_(comment_ids))
    )
    before: dict[int, set[int]] = {}
    for cid, tid in rows:
        before.setdefault(cid, set()).add(tid)
    changed = 0
    now = utcnow()
    for cid in comment_ids:
        old, new = before.get(cid, set()), set(coding[cid].themes)
        if old == new:
            continue
        changed += 1
        gone = old - new
        if gone:
            await uow.session.execute(
                delete(Coding).where(Coding.comment_id == cid, Coding.theme_id.in_(gone))
            )
        uow.session.add_all(
            [
                Coding(comment_id=cid, theme_id=tid, coded_by=actor.user_id, created_at=now)
                for tid in sorted(new - old)
            ]
        )
    await uow.session.flush()
    return changed


async def do_enter_offline(
    uow: UnitOfWork, actor: Actor, procedure: Procedure, data: OfflineIn
) -> Comment:
    """A contribution from a workshop, walk, letter or call, as a published comment without an
    account (nobody's pseudonym stands above it) and its offline source row.

    Staff write it down on behalf of the people who spoke, so it does not go through the
    moderation rules; moderators can still hide it like any comment. It joins the live thread
    through the same `comment.published` event as an online comment.
    """
    thread = await uow.session.get(Thread, data.thread_id)
    if thread is None or thread.procedure_id != procedure.id:
        message = lazy("Please choose a discussion of this procedure.")
        raise InvalidInput(message, {"thread_id": message})
    html = render_markdown(data.body)
    if not html:
        message = lazy("Please write down what was said.")
        raise InvalidInput(message, {"body": message})
    comment = Comment(
        thread_id=thread.id,
        parent_id=None,
        depth=0,
        author_id=None,
        client_id=None,
        body=data.body,
        html=html,
        stance=data.stance,
        status=CommentStatus.published,
        held_by=None,
        up_count=0,
        down_count=0,
        reply_count=0,
        flag_count=0,
        created_at=utcnow(),
        edited_at=None,
    )
    uow.session.add(comment)
    await uow.session.flush()
    comment.root_id = comment.id
    uow.session.add(
        OfflineSource(
            comment_id=comment.id,
            kind=data.kind,
            held_on=data.held_on,
            place=data.place,
            people=data.people,
            entered_by=actor.user_id,
        )
    )
    await uow.session.execute(
        update(Thread).where(Thread.id == thread.id).values(comment_count=Thread.comment_count + 1)
    )
    await uow.session.flush()
    await emit(uow, COMMENT_PUBLISHED, comment_out(comment, None), thread.id)
    return comment


def coding_from_form(form: Mapping[str, object], listed: Sequence[int]) -> dict[int, list[object]]:
    """The coding form's fields: `c{id}` holds the checked theme ids of contribution `id`; a
    contribution with no box checked sends nothing, so the listed ids say which were shown."""
    result: dict[int, list[object]] = {}
    for cid in listed:
        raw = form.get(f"c{cid}", [])
        result[cid] = raw if isinstance(raw, list) else [raw]
    return result
