"""Answers as the API, the pages and the live stream show them."""

from __future__ import annotations

from dialog.discussion.present import comment_url
from dialog.i18n import gettext as _
from dialog.results.models import Answer, AnswerState
from dialog.results.schemas import STATE_LABELS, AnswerOut


def state_label(state: str) -> str:
    return _(STATE_LABELS[AnswerState(state)])


def answer_url(answer: Answer) -> str:
    if answer.comment_id:
        return comment_url(answer.comment_id)
    return f"/threads/{answer.thread_id}#answer-thread"


def answer_out(answer: Answer, department_name: str) -> AnswerOut:
    return AnswerOut(
        id=answer.id,
        thread_id=answer.thread_id,
        comment_id=answer.comment_id,
        state=answer.state,
        state_label=state_label(answer.state),
        reason=answer.reason,
        html=answer.html,
        department=department_name,
        created_at=answer.created_at,
        updated_at=answer.updated_at,
        url=answer_url(answer),
    )
