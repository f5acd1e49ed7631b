"""Builders for proposal tests, through the real API."""

from __future__ import annotations

from typing import Any

from dialog.accounts.models import User
from tests import factories


def new_proposal(**fields: Any) -> dict[str, Any]:
    return {
        "title": "Ein Bürgerhaushalt für Babelsberg",
        "summary": "Die Bewohner entscheiden jedes Jahr über einen Teil des Haushalts.",
        "reason": "Viele kleine Vorhaben im Stadtteil bleiben liegen. So kommen sie voran.",
        **fields,
    }


async def propose(api: factories.ApiAs, who: User, **fields: Any) -> dict[str, Any]:
    response = await api.request(who, "POST", "/api/v1/proposals", json=new_proposal(**fields))
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def decide(
    api: factories.ApiAs, office: User, proposal_id: int, action: str, **fields: Any
) -> dict[str, Any]:
    response = await api.request(
        office,
        "POST",
        f"/api/v1/proposals/{proposal_id}/decision",
        json={"action": action, **fields},
    )
    assert response.status_code == 200, response.text
    decided: dict[str, Any] = response.json()
    return decided


async def published(
    api: factories.ApiAs, author: User, office: User, threshold: int = 3, **fields: Any
) -> dict[str, Any]:
    created = await propose(api, author, **fields)
    return await decide(api, office, created["id"], "publish", threshold=threshold, days=30)
