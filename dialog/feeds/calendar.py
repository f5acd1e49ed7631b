"""A procedure's dates as iCalendar (RFC 5545): its dated phases as whole days, its threads'
opening and closing times in UTC (no VTIMEZONE needed). UIDs are stable, so a subscribed
calendar updates an event instead of adding it again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from icalendar import Calendar, Event

from dialog.i18n import gettext as _
from dialog.labels import phase_label
from dialog.procedures.models import Procedure


def _uid(base: str, specific: str) -> str:
    return f"{specific}@{urlsplit(base).hostname or 'localhost'}"


def procedure_calendar(base: str, procedure: Procedure) -> bytes:
    link = f"{base}/procedures/{procedure.id}"
    stamp = procedure.updated_at.astimezone(UTC)
    calendar = Calendar()
    calendar.add("prodid", "-//dialog//Beteiligung//DE")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", procedure.title)
    for step in procedure.phases:
        if step.starts_on is None:
            continue
        event = Event()
        event.add("uid", _uid(base, f"procedure-{procedure.id}-phase-{step.phase}"))
        event.add("dtstamp", stamp)
        event.add("summary", f"{procedure.title}: {phase_label(step.phase)}")
        event.add("dtstart", step.starts_on)
        # DTEND of an all-day event is the day after the last one (exclusive).
        event.add("dtend", (step.ends_on or step.starts_on) + timedelta(days=1))
        event.add("url", link)
        event.add("description", procedure.summary)
        calendar.add_component(event)
    for thread in procedure.threads:
        for moment, what, kind in (
            (thread.opens_at, _("Discussion opens: %(title)s"), "opens"),
            (thread.closes_at, _("Discussion closes: %(title)s"), "closes"),
        ):
            if moment is None:
                continue
            event = Event()
            event.add("uid", _uid(base, f"thread-{thread.id}-{kind}"))
            event.add("dtstamp", stamp)
            event.add("summary", what % {"title": thread.title})
            event.add("dtstart", moment.astimezone(UTC))
            event.add("duration", timedelta(0))
            event.add("url", f"{base}/threads/{thread.id}")
            calendar.add_component(event)
    return bytes(calendar.to_ical())


def latest(procedure: Procedure) -> datetime:
    return max([procedure.updated_at, *(t.created_at for t in procedure.threads)])
