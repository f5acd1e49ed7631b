"""Who may listen to which topic: pure predicates, no database."""

from __future__ import annotations

from collections.abc import Iterable

from dialog.accounts.actor import Actor
from dialog.accounts.policy import is_moderator

MODERATION_TOPIC = "moderation"
MAX_TOPICS = 20  # in one subscribe frame
MAX_TOPICS_PER_SOCKET = 50  # over all subscribe frames of one socket


def _numbered(topic: str, prefix: str) -> int | None:
    head, sep, tail = topic.partition(":")
    if head != prefix or not sep or not tail.isdigit() or len(tail) > 18:
        return None
    return int(tail)


def can_subscribe(actor: Actor, topic: str) -> bool:
    """thread:N for everyone (emitters only put published content there), moderation for
    moderators and admins, user:N for that user; session:N is internal and never asked for."""
    if _numbered(topic, "thread") is not None:
        return True
    if topic == MODERATION_TOPIC:
        return is_moderator(actor)
    user_id = _numbered(topic, "user")
    if user_id is not None:
        return actor.user_id is not None and actor.user_id == user_id
    return False


def topic_count(heard: Iterable[str], asked: Iterable[str]) -> int:
    """Topics a socket listens to once `asked` is added: each once, the internal session topic
    (which every signed-in socket hears) left out."""
    return sum(1 for topic in {*heard, *asked} if _numbered(topic, "session") is None)


def thread_topic(thread_id: int) -> str:
    return f"thread:{thread_id}"


def thread_of(topic: str) -> int | None:
    """The thread a topic is about, if it is a thread's topic."""
    return _numbered(topic, "thread")


def session_topic(session_id: int) -> str:
    return f"session:{session_id}"
