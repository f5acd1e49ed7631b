"""Input and output shapes of the search (the page and GET /api/v1/search share them)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from dialog.web.text import SearchText

PER_PAGE = 20
MAX_PAGE = 50  # 1,000 results are more than anyone reads; a narrower query serves better


class SearchQuery(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    q: SearchText = Field(min_length=1)
    page: int = Field(default=1, ge=1, le=MAX_PAGE)


class SearchHit(BaseModel):
    kind: str  # "comment"; ideas, complaints and proposals join later
    id: int
    url: str
    title: str  # where it was written: the thread's title
    context: str  # and in which procedure
    context_url: str
    author: str
    created_at: datetime
    snippet_html: str  # escaped text with the matched words in <mark>


class SearchPage(BaseModel):
    q: str
    items: list[SearchHit]
    total: int  # counted up to MAX_COUNTED; `more` says there are more
    more: bool
    page: int
    pages: int
