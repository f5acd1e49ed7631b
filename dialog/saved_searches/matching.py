"""Whether a procedure matches a saved filter set: pure, the same rules as the Vorhabenliste
(dialog/procedures/queries.py `_filtered`)."""

from __future__ import annotations

from dataclasses import dataclass

from dialog.procedures.schemas import ProcedureFilterFields

# The filters a search keeps; the order of the list and the page are not part of it.
KEPT = tuple(ProcedureFilterFields.model_fields)


@dataclass(frozen=True)
class ProcedureFacts:
    title: str
    summary: str
    phase: str
    level: str
    initiator: str
    department: str  # slug
    districts: frozenset[str]  # slugs


def kept(filters: ProcedureFilterFields) -> dict[str, str]:
    """The filters worth keeping: those that narrow the list."""
    chosen = filters.model_dump(include=set(KEPT), exclude_defaults=True)
    return {key: str(value) for key, value in chosen.items() if value}


def matches(filters: dict[str, str], facts: ProcedureFacts) -> bool:
    if filters.get("phase") and filters["phase"] != facts.phase:
        return False
    if filters.get("level") and filters["level"] != facts.level:
        return False
    if filters.get("initiator") and filters["initiator"] != facts.initiator:
        return False
    if filters.get("department") and filters["department"] != facts.department:
        return False
    if filters.get("district") and filters["district"] not in facts.districts:
        return False
    text = filters.get("q", "").lower().replace("%", "").replace("_", " ").replace("\\", "")
    return not text or text in facts.title.lower() or text in facts.summary.lower()
