"""The workbench's part of the exports and the hand-over: themes, offline input, opinion groups.

JSON gets three top-level blocks; XLSX three sheets (`themes`, `offline`, `opinion_groups`).
Keys and sheet names stay English and fixed: departments import them by name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from dialog.evaluation import groups, queries
from dialog.evaluation.opinion_groups import Analysis

THEME_HEADERS = ["theme", "contributions", "for", "neutral", "against", "no_stance", "offline"]
OFFLINE_HEADERS = ["source", "contributions", "people"]
GROUP_HEADERS = [
    "thread_id",
    "list",
    "group",
    "size",
    "comment_id",
    "text",
    "direction",
    "group_percent",
    "others_percent",
    "percent_agree",
    "per_group_percent_agree",
]


@dataclass(frozen=True)
class Evaluation:
    themes: list[queries.ThemeCount]
    offline: list[queries.OfflineCount]
    opinion: list[groups.ThreadGroups]

    def to_json(self) -> dict[str, Any]:
        return {
            "themes": [
                {
                    "name": t.name,
                    "contributions": t.total,
                    "stances": t.stances,
                    "offline": t.offline,
                }
                for t in self.themes
            ],
            "offline": [
                {"source": o.kind, "contributions": o.contributions, "people": o.people}
                for o in self.offline
            ],
            "opinion_groups": groups.export_json(self.opinion),
        }


async def evaluation_of(
    session: AsyncSession, procedure_id: int, thread_id: int | None = None
) -> Evaluation:
    opinion = await groups.of_procedure(session, procedure_id)
    if thread_id is not None:
        opinion = [item for item in opinion if item.thread_id == thread_id]
    return Evaluation(
        await queries.theme_counts(session, procedure_id, thread_id),
        await queries.offline_counts(session, procedure_id, thread_id),
        opinion,
    )


def theme_rows(found: Evaluation) -> list[list[Any]]:
    return [
        [
            t.name,
            t.total,
            t.stances["for"],
            t.stances["neutral"],
            t.stances["against"],
            t.stances["none"],
            t.offline,
        ]
        for t in found.themes
    ]


def offline_rows(found: Evaluation) -> list[list[Any]]:
    return [[o.kind, o.contributions, o.people] for o in found.offline]


def opinion_rows(found: Evaluation, text_of: Callable[[str], str]) -> list[list[Any]]:
    """One row per item of each list, per thread; a `summary` row says whether groups are
    shown and, if not, why (with the thresholds)."""
    rows: list[list[Any]] = []
    for item in found.opinion:
        a = item.analysis
        rows.append([item.thread_id, "summary", "", "", "", _summary(a), "", "", "", "", ""])
        if a is None or not a.shown:
            continue

        def text(cid: int, html: dict[int, str] = item.html) -> str:
            return text_of(html.get(cid, ""))

        for g in a.groups:
            rows.append([item.thread_id, "group", g.label, g.size, "", "", "", "", "", "", ""])
            for r in g.representative:
                rows.append(
                    [
                        item.thread_id,
                        "representative",
                        g.label,
                        "",
                        r.statement_id,
                        text(r.statement_id),
                        r.direction,
                        r.group_percent,
                        r.others_percent,
                        "",
                        "",
                    ]
                )
        for name, stats in (
            ("consensus_agree", a.consensus_agree),
            ("consensus_disagree", a.consensus_disagree),
        ):
            for s in stats:
                head = [item.thread_id, name, "", "", s.statement_id, text(s.statement_id)]
                rows.append([*head, "", "", "", s.percent_agree, ""])
        labels = [g.label for g in a.groups]
        for name, bridging in (("bridging", a.bridging), ("divisive", a.divisive)):
            for b in bridging:
                spread = "; ".join(
                    f"{label}: {p}"
                    for label, p in zip(labels, b.per_group_percent_agree, strict=False)
                )
                head = [item.thread_id, name, "", "", b.statement_id, text(b.statement_id)]
                rows.append([*head, "", "", "", "", spread])
    return rows


def _summary(analysis: Analysis | None) -> str:
    if analysis is None:
        return "not computed yet"
    if analysis.shown:
        return (
            f"shown: {len(analysis.groups)} groups of {analysis.clustered} of "
            f"{analysis.participants} voters, {analysis.statements} contributions"
        )
    return (
        f"not shown ({analysis.reason}): {analysis.clustered} of {analysis.participants} voters "
        f"voted enough (at least {analysis.min_participants} needed), "
        f"{analysis.statements} contributions (at least {analysis.min_statements} needed)"
    )
