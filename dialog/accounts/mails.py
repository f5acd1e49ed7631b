"""Account mails (verification, password reset, e-mail change, a second registration), rendered
in the recipient's language and queued in the outbox of the transaction that issues the link."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment

from dialog import i18n
from dialog.accounts.actions import Registration
from dialog.accounts.models import User
from dialog.db import UnitOfWork
from dialog.i18n import gettext as _
from dialog.i18n import lazy
from dialog.mail import Mail, outbox
from dialog.settings import Settings

SUBJECTS = {
    "verify": lazy("Please confirm your e-mail address"),
    "reset": lazy("Reset your password"),
    "email": lazy("Confirm your new e-mail address"),
    "exists": lazy("Someone tried to register with your e-mail address"),
    "email_taken": lazy("Someone tried to use your e-mail address"),
}


def compose(
    env: Environment, kind: str, to: str, locale: str, user_id: int | None = None, **context: Any
) -> Mail:
    """Render the plain text and HTML parts with the recipient's locale."""
    with i18n.using(locale) as chosen:
        values = {"locale": chosen, **context}
        text = env.get_template(f"mail/accounts/{kind}.txt").render(values)
        html = env.get_template(f"mail/accounts/{kind}.html").render(values)
        subject = _(SUBJECTS[kind])
    return Mail(
        to=to, subject=subject, text=text, html=html, kind=f"account.{kind}", user_id=user_id
    )


async def queue(
    uow: UnitOfWork,
    settings: Settings,
    env: Environment,
    kind: str,
    user: User,
    to: str | None = None,
    **context: Any,
) -> None:
    """The account's mail in the account's language, sent once the transaction committed
    (`to` for a new address that is not yet the account's)."""
    address = to or user.email
    assert address is not None
    message = compose(
        env, kind, address, user.locale, user_id=user.id, name=user.display_name, **context
    )
    await outbox.queue(uow, settings, message)


async def queue_registration(
    uow: UnitOfWork, settings: Settings, env: Environment, done: Registration
) -> None:
    """A new account gets its verification link; the owner of a known address gets a note
    (sign in, or choose a new password) instead of a second account."""
    if done.token is not None:
        link = f"{settings.base_url}/verify?token={done.token}"
        await queue(uow, settings, env, "verify", done.user, link=link)
    else:
        login, reset = f"{settings.base_url}/login", f"{settings.base_url}/password/reset"
        await queue(uow, settings, env, "exists", done.user, login=login, reset=reset)
