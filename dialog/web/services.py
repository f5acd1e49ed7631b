"""The process's services, built once by the composition root and reached from any request.

`create_app` builds one `Services`; handlers get it with `services(request)` (a WebSocket too)
instead of looking up loose attributes of `app.state`. The types are imported for checking only:
the packages that use this module are the ones these services come from.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from starlette.requests import HTTPConnection

if TYPE_CHECKING:
    from starlette.templating import Jinja2Templates

    from dialog.accounts.personal_data import PersonalData
    from dialog.background import Background
    from dialog.concerns.hooks import ConcernHooks
    from dialog.db import Database
    from dialog.direct import Direct
    from dialog.discussion.hooks import DiscussionHooks
    from dialog.discussion.page_cache import FirstPageCache
    from dialog.discussion.voting import VoteEvents
    from dialog.live.hub import Hub
    from dialog.live.service import Live
    from dialog.ratelimit import RateLimiter
    from dialog.recent import Recent
    from dialog.settings import Settings


@dataclass(frozen=True)
class Services:
    settings: Settings
    db: Database
    direct: Direct  # transaction scripts for the hottest paths
    hub: Hub
    live: Live
    background: Background
    limiter: RateLimiter
    templates: Jinja2Templates
    page_cache: FirstPageCache  # first pages of threads
    recent: Recent  # what signed-in requests just read of their reader (dialog.recent)
    vote_events: VoteEvents
    discussion_hooks: DiscussionHooks  # what moderation adds to posting
    personal_data: PersonalData  # every package's part of a person's data export and erasure
    concern_hooks: ConcernHooks  # what moderation adds to ideas and complaints (audit log)


def services(connection: HTTPConnection) -> Services:
    """The services of the app that serves this request or socket."""
    return cast("Services", connection.app.state.services)
