"""Pages of notifications: the list, follow buttons, what I follow, mail choices, unsubscribe."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from dialog.accounts.web import safe_next
from dialog.errors import InvalidInput, NotFound
from dialog.i18n import lazy
from dialog.notifications import follows, kinds, pages, service, unsubscribe
from dialog.notifications.schemas import PreferencesIn
from dialog.web.api import actor, database
from dialog.web.inputs import form_data, validate
from dialog.web.services import services
from dialog.web.templating import render

PAGE = 30


async def notification_list(request: Request) -> Response:
    user_id = service.signed_in(actor(request))
    raw = request.query_params.get("before", "")
    digits = raw.isascii() and raw.isdigit() and len(raw) < 11
    before = int(raw) if digits and 0 < int(raw) <= service.MAX_ID else None
    context = await pages.notification_page(database(request), user_id, before, PAGE)
    context["done"] = request.query_params.get("done", "")
    return render(request, "notifications/list.html", context)


async def mark_read(request: Request) -> Response:
    user_id = service.signed_in(actor(request))
    form = await form_data(request)
    raw = form.get("ids", [])
    ids = [
        int(v)
        for v in ([raw] if isinstance(raw, str) else raw)
        if v.isascii() and v.isdigit() and len(v) < 11
    ]
    await pages.mark_read(database(request), user_id, ids, every=bool(form.get("all")))
    return RedirectResponse("/notifications?done=read", status_code=303)


async def follow_form(request: Request) -> Response:
    """POST /follows: kind, id, following (1 or 0), next: the page to go back to."""
    form = await form_data(request)
    kind, raw_id = str(form.get("kind", "")), str(form.get("id", ""))
    if kind not in follows.KINDS:
        raise InvalidInput(lazy("Please check the marked fields."), {"kind": lazy("Unknown kind.")})
    if not raw_id.isdigit() or len(raw_id) > 10:
        raise InvalidInput(lazy("Please check the marked fields."), {"id": lazy("No such id.")})
    wanted = service.target(kind, int(raw_id))
    following = form.get("following") == "1"
    await service.set_following(database(request), actor(request), wanted, following)
    done = "followed" if following else "unfollowed"
    target = safe_next(str(form.get("next", "")) or "/me/following")
    separator = "&" if "?" in target else "?"
    return RedirectResponse(f"{target}{separator}done={done}", status_code=303)


async def following(request: Request) -> Response:
    user_id = service.signed_in(actor(request))
    async with database(request).reading() as session:
        found = await follows.follows_of(session, user_id)
    context = {"follows": found, "done": request.query_params.get("done", "")}
    return render(request, "notifications/following.html", context)


async def preferences(request: Request) -> Response:
    who = actor(request)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        service.signed_in(who)
        form = {
            k: v for k, v in (await form_data(request)).items() if k in PreferencesIn.model_fields
        }
        try:
            chosen = validate(PreferencesIn, form)
        except InvalidInput as error:
            errors, status = {k: str(v) for k, v in error.fields.items()}, 422
        else:
            values = {k: v for k, v in chosen.model_dump().items() if v is not None}
            await service.set_preferences(database(request), who, values)
            return RedirectResponse("/me/notifications?done=saved", status_code=303)
    current = await service.preferences(database(request), who)
    context = {
        "current": current.model_dump(),
        "kinds": list(kinds.Kind),
        "modes": list(kinds.Mode),
        "labels": kinds.LABELS,
        "mode_labels": kinds.MODE_LABELS,
        "errors": errors,
        "done": request.query_params.get("done", ""),
    }
    return render(request, "notifications/preferences.html", context, status_code=status)


async def unsubscribe_page(request: Request) -> Response:
    """GET: a page that asks to confirm; POST (the page's button, or a mail program's one-click
    request with `List-Unsubscribe=One-Click`, RFC 8058): turn those mails off."""
    settings = services(request).settings
    raw = str(request.path_params["token"])
    found = unsubscribe.read(settings.secret_key, raw)
    if found is None:
        raise NotFound(lazy("This unsubscribe link is not valid."))
    user_id, scope = found
    done = False
    if request.method == "POST":
        done = await pages.unsubscribe(database(request), user_id, scope)
    context = {"token": raw, "scope": scope, "done": done, "labels": kinds.LABELS}
    return render(request, "notifications/unsubscribe.html", context)


routes: list[BaseRoute] = [
    Route("/notifications", notification_list),
    Route("/notifications/read", mark_read, methods=["POST"]),
    Route("/follows", follow_form, methods=["POST"]),
    Route("/me/following", following),
    Route("/me/notifications", preferences, methods=["GET", "POST"]),
    Route("/unsubscribe/{token:str}", unsubscribe_page, methods=["GET", "POST"]),
]
