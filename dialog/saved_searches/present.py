"""A saved search for people: its filters in words and the link to the list they give."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request

from dialog.i18n import gettext as _
from dialog.labels import initiator_label, level_label, phase_label
from dialog.procedures import queries as procedure_queries
from dialog.procedures.schemas import ProcedureFilterFields
from dialog.web.api import database


def list_link(filters: dict[str, str]) -> str:
    return "/procedures?" + urlencode(filters)


async def describe(request: Request, filters: ProcedureFilterFields) -> str:
    """The filters in words, in the saver's language: "Phase: Active · District: Babelsberg"."""
    async with database(request).reading() as session:
        districts = {d.slug: d.name for d in await procedure_queries.districts(session)}
        departments = {d.slug: d.name for d in await procedure_queries.departments(session)}
    parts = []
    if filters.q:
        parts.append(_("Text: “%(q)s”") % {"q": filters.q})
    if filters.phase:
        parts.append(_("Phase: %(value)s") % {"value": phase_label(filters.phase)})
    if filters.district:
        name = districts.get(filters.district, filters.district)
        parts.append(_("District: %(value)s") % {"value": name})
    if filters.department:
        name = departments.get(filters.department, filters.department)
        parts.append(_("Department: %(value)s") % {"value": name})
    if filters.level:
        parts.append(_("Participation level: %(value)s") % {"value": level_label(filters.level)})
    if filters.initiator:
        value = initiator_label(filters.initiator)
        parts.append(_("Initiated by: %(value)s") % {"value": value})
    return " · ".join(parts)
