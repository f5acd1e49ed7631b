"""Turn JSON bodies, forms and query strings into pydantic models, or a 422 naming each field."""

from __future__ import annotations

import json
import unicodedata
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


def blank_means_none(schema: dict[str, Any]) -> None:
    """json_schema_extra of an optional field that takes "" for none (an empty form field):
    the API document then says that "" is accepted."""
    schema.setdefault("anyOf", []).append({"type": "string", "maxLength": 0})


def is_blank(text: str) -> bool:
    """Nothing a reader could see: whitespace and invisible format characters only (zero-width
    spaces and joiners, bidi controls, soft hyphens: Unicode category Cf)."""
    return all(char.isspace() or unicodedata.category(char) == "Cf" for char in text)


NUL_MESSAGE = lazy("This field contains a character that is not allowed (NUL).")


def nul_fields(data: Any, name: str = "body") -> dict[str, str]:
    """Fields whose text holds a NUL character (PostgreSQL cannot store one), by dotted name."""
    if isinstance(data, str):
        return {name: _(NUL_MESSAGE)} if "\x00" in data else {}
    found: dict[str, str] = {}
    if isinstance(data, Mapping):
        for key, value in data.items():
            key_name = str(key) if name == "body" else f"{name}.{key}"
            found |= nul_fields(key, key_name) | nul_fields(value, key_name)
    elif isinstance(data, list):
        for value in data:
            found |= nul_fields(value, name)
    return found


def validate(model: type[M], data: Mapping[str, Any]) -> M:
    """The model from the data, or 422 naming each bad field (NUL characters included)."""
    if found := nul_fields(data):
        raise InvalidInput(lazy("Please check the marked fields."), found)
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise InvalidInput(lazy("Please check the marked fields."), field_errors(error)) from None


def _whole_if_integral(text: str) -> float | int:
    """12.0 is the integer 12 (as in JSON Schema); a float field takes it as well."""
    number = float(text)
    return int(number) if number.is_integer() else number


def query_as(request: Request, model: type[M]) -> M:
    """The query string as the model; an empty parameter (`?page=`) counts as left out, as an
    HTML form's empty field does (the API document says allowEmptyValue)."""
    return validate(model, {k: v for k, v in request.query_params.items() if v != ""})


async def json_body(request: Request, model: type[M]) -> M:
    content_type = request.headers.get("content-type", "").split(";")[0].strip()
    if content_type != "application/json":
        raise BadRequest(lazy("Send the body as application/json."))
    raw = await request.body()
    if len(raw) > MAX_JSON_BYTES:
        raise BadRequest(lazy("The request body is too large."))
    try:
        data = json.loads(raw or b"null", parse_float=_whole_if_integral)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than Python's stack
        raise BadRequest(lazy("The request body is not valid JSON.")) from None
    if not isinstance(data, dict):
        raise BadRequest(lazy("The request body must be a JSON object."))
    if found := nul_fields(data):
        raise InvalidInput(lazy("Please check the marked fields."), found)
    try:
        # Strict: JSON's true is not the number 1, nor "5" the number 5.
        return model.model_validate_json(json.dumps(data), strict=True)
    except ValidationError as error:
        raise InvalidInput(lazy("Please check the marked fields."), field_errors(error)) from None


async def form_data(request: Request) -> dict[str, Any]:
    """Form fields as a dict; repeated fields (checkbox groups, multi-selects) become lists."""
    form = await request.form()
    data: dict[str, Any] = {}
    for key in form:
        if key == "csrf_token":
            continue
        values = [v for v in form.getlist(key) if isinstance(v, str)]
        if not values and not key.endswith("[]"):
            continue  # files only (an upload field): the view reads them from the form itself
        data[key] = values if len(values) > 1 or key.endswith("[]") else values[0]
    fields = {key.removesuffix("[]"): value for key, value in data.items()}
    if found := nul_fields(fields):
        raise InvalidInput(lazy("Please check the marked fields."), found)
    return fields
