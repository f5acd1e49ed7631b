"""Account mails (verification, password reset, e-mail change) in the recipient's language."""

from __future__ import annotations

import logging
from typing import Any

from jinja2 import Environment

from dialog import i18n, mail
from dialog.db import UnitOfWork
from dialog.i18n import gettext as _
from dialog.i18n import lazy
from dialog.settings import Settings

log = logging.getLogger("dialog.accounts.mail")

SUBJECTS = {
    "verify": lazy("Please confirm your e-mail address"),
    "reset": lazy("Reset your password"),
    "email": lazy("Confirm your new e-mail address"),
}


def compose(env: Environment, kind: str, to: str, locale: str, **context: Any) -> mail.Mail:
    """Render the plain text and HTML parts with the recipient's locale."""
    token = i18n.current_locale.set(locale if locale in i18n.LOCALES else i18n.DEFAULT_LOCALE)
    try:
        values = {"locale": i18n.current_locale.get(), **context}
        text = env.get_template(f"mail/accounts/{kind}.txt").render(values)
        html = env.get_template(f"mail/accounts/{kind}.html").render(values)
        subject = _(SUBJECTS[kind])
    finally:
        i18n.current_locale.reset(token)
    return mail.Mail(to=to, subject=subject, text=text, html=html)


def send_after_commit(uow: UnitOfWork, settings: Settings, message: mail.Mail) -> None:
    """Mail only once the token it carries is committed; a failure is logged, not raised."""

    async def deliver() -> None:
        try:
            await mail.send(settings, message)
        except Exception:  # the person can ask for a new link; the request itself succeeded
            log.exception("account mail to %s failed", message.to)

    uow.after_commit(deliver)
