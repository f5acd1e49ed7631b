"""The proposals' pure predicates, per role, without a database."""

from __future__ import annotations

from dialog.accounts.actor import Actor
from dialog.proposals import policy

ANONYMOUS = Actor()
RESIDENT = Actor(user_id=1, role="resident")
AUTHOR = Actor(user_id=2, role="resident")
OFFICE = Actor(user_id=3, role="office")
STAFF = Actor(user_id=4, role="staff", department_id=7)
OTHER_STAFF = Actor(user_id=5, role="staff", department_id=8)


def test_unpublished_proposals_are_for_their_author_and_the_office_only() -> None:
    for state in ("submitted", "rejected"):
        assert not policy.can_read(ANONYMOUS, state, AUTHOR.user_id)
        assert not policy.can_read(RESIDENT, state, AUTHOR.user_id)
        assert not policy.can_read(STAFF, state, AUTHOR.user_id)
        assert policy.can_read(AUTHOR, state, AUTHOR.user_id)
        assert policy.can_read(OFFICE, state, AUTHOR.user_id)
    assert policy.can_read(ANONYMOUS, "collecting", AUTHOR.user_id)


def test_closed_proposals_take_no_support() -> None:
    for state in ("submitted", "rejected", "accepted", "declined", "expired"):
        assert not policy.can_support(RESIDENT, state)
    for state in ("collecting", "threshold-reached", "forwarded"):
        assert policy.can_support(RESIDENT, state)
        assert not policy.can_support(ANONYMOUS, state)


def test_only_the_office_decides_and_only_the_departments_staff_state() -> None:
    assert policy.can_decide(OFFICE) and not policy.can_decide(RESIDENT)
    assert not policy.can_decide(STAFF)
    assert policy.can_state(STAFF, 7, "forwarded")
    assert not policy.can_state(STAFF, 7, "collecting")
    assert not policy.can_state(OTHER_STAFF, 7, "forwarded")
    assert not policy.can_state(OFFICE, 7, "forwarded")


def test_each_decision_leads_from_its_states_only() -> None:
    assert policy.next_state("publish", "submitted") == "collecting"
    assert policy.next_state("publish", "collecting") is None
    assert policy.next_state("decline", "submitted") == "rejected"
    assert policy.next_state("decline", "forwarded") == "declined"
    assert policy.next_state("accept", "collecting") == "accepted"
    assert policy.next_state("accept", "expired") is None
    assert policy.next_state("forward", "threshold-reached") == "forwarded"
    assert policy.next_state("forward", "forwarded") is None


def test_the_threshold_is_reached_by_a_collecting_proposal_only() -> None:
    assert policy.reached("collecting", 3, 3)
    assert not policy.reached("collecting", 2, 3)
    assert not policy.reached("forwarded", 5, 3)
    assert not policy.reached("collecting", 5, 0)


def test_everyone_may_listen_to_a_proposals_topic() -> None:
    from dialog.live.policy import can_subscribe

    assert can_subscribe(ANONYMOUS, "proposal:3")
    assert not can_subscribe(ANONYMOUS, "proposal:x")
