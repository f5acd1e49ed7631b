"""Pure rules of accounts, without a database: permissions per role, passwords, role mapping."""

from __future__ import annotations

import pytest

from dialog.accounts import policy
from dialog.accounts.actor import Actor
from dialog.accounts.oidc_actions import mapped_role
from dialog.accounts.passwords import password_problem

ANONYMOUS = Actor()
RESIDENT = Actor(user_id=1, role="resident", via="session", session_id=3)
MODERATOR = Actor(user_id=2, role="moderator", via="token")
STAFF = Actor(user_id=3, role="staff", department_id=7, via="session", session_id=4)
ADMIN = Actor(user_id=4, role="admin", via="token")
OFFICE = Actor(user_id=5, role="office", via="session", session_id=5)


@pytest.mark.parametrize(
    ("who", "allowed"),
    [(ANONYMOUS, False), (RESIDENT, False), (MODERATOR, False), (STAFF, False), (ADMIN, True)],
)
def test_only_admins_administer_people(who: Actor, allowed: bool) -> None:
    assert policy.can_administer_people(who) is allowed


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        (ANONYMOUS, False),
        (RESIDENT, False),
        (MODERATOR, False),
        (STAFF, False),
        (OFFICE, True),
        (ADMIN, True),
    ],
)
def test_the_participation_office_and_admins_act_as_the_office(who: Actor, allowed: bool) -> None:
    assert policy.is_office(who) is allowed


def test_the_office_neither_moderates_nor_administers_people_nor_manages_procedures() -> None:
    assert not policy.is_moderator(OFFICE)
    assert not policy.can_administer_people(OFFICE)
    assert not policy.can_manage_procedure(OFFICE, 7)


def test_a_group_mapped_to_the_office_outranks_moderation_but_not_administration() -> None:
    role_map = {"mods": "moderator", "werkstadt": "office", "it": "admin"}
    assert mapped_role(["mods", "werkstadt"], role_map) == ("office", None)
    assert mapped_role(["werkstadt", "it"], role_map) == ("admin", None)


@pytest.mark.parametrize(
    ("who", "allowed"),
    [(ANONYMOUS, False), (RESIDENT, True), (MODERATOR, False), (STAFF, True), (ADMIN, False)],
)
def test_only_browser_sessions_can_be_extended(who: Actor, allowed: bool) -> None:
    assert policy.can_extend_session(who) is allowed


def test_anonymous_has_no_profile_and_everyone_signed_in_has_one() -> None:
    assert not policy.can_use_profile(ANONYMOUS)
    assert all(policy.can_use_profile(w) for w in (RESIDENT, MODERATOR, STAFF, ADMIN))


def test_a_long_unusual_password_is_accepted() -> None:
    assert password_problem("Kiefer Havel Brücke 1989!") is None


@pytest.mark.parametrize("password", ["password1234", "qwertz123456", "1234567890", "Potsdam2024"])
def test_common_passwords_are_refused(password: str) -> None:
    assert password_problem(password) is not None


def test_residents_need_ten_and_staff_fifteen_characters() -> None:
    assert password_problem("Havelufer9!") is None
    assert password_problem("Havelufer9!", role="staff") is not None
    assert password_problem("Havelufer9!", role="admin") is not None
    assert password_problem("Havelufer am Abend", role="staff") is None


def test_passwords_longer_than_128_characters_are_refused() -> None:
    assert password_problem("Wald " * 26) is not None


def test_a_password_made_of_the_email_name_is_refused() -> None:
    assert password_problem("annaschmidt99", email="annaschmidt@example.org") is not None


ROLE_MAP = {"mods": "moderator", "plan": "staff:stadtplanung", "it": "admin"}


def test_the_highest_mapped_role_wins() -> None:
    assert mapped_role(["plan", "mods"], ROLE_MAP) == ("moderator", None)
    assert mapped_role(["plan", "it"], ROLE_MAP) == ("admin", None)


def test_a_staff_mapping_carries_its_department() -> None:
    assert mapped_role(["plan"], ROLE_MAP) == ("staff", "stadtplanung")


def test_unmapped_or_missing_groups_map_to_nothing() -> None:
    assert mapped_role(["other"], ROLE_MAP) is None
    assert mapped_role(None, ROLE_MAP) is None
    assert mapped_role("mods", ROLE_MAP) == ("moderator", None)
