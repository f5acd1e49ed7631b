"""The text checks behind the hold rules."""

from __future__ import annotations

import pytest

from moderation import rules


@pytest.mark.parametrize(
    "text",
    ["mail an max@example.de", "Tel. +49 331 289-1234", "0176/12345678", "(0331) 2891234"],
)
def test_personal_data_is_found(text: str) -> None:
    assert rules.has_personal_data(text)


@pytest.mark.parametrize(
    "text", ["Am 2026-05-31 um 18 Uhr", "Bus 695 und 605", "Kosten: 1.250.000 Euro"]
)
def test_dates_and_small_numbers_are_not_personal_data(text: str) -> None:
    assert not rules.has_personal_data(text)


def test_watched_words_match_word_starts_but_not_word_middles() -> None:
    assert rules.watched_word("Diese Vollidioten!", ["vollidiot"]) == "vollidiot"
    assert rules.watched_word("Der Spaziergang", ["spast"]) is None
    assert rules.watched_word("DER SPAST", ["spast"]) == "spast"


def test_links_are_counted() -> None:
    assert rules.count_links("http://a.de https://b.de www.c.de und d.de") == 3


def test_disabled_rules_hold_nothing() -> None:
    configs = rules.configs({"watched-words": (False, {})})
    history = rules.AuthorHistory(published_count=0, recent_texts=frozenset())
    assert rules.first_match(configs, "Du Idiot", history) is None


def test_first_posts_are_held_only_when_switched_on() -> None:
    history = rules.AuthorHistory(published_count=0, recent_texts=frozenset())
    assert rules.first_match(rules.configs({}), "Hallo", history) is None
    switched_on = rules.configs({"first-posts": (True, {"count": 3})})
    assert rules.first_match(switched_on, "Hallo", history) == "first-posts"
    veteran = rules.AuthorHistory(published_count=3, recent_texts=frozenset())
    assert rules.first_match(switched_on, "Hallo", veteran) is None
