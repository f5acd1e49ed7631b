"""Ids: whole numbers within 1..2^31-1, the range of the databases' integer keys.

One place for both ways an id arrives: `Id` for fields of input models (JSON bodies, forms,
query strings) and `IdConvertor` for path parameters. `name_path_ids(routes)` gives every `:int`
path parameter of the app a convertor that knows the parameter's name, so an id out of range
answers 422 naming it, before any handler (or database) sees it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from pydantic import BeforeValidator, Field
from starlette.convertors import Convertor, IntegerConvertor
from starlette.routing import BaseRoute, Mount, Route, WebSocketRoute

from dialog.db import MAX_ID
from dialog.errors import InvalidInput
from dialog.i18n import lazy

OUT_OF_RANGE = lazy("This is not a valid id.")


def not_a_bool(value: object) -> object:
    """JSON's true and false are not numbers (pydantic would take them for 1 and 0); 12.0 is
    the whole number 12, as JSON Schema's integer has it."""
    if isinstance(value, bool):
        raise ValueError(lazy("Please enter a whole number."))
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# The bounds first: after a BeforeValidator pydantic would not put them into the JSON schema.
Id = Annotated[int, Field(ge=1, le=MAX_ID), BeforeValidator(not_a_bool)]
# Counters and other whole numbers stored in the same integer columns.
Whole = Annotated[int, Field(ge=0, le=MAX_ID), BeforeValidator(not_a_bool)]


def is_id(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) <= 10 and 1 <= int(text) <= MAX_ID


def parse_id(text: str, name: str) -> int:
    """The id written in `text`, or 422 naming the field `name`."""
    if not is_id(text):
        raise InvalidInput(lazy("Please check the marked fields."), {name: OUT_OF_RANGE})
    return int(text)


class IdConvertor(Convertor[int]):
    regex = "[0-9]+"

    def __init__(self, name: str) -> None:
        self.name = name

    def convert(self, value: str) -> int:
        # Starlette calls this while matching routes: the error handlers answer the error.
        return parse_id(value, self.name)

    def to_string(self, value: int) -> str:
        return str(int(value))


def name_path_ids(routes: Sequence[BaseRoute]) -> None:
    """Replace Starlette's shared int convertor of every route by a named IdConvertor."""
    for route in routes:
        if isinstance(route, Mount):
            name_path_ids(route.routes)
        elif isinstance(route, (Route, WebSocketRoute)):
            for name, convertor in route.param_convertors.items():
                if isinstance(convertor, IntegerConvertor):
                    route.param_convertors[name] = IdConvertor(name)


def unnamed_int_parameters(routes: Sequence[BaseRoute], prefix: str = "") -> list[str]:
    """Paths that still have a bare int parameter (the architecture test wants none)."""
    found: list[str] = []
    for route in routes:
        if isinstance(route, Mount):
            found.extend(unnamed_int_parameters(route.routes, prefix + route.path))
        elif isinstance(route, (Route, WebSocketRoute)) and any(
            isinstance(c, IntegerConvertor) for c in route.param_convertors.values()
        ):
            found.append(prefix + route.path)
    return found
