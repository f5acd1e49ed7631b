"""Who may listen to which topic: pure predicates, no database."""

from __future__ import annotations

from collections.abc import Iterable

from dialog.accounts.actor import Actor
from dialog.accounts.policy import is_moderator, is_office
from dialog.concerns.events import CONCERN, DEPARTMENT_QUEUE, OFFICE_QUEUE
from dialog.live.events import MODERATION, PROPOSAL, SESSION, THREAD, USER

MAX_TOPICS = 20  # in one subscribe frame
MAX_TOPICS_PER_SOCKET = 50  # over all subscribe frames of one socket


def can_subscribe(actor: Actor, topic: str) -> bool:
    """thread:N for everyone (its events carry only what is public now), moderation for
    moderators and admins, proposal:N for everyone (only published proposals emit, and only
    their public state), user:N for that user; session:N is internal and never asked for."""
    if THREAD.number_of(topic) is not None or PROPOSAL.number_of(topic) is not None:
        return True
    if topic == MODERATION.topic():
        return is_moderator(actor)
    user_id = USER.number_of(topic)
    if user_id is not None:
        return actor.user_id is not None and actor.user_id == user_id
    return can_subscribe_concerns(actor, topic)


def can_subscribe_concerns(actor: Actor, topic: str) -> bool:
    """concern:N for everyone (events only for public items), concerns for the office,
    concerns-department:N for that department's staff and the office."""
    if CONCERN.number_of(topic) is not None:
        return True
    if topic == OFFICE_QUEUE.topic():
        return is_office(actor)
    department_id = DEPARTMENT_QUEUE.number_of(topic)
    if department_id is not None:
        return is_office(actor) or (actor.role == "staff" and actor.department_id == department_id)
    return False


def topic_count(heard: Iterable[str], asked: Iterable[str]) -> int:
    """Topics a socket listens to once `asked` is added: each once, the internal session topic
    (which every signed-in socket hears) left out."""
    return sum(1 for topic in {*heard, *asked} if SESSION.number_of(topic) is None)


def thread_topic(thread_id: int) -> str:
    return THREAD.topic(thread_id)


def thread_of(topic: str) -> int | None:
    """The thread a topic is about, if it is a thread's topic."""
    return THREAD.number_of(topic)


def session_topic(session_id: int) -> str:
    return SESSION.topic(session_id)
