"""Turn JSON bodies, forms and query strings into pydantic models, or a 422 naming each field."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from starlette.requests import Request

from dialog.errors import BadRequest, InvalidInput
from dialog.i18n import gettext as _
from dialog.i18n import lazy

M = TypeVar("M", bound=BaseModel)
MAX_JSON_BYTES = 256_000

MESSAGES = {
    "missing": lazy("This field is required."),
    "string_too_short": lazy("Please enter at least {min_length} characters."),
    "string_too_long": lazy("Please enter at most {max_length} characters."),
    "too_short": lazy("Please choose at least {min_length}."),
    "too_long": lazy("Please choose at most {max_length}."),
    "literal_error": lazy("Please choose one of the offered values."),
    "enum": lazy("Please choose one of the offered values."),
    "int_parsing": lazy("Please enter a whole number."),
    "int_type": lazy("Please enter a whole number."),
    "date_from_datetime_parsing": lazy("Please enter a date such as 2026-05-31."),
    "date_parsing": lazy("Please enter a date such as 2026-05-31."),
    "datetime_parsing": lazy("Please enter a date and time such as 2026-05-31T18:00."),
    "datetime_from_date_parsing": lazy("Please enter a date and time such as 2026-05-31T18:00."),
    "value_error": lazy("This value is not valid."),
    "extra_forbidden": lazy("This field is not known."),
    "url_parsing": lazy("Please enter a full web address starting with https://."),
    "url_scheme": lazy("Please enter a full web address starting with https://."),
    "greater_than_equal": lazy("Please enter a number of at least {ge}."),
    "less_than_equal": lazy("Please enter a number of at most {le}."),
    "bool_parsing": lazy("Please choose yes or no."),
    "string_type": lazy("Please enter text."),
    "list_type": lazy("Please choose from the list."),
}
FALLBACK = lazy("This value is not valid.")


def field_errors(error: ValidationError) -> dict[str, str]:
    fields: dict[str, str] = {}
    for detail in error.errors(include_url=False):
        name = ".".join(str(part) for part in detail["loc"] if not isinstance(part, int)) or "body"
        fields.setdefault(name, _message(detail))
    return fields


def _message(detail: ErrorDetails) -> str:
    if detail["type"] == "value_error":
        # Our own validators raise ValueError with a message marked by lazy().
        reason = str(detail.get("ctx", {}).get("error", ""))
        if reason:
            return _(reason)
    template = _(MESSAGES.get(detail["type"], FALLBACK))
    ctx = {key: value for key, value in detail.get("ctx", {}).items()}
    try:
        return template.format(**ctx)
    except (KeyError, IndexError):
        return template


def validate(model: type[M], data: Mapping[str, Any]) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise InvalidInput(lazy("Please check the marked fields."), field_errors(error)) from None


async def json_body(request: Request, model: type[M]) -> M:
    content_type = request.headers.get("content-type", "").split(";")[0].strip()
    if content_type != "application/json":
        raise BadRequest(lazy("Send the body as application/json."))
    raw = await request.body()
    if len(raw) > MAX_JSON_BYTES:
        raise BadRequest(lazy("The request body is too large."))
    try:
        data = json.loads(raw or b"null")
    except ValueError:
        raise BadRequest(lazy("The request body is not valid JSON.")) from None
    if not isinstance(data, dict):
        raise BadRequest(lazy("The request body must be a JSON object."))
    return validate(model, data)


async def form_data(request: Request) -> dict[str, Any]:
    """Form fields as a dict; repeated fields (checkbox groups, multi-selects) become lists."""
    form = await request.form()
    data: dict[str, Any] = {}
    for key in form:
        if key == "csrf_token":
            continue
        values = [v for v in form.getlist(key) if isinstance(v, str)]
        data[key] = values if len(values) > 1 or key.endswith("[]") else values[0]
    return {key.removesuffix("[]"): value for key, value in data.items()}
