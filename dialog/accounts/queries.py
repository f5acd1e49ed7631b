"""Reads for accounts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from dialog.accounts.models import (
    AccountAudit,
    ApiToken,
    Consent,
    LoginSession,
    OidcIdentity,
    OidcLogin,
    OneTimeToken,
    User,
)
from dialog.accounts.personal_data import PersonalData
from dialog.accounts.secrets import token_hash
from dialog.db import utcnow
from dialog.direct import Script, Sql
from dialog.i18n import iso
from dialog.procedures.models import Department


async def user_by_email(session: AsyncSession, email: str) -> User | None:
    return await session.scalar(select(User).where(func.lower(User.email) == email.lower()))


async def user_by_id(session: AsyncSession, user_id: int) -> User | None:
    return await session.get(User, user_id)


@dataclass(frozen=True)
class Credential:
    """A live login session or API token with what the request's actor needs of its user."""

    id: int
    created_at: datetime
    last_seen_at: datetime | None  # a session's last request, a token's last use
    user_id: int
    role: str
    department_id: int | None
    display_name: str
    blocked_until: datetime | None
    email_verified: bool
    # With `with_column`: the one more column's value (e.g. the user's unread notices).
    counted: int | None = None


SESSION_CREDENTIAL = Sql(
    "SELECT s.id, s.created_at, s.last_seen_at, u.id, u.role, u.department_id, u.display_name, "
    "u.blocked_until, CASE WHEN u.email_verified_at IS NULL THEN 0 ELSE 1 END "
    "FROM login_sessions s JOIN users u ON u.id = s.user_id "
    "WHERE s.token_hash = :hash AND s.revoked_at IS NULL AND u.deleted_at IS NULL",
    datetimes=(1, 2, 7),
)
TOKEN_CREDENTIAL = Sql(
    "SELECT t.id, t.created_at, t.last_used_at, u.id, u.role, u.department_id, u.display_name, "
    "u.blocked_until, CASE WHEN u.email_verified_at IS NULL THEN 0 ELSE 1 END "
    "FROM api_tokens t JOIN users u ON u.id = t.user_id "
    "WHERE t.token_hash = :hash AND t.revoked_at IS NULL AND u.deleted_at IS NULL",
    datetimes=(1, 2, 7),
)


def with_column(kind: Sql, column: str) -> Sql:
    """SESSION_CREDENTIAL or TOKEN_CREDENTIAL with one more integer column, an expression over
    the user `u` (`Credential.counted`): what a page needs of its reader besides the actor comes
    with the same round trip."""
    return Sql(
        kind.text.replace(" FROM ", f", {column} FROM ", 1),
        datetimes=kind.datetimes,
    )


def credential(kind: Sql, hashed: str) -> Script[Credential | None]:
    """The live session or token (SESSION_CREDENTIAL or TOKEN_CREDENTIAL, or either
    `with_column`) of a secret's hash (`token_hash`), with its user, in one statement on the
    driver: every authenticated request asks."""
    rows = yield kind(hash=hashed)
    if not rows:
        return None
    row = rows[0]
    return Credential(
        id=row[0],
        created_at=row[1],
        last_seen_at=row[2],
        user_id=row[3],
        role=row[4],
        department_id=row[5],
        display_name=row[6],
        blocked_until=row[7],
        email_verified=bool(row[8]),
        counted=int(row[9]) if len(row) > 9 else None,
    )


async def user_by_display_name(session: AsyncSession, name: str) -> User | None:
    return await session.scalar(
        select(User).where(func.lower(User.display_name) == name.strip().lower()).limit(1)
    )


async def one_time_token(
    session: AsyncSession, purpose: str, raw_token: str
) -> tuple[OneTimeToken, User] | None:
    row = (
        await session.execute(
            select(OneTimeToken, User)
            .join(User, User.id == OneTimeToken.user_id)
            .where(
                OneTimeToken.token_hash == token_hash(raw_token), OneTimeToken.purpose == purpose
            )
        )
    ).first()
    return (row[0], row[1]) if row else None


async def active_session_ids(session: AsyncSession, user_id: int) -> list[int]:
    return list(
        (
            await session.scalars(
                select(LoginSession.id).where(
                    LoginSession.user_id == user_id, LoginSession.revoked_at.is_(None)
                )
            )
        ).all()
    )


async def sessions_of(session: AsyncSession, user_id: int) -> Sequence[LoginSession]:
    return (
        await session.scalars(
            select(LoginSession)
            .where(LoginSession.user_id == user_id, LoginSession.revoked_at.is_(None))
            .order_by(LoginSession.last_seen_at.desc())
        )
    ).all()


async def tokens_of(session: AsyncSession, user_id: int) -> Sequence[ApiToken]:
    return (
        await session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
            .order_by(ApiToken.id.desc())
        )
    ).all()


async def pending_email(session: AsyncSession, user_id: int) -> str | None:
    return await session.scalar(
        select(OneTimeToken.new_email)
        .where(
            OneTimeToken.user_id == user_id,
            OneTimeToken.purpose == "email",
            OneTimeToken.used_at.is_(None),
            OneTimeToken.expires_at > utcnow(),
        )
        .order_by(OneTimeToken.id.desc())
        .limit(1)
    )


async def export_data(
    session: AsyncSession, user: User, personal_data: PersonalData
) -> dict[str, Any]:
    """Everything stored about one person (DSGVO Art. 15 and 20), as plain JSON values: the
    account's own records, then every other package's part."""
    consents = (
        await session.scalars(
            select(Consent).where(Consent.user_id == user.id).order_by(Consent.id)
        )
    ).all()
    identities = (
        await session.scalars(select(OidcIdentity).where(OidcIdentity.user_id == user.id))
    ).all()
    logins = (
        await session.scalars(
            select(LoginSession).where(LoginSession.user_id == user.id).order_by(LoginSession.id)
        )
    ).all()
    tokens = (
        await session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)
        )
    ).all()
    return {
        "exported_at": iso(utcnow()),
        "profile": {
            "id": user.id,
            "email": user.email,
            "display_name": user.display_name,
            "role": user.role,
            "department_id": user.department_id,
            "locale": user.locale,
            "email_verified_at": iso(user.email_verified_at),
            "notify_by_mail": user.notify_by_mail,
            "blocked_until": iso(user.blocked_until),
            "block_reason": user.block_reason,
            "created_at": iso(user.created_at),
        },
        "consents": [
            {"kind": c.kind, "version": c.version, "given_at": iso(c.given_at)} for c in consents
        ],
        "sign_in_identities": [
            {"issuer": i.issuer, "subject": i.subject, "created_at": iso(i.created_at)}
            for i in identities
        ],
        "sessions": [
            {
                "created_at": iso(s.created_at),
                "last_seen_at": iso(s.last_seen_at),
                "revoked_at": iso(s.revoked_at),
                "user_agent": s.user_agent,
            }
            for s in logins
        ],
        "api_tokens": [
            {"name": t.name, "created_at": iso(t.created_at), "revoked_at": iso(t.revoked_at)}
            for t in tokens
        ],
        **await personal_data.export(session, user.id),
    }


async def find_people(
    session: AsyncSession, text: str = "", role: str = "", limit: int = 50
) -> Sequence[User]:
    query = select(User).where(User.deleted_at.is_(None)).order_by(User.display_name).limit(limit)
    if text:
        pattern = f"%{text.lower()}%"
        query = query.where(
            or_(func.lower(User.email).like(pattern), func.lower(User.display_name).like(pattern))
        )
    if role:
        query = query.where(User.role == role)
    return (await session.scalars(query)).all()


async def audit_of(
    session: AsyncSession, target_id: int, limit: int = 50
) -> Sequence[AccountAudit]:
    return (
        await session.scalars(
            select(AccountAudit)
            .where(AccountAudit.target_id == target_id)
            .order_by(AccountAudit.id.desc())
            .limit(limit)
        )
    ).all()


async def departments(session: AsyncSession) -> Sequence[Department]:
    return (await session.scalars(select(Department).order_by(Department.name))).all()


async def department_by_slug(session: AsyncSession, slug: str) -> Department | None:
    return await session.scalar(select(Department).where(Department.slug == slug))


async def identity(session: AsyncSession, issuer: str, subject: str) -> OidcIdentity | None:
    return await session.scalar(
        select(OidcIdentity).where(OidcIdentity.issuer == issuer, OidcIdentity.subject == subject)
    )


async def oidc_login(session: AsyncSession, state_hash: str) -> OidcLogin | None:
    return await session.scalar(select(OidcLogin).where(OidcLogin.state_hash == state_hash))
