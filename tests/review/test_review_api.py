"""The office's review in JSON: the department and the office read it and take their steps."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from dialog.accounts.models import User
from dialog.db import utcnow
from dialog.procedures.models import Department
from tests import factories
from tests.review.test_review import create

MakeUser = Callable[..., Awaitable[User]]


async def take(api: factories.ApiAs, who: User | None, procedure_id: int, **step: object) -> int:
    response = await api.request(
        who, "POST", f"/api/v1/procedures/{procedure_id}/review", json=step
    )
    return response.status_code


async def test_the_department_asks_for_support_the_office_ticks_comments_and_releases(
    api: factories.ApiAs, make_user: MakeUser, department: Department
) -> None:
    staff, office = await make_user("staff", department), await make_user("office")
    procedure_id = await create(api, staff)
    url = f"/api/v1/procedures/{procedure_id}/review"
    seen = (await api.request(staff, "GET", url)).json()
    assert seen["status"] == "draft" and seen["support_requested_at"] is None
    assert set(seen["steps"]) == {"submit", "support", "comment"}
    assert await take(api, staff, procedure_id, action="support", body="Bitte begleiten") == 200
    assert await take(api, staff, procedure_id, action="submit") == 200
    review = (await api.request(office, "GET", url)).json()
    assert review["status"] == "review" and review["support_requested_at"] is not None
    assert {"release", "return", "checks", "comment"} <= set(review["steps"])
    first = review["checklist"][0]["id"]
    assert await take(api, office, procedure_id, action="checks", checks=[first]) == 200
    assert await take(api, office, procedure_id, action="comment", body="Zeitplan fehlt") == 200
    assert await take(api, office, procedure_id, action="release") == 200
    done = (await api.request(staff, "GET", url)).json()
    assert done["status"] == "public" and done["support_requested_at"] is None
    assert done["checklist"][0]["checked"] is True
    assert [h["kind"] for h in done["history"]] == [
        "support-requested",
        "submitted",
        "comment",
        "released",
    ]
    assert done["history"][2]["body"] == "Zeitplan fehlt"
    listing = (await api.request(None, "GET", "/api/v1/procedures")).json()
    assert [p["id"] for p in listing["items"]] == [procedure_id]


async def test_each_role_takes_only_its_own_steps(
    api: factories.ApiAs,
    make_user: MakeUser,
    department: Department,
    other_department: Department,
) -> None:
    staff = await make_user("staff", department)
    procedure_id = await create(api, staff)
    url = f"/api/v1/procedures/{procedure_id}/review"
    blocked = await make_user(blocked_until=utcnow().replace(year=9999))
    for who, status in (
        (None, 404),  # a draft does not exist for them
        (await make_user(), 404),
        (blocked, 404),
        (await make_user("moderator"), 404),
        (await make_user("staff", other_department), 404),
        (staff, 200),
        (await make_user("office"), 200),
        (await make_user("admin"), 200),
    ):
        assert (await api.request(who, "GET", url)).status_code == status, who
    assert await take(api, None, procedure_id, action="comment", body="Hallo") == 401
    assert await take(api, await make_user(), procedure_id, action="comment", body="Hi") == 404
    assert await take(api, staff, procedure_id, action="release") == 403
    assert await take(api, staff, procedure_id, action="checks", checks=[]) == 403
    assert await take(api, staff, procedure_id, action="publish") == 403  # not trusted
    office = await make_user("office")
    assert await take(api, office, procedure_id, action="submit") == 403
    assert await take(api, office, procedure_id, action="return") == 409  # still a draft


async def test_wrong_steps_are_refused_naming_the_field(
    api: factories.ApiAs, make_user: MakeUser, department: Department
) -> None:
    staff, office = await make_user("staff", department), await make_user("office")
    procedure_id = await create(api, staff)
    url = f"/api/v1/procedures/{procedure_id}/review"
    for body, field in (
        ({"action": "dance"}, "action"),
        ({"action": "comment", "body": " "}, "body"),
        ({"action": "checks", "checks": [999999]}, "checks"),
        ({"action": "checks", "checks": ["eins"]}, "checks"),
        ({"action": "comment", "body": "x", "extra": 1}, "extra"),
    ):
        response = await api.request(office, "POST", url, json=body)
        assert response.status_code == 422, body
        assert any(field in name for name in response.json()["error"]["fields"]), body
    missing = await api.request(office, "GET", "/api/v1/procedures/999999/review")
    assert missing.status_code == 404


async def test_the_office_keeps_the_checklist(
    api: factories.ApiAs, make_user: MakeUser, department: Department
) -> None:
    office = await make_user("office")
    items = (await api.request(office, "GET", "/api/v1/office/checklist")).json()
    added = await api.request(
        office, "POST", "/api/v1/office/checklist", json={"text": "Barrierefreiheit geprüft"}
    )
    assert added.status_code == 201 and len(added.json()) == len(items) + 1
    new_id = next(i["id"] for i in added.json() if i["text"] == "Barrierefreiheit geprüft")
    gone = await api.request(office, "DELETE", f"/api/v1/office/checklist/{new_id}")
    assert gone.status_code == 204
    after = (await api.request(office, "GET", "/api/v1/office/checklist")).json()
    assert new_id not in [i["id"] for i in after]
    short = await api.request(office, "POST", "/api/v1/office/checklist", json={"text": "x"})
    assert short.status_code == 422 and "text" in short.json()["error"]["fields"]
    missing = await api.request(office, "DELETE", "/api/v1/office/checklist/999999")
    assert missing.status_code == 404
    for who, status in (
        (None, 401),
        (await make_user(), 403),
        (await make_user("moderator"), 403),
        (await make_user("staff", department), 403),
    ):
        assert (await api.request(who, "GET", "/api/v1/office/checklist")).status_code == status
        refused = await api.request(who, "POST", "/api/v1/office/checklist", json={"text": "Neu"})
        assert refused.status_code == status
