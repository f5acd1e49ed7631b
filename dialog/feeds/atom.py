"""Atom (RFC 4287) documents from plain entries: no template, the XML writer escapes."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

NS = "http://www.w3.org/2005/Atom"
# The date in tag URIs (RFC 4151) names when the authority first minted them; it never moves,
# so an entry's id stays the same for as long as the platform runs under that host.
TAG_DATE = "2026"


def tag_uri(base_url: str, specific: str) -> str:
    """A stable entry or feed id: tag:HOST,2026:procedure:12."""
    host = urlsplit(base_url).hostname or "localhost"
    return f"tag:{host},{TAG_DATE}:{specific}"


def stamp(moment: datetime) -> str:
    """RFC 3339 in UTC, as Atom wants it."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    updated: datetime
    link: str
    published: datetime | None = None
    summary: str = ""  # plain text
    html: str = ""  # sanitized HTML content (it was sanitized when it was written)
    author: str = ""
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class Feed:
    id: str
    title: str
    link: str  # the page the feed belongs to
    self_link: str
    updated: datetime  # the newest entry's, or the subject's own change when there is none
    language: str
    author: str
    subtitle: str = ""
    entries: Sequence[Entry] = field(default_factory=tuple)


# Characters XML 1.0 cannot carry at all, not even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(parent: ET.Element, name: str, value: str, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{NS}}}{name}", attributes)
    element.text = _NOT_XML.sub("", value)
    return element


def _link(parent: ET.Element, rel: str, type_: str, href: str) -> None:
    ET.SubElement(parent, f"{{{NS}}}link", {"rel": rel, "type": type_, "href": href})


def render(feed: Feed) -> bytes:
    ET.register_namespace("", NS)
    root = ET.Element(f"{{{NS}}}feed", {"xml:lang": feed.language})
    _text(root, "id", feed.id)
    _text(root, "title", feed.title)
    if feed.subtitle:
        _text(root, "subtitle", feed.subtitle)
    _text(root, "updated", stamp(feed.updated))
    ET.SubElement(
        root, f"{{{NS}}}link", {"rel": "alternate", "type": "text/html", "href": feed.link}
    )
    ET.SubElement(
        root,
        f"{{{NS}}}link",
        {"rel": "self", "type": "application/atom+xml", "href": feed.self_link},
    )
    author = ET.SubElement(root, f"{{{NS}}}author")
    _text(author, "name", feed.author)
    _text(root, "generator", "dialog")
    for entry in feed.entries:
        item = ET.SubElement(root, f"{{{NS}}}entry")
        _text(item, "id", entry.id)
        _text(item, "title", entry.title)
        _text(item, "updated", stamp(entry.updated))
        if entry.published is not None:
            _text(item, "published", stamp(entry.published))
        _link(item, "alternate", "text/html", entry.link)
        if entry.author:
            _text(ET.SubElement(item, f"{{{NS}}}author"), "name", entry.author)
        for category in entry.categories:
            ET.SubElement(item, f"{{{NS}}}category", {"term": category})
        if entry.summary:
            _text(item, "summary", entry.summary)
        if entry.html:
            _text(item, "content", entry.html, type="html")
    body: bytes = ET.tostring(root, encoding="utf-8")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + body


# The `updated` of a feed that has no entry and no subject of its own (an empty filter result).
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
