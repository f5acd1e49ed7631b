"""The saved-search predicate follows the Vorhabenliste's filters (pure, no database)."""

from __future__ import annotations

from dialog.procedures.schemas import ProcedureFilters
from dialog.saved_searches.matching import ProcedureFacts, kept, matches

FACTS = ProcedureFacts(
    title="Radweg an der Havel",
    summary="Ein neuer Weg am Wasser.",
    phase="active",
    level="consultation",
    initiator="administration",
    department="stadtplanung",
    districts=frozenset({"babelsberg", "zentrum"}),
)


def test_every_filter_must_hold() -> None:
    assert matches({"district": "babelsberg", "phase": "active"}, FACTS)
    assert not matches({"district": "golm"}, FACTS)
    assert not matches({"phase": "planned"}, FACTS)
    assert not matches({"department": "kultur"}, FACTS)
    assert not matches({"level": "information"}, FACTS)
    assert not matches({"initiator": "residents"}, FACTS)


def test_the_text_is_looked_for_in_title_and_summary_without_case() -> None:
    assert matches({"q": "radweg"}, FACTS)
    assert matches({"q": "WASSER"}, FACTS)
    assert not matches({"q": "Spielplatz"}, FACTS)


def test_a_search_keeps_only_the_narrowing_filters() -> None:
    filters = ProcedureFilters(q="Rad", phase="active", sort="title", page=3)
    assert kept(filters) == {"q": "Rad", "phase": "active"}
    assert kept(ProcedureFilters()) == {}
