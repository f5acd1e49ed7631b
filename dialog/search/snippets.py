"""A result's text around the first matched word, escaped, with the matched words in <mark>."""

from __future__ import annotations

import html
import re

from markupsafe import Markup

from dialog.search.stemming import stem

TAG = re.compile(r"<[^>]*>")
TOKEN = re.compile(r"\w+|\W+", re.UNICODE)
WINDOW = 30  # words shown around the first match


def plain_text(sanitized_html: str) -> str:
    """The visible text of sanitized HTML (what was rendered from Markdown)."""
    return " ".join(html.unescape(TAG.sub(" ", sanitized_html)).split())


def snippet(text: str, wanted: set[str]) -> Markup:
    tokens = TOKEN.findall(text)
    word_positions = [i for i, token in enumerate(tokens) if token[0].isalnum() or token[0] == "_"]
    hits = [i for i in word_positions if stem(tokens[i]) in wanted]
    first = word_positions.index(hits[0]) if hits else 0
    start_word = max(0, first - WINDOW // 3)
    end_word = min(len(word_positions), start_word + WINDOW)
    if not word_positions:
        return Markup("")
    start = word_positions[start_word]
    end = word_positions[end_word - 1] + 1
    parts = ["… " if start_word > 0 else ""]
    matched = set(hits)
    for i in range(start, end):
        escaped = html.escape(tokens[i])
        parts.append(f"<mark>{escaped}</mark>" if i in matched else escaped)
    parts.append(" …" if end_word < len(word_positions) else "")
    return Markup("".join(parts))  # noqa: S704  (every piece above was escaped)
