"""The methods toolkit in JSON: everyone reads it, the office adds and changes methods."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from dialog.accounts.models import User
from dialog.procedures.models import Department
from tests import factories

MakeUser = Callable[..., Awaitable[User]]
METHOD = {
    "name": "Stadtteilspaziergang",
    "purpose": "Gemeinsam vor Ort sehen, was fehlt und was gut ist.",
    "when_to_use": "Wenn es um einen Ort geht, den alle kennen.",
    "effort": "low",
    "level": "consultation",
    "duration": "short",
}


async def test_the_office_adds_and_changes_a_method_everyone_reads_it(
    api: factories.ApiAs, make_user: MakeUser
) -> None:
    office = await make_user("office")
    added = await api.request(office, "POST", "/api/v1/methods", json=METHOD)
    assert added.status_code == 201, added.text
    slug = added.json()["slug"]
    changed = await api.request(
        office, "PUT", f"/api/v1/methods/{slug}", json={**METHOD, "effort": "medium"}
    )
    assert changed.status_code == 200 and changed.json()["effort"] == "medium"
    seen = await api.request(None, "GET", f"/api/v1/methods/{slug}")
    assert seen.status_code == 200 and seen.json()["name"] == "Stadtteilspaziergang"
    listing = (await api.request(None, "GET", "/api/v1/methods")).json()
    assert slug in [m["slug"] for m in listing]


async def test_only_the_office_edits_the_toolkit(
    api: factories.ApiAs, make_user: MakeUser, department: Department
) -> None:
    office = await make_user("office")
    slug = (await api.request(office, "POST", "/api/v1/methods", json=METHOD)).json()["slug"]
    for who, status in (
        (None, 401),
        (await make_user(), 403),
        (await make_user("moderator"), 403),
        (await make_user("staff", department), 403),
    ):
        assert (
            await api.request(who, "POST", "/api/v1/methods", json=METHOD)
        ).status_code == status
        put = await api.request(who, "PUT", f"/api/v1/methods/{slug}", json=METHOD)
        assert put.status_code == status
    admin = await make_user("admin")
    assert (
        await api.request(admin, "PUT", f"/api/v1/methods/{slug}", json=METHOD)
    ).status_code == 200


async def test_wrong_methods_are_refused_naming_the_field(
    api: factories.ApiAs, make_user: MakeUser
) -> None:
    office = await make_user("office")
    for change, field in (
        ({"name": "X"}, "name"),
        ({"effort": "huge"}, "effort"),
        ({"level": "dictation"}, "level"),
        ({"purpose": "kurz"}, "purpose"),
        ({"colour": "blue"}, "colour"),
    ):
        response = await api.request(office, "POST", "/api/v1/methods", json={**METHOD, **change})
        assert response.status_code == 422 and field in response.json()["error"]["fields"], change
    missing = await api.request(office, "PUT", "/api/v1/methods/gibt-es-nicht", json=METHOD)
    assert missing.status_code == 404
    assert (await api.request(None, "GET", "/api/v1/methods/gibt-es-nicht")).status_code == 404


async def test_long_names_of_the_same_words_get_addresses_that_fit_their_column(
    api: factories.ApiAs, make_user: MakeUser
) -> None:
    """A name of 200 characters made an address longer than the 80 the column holds (500 on
    PostgreSQL; schemathesis found it); a second one alike gets "-2" and still fits."""
    office = await make_user("office")
    long_name = "Stadtteilspaziergang " * 9 + "am Ende"
    paths = {"/api/v1/methods": METHOD, "/api/v1/organisations": {"kind": "initiative"}}
    for path, body in paths.items():
        slugs = []
        for _ in range(2):
            added = await api.request(office, "POST", path, json={**body, "name": long_name})
            assert added.status_code == 201, added.text
            slugs.append(added.json()["slug"])
        assert all(len(slug) <= 80 for slug in slugs) and slugs[0] != slugs[1]
        assert slugs[1] == slugs[0] + "-2"
