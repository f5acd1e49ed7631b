"""Comments in every state, written through the real paths (the API and moderation)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from dialog.accounts.models import User
from dialog.db import Database
from dialog.procedures.models import Procedure, Thread
from tests import factories
from tests.discussion.helpers import post

MakeUser = Callable[..., Awaitable[User]]


@dataclass(frozen=True)
class Mixed:
    published: int
    reply: int
    pending: int
    hidden: int
    withdrawn: int
    erased: int  # published, its author deleted the account and kept the comment
    pre_thread: Thread


async def comments_in_every_state(
    api: factories.ApiAs, db: Database, make_user: MakeUser, procedure: Procedure, thread: Thread
) -> Mixed:
    anna = await make_user(display_name="Anna Radlerin")
    gone = await make_user(display_name="Geheimer Name")
    moderator = await make_user("moderator")
    published = await post(api, anna, thread.id, "Der Radweg an der Havel braucht Licht.")
    reply = await post(api, anna, thread.id, "Antwort auf mich selbst", parent_id=published["id"])
    hidden = await post(api, anna, thread.id, "Versteckter Radweg Beitrag")
    decided = await api.request(
        moderator,
        "POST",
        f"/api/v1/moderation/comments/{hidden['id']}/decision",
        json={"action": "hide", "reason": "respect"},
    )
    assert decided.status_code == 200, decided.text
    withdrawn = await post(api, anna, thread.id, "Zurückgezogener Radweg Beitrag")
    assert (await api.request(anna, "DELETE", f"/api/v1/comments/{withdrawn['id']}")).is_success
    erased = await post(api, gone, thread.id, "Radwege ohne Namen")
    deletion = {"password": factories.PASSWORD, "comments": "keep"}
    assert (await api.request(gone, "DELETE", "/api/v1/me", json=deletion)).status_code == 204
    pre_thread = await factories.thread(db, procedure, moderation="pre", title="Vorab geprüft")
    pending = await post(api, anna, pre_thread.id, "Wartender Radweg Beitrag")
    assert pending["status"] == "pending"
    return Mixed(
        published["id"],
        reply["id"],
        pending["id"],
        hidden["id"],
        withdrawn["id"],
        erased["id"],
        pre_thread,
    )
