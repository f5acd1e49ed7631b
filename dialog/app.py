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
from dialog.concerns import annual_views as concern_annual
from dialog.concerns import api as concern_api
from dialog.concerns import events as concern_events
from dialog.concerns import jobs as concern_jobs
from dialog.concerns import personal_data as concern_data
from dialog.concerns import queries as concern_queries
from dialog.concerns import retention as concern_retention
from dialog.concerns import views as concern_views
from dialog.concerns.hooks import ConcernHooks
from dialog.db import Database
from dialog.direct import Direct
from dialog.discussion import api as discussion_api
from dialog.discussion import events as discussion_events
from dialog.discussion import personal_data as discussion_data
from dialog.discussion import views as discussion_views
from dialog.discussion.hooks import DiscussionHooks
from dialog.discussion.page_cache import FirstPageCache
from dialog.discussion.voting import VoteEvents
from dialog.districts import views as district_views
from dialog.errors import DomainError
from dialog.evaluation import api as evaluation_api
from dialog.evaluation import jobs as evaluation_jobs
from dialog.evaluation import personal_data as evaluation_data
from dialog.evaluation import views as evaluation_views
from dialog.feeds import views as feed_views
from dialog.live import events as live_events
from dialog.live import socket as live_socket
from dialog.live.events import EventRegistry
from dialog.live.service import Live, make_hub
from dialog.mail import personal_data as mail_data
from dialog.mail import worker as mail_worker
from dialog.methods import api as method_api
from dialog.methods import views as method_views
from dialog.notifications import api as notification_api
from dialog.notifications import events as notification_events
from dialog.notifications import mailing as notification_mailing
from dialog.notifications import personal_data as notification_data
from dialog.notifications import queries as notification_queries
from dialog.notifications import views as notification_views
from dialog.notifications.consumer import NotificationConsumer
from dialog.open311 import api as open311_api
from dialog.organisations import api as organisation_api
from dialog.organisations import personal_data as organisation_data
from dialog.organisations import views as organisation_views
from dialog.procedures import api as procedure_api
from dialog.procedures import events as procedure_events
from dialog.procedures import views as procedure_views
from dialog.proposals import actions as proposal_actions
from dialog.proposals import api as proposal_api
from dialog.proposals import events as proposal_events
from dialog.proposals import personal_data as proposal_data
from dialog.proposals import views as proposal_views
from dialog.ratelimit import RateLimiter
from dialog.recent import Recent
from dialog.results import api as results_api
from dialog.results import events as results_events
from dialog.results import jobs as handover_jobs
from dialog.results import queries as results_queries
from dialog.results import views as results_views
from dialog.review import api as review_api
from dialog.review import personal_data as review_data
from dialog.review import views as review_views
from dialog.saved_searches import api as saved_search_api
from dialog.saved_searches import personal_data as saved_search_data
from dialog.saved_searches import views as saved_search_views
from dialog.saved_searches.consumer import SavedSearchConsumer
from dialog.search import api as search_api
from dialog.search import views as search_views
from dialog.settings import PROJECT_ROOT, Settings, map_origin
from dialog.web import errors, ids, pages
from dialog.web.api import openapi_document
from dialog.web.middleware import RequestContextMiddleware
from dialog.web.navigation import NavigationMiddleware
from dialog.web.nul_guard import NulGuardMiddleware
from dialog.web.services import Services
from dialog.web.templating import make_templates
from moderation import api as moderation_api
from moderation import audit as moderation_audit
from moderation import cli as moderation_cli
from moderation import events as moderation_events
from moderation import hooks as moderation_hooks
from moderation import queries as moderation_queries
from moderation import views as moderation_views

# Sub-commands of `dialog` that other parts own; dialog.cli finds them here.
cli_commands = {"audit": moderation_cli.cmd_audit}

# Every event type the platform emits, as each part declares them (the README's table).
EVENT_TYPES = EventRegistry(
    discussion_events.TYPES,
    results_events.TYPES,
    moderation_events.TYPES,
    live_events.TYPES,
    procedure_events.TYPES,
    notification_events.TYPES,
    concern_events.TYPES,
    proposal_events.TYPES,
)


# Every package that keeps personal data: its part of the export and of account erasure.
PERSONAL_DATA = PersonalData(
    [
        discussion_data.PART,
        notification_data.PART,
        mail_data.PART,
        concern_data.PART,
        evaluation_data.PART,
        saved_search_data.PART,
        proposal_data.PART,
        organisation_data.PART,
        review_data.PART,
    ]
)

# Ideas and complaints write to moderation's audit log (the one hash chain of the platform).
CONCERN_HOOKS = ConcernHooks(audit=moderation_audit.append)


def api_routes() -> list[BaseRoute]:
    return [
        *procedure_api.routes,
        *discussion_api.routes,
        *account_api.routes,
        *results_api.routes,
        *moderation_api.routes,
        *evaluation_api.routes,
        *notification_api.routes,
        *saved_search_api.routes,
        *concern_api.routes,
        *search_api.routes,
        *proposal_api.routes,
        *organisation_api.routes,
        *review_api.routes,
        *method_api.routes,
    ]


def page_routes() -> list[BaseRoute]:
    return [
        *feed_views.routes,  # before /procedures/{key}, which would take "12.atom" as a slug
        *procedure_views.routes,
        *discussion_views.routes,
        *account_views.routes,
        *results_views.routes,
        *moderation_views.routes,
        *notification_views.routes,
        *concern_annual.routes,
        *concern_views.routes,
        *open311_api.routes,
        *proposal_views.routes,
        *organisation_views.routes,
        *district_views.routes,
        *review_views.routes,
        *method_views.routes,
        *pages.routes,
        *evaluation_views.routes,
        *search_views.routes,
        *saved_search_views.routes,
    ]


SQLITE_CHECKPOINT_SECONDS = 1.0


def make_background(settings: Settings, db: Database, live: Live) -> Background:
    """The process's outbox consumers and periodic jobs."""
    background = Background(db)
    background.every(
        "handover", settings.handover_interval, lambda: handover_jobs.run_due(db, settings)
    )
    mail_worker.register(background, db, settings)
    # Opinion groups: the consumer notes changed threads, the job recomputes settled ones.
    background.consume(evaluation_jobs.ThreadChanges())
    background.every(
        "opinion-groups", evaluation_jobs.INTERVAL, lambda: evaluation_jobs.recompute_settled(db)
    )
    # notifications: the consumer of the outbox, and the jobs that mail what it wrote
    background.consume(NotificationConsumer(settings))
    notification_mailing.register(background, db, settings, make_templates().env)
    concern_jobs.register(background, db, settings, CONCERN_HOOKS)
    concern_retention.register(background, db, settings)
    background.consume(SavedSearchConsumer(settings))
    background.every(
        "proposals-expiry",
        settings.proposal_check_interval,
        lambda: proposal_actions.expire_due(db, settings),
    )
    if db.is_sqlite:  # the log copied to the file in the background, not in a request's COMMIT
        background.every("sqlite-checkpoint", SQLITE_CHECKPOINT_SECONDS, db.checkpoint)
    live.hub.listen(background.on_ids)
    db.commit_listeners.append(background.committed)
    return background


def create_app(settings: Settings) -> Starlette:
    hub = make_hub(settings)
    db = Database.for_settings(settings, publisher=hub.publish)
    direct = Direct(db)
    live = Live(settings, db, hub)
    vote_events = VoteEvents(db)
    recent = Recent()  # forgets all it kept on every commit of this process
    db.commit_listeners.append(recent.committed)
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
    ids.name_path_ids(routes)  # every :int path parameter is an id within 1..2^31-1
    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(
                RequestContextMiddleware,
                hsts=settings.production,
                image_origin=map_origin(settings.map_tiles) if settings.map_tiles else None,
            ),
            Middleware(NulGuardMiddleware),
            Middleware(
                AuthMiddleware,
                db=db,
                direct=direct,
                settings=settings,
                header_column=notification_queries.UNREAD_COLUMN,
                recent=recent,
            ),
            # The header's role links and what waits behind them (after the actor is known).
            Middleware(
                NavigationMiddleware,
                db=db,
                direct=direct,
                queue_length=moderation_queries.queue_length,
                unanswered=results_queries.unanswered_count,
                department_slug=results_queries.department_slug,
                office_open=concern_queries.count_open,
                unread=notification_queries.unread,
            ),
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
        templates=make_templates(reload=not settings.production),
        page_cache=page_cache,
        recent=recent,
        vote_events=vote_events,
        discussion_hooks=discussion_hooks(settings),
        personal_data=PERSONAL_DATA,
        concern_hooks=CONCERN_HOOKS,
    )
    return app


def discussion_hooks(settings: Settings) -> DiscussionHooks:
    """What moderation plugs into the discussion: for the app, and for the demo's flag."""
    return moderation_hooks.discussion_hooks(settings)
