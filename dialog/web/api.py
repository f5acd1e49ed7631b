"""JSON helpers, documented API routes and the OpenAPI document built from their models."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, TypeAdapter
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route

from dialog.accounts.actor import ANONYMOUS, Actor
from dialog.db import MAX_ID, Database
from dialog.web.services import services


@dataclass(frozen=True)
class Doc:
    summary: str
    response: Any = None  # a pydantic model, list[...] of one, or None for 204
    request: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    status: int = 200
    auth: bool = False
    also: tuple[int, ...] = ()  # further success statuses with the same body (200 on a retry)


class ApiRoute(Route):
    def __init__(self, path: str, endpoint: Callable[..., Any], *, docs: dict[str, Doc]) -> None:
        super().__init__(path, endpoint, methods=list(docs))
        self.docs = docs


def actor(request: Request) -> Actor:
    found: Actor = request.scope.get("state", {}).get("actor", ANONYMOUS)
    return found


def database(request: Request) -> Database:
    db: Database = services(request).db
    return db


def respond(
    payload: BaseModel | Sequence[BaseModel] | dict[str, Any], status: int = 200
) -> Response:
    if isinstance(payload, BaseModel):
        body = payload.model_dump_json().encode()
    elif isinstance(payload, dict):
        return JSONResponse(payload, status_code=status)
    else:
        body = b"[" + b",".join(item.model_dump_json().encode() for item in payload) + b"]"
    return Response(body, status_code=status, media_type="application/json")


ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": {"type": "string"}},
            },
        }
    },
}


def openapi_document(routes: Sequence[BaseRoute], prefix: str = "/api/v1") -> dict[str, Any]:
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    models: dict[str, type[BaseModel]] = {}

    def schema_of(model: Any) -> dict[str, Any]:
        """Named models go to components and are referenced; anything else is inlined."""
        generated = TypeAdapter(model).json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(generated.pop("$defs", {}))
        if isinstance(model, type) and issubclass(model, BaseModel):
            known = models.setdefault(model.__name__, model)
            assert known is model, f"two models named {model.__name__} in the API document"
            schemas[model.__name__] = generated
            return {"$ref": f"#/components/schemas/{model.__name__}"}
        return generated

    for route in _api_routes(routes):
        item = paths.setdefault(prefix + re.sub(r"\{(\w+):\w+\}", r"{\1}", route.path), {})
        for method, doc in route.docs.items():
            operation: dict[str, Any] = {"summary": doc.summary, "responses": {}}
            params = [
                {"name": name, "in": "path", "required": True, "schema": ID_SCHEMA}
                for name in route.param_convertors
            ]
            if doc.query is not None:
                # The model's own schema keeps each field's constraints (minimum, maxLength).
                schema_of(doc.query)
                properties = schemas[doc.query.__name__].get("properties", {})
                for name, field in doc.query.model_fields.items():
                    param = {
                        "name": name,
                        "in": "query",
                        "required": field.is_required(),
                        "schema": properties[name],
                    }
                    if not field.is_required():
                        # Like an HTML form's empty field: `?district=` means no filter.
                        param["allowEmptyValue"] = True
                    params.append(param)
            if params:
                operation["parameters"] = params
            if doc.request is not None and doc.request.model_fields:  # a body of no fields: none
                operation["requestBody"] = {
                    # A body whose fields all have defaults may be left out.
                    "required": any(f.is_required() for f in doc.request.model_fields.values()),
                    "content": {"application/json": {"schema": schema_of(doc.request)}},
                }
            if doc.response is None:
                operation["responses"][str(doc.status)] = {"description": "Done"}
            else:
                for success in (doc.status, *doc.also):
                    operation["responses"][str(success)] = {
                        "description": "OK",
                        "content": {"application/json": {"schema": schema_of(doc.response)}},
                    }
            for status in ("400", "401", "403", "404", "409", "422", "429"):
                operation["responses"][status] = {"$ref": "#/components/responses/Error"}
            if doc.auth:
                operation["security"] = [{"bearer": []}, {"session": []}]
            item[method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": "dialog API", "version": "1"},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "responses": {
                "Error": {
                    "description": "Error",
                    "content": {"application/json": {"schema": ERROR_SCHEMA}},
                }
            },
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "session": {"type": "apiKey", "in": "cookie", "name": "dialog_session"},
            },
        },
    }


def _api_routes(routes: Sequence[BaseRoute]) -> list[ApiRoute]:
    return [route for route, _prefix in api_routes_of(routes)]


def api_routes_of(routes: Sequence[BaseRoute], prefix: str = "") -> Iterator[tuple[ApiRoute, str]]:
    """Each documented route with the path of the mounts it sits in."""
    for route in routes:
        if isinstance(route, ApiRoute):
            yield route, prefix
        elif isinstance(route, Mount):
            yield from api_routes_of(route.routes, prefix + route.path)
