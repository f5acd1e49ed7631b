"""Who may listen to which concerns topic, and the pure predicates, per role."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dialog.accounts.actor import Actor
from dialog.concerns import policy
from dialog.db import utcnow
from dialog.live.policy import can_subscribe

ROLES = {
    "anonymous": Actor(),
    "resident": Actor(user_id=1, role="resident"),
    "moderator": Actor(user_id=2, role="moderator"),
    "office": Actor(user_id=3, role="office"),
    "staff": Actor(user_id=4, role="staff", department_id=7),
    "staff_other": Actor(user_id=5, role="staff", department_id=8),
    "admin": Actor(user_id=6, role="admin"),
}


@pytest.mark.parametrize(
    ("topic", "allowed"),
    [
        ("concern:12", set(ROLES)),
        ("concerns", {"office", "admin"}),
        ("concerns-department:7", {"office", "admin", "staff"}),
        ("concerns-department:x", set()),
    ],
)
def test_concern_topics_are_heard_by_the_right_roles(topic: str, allowed: set[str]) -> None:
    assert {name for name, actor in ROLES.items() if can_subscribe(actor, topic)} == allowed


def test_internals_are_for_the_office_and_the_routed_department() -> None:
    seen = {name for name, a in ROLES.items() if policy.can_see_internals(a, 7)}
    assert seen == {"office", "admin", "staff"}


def test_an_author_cannot_support_their_own_item_nor_a_closed_one() -> None:
    resident = ROLES["resident"]
    assert not policy.can_support(resident, 1, "received")
    assert policy.can_support(resident, 99, "received")
    assert not policy.can_support(resident, 99, "answered")
    assert not policy.can_support(ROLES["anonymous"], 99, "received")


def test_reopening_is_possible_for_four_weeks_after_the_answer() -> None:
    now = utcnow()
    assert policy.can_reopen("answered", now + timedelta(days=1), now)
    assert not policy.can_reopen("answered", now - timedelta(seconds=1), now)
    assert not policy.can_reopen("in-progress", now + timedelta(days=1), now)


def test_only_public_items_in_visible_states_are_public() -> None:
    assert policy.is_public("received", True)
    assert not policy.is_public("received", False)
    assert not policy.is_public("not-published", True)
    assert not policy.is_public("unconfirmed", True)
