"""The results part's event types, declared once (dialog.live.events explains the parts)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from dialog.live.events import THREAD, EventType, Ref
from dialog.results.schemas import AnswerOut


class AnswerWithoutText(BaseModel):
    """An answer without its text (a redacted `answer.published`)."""

    id: int
    thread_id: int
    comment_id: int | None


ANSWER = Ref("answer", AnswerWithoutText, "once the department changes the answer")
ANSWER_PUBLISHED = EventType(
    "answer.published",
    THREAD,
    AnswerOut,
    "the official answer as the API returns it (the department's name, never a person's)",
    ref=ANSWER,
)

TYPES: tuple[EventType[Any], ...] = (ANSWER_PUBLISHED,)
