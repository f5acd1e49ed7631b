"""Stored opinion groups as the report, the API and the exports show them.

What is shown is filtered again on every read: a contribution hidden or withdrawn since the
last computation is left out of every list until the next computation drops it for good.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialog.discussion.models import Comment, CommentStatus
from dialog.evaluation.models import OpinionGroups
from dialog.evaluation.opinion_groups import (
    MIN_PARTICIPANTS,
    MIN_STATEMENTS,
    Analysis,
    Bridging,
    Group,
)
from dialog.procedures.models import Thread


@dataclass(frozen=True)
class ThreadGroups:
    thread_id: int
    title: str
    analysis: Analysis | None  # None: not computed yet
    computed_at: datetime | None
    html: dict[int, str]  # the published contributions the lists name

    @property
    def shown(self) -> bool:
        return self.analysis is not None and self.analysis.shown

    @property
    def min_participants(self) -> int:
        return self.analysis.min_participants if self.analysis else MIN_PARTICIPANTS

    @property
    def min_statements(self) -> int:
        return self.analysis.min_statements if self.analysis else MIN_STATEMENTS


def statement_ids(analysis: Analysis) -> set[int]:
    ids = {r.statement_id for g in analysis.groups for r in g.representative}
    ids |= {s.statement_id for s in (*analysis.consensus_agree, *analysis.consensus_disagree)}
    ids |= {b.statement_id for b in (*analysis.bridging, *analysis.divisive)}
    return ids


def only_published(analysis: Analysis, published: set[int]) -> Analysis:
    def keep_group(group: Group) -> Group:
        kept = tuple(r for r in group.representative if r.statement_id in published)
        return replace(group, representative=kept, members=())

    def keep(items: tuple[Bridging, ...]) -> tuple[Bridging, ...]:
        return tuple(b for b in items if b.statement_id in published)

    return replace(
        analysis,
        groups=tuple(keep_group(g) for g in analysis.groups),
        consensus_agree=tuple(s for s in analysis.consensus_agree if s.statement_id in published),
        consensus_disagree=tuple(
            s for s in analysis.consensus_disagree if s.statement_id in published
        ),
        bridging=keep(analysis.bridging),
        divisive=keep(analysis.divisive),
    )


async def of_procedure(session: AsyncSession, procedure_id: int) -> list[ThreadGroups]:
    """Every thread of the procedure with its latest analysis (None until computed)."""
    rows = (
        await session.execute(
            select(Thread.id, Thread.title, OpinionGroups.analysis, OpinionGroups.computed_at)
            .outerjoin(OpinionGroups, OpinionGroups.thread_id == Thread.id)
            .where(Thread.procedure_id == procedure_id)
            .order_by(Thread.id)
        )
    ).all()
    analyses = {tid: Analysis.from_json(data) if data else None for tid, _title, data, _at in rows}
    named: set[int] = set()
    for analysis in analyses.values():
        if analysis is not None:
            named |= statement_ids(analysis)
    html: dict[int, str] = {}
    if named:
        found = await session.execute(
            select(Comment.id, Comment.html).where(
                Comment.id.in_(sorted(named)), Comment.status == CommentStatus.published
            )
        )
        html = {int(cid): text for cid, text in found}
    result = []
    for tid, title, _data, computed_at in rows:
        analysis = analyses[tid]
        if analysis is not None:
            analysis = only_published(analysis, set(html))
        result.append(ThreadGroups(tid, title, analysis, computed_at, html))
    return result


def main_thread(threads: list[ThreadGroups]) -> ThreadGroups | None:
    """The thread the procedure-level answer speaks of: the one with the most people clustered."""
    computed = [t for t in threads if t.analysis is not None]
    if not computed:
        return threads[0] if threads else None
    return max(computed, key=lambda t: (t.shown, t.analysis.clustered if t.analysis else 0))


class GroupOut(BaseModel):
    id: str
    size: int
    share: float
    representative: list[int]


class ThreadGroupsOut(BaseModel):
    thread_id: int
    shown: bool
    reason: str | None
    participants: int
    clustered: int
    statements: int
    min_participants: int
    min_statements: int
    groups: list[GroupOut]
    consensus: list[int]
    consensus_disagree: list[int]
    bridging: list[int]
    divisive: list[int]
    computed_at: datetime | None


class OpinionGroupsOut(ThreadGroupsOut):
    """The procedure's answer: its main thread's analysis at the top, every thread below."""

    threads: list[ThreadGroupsOut]


def thread_out(item: ThreadGroups) -> ThreadGroupsOut:
    a = item.analysis
    shown = a is not None and a.shown
    return ThreadGroupsOut(
        thread_id=item.thread_id,
        shown=shown,
        reason=a.reason if a else "not_computed",
        participants=a.participants if a else 0,
        clustered=a.clustered if a else 0,
        statements=a.statements if a else 0,
        min_participants=item.min_participants,
        min_statements=item.min_statements,
        groups=[
            GroupOut(
                id=g.label,
                size=g.size,
                share=g.share,
                representative=[r.statement_id for r in g.representative],
            )
            for g in (a.groups if a and shown else ())
        ],
        consensus=[s.statement_id for s in (a.consensus_agree if a and shown else ())],
        consensus_disagree=[s.statement_id for s in (a.consensus_disagree if a and shown else ())],
        bridging=[b.statement_id for b in (a.bridging if a and shown else ())],
        divisive=[b.statement_id for b in (a.divisive if a and shown else ())],
        computed_at=item.computed_at,
    )


def procedure_out(threads: list[ThreadGroups]) -> OpinionGroupsOut:
    main = main_thread(threads)
    outs = [thread_out(t) for t in threads]
    if main is None:
        empty = ThreadGroupsOut(
            thread_id=0,
            shown=False,
            reason="not_computed",
            participants=0,
            clustered=0,
            statements=0,
            min_participants=MIN_PARTICIPANTS,
            min_statements=MIN_STATEMENTS,
            groups=[],
            consensus=[],
            consensus_disagree=[],
            bridging=[],
            divisive=[],
            computed_at=None,
        )
        return OpinionGroupsOut(**empty.model_dump(), threads=[])
    return OpinionGroupsOut(**thread_out(main).model_dump(), threads=outs)


def export_json(threads: list[ThreadGroups]) -> list[dict[str, Any]]:
    """The exports' `opinion_groups`: per thread, the published part of the analysis."""
    result = []
    for item in threads:
        data: dict[str, Any] = {"thread_id": item.thread_id}
        if item.analysis is None:
            data |= {"shown": False, "reason": "not_computed"}
        else:
            data |= item.analysis.to_json()
            data.pop("state", None)
            for group in data["groups"]:
                group.pop("members", None)
        data["computed_at"] = item.computed_at.isoformat() if item.computed_at else None
        result.append(data)
    return result
