"""create_app(settings): the one composition root."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from dialog.accounts import api as account_api
from dialog.accounts import views as account_views
from dialog.accounts.middleware import AuthMiddleware
from dialog.accounts.personal_data import PersonalData
from dialog.background import Background
from dialog.db import Database
from dialog.direct import Direct
from dialog.discussion import api as discussion_api
from dialog.discussion import events as discussion_events
from dialog.discussion import personal_data as discussion_data
from dialog.discussion import views as discussion_views
from dialog.discussion.page_cache import FirstPageCache
from dialog.discussion.voting import VoteEvents
from dialog.districts import views as district_views
from dialog.errors import DomainError
from dialog.live import events as live_events
from dialog.live import socket as live_socket
from dialog.live.events import EventRegistry
from dialog.live.service import Live, make_hub
from dialog.mail import personal_data as mail_data
from dialog.mail import worker as mail_worker
from dialog.notifications import personal_data as notification_data
from dialog.organisations import personal_data as organisation_data
from dialog.organisations import views as organisation_views
from dialog.procedures import api as procedure_api
from dialog.procedures import views as procedure_views
from dialog.proposals import actions as proposal_actions
from dialog.proposals import api as proposal_api
from dialog.proposals import events as proposal_events
from dialog.proposals import personal_data as proposal_data
from dialog.proposals import views as proposal_views
from dialog.ratelimit import RateLimiter
from dialog.results import api as results_api
from dialog.results import events as results_events
from dialog.results import jobs as handover_jobs
from dialog.results import views as results_views
from dialog.review import personal_data as review_data
from dialog.review import views as review_views
from dialog.settings import PROJECT_ROOT, Settings
from dialog.web import errors, pages
from dialog.web.api import openapi_document
from dialog.web.middleware import RequestContextMiddleware
from dialog.web.services import Services
from dialog.web.templating import make_templates
from moderation import api as moderation_api
from moderation import cli as moderation_cli
from moderation import events as moderation_events
from moderation import hooks as moderation_hooks
from moderation import views as moderation_views

# Sub-commands of `dialog` that other parts own; dialog.cli finds them here.
cli_commands = {"audit": moderation_cli.cmd_audit}

# Every event type the platform emits, as each part declares them (the README's table).
EVENT_TYPES = EventRegistry(
    discussion_events.TYPES,
    results_events.TYPES,
    moderation_events.TYPES,
    live_events.TYPES,
    proposal_events.TYPES,
)


# Every package that keeps personal data: its part of the export and of account erasure.
PERSONAL_DATA = PersonalData(
    [
        discussion_data.PART,
        notification_data.PART,
        mail_data.PART,
        proposal_data.PART,
        organisation_data.PART,
        review_data.PART,
    ]
)


def api_routes() -> list[BaseRoute]:
    return [
        *procedure_api.routes,
        *discussion_api.routes,
        *account_api.routes,
        *results_api.routes,
        *moderation_api.routes,
        *proposal_api.routes,
        *organisation_views.api_routes,
    ]


def page_routes() -> list[BaseRoute]:
    return [
        *procedure_views.routes,
        *discussion_views.routes,
        *account_views.routes,
        *results_views.routes,
        *moderation_views.routes,
        *proposal_views.routes,
        *organisation_views.routes,
        *district_views.routes,
        *review_views.routes,
        *pages.routes,
    ]


def make_background(settings: Settings, db: Database, live: Live) -> Background:
    """The process's outbox consumers and periodic jobs."""
    background = Background(db)
    background.every(
        "handover", settings.handover_interval, lambda: handover_jobs.run_due(db, settings)
    )
    mail_worker.register(background, db, settings)
    background.every(
        "proposals-expiry",
        settings.proposal_check_interval,
        lambda: proposal_actions.expire_due(db, settings),
    )
    live.hub.listen(background.on_ids)
    db.commit_listeners.append(background.committed)
    return background


def create_app(settings: Settings) -> Starlette:
    hub = make_hub(settings)
    db = Database.for_settings(settings, publisher=hub.publish)
    direct = Direct(db)
    live = Live(settings, db, hub)
    vote_events = VoteEvents(db)
    api = api_routes()
    background = make_background(settings, db, live)
    document = openapi_document(api)

    async def openapi(request: Request) -> Response:
        return JSONResponse(document)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await live.start()
        await background.start()
        try:
            yield
        finally:
            await background.stop()
            await vote_events.stop()
            await live.stop()
            await direct.close()
            await db.dispose()

    routes: list[BaseRoute] = [
        Mount("/api/v1", routes=[*api, *live_socket.routes, Route("/openapi.json", openapi)]),
        Mount("/static", app=StaticFiles(directory=PROJECT_ROOT / "static"), name="static"),
        *page_routes(),
    ]
    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(RequestContextMiddleware, hsts=settings.production),
            Middleware(AuthMiddleware, db=db, direct=direct, settings=settings),
        ],
        exception_handlers={
            DomainError: errors.domain_error_handler,
            HTTPException: errors.http_error_handler,
            Exception: errors.server_error_handler,
        },
        lifespan=lifespan,
    )
    page_cache = FirstPageCache()
    db.commit_listeners.append(page_cache.forget_changed)
    app.state.services = Services(
        settings=settings,
        db=db,
        direct=direct,
        hub=hub,
        live=live,
        background=background,
        limiter=RateLimiter(settings.redis_url, namespace=settings.redis_namespace),
        templates=make_templates(),
        page_cache=page_cache,
        vote_events=vote_events,
        discussion_hooks=moderation_hooks.discussion_hooks(settings),
        personal_data=PERSONAL_DATA,
    )
    return app
