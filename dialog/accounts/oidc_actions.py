"""Writes for single sign-on: started logins, identities, the role mapping from a claim."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from sqlalchemy import delete

from dialog.accounts import queries
from dialog.accounts.actions import (
    do_add_user,
    do_audit,
    do_end_session,
    do_start_session,
)
from dialog.accounts.models import OidcIdentity, OidcLogin, Role, User
from dialog.accounts.secrets import token_hash
from dialog.db import UnitOfWork, utcnow
from dialog.errors import DomainError
from dialog.i18n import lazy
from dialog.settings import Settings

end_session = do_end_session
start_session = do_start_session

RANK = {"resident": 0, "staff": 1, "moderator": 2, "office": 3, "admin": 4}


class LinkRefused(DomainError):
    status = 409
    code = "conflict"


async def do_start_login(
    uow: UnitOfWork, state: str, nonce: str, verifier: str, next_path: str
) -> None:
    # Started logins older than their lifetime are useless: clear them on the way.
    await uow.session.execute(
        delete(OidcLogin).where(OidcLogin.created_at < utcnow() - timedelta(hours=1))
    )
    uow.session.add(
        OidcLogin(state_hash=token_hash(state), nonce=nonce, code_verifier=verifier, next=next_path)
    )
    await uow.session.flush()


async def do_take_login(uow: UnitOfWork, state: str, lifetime: timedelta) -> OidcLogin | None:
    """The started login for this state, removed so it can be used only once."""
    login = await queries.oidc_login(uow.session, token_hash(state))
    if login is None:
        return None
    await uow.session.delete(login)
    await uow.session.flush()
    return login if utcnow() - login.created_at <= lifetime else None


def mapped_role(groups: object, role_map: Mapping[str, str]) -> tuple[str, str | None] | None:
    """The highest role any of the person's groups maps to, with its department slug."""
    if isinstance(groups, str):
        groups = [groups]
    if not isinstance(groups, list):
        return None
    best: tuple[str, str | None] | None = None
    for group in groups:
        target = role_map.get(str(group))
        if target is None:
            continue
        role, _sep, department = target.partition(":")
        if best is None or RANK[role] > RANK[best[0]]:
            best = (role, department or None)
    return best


async def do_sign_in(uow: UnitOfWork, settings: Settings, claims: dict[str, Any]) -> User:
    issuer = str(claims["iss"])
    subject = str(claims["sub"])
    email = str(claims.get("email") or "").lower() or None
    verified = claims.get("email_verified") is True
    found = await queries.identity(uow.session, issuer, subject)
    if found is not None:
        user = await uow.session.get(User, found.user_id)
        assert user is not None
        found.last_login_at = utcnow()
    else:
        user = await _link_or_create(uow, claims, email, verified)
        uow.session.add(
            OidcIdentity(user_id=user.id, issuer=issuer, subject=subject, last_login_at=utcnow())
        )
        await uow.session.flush()
    if user.is_deleted:
        raise LinkRefused(lazy("This account was deleted."))
    await _apply_role(uow, settings, user, claims.get(settings.oidc_role_claim))
    return user


async def _link_or_create(
    uow: UnitOfWork, claims: dict[str, Any], email: str | None, verified: bool
) -> User:
    existing = await queries.user_by_email(uow.session, email) if email else None
    if existing is not None:
        # Only a verified address at both ends proves it is the same person.
        if not verified or existing.email_verified_at is None:
            raise LinkRefused(
                lazy(
                    "An account with this e-mail address exists already. Please sign in "
                    "with your password."
                )
            )
        await do_audit(uow, existing.id, existing.id, "oidc.link", {}, {"issuer": claims["iss"]})
        return existing
    name = str(claims.get("name") or claims.get("preferred_username") or "").strip()[:60]
    if len(name) < 3 or "@" in name or await queries.user_by_display_name(uow.session, name):
        name = f"{name[:40] or 'Person'} {str(claims['sub'])[-6:]}".strip()
    user = await do_add_user(
        uow, email=email or None, display_name=name, verified=verified and email is not None
    )
    await do_audit(uow, None, user.id, "oidc.create", {}, {"issuer": claims["iss"]})
    return user


async def _apply_role(uow: UnitOfWork, settings: Settings, user: User, groups: object) -> None:
    """A matching group sets the role; no match leaves the role an admin may have given."""
    mapped = mapped_role(groups, settings.oidc_role_map)
    if mapped is None:
        return
    role, slug = mapped
    department_id = None
    if slug is not None:
        department = await queries.department_by_slug(uow.session, slug)
        department_id = department.id if department else None
    if role == Role.staff and department_id is None:
        return
    if role != Role.staff:
        department_id = None
    before = {"role": user.role, "department_id": user.department_id}
    after = {"role": role, "department_id": department_id}
    if before != after:
        user.role = role
        user.department_id = department_id
        await do_audit(uow, None, user.id, "oidc.role", before, after)
