"""Translate the procedure and thread forms to the API's input models and back."""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from pydantic import BaseModel

from dialog.errors import InvalidInput
from dialog.i18n import gettext as _
from dialog.i18n import lazy
from dialog.procedures.actions import PHASES
from dialog.procedures.models import Procedure
from dialog.web.inputs import validate

M = TypeVar("M", bound=BaseModel)

DOCUMENT_SUFFIXES = (".pdf", ".doc", ".docx", ".odt", ".xlsx", ".ods")


def procedure_input(form: dict[str, Any], model: type[M]) -> M:
    """Validate the form as `model`; date, link and field errors are reported together."""
    data, errors = procedure_payload(form)
    try:
        validated = validate(model, data)
    except InvalidInput as error:
        raise InvalidInput(error.message, {**error.fields, **errors}) from None
    if errors:
        raise InvalidInput(lazy("Please check the marked fields."), errors)
    return validated


def procedure_payload(form: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The form's flat fields as ProcedureIn data, and the errors in dates and links."""
    errors: dict[str, str] = {}
    data: dict[str, Any] = {
        key: form.get(key, "")
        for key in (
            "title",
            "summary",
            "description",
            "department",
            "level",
            "initiator",
            "method",
            "phase",
            "contact_name",
            "contact_email",
            "contact_phone",
            "cost",
            "location",
        )
    }
    districts = form.get("districts", [])
    data["districts"] = [districts] if isinstance(districts, str) else list(districts)
    timeline = []
    for phase in PHASES:
        dates: dict[str, date | None] = {}
        for edge in ("start", "end"):
            raw = str(form.get(f"{phase}_{edge}", "")).strip()
            try:
                dates[edge] = date.fromisoformat(raw) if raw else None
            except ValueError:
                errors[f"{phase}_{edge}"] = _(lazy("Please enter a date such as 2026-05-31."))
                dates[edge] = None
        start, end = dates["start"], dates["end"]
        if start and end and end < start:
            errors[f"{phase}_end"] = _(lazy("The end date must not be before the start date."))
        if start or end:
            timeline.append({"phase": phase, "starts_on": start, "ends_on": end})
    data["timeline"] = timeline
    links = []
    for number, line in enumerate(str(form.get("links", "")).splitlines(), start=1):
        if not line.strip():
            continue
        title, sep, url = line.partition("|")
        url = url.strip()
        if not sep or not title.strip() or not url.startswith(("https://", "http://")):
            errors["links"] = _(lazy("Line %(number)s: write “title | https://address”.")) % {
                "number": number
            }
            continue
        links.append(
            {
                "title": title.strip(),
                "url": url,
                "is_document": url.lower().endswith(DOCUMENT_SUFFIXES),
            }
        )
    data["links"] = links
    return data, errors


def procedure_values(procedure: Procedure) -> dict[str, Any]:
    """A stored procedure as the form's values, for the edit page."""
    values: dict[str, Any] = {
        "title": procedure.title,
        "summary": procedure.summary,
        "description": procedure.description,
        "department": procedure.department.slug,
        "districts": [d.slug for d in procedure.districts],
        "level": procedure.level,
        "initiator": procedure.initiator,
        "method": procedure.method.slug if procedure.method else "",
        "phase": procedure.phase,
        "contact_name": procedure.contact_name,
        "contact_email": procedure.contact_email,
        "contact_phone": procedure.contact_phone,
        "cost": procedure.cost,
        "location": procedure.location,
        "links": "\n".join(f"{link.title} | {link.url}" for link in procedure.links),
        "image_alt": procedure.image_alt,
    }
    for step in procedure.phases:
        values[f"{step.phase}_start"] = step.starts_on.isoformat() if step.starts_on else ""
        values[f"{step.phase}_end"] = step.ends_on.isoformat() if step.ends_on else ""
    return values
