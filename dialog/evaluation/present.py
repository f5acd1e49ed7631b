"""Offline sources as the thread, the coding page and the exports name them."""

from __future__ import annotations

from dialog.evaluation.models import OfflineSource
from dialog.evaluation.schemas import offline_label
from dialog.i18n import format_day, ngettext


def offline_line(source: OfflineSource) -> str:
    """ "Walk · 4 May 2026 · Schlaatz · 14 people", in the reader's language."""
    parts = [offline_label(source.kind), format_day(source.held_on)]
    if source.place:
        parts.append(source.place)
    parts.append(
        ngettext("%(count)s person", "%(count)s people", source.people) % {"count": source.people}
    )
    return " · ".join(parts)
