"""Open311 GeoReport v2 under /open311/v2/: discovery, services, service definitions, requests
(list, one, create) and tokens, each as `.json` or `.xml`.

Only public, confirmed ideas and complaints are listed, and never anything about who wrote
them. Creating a request needs an API key the city issued (`DIALOG_OPEN311_API_KEYS`) or an
e-mail address: then the request waits, unlisted, until its author confirms it through the
link mailed to them, and the answer carries a token instead of an id (the spec's `tokens`
resource tells the id once confirmed). Photos are accepted through the web form only: a
`media_url` would make the server fetch what a stranger names.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from dialog.accounts.actor import ANONYMOUS
from dialog.concerns import actions as concern_actions
from dialog.concerns import queries as concern_queries
from dialog.concerns.api import context
from dialog.concerns.models import Category, Concern, Kind, State
from dialog.concerns.present import category_name, kind_label, state_label
from dialog.concerns.schemas import SubmitIn
from dialog.errors import DomainError, InvalidInput, TooManyRequests
from dialog.i18n import gettext as _
from dialog.live.limits import client_address
from dialog.open311 import queries
from dialog.open311.formats import FORMATS, Open311Error, error, respond
from dialog.web.api import database
from dialog.web.services import services

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-12-06T00:00:00Z"
MAX_ID = 2**31 - 1
DESCRIPTION_MAX = 4000
# Our field names where the spec's differ (errors name the spec's).
SPEC_FIELD = {
    "text": "description",
    "lon": "long",
    "place": "address_string",
    "kind": "attribute[kind]",
}


def _format(request: Request) -> str:
    fmt = str(request.path_params.get("fmt", ""))
    if fmt not in FORMATS:
        raise Open311Error(404, "unknown format: use .json or .xml")
    return fmt


def _w3c(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def _service(category: Category) -> dict[str, Any]:
    return {
        "service_code": category.slug,
        "service_name": category_name(category),
        "description": category_name(category),
        "metadata": True,
        "type": "realtime",
        "keywords": ",".join(kind_label(k) for k in Kind),
        "group": _("Ideas and complaints"),
    }


async def discovery(request: Request) -> Response:
    fmt = _format(request)
    settings = services(request).settings
    endpoint = {
        "specification": SPECIFICATION,
        "url": f"{settings.base_url}/open311/v2",
        "changeset": CHANGESET,
        "type": "production" if settings.production else "test",
        "formats": list(FORMATS.values()),
    }
    document = {
        "changeset": CHANGESET,
        "contact": settings.mail_from,
        "key_service": f"{settings.base_url}/contact",
        "endpoints": [endpoint],
    }
    return respond(fmt, "discovery", document)


async def service_list(request: Request) -> Response:
    fmt = _format(request)
    async with database(request).reading() as session:
        categories = await concern_queries.categories(session)
    return respond(fmt, "services", [_service(c) for c in categories])


async def service_definition(request: Request) -> Response:
    fmt = _format(request)
    code = str(request.path_params["code"])
    async with database(request).reading() as session:
        found = next((c for c in await concern_queries.categories(session) if c.slug == code), None)
    if found is None:
        raise Open311Error(404, f"service_code: no service {code!r}")
    kind = {
        "variable": True,
        "code": "kind",
        "datatype": "singlevaluelist",
        "required": False,
        "datatype_description": _("What kind of concern it is (default: notice of a defect)."),
        "order": 1,
        "description": _("Kind"),
        "values": [{"key": k.value, "name": kind_label(k)} for k in Kind],
    }
    return respond(fmt, "service_definition", {"service_code": found.slug, "attributes": [kind]})


def _row(item: Concern, extras: queries.Extras, base_url: str) -> dict[str, Any]:
    category = extras.categories.get(item.category_id)
    notes = extras.answers.get(item.id) or state_label(item.state)
    if item.state == State.forwarded and item.forwarded_to:
        notes = f"{state_label(item.state)}: {item.forwarded_to}"
    photo = extras.photos.get(item.id)
    return {
        "service_request_id": item.id,
        "status": "open" if queries.is_open(item) else "closed",
        "status_notes": notes,
        "service_name": category_name(category) if category else None,
        "service_code": category.slug if category else None,
        "description": item.text,
        "agency_responsible": extras.departments.get(item.department_id or 0),
        "service_notice": None,
        "requested_datetime": _w3c(item.confirmed_at or item.created_at),
        "updated_datetime": _w3c(item.updated_at),
        "expected_datetime": _w3c(queries.expected(item)),
        "address": item.place or None,
        "address_id": None,
        "zipcode": None,
        "lat": item.lat,
        "long": item.lon,
        "media_url": f"{base_url}/concerns/photos/{photo}" if photo else None,
    }


def _ids(raw: str, field: str) -> tuple[int, ...]:
    try:
        values = tuple(int(part) for part in raw.split(",") if part.strip())
    except ValueError:
        raise Open311Error(400, f"{field}: comma-separated numbers") from None
    if not values or any(not 1 <= v <= MAX_ID for v in values):
        raise Open311Error(400, f"{field}: numbers from 1 to {MAX_ID}")
    return values


def _moment(raw: str | None, field: str) -> datetime | None:
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise Open311Error(400, f"{field}: a W3C date-time like 2026-01-01T00:00:00Z") from None
    if moment.tzinfo is None:
        raise Open311Error(400, f"{field}: the time zone is missing (e.g. Z or +01:00)")
    return moment.astimezone(UTC)


def _whole(raw: str | None, field: str, default: int, highest: int) -> int:
    if raw is None or raw == "":
        return default
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= highest:
        raise Open311Error(400, f"{field}: a whole number from 1 to {highest}")
    return int(raw)


def request_filter(params: Any) -> queries.RequestFilter:
    """The spec's filters, checked; without dates the last 90 days, never more than 90."""
    if "\x00" in str(params):
        raise Open311Error(400, "a parameter holds a NUL character")
    statuses = tuple(s for s in (params.get("status") or "").split(",") if s)
    if any(s not in ("open", "closed") for s in statuses):
        raise Open311Error(400, "status: open, closed or both, comma-separated")
    codes = tuple(c for c in (params.get("service_code") or "").split(",") if c)
    start = _moment(params.get("start_date"), "start_date")
    end = _moment(params.get("end_date"), "end_date")
    window = timedelta(days=queries.WINDOW_DAYS)
    if start and end and end - start > window:
        raise Open311Error(400, "start_date: the range may span at most 90 days")
    if start and end and end < start:
        raise Open311Error(400, "end_date: must not lie before start_date")
    if start is None and end is None:
        start = datetime.now(UTC) - window
    elif start is None:
        start = end - window if end else None
    elif end is None:
        end = start + window
    raw_ids = params.get("service_request_id")
    return queries.RequestFilter(
        ids=_ids(raw_ids, "service_request_id") if raw_ids else (),
        codes=codes,
        start=start,
        end=end,
        statuses=statuses,
        page=_whole(params.get("page"), "page", 1, 10_000),
        page_size=_whole(
            params.get("page_size"), "page_size", queries.PAGE_SIZE, queries.MAX_PAGE_SIZE
        ),
    )


async def request_list(request: Request) -> Response:
    fmt = _format(request)
    if request.method == "POST":
        return await create(request, fmt)
    spec = request_filter(request.query_params)
    async with database(request).reading() as session:
        items = await queries.requests(session, spec)
        extras = await queries.extras(session, items)
    base_url = services(request).settings.base_url
    return respond(fmt, "service_requests", [_row(i, extras, base_url) for i in items])


async def request_one(request: Request) -> Response:
    fmt = _format(request)
    raw = str(request.path_params["request_id"])
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_ID:
        raise Open311Error(404, "service_request_id: no such request")
    async with database(request).reading() as session:
        item = await queries.request(session, int(raw))
        if item is None:
            raise Open311Error(404, "service_request_id: no such request")
        extras = await queries.extras(session, [item])
    base_url = services(request).settings.base_url
    return respond(fmt, "service_requests", [_row(item, extras, base_url)])


def issue_token(secret: str, concern_id: int) -> str:
    mac = hmac.new(secret.encode(), f"open311:{concern_id}".encode(), hashlib.sha256)
    return f"{concern_id}-{mac.hexdigest()[:32]}"


def token_id(secret: str, token: str) -> int | None:
    number, _sep, _mac = token.partition("-")
    if not (number.isascii() and number.isdigit()) or not 1 <= int(number) <= MAX_ID:
        return None
    return int(number) if hmac.compare_digest(issue_token(secret, int(number)), token) else None


async def token(request: Request) -> Response:
    fmt = _format(request)
    given = str(request.path_params["token"])
    found = token_id(services(request).settings.secret_key, given)
    if found is None:
        raise Open311Error(404, "token: no such token")
    async with database(request).reading() as session:
        item = await queries.request(session, found)
    row = {"service_request_id": item.id if item else None, "token": given}
    return respond(fmt, "service_requests", [row])


def _client(request: Request, form: FormData) -> str | None:
    """The name of the client whose API key came, None without one; 403 for a wrong key."""
    key = str(form.get("api_key") or "")
    if not key:
        return None
    keys = services(request).settings.open311_api_keys
    for known, name in keys.items():
        if hmac.compare_digest(known.encode(), key.encode()):
            return name
    raise Open311Error(403, "api_key: this key is not valid")


def _coordinate(form: FormData, field: str, lowest: float, highest: float) -> float | None:
    raw = str(form.get(field) or "")
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise Open311Error(400, f"{field}: a number in WGS84 degrees") from None
    if not lowest <= value <= highest:
        raise Open311Error(400, f"{field}: from {lowest:g} to {highest:g}")
    return value


async def _submission(request: Request, form: FormData) -> SubmitIn:
    for field, value in form.multi_items():
        if not isinstance(value, str) or "\x00" in value:
            raise Open311Error(400, f"{field}: plain text without NUL characters")
    if form.get("media_url"):
        raise Open311Error(
            400, "media_url: photos are accepted through the web form only (/concerns/new)"
        )
    code = str(form.get("service_code") or "")
    if not code:
        raise Open311Error(400, "service_code: required")
    description = str(form.get("description") or "").strip()
    if not description:
        raise Open311Error(400, "description: required")
    if len(description) > DESCRIPTION_MAX:
        raise Open311Error(400, f"description: at most {DESCRIPTION_MAX} characters")
    lat = _coordinate(form, "lat", -90, 90)
    lon = _coordinate(form, "long", -180, 180)
    address = str(form.get("address_string") or "").strip()
    if (lat is None) != (lon is None):
        raise Open311Error(400, "long: lat and long come together")
    if lat is None and not address and not form.get("address_id"):
        raise Open311Error(400, "lat: a location is required (lat and long, or address_string)")
    kind = str(form.get("attribute[kind]") or Kind.defect)
    if kind not in {k.value for k in Kind}:
        raise Open311Error(400, f"attribute[kind]: one of {', '.join(k.value for k in Kind)}")
    async with database(request).reading() as session:
        category = next(
            (c for c in await concern_queries.categories(session) if c.slug == code), None
        )
    if category is None:
        raise Open311Error(404, f"service_code: no service {code!r}")
    values = {
        "kind": kind,
        "category": category.id,
        "text": description,
        "place": address or str(form.get("address_id") or ""),
        "lat": lat,
        "lon": lon,
        "public": True,
        "email": str(form.get("email") or "") or None,
    }
    try:
        return SubmitIn.model_validate(values)
    except ValidationError as invalid:
        problem = invalid.errors()[0]
        field = str(problem["loc"][0]) if problem["loc"] else "request"
        raise Open311Error(400, f"{SPEC_FIELD.get(field, field)}: {problem['msg']}") from None


async def create(request: Request, fmt: str) -> Response:
    form = await request.form(max_files=0, max_fields=50)
    client = _client(request, form)
    data = await _submission(request, form)
    if client is None and data.email is None:
        raise Open311Error(
            400, "api_key: an API key, or an e-mail address to confirm the request, is required"
        )
    limiter = services(request).limiter
    await limiter.hit(
        "open311", f"key:{client}" if client else f"ip:{client_address(request.scope)}"
    )
    async with database(request).unit_of_work() as uow:
        done = await concern_actions.do_submit(uow, context(request), ANONYMOUS, data)
        item = done.item
    row: dict[str, object]
    if item.state == State.unconfirmed:
        row = {
            "token": issue_token(services(request).settings.secret_key, item.id),
            "service_notice": _("Please confirm your request with the link we sent by e-mail."),
            "account_id": None,
        }
    else:
        row = {"service_request_id": item.id, "service_notice": None, "account_id": None}
    return respond(fmt, "service_requests", [row], 201)


def _guarded(endpoint: Any) -> Any:
    """Answer every error as the spec's error document in the asked format."""

    async def handle(request: Request) -> Response:
        fmt = str(request.path_params.get("fmt", "json"))
        try:
            response: Response = await endpoint(request)
            return response
        except Open311Error as failed:
            return error(fmt, failed.status, failed.description)
        except TooManyRequests as limited:
            response = error(fmt, 429, _(str(limited)))
            response.headers["Retry-After"] = str(limited.retry_after)
            return response
        except InvalidInput as invalid:
            first = next(iter(invalid.fields.items()), ("request", str(invalid)))
            return error(fmt, 400, f"{SPEC_FIELD.get(first[0], first[0])}: {_(first[1])}")
        except DomainError as refused:
            return error(fmt, refused.status, _(str(refused)))

    return handle


routes: list[BaseRoute] = [
    Route("/open311/v2/discovery.{fmt}", _guarded(discovery)),
    Route("/open311/v2/services.{fmt}", _guarded(service_list)),
    Route("/open311/v2/services/{code}.{fmt}", _guarded(service_definition)),
    Route("/open311/v2/requests.{fmt}", _guarded(request_list), methods=["GET", "POST"]),
    Route("/open311/v2/requests/{request_id}.{fmt}", _guarded(request_one)),
    Route("/open311/v2/tokens/{token}.{fmt}", _guarded(token)),
]
