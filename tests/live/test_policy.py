"""Who may listen to which topic, per role, without a database."""

from __future__ import annotations

import pytest

from dialog.accounts.actor import ANONYMOUS, Actor
from dialog.live.policy import can_subscribe, topic_count

RESIDENT = Actor(user_id=7, role="resident", via="session", session_id=3)
STAFF = Actor(user_id=8, role="staff", department_id=1, via="session")
MODERATOR = Actor(user_id=9, role="moderator", via="session")
ADMIN = Actor(user_id=10, role="admin", via="token")
EVERYONE = [ANONYMOUS, RESIDENT, STAFF, MODERATOR, ADMIN]


@pytest.mark.parametrize("actor", EVERYONE)
def test_everyone_may_listen_to_a_thread(actor: Actor) -> None:
    assert can_subscribe(actor, "thread:12")


@pytest.mark.parametrize(
    ("actor", "allowed"),
    [(ANONYMOUS, False), (RESIDENT, False), (STAFF, False), (MODERATOR, True), (ADMIN, True)],
)
def test_only_moderators_and_admins_may_listen_to_moderation(actor: Actor, allowed: bool) -> None:
    assert can_subscribe(actor, "moderation") is allowed


@pytest.mark.parametrize("actor", EVERYONE)
def test_a_user_topic_belongs_to_that_user_alone(actor: Actor) -> None:
    assert can_subscribe(actor, "user:7") is (actor is RESIDENT)


@pytest.mark.parametrize("actor", EVERYONE)
def test_session_topics_are_internal(actor: Actor) -> None:
    assert not can_subscribe(actor, "session:3")


@pytest.mark.parametrize("topic", ["thread:", "thread:x", "thread:-1", "threads:1", "", "user:"])
def test_malformed_topics_are_refused(topic: str) -> None:
    assert not can_subscribe(ADMIN, topic)


def test_a_topic_asked_for_again_counts_once() -> None:
    assert topic_count(["thread:1", "thread:2"], ["thread:2", "thread:3"]) == 3


def test_the_internal_session_topic_does_not_count_toward_a_sockets_topics() -> None:
    assert topic_count(["session:4", "thread:1"], ["thread:2"]) == 2
