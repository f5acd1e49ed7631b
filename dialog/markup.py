"""The one place where user text becomes HTML: Markdown subset, then the nh3 allowlist."""

from __future__ import annotations

from html import unescape

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {"p", "br", "em", "strong", "ul", "ol", "li", "blockquote", "a", "code"}
ALLOWED_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener"

# Raw HTML off; only the block and inline rules residents need. Headings, images, tables and
# code blocks stay plain text, so a post cannot imitate the page around it.
_markdown = (
    MarkdownIt("zero", {"html": False, "linkify": False, "breaks": True, "typographer": False})
    .enable(["paragraph", "emphasis", "list", "blockquote", "link", "newline", "escape"])
    .enable(["autolink", "backticks"])
)


def render_markdown(text: str) -> str:
    """Markdown to safe HTML; every result passes through sanitize()."""
    return sanitize(_markdown.render(text))


def sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    ).strip()


def plain_text(html: str) -> str:
    """Text without any markup, for exports, notifications and previews."""
    return unescape(nh3.clean(html, tags=set(), attributes={})).strip()
