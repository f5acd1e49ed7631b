"""GeoReport v2 documents as JSON or XML, errors included.

The spec's XML wraps lists in a plural element with one singular child per item
(`<services><service>…`); JSON is the same data as arrays and objects. A document is built
once as plain data and written in the asked format.
"""

from __future__ import annotations

import json
from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring

from starlette.responses import Response

FORMATS = {"json": "application/json", "xml": "text/xml"}
# Plural element → the element of each item inside it.
ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
}


class Open311Error(Exception):
    """A request the spec answers with an error document: status and description."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _fill(parent: Element, tag: str, value: Any) -> None:
    element = SubElement(parent, tag)
    if isinstance(value, dict):
        for key, inner in value.items():
            _fill(element, key, inner)
    elif isinstance(value, list):
        for inner in value:
            _fill(element, ITEM_TAGS[tag], inner)
    else:
        element.text = _text(value)


def xml_document(root: str, value: Any) -> bytes:
    holder = Element("holder")
    _fill(holder, root, value)
    body = tostring(holder[0], encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body).encode()


def respond(fmt: str, root: str, value: Any, status: int = 200) -> Response:
    """`value` under `root` (XML) or as it is (JSON)."""
    if fmt == "xml":
        return Response(xml_document(root, value), status, media_type="text/xml; charset=utf-8")
    return Response(json.dumps(value, ensure_ascii=False), status, media_type="application/json")


def error(fmt: str, status: int, description: str) -> Response:
    return respond(
        fmt if fmt in FORMATS else "json",
        "errors",
        [{"code": status, "description": description}],
        status,
    )
