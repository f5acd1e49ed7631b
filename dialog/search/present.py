"""Search results as the page and the API show them."""

from __future__ import annotations

import math

from sqlalchemy.ext.asyncio import AsyncSession

from dialog.discussion.present import DELETED_ACCOUNT, comment_url
from dialog.i18n import gettext as _
from dialog.search import queries
from dialog.search.schemas import PER_PAGE, SearchHit, SearchPage, SearchQuery
from dialog.search.snippets import plain_text, snippet
from dialog.search.terms import query_stems


async def search(session: AsyncSession, query: SearchQuery) -> SearchPage:
    found, total = await queries.comments(session, query.q, PER_PAGE, (query.page - 1) * PER_PAGE)
    wanted = set(query_stems(query.q))
    items = [
        SearchHit(
            kind="comment",
            id=hit.id,
            url=comment_url(hit.id),
            title=hit.thread_title,
            context=hit.procedure_title,
            context_url=f"/procedures/{hit.procedure_id}",
            author=hit.author_name or _(DELETED_ACCOUNT),
            created_at=hit.created_at,
            snippet_html=str(snippet(plain_text(hit.html), wanted)),
        )
        for hit in found
    ]
    shown = min(total, queries.MAX_COUNTED)
    return SearchPage(
        q=query.q,
        items=items,
        total=shown,
        more=total > queries.MAX_COUNTED,
        page=query.page,
        pages=max(1, math.ceil(shown / PER_PAGE)),
    )
