"""What a reader may do with a comment (overlay.actions_of): pure, per role, without a database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dialog.accounts.actor import ANONYMOUS, Actor
from dialog.discussion import overlay
from dialog.discussion.page_cache import ListParts, ThreadState
from dialog.discussion.queries import Mine
from dialog.discussion.schemas import AuthorOut, CommentOut, CommentPage

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
ACTIVE = overlay.allows(ThreadState("active", True, None, None), NOW)
AUTHOR = Actor(user_id=1, role="resident")
READERS = {
    "resident": Actor(user_id=2, role="resident"),
    "moderator": Actor(user_id=3, role="moderator"),
    "staff": Actor(user_id=4, role="staff", department_id=7),
    "office": Actor(user_id=5, role="office"),
    "admin": Actor(user_id=6, role="admin"),
}


def comment(
    status: str = "published", age: timedelta = timedelta(minutes=1), depth: int = 0
) -> CommentOut:
    return CommentOut(
        id=10,
        thread_id=1,
        parent_id=None,
        depth=depth,
        status=status,
        html="<p>x</p>",
        stance=None,
        author=AuthorOut(id=AUTHOR.user_id, name="A"),
        created_at=NOW - age,
        edited_at=None,
        up=0,
        down=0,
        replies=0,
        url="/comments/10",
    )


def test_a_visitor_may_do_nothing() -> None:
    assert overlay.actions_of(ANONYMOUS, comment(), ACTIVE, False, NOW) == []


def test_the_author_edits_within_the_window_and_withdraws_but_never_votes_or_reports() -> None:
    assert overlay.actions_of(AUTHOR, comment(), ACTIVE, False, NOW) == [
        "edit",
        "withdraw",
        "reply",
    ]
    late = comment(age=timedelta(minutes=16))
    assert overlay.actions_of(AUTHOR, late, ACTIVE, False, NOW) == ["withdraw", "reply"]
    held = comment("pending")
    assert overlay.actions_of(AUTHOR, held, ACTIVE, False, NOW) == ["edit", "withdraw"]


@pytest.mark.parametrize("role", sorted(READERS))
def test_every_other_writer_votes_replies_and_reports_once(role: str) -> None:
    who = READERS[role]
    moderate = ["moderate"] if role in ("moderator", "admin") else []
    assert overlay.actions_of(who, comment(), ACTIVE, False, NOW) == [
        "vote",
        "reply",
        "report",
        *moderate,
    ]
    assert overlay.actions_of(who, comment(), ACTIVE, True, NOW) == ["vote", "reply", *moderate]
    assert overlay.actions_of(who, comment(depth=3), ACTIVE, True, NOW) == ["vote", *moderate]
    assert overlay.actions_of(who, comment("hidden"), ACTIVE, False, NOW) == moderate
    assert overlay.actions_of(who, comment("withdrawn"), ACTIVE, False, NOW) == []


def test_a_blocked_reader_may_only_withdraw_their_own() -> None:
    blocked = Actor(user_id=1, role="resident", blocked_until=NOW + timedelta(days=400))
    assert overlay.actions_of(blocked, comment(), ACTIVE, False, NOW) == ["withdraw"]
    other = Actor(user_id=2, role="resident", blocked_until=NOW + timedelta(days=400))
    assert overlay.actions_of(other, comment(), ACTIVE, False, NOW) == []


def test_the_phase_and_the_thread_s_dates_decide_voting_replying_and_reporting() -> None:
    who = READERS["resident"]
    evaluation = overlay.allows(ThreadState("evaluation", True, None, None), NOW)
    assert overlay.actions_of(who, comment(), evaluation, False, NOW) == ["report"]
    closed = overlay.allows(ThreadState("active", True, None, NOW - timedelta(hours=1)), NOW)
    assert overlay.actions_of(who, comment(), closed, False, NOW) == ["vote", "report"]
    planned = overlay.allows(ThreadState("planned", True, None, None), NOW)
    assert overlay.actions_of(who, comment(), planned, False, NOW) == []


def test_a_kept_list_is_cut_at_its_slots_and_filled_per_reader() -> None:
    html = f"<ol><li>a{overlay.slot(4)}</li><li>b{overlay.slot(9)}</li></ol>"
    parts = overlay.cut(html, {}, 17)
    assert parts.slots == (4, 9) and parts.last_event == 17
    assert overlay.fill(parts, {4: "[4]", 9: "[9]"}) == "<ol><li>a[4]</li><li>b[9]</li></ol>"
    assert overlay.SLOT not in overlay.fill(parts, {4: "", 9: ""})
    assert isinstance(parts, ListParts) and parts.size == len(html) - 2 * len(overlay.slot(4))


@pytest.mark.parametrize("who", [AUTHOR, *READERS.values()], ids=["author", *READERS])
@pytest.mark.parametrize("cursor", [None, "eyJ0IjoiMjAyNiJ9"])
def test_a_reader_s_json_page_is_spliced_byte_for_byte_as_pydantic_writes_it(
    who: Actor, cursor: str | None
) -> None:
    """The kept items' JSON plus the reader's fields equals dumping the overlaid page: for the
    comments they wrote, voted on or reported, and for those they did not (13, 14, 15), which
    are the same for every reader of their kind and made once per kind."""
    items = [
        comment(),
        comment(age=timedelta(days=2)).model_copy(update={"id": 11, "html": "<p>Grüße „x“</p>"}),
        comment(status="hidden", depth=1).model_copy(update={"id": 12, "author": None}),
        comment(depth=3).model_copy(update={"id": 13, "author": AuthorOut(id=99, name="Jo")}),
        comment().model_copy(update={"id": 14, "author": None}),
        comment(status="withdrawn").model_copy(update={"id": 15}),
    ]
    page = CommentPage(items=items, next_cursor=cursor)
    mine = Mine({10: 1, 11: -1}, frozenset({12}), held=False)
    state = ThreadState("active", True, None, None)
    expected = CommentPage(
        items=overlay.overlaid(who, items, mine, state, NOW), next_cursor=cursor
    ).model_dump_json()
    parts = overlay.json_parts(page)
    spliced = overlay.page_json(who, page, parts, mine, state, NOW)
    assert spliced == expected.encode()
    # The same kept page for every other reader after this one: none gets another kind's items.
    blocked = Actor(user_id=8, role="resident", blocked_until=NOW + timedelta(days=3))
    for other in (AUTHOR, *READERS.values(), blocked, who):
        theirs = CommentPage(
            items=overlay.overlaid(other, items, mine, state, NOW), next_cursor=cursor
        )
        assert overlay.page_json(other, page, parts, mine, state, NOW) == (
            theirs.model_dump_json().encode()
        )
    assert b'"my_vote":-1' in spliced and b'"can":[' in spliced  # the overlay is in it
