"""Permission predicates, per role, without a database."""

from __future__ import annotations

import pytest

from dialog.accounts import policy
from dialog.accounts.actor import ANONYMOUS, Actor

OWN, OTHER = 1, 2
ACTORS = {
    "anonymous": ANONYMOUS,
    "resident": Actor(user_id=10, role="resident"),
    "moderator": Actor(user_id=11, role="moderator"),
    "staff-own": Actor(user_id=12, role="staff", department_id=OWN),
    "staff-other": Actor(user_id=13, role="staff", department_id=OTHER),
    "admin": Actor(user_id=14, role="admin"),
}


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", False),
        ("resident", False),
        ("moderator", False),
        ("staff-own", True),
        ("staff-other", False),
        ("admin", True),
    ],
)
def test_who_manages_a_procedure_of_the_own_department(who: str, expected: bool) -> None:
    assert policy.can_manage_procedure(ACTORS[who], OWN) is expected


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", False),
        ("resident", False),
        ("moderator", True),
        ("staff-own", True),
        ("staff-other", False),
        ("admin", True),
    ],
)
def test_who_exports_a_procedure(who: str, expected: bool) -> None:
    assert policy.can_export_procedure(ACTORS[who], OWN) is expected


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", False),
        ("resident", False),
        ("moderator", False),
        ("staff-own", True),
        ("staff-other", True),
        ("admin", True),
    ],
)
def test_who_creates_procedures(who: str, expected: bool) -> None:
    assert policy.can_create_procedures(ACTORS[who]) is expected


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", False),
        ("resident", True),
        ("moderator", True),
        ("staff-own", True),
        ("staff-other", True),
        ("admin", True),
    ],
)
def test_who_writes_comments(who: str, expected: bool) -> None:
    assert policy.can_write(ACTORS[who]) is expected


def test_staff_without_a_department_manage_nothing() -> None:
    assert not policy.can_manage_procedure(Actor(user_id=1, role="staff"), OWN)
    assert not policy.can_create_procedures(Actor(user_id=1, role="staff"))
