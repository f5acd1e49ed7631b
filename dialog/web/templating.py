"""Jinja2 with autoescape, Babel's gettext and the locale-aware formatters."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from dialog import i18n, labels
from dialog.accounts.actor import ANONYMOUS
from dialog.accounts.devices import device_label
from dialog.identity import Identity
from dialog.proposals import labels as proposal_labels
from dialog.review import labels as review_labels
from dialog.settings import PROJECT_ROOT
from dialog.web.services import services

TEMPLATE_DIR = PROJECT_ROOT / "templates"


def make_templates(*, reload: bool = True) -> Jinja2Templates:
    """The templates; `reload`: a template whose file changed is read again (development;
    in production every template is read once, not checked on every use)."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        auto_reload=reload,
        autoescape=select_autoescape(default=True, default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]  # added by the i18n extension
        i18n.gettext, i18n.ngettext, newstyle=True
    )
    env.filters["day"] = i18n.format_day
    env.filters["moment"] = i18n.format_moment
    env.filters["machine"] = i18n.machine_time
    env.filters["number"] = i18n.format_number
    env.globals["LOCALES"] = i18n.LOCALES
    env.globals["device_label"] = device_label
    for name in (
        "phase_label",
        "level_label",
        "initiator_label",
        "effort_label",
        "moderation_label",
        "sort_label",
        "time_left",
    ):
        env.globals[name] = getattr(labels, name)
    env.globals["PHASES"] = list(labels.PHASES)
    env.globals["LEVELS"] = list(labels.LEVELS)
    env.globals["INITIATORS"] = list(labels.INITIATORS)
    # Proposals and organisations (dialog.proposals.labels).
    env.globals["proposal_state_label"] = proposal_labels.state_label
    env.globals["organisation_kind_label"] = proposal_labels.kind_label
    env.globals["review_status_label"] = review_labels.status_label
    env.globals["review_entry_label"] = review_labels.entry_label
    env.globals["method_duration_label"] = review_labels.duration_label
    return Jinja2Templates(env=env, context_processors=[page_context])


def page_context(request: Request) -> dict[str, Any]:
    """What every page knows: who is asking, the CSRF token, the language, the path."""
    state = request.scope.get("state", {})
    return {
        "actor": state.get("actor", ANONYMOUS),
        "csrf_token": state.get("csrf_token", ""),
        "locale": state.get("locale", i18n.DEFAULT_LOCALE),
        "path": request.url.path,
        "brand": Identity.of(services(request).settings),
        "nav": state.get("nav", []),
        "unread": state.get("unread", 0),
    }


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    templates: Jinja2Templates = services(request).templates
    response = templates.TemplateResponse(request, name, context or {}, status_code=status_code)
    return response
