"""Mails of the concerns part, rendered in the recipient's language and queued in the
transaction of the change (dialog.mail.outbox)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from jinja2 import Environment

from dialog import i18n
from dialog.concerns.models import Concern
from dialog.db import UnitOfWork
from dialog.i18n import gettext as _
from dialog.i18n import lazy
from dialog.mail import Mail, outbox
from dialog.settings import Settings

SUBJECTS = {
    "confirm": lazy("Please confirm your idea or complaint"),
    "answer": lazy("Your idea or complaint has an answer"),
    "reminder": lazy("Ideas and complaints waiting for your department"),
    "escalation": lazy("Ideas and complaints overdue in your department"),
    "overdue": lazy("Overdue ideas and complaints"),
}
TEMPLATE = {"escalation": "reminder", "overdue": "reminder"}


async def send(
    uow: UnitOfWork,
    settings: Settings,
    env: Environment,
    kind: str,
    to: str,
    locale: str = "de",
    user_id: int | None = None,
    **context: Any,
) -> None:
    with i18n.using(locale) as chosen:
        name = TEMPLATE.get(kind, kind)
        values = {"locale": chosen, "base_url": settings.base_url, **context}
        text = env.get_template(f"mail/concerns/{name}.txt").render(values)
        subject = _(SUBJECTS[kind])
    mail = Mail(to=to, subject=subject, text=text, kind=f"concern.{kind}", user_id=user_id)
    await outbox.queue(uow, settings, mail)


def intro(kind: str, count: int) -> str:
    if kind == "reminder":
        return _("%(count)s items wait for your department's reply or answer:") % {"count": count}
    if kind == "escalation":
        return _("%(count)s items of your department are past their answer date:") % {
            "count": count
        }
    return _("%(count)s items are past their answer date:") % {"count": count}


async def send_list(
    uow: UnitOfWork,
    settings: Settings,
    env: Environment,
    kind: str,
    to: str,
    items: Sequence[Concern],
) -> None:
    with i18n.using("de"):
        text = intro(kind, len(items))
    await send(uow, settings, env, kind, to, intro=text, items=items)
