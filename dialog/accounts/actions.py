"""Writes for accounts: users, API tokens, login sessions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from dialog.accounts import queries
from dialog.accounts.middleware import ABSOLUTE_TIMEOUT, IDLE_TIMEOUT
from dialog.accounts.models import (
    AccountAudit,
    ApiToken,
    Consent,
    LoginSession,
    OidcIdentity,
    OneTimeToken,
    Role,
    User,
)
from dialog.accounts.passwords import hash_password, password_problem, verify_password
from dialog.accounts.personal_data import PersonalData
from dialog.accounts.secrets import new_token, token_hash
from dialog.db import UnitOfWork, utcnow
from dialog.errors import Conflict, InvalidInput, NotFound
from dialog.i18n import lazy
from dialog.live.events import SESSION_ENDED, NoData
from dialog.live.outbox import emit


async def do_add_user(
    uow: UnitOfWork,
    *,
    email: str | None,
    display_name: str,
    role: Role = Role.resident,
    department_id: int | None = None,
    password: str | None = None,
    password_hash: str | None = None,
    verified: bool = True,
) -> User:
    if email and await queries.user_by_email(uow.session, email):
        raise Conflict("An account with this e-mail address exists already.", {"email": "taken"})
    if role == Role.staff and department_id is None:
        raise InvalidInput("Staff accounts need a department.", {"department": "required"})
    user = User(
        email=email.lower() if email else None,
        display_name=display_name,
        role=role,
        department_id=department_id if role == Role.staff else None,
        password_hash=password_hash or (hash_password(password) if password else None),
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
    """End the session; sockets opened with it close on the "session.ended" event."""
    result = await uow.session.execute(
        update(LoginSession)
        .where(LoginSession.id == session_id, LoginSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    if getattr(result, "rowcount", 0):
        await emit(uow, SESSION_ENDED, NoData(), session_id)


# --- one-time links -------------------------------------------------------------------------

LINK_LIFETIME = {
    "verify": timedelta(hours=24),
    "reset": timedelta(hours=6),
    "email": timedelta(hours=24),
}
DELETED_NAME = "deleted account"
# How pages show the author of a deleted account (the stored name stays language-neutral).
DELETED_LABEL = lazy("deleted account")
CONSENT_VERSION = "2026-11"


async def do_issue_link(
    uow: UnitOfWork, user: User, purpose: str, new_email: str | None = None
) -> str:
    """A one-time token for a mailed link; earlier unused links of the same purpose stop working."""
    now = utcnow()
    await uow.session.execute(
        update(OneTimeToken)
        .where(
            OneTimeToken.user_id == user.id,
            OneTimeToken.purpose == purpose,
            OneTimeToken.used_at.is_(None),
        )
        .values(used_at=now)
    )
    token = new_token()
    uow.session.add(
        OneTimeToken(
            user_id=user.id,
            purpose=purpose,
            token_hash=token_hash(token),
            new_email=new_email,
            expires_at=now + LINK_LIFETIME[purpose],
        )
    )
    await uow.session.flush()
    return token


async def access_link(uow: UnitOfWork, purpose: str, raw: str) -> tuple[OneTimeToken, User]:
    found = await queries.one_time_token(uow.session, purpose, raw)
    if found is None:
        raise InvalidInput(LINK_INVALID, {"token": LINK_INVALID})
    link, user = found
    if link.used_at is not None or link.expires_at <= utcnow() or user.is_deleted:
        raise InvalidInput(LINK_INVALID, {"token": LINK_INVALID})
    return link, user


LINK_INVALID = lazy("This link has expired or was already used. Please ask for a new one.")


def check_new_password(password: str, user_role: str, email: str) -> None:
    problem = password_problem(password, role=user_role, email=email)
    if problem:
        raise InvalidInput(problem, {"password": problem})


@dataclass(frozen=True)
class Registration:
    """What a registration did: a new account with its verification link, or nothing but a
    note to the owner of the address (`token` None). The answer is the same for both."""

    user: User
    token: str | None


async def do_register(
    uow: UnitOfWork, *, email: str, password: str, display_name: str, locale: str
) -> Registration:
    check_new_password(password, "resident", email)
    await check_display_name(uow, display_name)
    # Hashed in both branches: argon2 takes most of the request's time, and a known address
    # must not answer faster than a new one.
    password_hash = hash_password(password)
    existing = await queries.user_by_email(uow.session, email)
    if existing is None:
        try:
            # A savepoint: a parallel registration of the same address that commits first
            # makes this insert fail, and that one then answers like any known address.
            async with uow.session.begin_nested():
                user = await do_add_user(
                    uow,
                    email=email,
                    display_name=display_name,
                    password_hash=password_hash,
                    verified=False,
                )
        except IntegrityError:
            existing = await queries.user_by_email(uow.session, email)
            if existing is None:
                raise
    if existing is not None:
        await do_audit(uow, None, existing.id, "register.existing", {}, {})
        return Registration(existing, None)
    user.locale = locale
    for kind in ("privacy", "netiquette"):
        uow.session.add(Consent(user_id=user.id, kind=kind, version=CONSENT_VERSION))
    await do_audit(uow, user.id, user.id, "register", {}, {"email": user.email})
    return Registration(user, await do_issue_link(uow, user, "verify"))


EMAIL_TAKEN = lazy("An account with this e-mail address exists already.")
NAME_TAKEN = lazy("This display name is taken. Please choose another.")


async def check_display_name(uow: UnitOfWork, name: str, own_id: int | None = None) -> None:
    if name.strip().lower() == DELETED_NAME:
        raise InvalidInput(NAME_TAKEN, {"display_name": NAME_TAKEN})
    other = await queries.user_by_display_name(uow.session, name)
    if other is not None and other.id != own_id:
        raise InvalidInput(NAME_TAKEN, {"display_name": NAME_TAKEN})


async def do_verify_email(uow: UnitOfWork, raw: str) -> User:
    link, user = await access_link(uow, "verify", raw)
    link.used_at = utcnow()
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    return user


async def do_reset_password(uow: UnitOfWork, raw: str, password: str) -> User:
    link, user = await access_link(uow, "reset", raw)
    check_new_password(password, user.role, user.email or "")
    link.used_at = utcnow()
    user.password_hash = hash_password(password)
    # The mail proves the address: a reset also verifies it.
    user.email_verified_at = user.email_verified_at or utcnow()
    await do_end_all_sessions(uow, user.id)
    await do_audit(uow, user.id, user.id, "password.reset", {}, {})
    return user


async def do_change_password(
    uow: UnitOfWork, user: User, current: str, new: str, keep_session: int | None
) -> None:
    if user.password_hash and not verify_password(user.password_hash, current):
        raise InvalidInput(WRONG_PASSWORD, {"current_password": WRONG_PASSWORD})
    problem = password_problem(new, role=user.role, email=user.email or "")
    if problem:
        raise InvalidInput(problem, {"new_password": problem})
    user.password_hash = hash_password(new)
    await do_end_all_sessions(uow, user.id, keep=keep_session)
    await do_audit(uow, user.id, user.id, "password.change", {}, {})


WRONG_PASSWORD = lazy("The password is not correct.")


async def do_change_display_name(
    uow: UnitOfWork, personal_data: PersonalData, user: User, name: str
) -> None:
    await check_display_name(uow, name, own_id=user.id)
    before = user.display_name
    user.display_name = name
    if name != before:
        await personal_data.renamed(uow, user.id)
    await do_audit(
        uow, user.id, user.id, "display_name", {"display_name": before}, {"display_name": name}
    )


@dataclass(frozen=True)
class EmailChange:
    """A link for the new address, or (the address has an account) that account's owner,
    who is told instead: the person asking learns nothing about whose address it is."""

    token: str | None
    owner: User | None


async def do_request_email_change(uow: UnitOfWork, user: User, new_email: str) -> EmailChange:
    existing = await queries.user_by_email(uow.session, new_email)
    if existing is not None:
        if existing.id != user.id:
            await do_audit(uow, user.id, existing.id, "email.taken", {}, {})
        return EmailChange(None, existing)
    return EmailChange(await do_issue_link(uow, user, "email", new_email=new_email.lower()), None)


async def do_confirm_email_change(uow: UnitOfWork, raw: str) -> User:
    link, user = await access_link(uow, "email", raw)
    assert link.new_email is not None
    if await queries.user_by_email(uow.session, link.new_email):
        raise InvalidInput(EMAIL_TAKEN, {"token": EMAIL_TAKEN})
    link.used_at = utcnow()
    before = user.email
    user.email = link.new_email
    user.email_verified_at = utcnow()
    await do_audit(uow, user.id, user.id, "email", {"email": before}, {"email": user.email})
    return user


async def do_set_preferences(
    uow: UnitOfWork, user: User, *, notify_by_mail: bool | None = None, locale: str | None = None
) -> None:
    """Mail or not, and the language mails are written in (None keeps a setting)."""
    if notify_by_mail is not None:
        user.notify_by_mail = notify_by_mail
    if locale is not None:
        user.locale = locale


# --- sessions and tokens --------------------------------------------------------------------


async def do_end_all_sessions(uow: UnitOfWork, user_id: int, keep: int | None = None) -> None:
    ids = await queries.active_session_ids(uow.session, user_id)
    for session_id in ids:
        if session_id != keep:
            await do_end_session(uow, session_id)


async def do_revoke_session(uow: UnitOfWork, user_id: int, session_id: int) -> None:
    if session_id not in await queries.active_session_ids(uow.session, user_id):
        raise NotFound(lazy("This session does not exist or has ended."))
    await do_end_session(uow, session_id)


async def do_revoke_token(uow: UnitOfWork, user_id: int, token_id: int) -> None:
    result = await uow.session.execute(
        update(ApiToken)
        .where(ApiToken.id == token_id, ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    if not getattr(result, "rowcount", 0):
        raise NotFound(lazy("This token does not exist or was revoked."))


async def do_extend_session(uow: UnitOfWork, session_id: int) -> datetime:
    """Idle clock back to zero; returns when the session now ends (idle or absolute limit)."""
    login = await uow.session.get(LoginSession, session_id)
    if login is None or login.revoked_at is not None:
        raise NotFound(lazy("This session does not exist or has ended."))
    login.last_seen_at = utcnow()
    return min(login.last_seen_at + IDLE_TIMEOUT, login.created_at + ABSOLUTE_TIMEOUT)


# --- deletion -------------------------------------------------------------------------------


async def do_delete_account(
    uow: UnitOfWork,
    personal_data: PersonalData,
    user: User,
    *,
    remove_comments: bool,
    by: int | None = None,
) -> None:
    """Erase personal data; the row stays so comments keep a "deleted account" author."""
    await do_end_all_sessions(uow, user.id)
    await uow.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    await uow.session.execute(delete(OidcIdentity).where(OidcIdentity.user_id == user.id))
    await uow.session.execute(delete(OneTimeToken).where(OneTimeToken.user_id == user.id))
    await personal_data.erase(uow, user.id, remove_content=remove_comments)
    user.email = None
    user.display_name = DELETED_NAME
    user.password_hash = None
    user.email_verified_at = None
    user.notify_by_mail = False
    user.block_reason = None
    user.deleted_at = utcnow()
    await do_audit(
        uow,
        by if by is not None else user.id,
        user.id,
        "delete",
        {},
        {"remove_comments": remove_comments},
    )


# --- administration -------------------------------------------------------------------------


async def do_audit(
    uow: UnitOfWork,
    actor_id: int | None,
    target_id: int | None,
    action: str,
    before: dict[str, Any],
    after: dict[str, Any],
) -> None:
    uow.session.add(
        AccountAudit(
            actor_id=actor_id, target_id=target_id, action=action, before=before, after=after
        )
    )
    await uow.session.flush()


async def access_person(session: AsyncSession, user_id: int) -> User:
    found = await queries.user_by_id(session, user_id)
    if found is None or found.is_deleted:
        raise NotFound(lazy("This person does not exist."))
    return found


async def do_update_person(
    uow: UnitOfWork,
    by: int,
    person: User,
    *,
    role: Role,
    department_id: int | None,
) -> None:
    if role == Role.staff and department_id is None:
        raise InvalidInput(STAFF_NEEDS_DEPARTMENT, {"department": STAFF_NEEDS_DEPARTMENT})
    before = {"role": person.role, "department_id": person.department_id}
    person.role = role
    person.department_id = department_id if role == Role.staff else None
    after = {"role": person.role, "department_id": person.department_id}
    if before != after:
        await do_audit(uow, by, person.id, "role", before, after)
        await do_end_all_sessions(uow, person.id)


STAFF_NEEDS_DEPARTMENT = lazy("Staff accounts need a department.")


async def do_block(
    uow: UnitOfWork, by: int, person: User, *, until: datetime | None, reason: str
) -> None:
    before = {
        "blocked_until": person.blocked_until.isoformat() if person.blocked_until else None,
        "block_reason": person.block_reason,
    }
    person.blocked_until = until
    person.block_reason = reason if until else None
    after = {
        "blocked_until": until.isoformat() if until else None,
        "block_reason": person.block_reason,
    }
    await do_audit(uow, by, person.id, "block" if until else "unblock", before, after)
