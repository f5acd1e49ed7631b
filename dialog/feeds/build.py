"""The feeds' contents: procedures, a procedure's news and a thread's comments as entries."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from dialog.discussion.present import DELETED_ACCOUNT
from dialog.feeds.atom import Entry, tag_uri
from dialog.feeds.queries import PublicComment
from dialog.i18n import TIMEZONE
from dialog.i18n import gettext as _
from dialog.labels import phase_label
from dialog.procedures.models import Procedure, Thread
from dialog.results.models import Decision
from dialog.results.schemas import AnswerOut


def day_start(day: date) -> datetime:
    """Midnight in Potsdam of a calendar day, in UTC: when a dated phase begins."""
    return datetime.combine(day, time(), ZoneInfo(TIMEZONE)).astimezone(UTC)


def newest(entries: Sequence[Entry], fallback: datetime) -> datetime:
    return max([fallback, *(entry.updated for entry in entries)])


def procedure_entry(base: str, procedure: Procedure) -> Entry:
    return Entry(
        id=tag_uri(base, f"procedure:{procedure.id}"),
        title=procedure.title,
        updated=procedure.updated_at,
        published=procedure.created_at,
        link=f"{base}/procedures/{procedure.id}",
        summary=procedure.summary,
        author=procedure.department.name,
        categories=(phase_label(procedure.phase),),
    )


def answer_entry(base: str, answer: AnswerOut, thread_title: str) -> Entry:
    return Entry(
        id=tag_uri(base, f"answer:{answer.id}"),
        title=_("Official answer in “%(thread)s”: %(state)s")
        % {"thread": thread_title, "state": answer.state_label},
        updated=answer.updated_at,
        published=answer.created_at,
        link=base + answer.url,
        html=answer.html,
        author=answer.department,
    )


def procedure_news(
    base: str,
    procedure: Procedure,
    answers: Sequence[AnswerOut],
    decision: Decision | None,
    now: datetime,
) -> list[Entry]:
    """Publication, dated phases that have begun, threads, answers and the decision."""
    link = f"{base}/procedures/{procedure.id}"
    entries = [
        Entry(
            id=tag_uri(base, f"procedure:{procedure.id}:published"),
            title=_("Procedure published: %(title)s") % {"title": procedure.title},
            updated=procedure.created_at,
            published=procedure.created_at,
            link=link,
            summary=procedure.summary,
            author=procedure.department.name,
        )
    ]
    for step in procedure.phases:
        if step.starts_on is None or day_start(step.starts_on) > now:
            continue
        begins = day_start(step.starts_on)
        entries.append(
            Entry(
                id=tag_uri(base, f"procedure:{procedure.id}:phase:{step.phase}"),
                title=_("New phase: %(phase)s") % {"phase": phase_label(step.phase)},
                updated=begins,
                published=begins,
                link=link,
                author=procedure.department.name,
            )
        )
    titles = {thread.id: thread.title for thread in procedure.threads}
    for thread in procedure.threads:
        entries.append(
            Entry(
                id=tag_uri(base, f"thread:{thread.id}"),
                title=_("New discussion: %(title)s") % {"title": thread.title},
                updated=thread.created_at,
                published=thread.created_at,
                link=f"{base}/threads/{thread.id}",
                summary=thread.question,
                author=procedure.department.name,
            )
        )
    entries += [answer_entry(base, a, titles.get(a.thread_id, "")) for a in answers]
    if decision is not None and decision.html:
        entries.append(
            Entry(
                id=tag_uri(base, f"procedure:{procedure.id}:decision"),
                title=_("Decision: %(title)s") % {"title": procedure.title},
                updated=decision.updated_at,
                link=f"{link}#results-h",
                html=decision.html,
                author=procedure.department.name,
            )
        )
    return sorted(entries, key=lambda entry: entry.updated, reverse=True)


def thread_news(
    base: str, thread: Thread, comments: Sequence[PublicComment], answers: Sequence[AnswerOut]
) -> list[Entry]:
    entries = [
        Entry(
            id=tag_uri(base, f"comment:{comment.id}"),
            title=_("Comment by %(name)s") % {"name": comment.author_name or _(DELETED_ACCOUNT)},
            updated=comment.edited_at or comment.created_at,
            published=comment.created_at,
            link=f"{base}/comments/{comment.id}",
            html=comment.html,
            author=comment.author_name or _(DELETED_ACCOUNT),
        )
        for comment in comments
    ]
    entries += [answer_entry(base, answer, thread.title) for answer in answers]
    return sorted(entries, key=lambda entry: entry.updated, reverse=True)
