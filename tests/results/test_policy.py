"""Who may answer, export, read the report and hand over: each role, without a database."""

from __future__ import annotations

import pytest

from dialog.accounts.actor import ANONYMOUS, Actor
from dialog.results import policy

OWN, OTHER = 1, 2
ROLES = {
    "anonymous": ANONYMOUS,
    "resident": Actor(user_id=1, role="resident"),
    "moderator": Actor(user_id=2, role="moderator"),
    "staff of the department": Actor(user_id=3, role="staff", department_id=OWN),
    "staff of another department": Actor(user_id=4, role="staff", department_id=OTHER),
    "admin": Actor(user_id=5, role="admin"),
}
MAY_ANSWER = {"staff of the department", "admin"}
MAY_EXPORT = {"staff of the department", "admin", "moderator"}


@pytest.mark.parametrize("role", sorted(ROLES))
def test_only_the_department_and_admins_answer_and_hand_over(role: str) -> None:
    who = ROLES[role]
    assert policy.can_answer(who, OWN) is (role in MAY_ANSWER)
    assert policy.can_hand_over(who, OWN) is (role in MAY_ANSWER)
    assert policy.can_see_workspace(who, OWN) is (role in MAY_ANSWER)


@pytest.mark.parametrize("role", sorted(ROLES))
def test_moderators_also_export_and_read_the_report(role: str) -> None:
    who = ROLES[role]
    assert policy.can_export(who, OWN) is (role in MAY_EXPORT)
    assert policy.can_read_report(who, OWN) is (role in MAY_EXPORT)
