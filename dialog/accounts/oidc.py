"""Sign in with the city's single sign-on: OpenID Connect authorization code flow with PKCE.

State (browser-bound through a short-lived cookie, stored hashed), nonce and the PKCE verifier
are kept server-side for ten minutes and used once.
"""

from __future__ import annotations

import logging
import warnings
from datetime import timedelta
from typing import Any

import httpx
from authlib.common.errors import AuthlibBaseError
from authlib.deprecate import AuthlibDeprecationWarning

with warnings.catch_warnings():
    # authlib prefers the "httpx2" package and warns when it falls back to httpx, which works.
    warnings.simplefilter("ignore", AuthlibDeprecationWarning)
    from authlib.integrations.httpx_client import AsyncOAuth2Client
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from dialog.accounts import oidc_actions
from dialog.accounts.secrets import new_token, same
from dialog.accounts.web import notice, safe_next, signed_in_redirect
from dialog.errors import DomainError, NotFound
from dialog.i18n import gettext as _
from dialog.i18n import lazy
from dialog.settings import Settings
from dialog.web.api import actor, database
from dialog.web.services import services

log = logging.getLogger("dialog.accounts.oidc")

STATE_COOKIE = "dialog_oidc_state"
CALLBACK_PATH = "/login/oidc/callback"
LOGIN_LIFETIME = timedelta(minutes=10)
SCOPE = "openid email profile"
_discovery: dict[str, dict[str, Any]] = {}


class SignInRefused(DomainError):
    status = 400
    code = "sign_in_refused"


REFUSED = lazy("The sign-in could not be completed. Please try again.")


async def discover(settings: Settings) -> dict[str, Any]:
    issuer = str(settings.oidc_issuer).rstrip("/")
    if issuer not in _discovery:
        async with httpx.AsyncClient(timeout=10) as client:
            response = await client.get(f"{issuer}/.well-known/openid-configuration")
            response.raise_for_status()
            _discovery[issuer] = response.json()
    return _discovery[issuer]


def _client(settings: Settings) -> AsyncOAuth2Client:
    return AsyncOAuth2Client(
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret,
        scope=SCOPE,
        redirect_uri=settings.base_url + CALLBACK_PATH,
        code_challenge_method="S256",
        timeout=10,
    )


async def start(request: Request) -> Response:
    settings: Settings = services(request).settings
    if not settings.oidc_enabled:
        raise NotFound(lazy("Single sign-on is not configured."))
    config = await discover(settings)
    state, nonce, verifier = new_token(), new_token(), new_token() + new_token()
    async with database(request).unit_of_work() as uow:
        await oidc_actions.do_start_login(
            uow, state, nonce, verifier, safe_next(request.query_params.get("next"))
        )
    async with _client(settings) as client:
        url, _state = client.create_authorization_url(
            config["authorization_endpoint"], state=state, code_verifier=verifier, nonce=nonce
        )
    response = RedirectResponse(url, status_code=303)
    response.set_cookie(
        STATE_COOKIE,
        state,
        max_age=int(LOGIN_LIFETIME.total_seconds()),
        path="/login/oidc",
        httponly=True,
        samesite="lax",
        secure=settings.base_url.startswith("https://"),
    )
    return response


async def callback(request: Request) -> Response:
    settings: Settings = services(request).settings
    if not settings.oidc_enabled:
        raise NotFound(lazy("Single sign-on is not configured."))
    params = request.query_params
    state = params.get("state", "")
    cookie = request.cookies.get(STATE_COOKIE, "")
    try:
        if not state or not cookie or not same(state, cookie):
            raise SignInRefused(REFUSED)
        async with database(request).unit_of_work() as uow:
            login = await oidc_actions.do_take_login(uow, state, LOGIN_LIFETIME)
        if login is None or "error" in params or not params.get("code"):
            raise SignInRefused(REFUSED)
        claims = await _exchange(settings, params["code"], login.code_verifier, login.nonce)
        async with database(request).unit_of_work() as uow:
            user = await oidc_actions.do_sign_in(uow, settings, claims)
            previous = actor(request).session_id
            if previous is not None:
                await oidc_actions.end_session(uow, previous)
            token = await oidc_actions.start_session(
                uow, user, request.headers.get("user-agent", "")
            )
    except DomainError as error:
        response = notice(request, _("Sign-in failed"), _(error.message), error.status)
        response.delete_cookie(STATE_COOKIE, path="/login/oidc")
        return response
    response = signed_in_redirect(request, token, login.next)
    response.delete_cookie(STATE_COOKIE, path="/login/oidc")
    return response


async def _exchange(settings: Settings, code: str, verifier: str, nonce: str) -> dict[str, Any]:
    """Redeem the code, then check the ID token: signature, issuer, audience, expiry, nonce."""
    config = await discover(settings)
    try:
        async with _client(settings) as client:
            token = await client.fetch_token(
                config["token_endpoint"],
                grant_type="authorization_code",
                code=code,
                code_verifier=verifier,
            )
            keys = (await client.get(config["jwks_uri"])).json()
        decoded = jwt.decode(token["id_token"], KeySet.import_key_set(keys))
        jwt.JWTClaimsRegistry(
            iss={"essential": True, "value": config["issuer"]},
            aud={"essential": True, "value": str(settings.oidc_client_id)},
            sub={"essential": True},
            exp={"essential": True},
            nonce={"essential": True, "value": nonce},
        ).validate(decoded.claims)
    except (AuthlibBaseError, JoseError, KeyError, ValueError, httpx.HTTPError) as error:
        log.warning("OIDC sign-in refused: %s", error)
        raise SignInRefused(REFUSED) from None
    return dict(decoded.claims)


routes: list[BaseRoute] = [
    Route("/login/oidc", start, methods=["GET"]),
    Route(CALLBACK_PATH, callback, methods=["GET"]),
]
