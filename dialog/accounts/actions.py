"""Writes for accounts: users, API tokens, login sessions."""

from __future__ import annotations

from sqlalchemy import update

from dialog.accounts import queries
from dialog.accounts.models import ApiToken, LoginSession, Role, User
from dialog.accounts.passwords import hash_password
from dialog.accounts.secrets import new_token, token_hash
from dialog.db import UnitOfWork, utcnow
from dialog.errors import Conflict, InvalidInput


async def do_add_user(
    uow: UnitOfWork,
    *,
    email: str,
    display_name: str,
    role: Role = Role.resident,
    department_id: int | None = None,
    password: str | None = None,
    verified: bool = True,
) -> User:
    if await queries.user_by_email(uow.session, email):
        raise Conflict("An account with this e-mail address exists already.", {"email": "taken"})
    if role == Role.staff and department_id is None:
        raise InvalidInput("Staff accounts need a department.", {"department": "required"})
    user = User(
        email=email.lower(),
        display_name=display_name,
        role=role,
        department_id=department_id if role == Role.staff else None,
        password_hash=hash_password(password) if password else None,
        email_verified_at=utcnow() if verified else None,
    )
    uow.session.add(user)
    await uow.session.flush()
    return user


async def do_add_token(uow: UnitOfWork, user: User, name: str = "") -> str:
    """Create an API token and return it; only its hash is stored."""
    token = new_token("dlg_")
    uow.session.add(ApiToken(user_id=user.id, token_hash=token_hash(token), name=name))
    await uow.session.flush()
    return token


async def do_start_session(uow: UnitOfWork, user: User, user_agent: str = "") -> str:
    """A fresh session record and cookie value: the id changes at every login."""
    token = new_token()
    uow.session.add(
        LoginSession(user_id=user.id, token_hash=token_hash(token), user_agent=user_agent[:200])
    )
    await uow.session.flush()
    return token


async def do_end_session(uow: UnitOfWork, session_id: int) -> None:
    await uow.session.execute(
        update(LoginSession)
        .where(LoginSession.id == session_id, LoginSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
