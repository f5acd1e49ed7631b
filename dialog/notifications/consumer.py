"""The notification consumer: turns outbox events into follows and notifications.

A durable consumer (dialog.live.consumers): it handles each event at least once; a repeat
changes nothing, since follows are keyed by (person, kind, target) and notifications by
(person, event, kind).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dialog.db import UnitOfWork
from dialog.discussion.events import COMMENT_PUBLISHED, VOTES_CHANGED
from dialog.discussion.present import comment_url
from dialog.i18n import gettext as _
from dialog.labels import phase_label
from dialog.live.models import Event
from dialog.markup import plain_text
from dialog.notifications import queries
from dialog.notifications.actions import do_notify
from dialog.notifications.follows import Target, follow_all, follow_thread_of_voters, followers
from dialog.procedures.events import PHASE_CHANGED, THREAD_CREATED
from dialog.results.events import ANSWER_PUBLISHED
from dialog.results.present import state_label
from dialog.settings import Settings

EXCERPT = 300  # characters of a comment or answer quoted in a notice


class NotificationConsumer:
    name = "notifications"
    types = frozenset(
        {
            COMMENT_PUBLISHED.name,
            VOTES_CHANGED.name,
            ANSWER_PUBLISHED.name,
            THREAD_CREATED.name,
            PHASE_CHANGED.name,
        }
    )

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def handle(self, uow: UnitOfWork, events: Sequence[Event]) -> None:
        # The batch's comments in one statement, not one per event: the round holds the
        # position's lock (on SQLite the write lock) while it runs.
        comments = await queries.comments_for_notice(
            uow.session,
            {int(e.data["id"]) for e in events if e.type == COMMENT_PUBLISHED.name},
        )
        # The writers follow their threads, all in one statement.
        await follow_all(
            uow.session,
            [
                (found.author_id, Target("thread", found.thread_id))
                for found in comments.values()
                if found.author_id is not None
            ],
        )
        for event in events:
            if event.type == COMMENT_PUBLISHED.name:
                found = comments.get(int(event.data["id"]))
                if found is not None:  # else no longer published: nothing to tell
                    await self.comment_published(uow, event.id, found)
                continue
            handler = _HANDLERS[event.type]
            await handler(self, uow, event.id, event.data)

    async def comment_published(
        self, uow: UnitOfWork, event_id: int, found: queries.CommentNotice
    ) -> None:
        """The author of the comment replied to hears of it."""
        if found.parent_author_id is None or found.parent_author_id == found.author_id:
            return
        thread_title = found.thread_title
        await do_notify(
            uow,
            self.settings,
            [found.parent_author_id],
            kind="reply",
            title=lambda: _("New reply to your comment in “%(thread)s”") % {"thread": thread_title},
            url=comment_url(found.id),  # its text is quoted while it is public (queries.Notice)
            event_id=event_id,
            comment_id=found.id,
        )

    async def votes_changed(self, uow: UnitOfWork, event_id: int, data: dict[str, Any]) -> None:
        await follow_thread_of_voters(uow.session, int(data["id"]))

    async def answer_published(self, uow: UnitOfWork, event_id: int, data: dict[str, Any]) -> None:
        """An answer to a comment: its author and voters; to a thread: the thread's followers."""
        if "department" not in data:  # redacted: answered again since; that event tells
            return
        comment_id = data.get("comment_id")
        if comment_id:
            people = await queries.author_and_voters(uow.session, int(comment_id))
        else:
            people = await followers(uow.session, [Target("thread", int(data["thread_id"]))])
        answerer = await queries.answer_author(uow.session, int(data["id"]))
        people.discard(answerer or 0)
        department, state = str(data["department"]), str(data["state"])
        await do_notify(
            uow,
            self.settings,
            people,
            kind="answer",
            title=lambda: (
                _("%(department)s answered: %(state)s")
                % {"department": department, "state": state_label(state)}
            ),
            body=plain_text(str(data["html"]))[:EXCERPT],
            url=str(data["url"]),
            event_id=event_id,
        )

    async def thread_created(self, uow: UnitOfWork, event_id: int, data: dict[str, Any]) -> None:
        procedure = await queries.procedure_for_notice(uow.session, int(data["procedure_id"]))
        if procedure is None:
            return
        title, procedure_title = str(data["title"]), procedure.title
        await do_notify(
            uow,
            self.settings,
            await followers(uow.session, procedure.targets),
            kind="thread.created",
            title=lambda: _("New discussion in “%(procedure)s”") % {"procedure": procedure_title},
            body=title,
            url=f"/threads/{int(data['id'])}",
            event_id=event_id,
        )

    async def phase_changed(self, uow: UnitOfWork, event_id: int, data: dict[str, Any]) -> None:
        procedure = await queries.procedure_for_notice(uow.session, int(data["id"]))
        if procedure is None:
            return
        phase, procedure_title = str(data["phase"]), procedure.title
        await do_notify(
            uow,
            self.settings,
            await followers(uow.session, procedure.targets),
            kind="phase.changed",
            title=lambda: (
                _("“%(procedure)s” is now in the phase: %(phase)s")
                % {"procedure": procedure_title, "phase": phase_label(phase)}
            ),
            url=f"/procedures/{procedure.id}",
            event_id=event_id,
        )


_HANDLERS = {
    VOTES_CHANGED.name: NotificationConsumer.votes_changed,
    ANSWER_PUBLISHED.name: NotificationConsumer.answer_published,
    THREAD_CREATED.name: NotificationConsumer.thread_created,
    PHASE_CHANGED.name: NotificationConsumer.phase_changed,
}
