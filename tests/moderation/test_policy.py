"""Pure predicates of moderation, per role."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dialog.accounts.actor import Actor
from dialog.db import utcnow
from moderation import policy

RESIDENT = Actor(user_id=1, role="resident")
STAFF = Actor(user_id=2, role="staff", department_id=1)
MODERATOR = Actor(user_id=3, role="moderator")
ADMIN = Actor(user_id=4, role="admin")
ANONYMOUS = Actor()


@pytest.mark.parametrize(
    ("who", "expected"),
    [(ANONYMOUS, False), (RESIDENT, False), (STAFF, False), (MODERATOR, True), (ADMIN, True)],
)
def test_only_moderators_and_admins_moderate(who: Actor, expected: bool) -> None:
    assert policy.can_moderate(who) is expected


def test_only_admins_configure_rules() -> None:
    assert [policy.can_configure_rules(a) for a in (RESIDENT, STAFF, MODERATOR, ADMIN)] == [
        False,
        False,
        False,
        True,
    ]


def test_moderators_block_residents_and_staff_but_not_colleagues_or_themselves() -> None:
    assert policy.can_block(MODERATOR, 1, "resident")
    assert policy.can_block(MODERATOR, 2, "staff")
    assert not policy.can_block(MODERATOR, 9, "moderator")
    assert not policy.can_block(MODERATOR, 3, "resident")
    assert policy.can_block(ADMIN, 9, "moderator")
    assert not policy.can_block(RESIDENT, 2, "resident")


def test_the_moderator_whose_decision_is_appealed_does_not_decide_the_appeal() -> None:
    assert not policy.can_decide(MODERATOR, excluded_moderator_id=3)
    assert policy.can_decide(ADMIN, excluded_moderator_id=3)


def test_a_claim_blocks_others_until_it_expires() -> None:
    now = utcnow()
    assert policy.claim_blocks(ADMIN, 3, now + timedelta(minutes=1), now)
    assert not policy.claim_blocks(MODERATOR, 3, now + timedelta(minutes=1), now)
    assert not policy.claim_blocks(ADMIN, 3, now - timedelta(seconds=1), now)


@pytest.mark.parametrize(
    ("action", "status", "in_queue", "expected"),
    [
        ("approve", "pending", True, "published"),
        ("reject", "pending", True, "rejected"),
        ("reject", "published", True, "hidden"),
        ("reject", "published", False, None),
        ("approve", "published", False, None),
        ("hide", "published", False, "hidden"),
        ("hide", "hidden", False, None),
        ("restore", "rejected", False, "published"),
        ("approve", "withdrawn", True, None),
    ],
)
def test_each_decision_leads_from_a_state_to_the_next(
    action: str, status: str, in_queue: bool, expected: str | None
) -> None:
    assert policy.next_status(action, status, in_queue) == expected


def test_the_author_appeals_once_against_a_removal() -> None:
    assert policy.can_appeal(RESIDENT, 1, "rejected", appealed=False)
    assert not policy.can_appeal(RESIDENT, 1, "rejected", appealed=True)
    assert not policy.can_appeal(RESIDENT, 1, "published", appealed=False)
    assert not policy.can_appeal(STAFF, 1, "hidden", appealed=False)


def test_upheld_flags_weigh_more() -> None:
    assert policy.flag_weight(0, 0) == 0.5
    assert policy.flag_weight(9, 10) > policy.flag_weight(1, 10)
