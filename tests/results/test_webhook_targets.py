"""A department's webhook reaches only the public internet (issue 14.5): internal addresses
are refused when saved and again at delivery, after resolving the name; the request goes to
the checked address; the answer's body never reaches last_error; redirects are not followed."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest

from dialog.accounts.models import User
from dialog.db import Database
from dialog.procedures.models import Department, Thread
from dialog.results import jobs
from dialog.settings import Settings
from tests.mailbox import free_port
from tests.results.test_handover import SECRET, close, configure, stored_jobs

SignIn = Callable[[User], Awaitable[str]]


@dataclasses.dataclass
class Endpoint:
    """An HTTP endpoint on loopback that answers every request with `status` and `headers`."""

    status: int = 200
    headers: str = ""
    requests: list[dict[str, str]] = dataclasses.field(default_factory=list)
    port: int = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")[1:]
        headers = {k.lower(): v.strip() for k, _, v in (x.partition(":") for x in lines if x)}
        await reader.readexactly(int(headers.get("content-length", "0")))
        self.requests.append(headers)
        writer.write(
            f"HTTP/1.1 {self.status} X\r\n{self.headers}Content-Length: 0\r\n"
            "Connection: close\r\n\r\n".encode()
        )
        await writer.drain()
        writer.close()


@pytest.fixture
async def endpoints() -> AsyncIterator[Callable[..., Awaitable[Endpoint]]]:
    servers: list[asyncio.Server] = []

    async def start(**fields: Any) -> Endpoint:
        endpoint = Endpoint(**fields)
        server = await asyncio.start_server(endpoint.handle, "127.0.0.1", 0)
        endpoint.port = server.sockets[0].getsockname()[1]
        servers.append(server)
        return endpoint

    yield start
    for server in servers:
        server.close()
        await server.wait_closed()


async def save(
    client: httpx.AsyncClient, browser_session: SignIn, staff: User, slug: str, url: str
) -> httpx.Response:
    token = await browser_session(staff)
    return await client.post(
        f"/departments/{slug}/settings",
        data={
            "csrf_token": token,
            "handover_channel": "webhook",
            "webhook_url": url,
            "webhook_secret": SECRET,
        },
    )


@pytest.mark.parametrize(
    "url",
    [
        "https://10.0.0.1/hook",
        "https://192.168.178.1/hook",
        "https://169.254.169.254/latest/meta-data",
        "http://127.0.0.1:8080/hook",
        "https://[::1]/hook",
        "https://[fe80::1]/hook",
        "https://[::ffff:172.16.0.1]/hook",
        "https://0.0.0.0/hook",
        "https://224.0.0.1/hook",
    ],
)
async def test_saving_a_webhook_to_an_internal_address_is_refused_beside_the_field(
    client: httpx.AsyncClient,
    browser_session: SignIn,
    staff: User,
    department: Department,
    db: Database,
    url: str,
) -> None:
    response = await save(client, browser_session, staff, department.slug, url)
    assert response.status_code == 422
    assert 'id="webhook_url-error"' in response.text
    assert "öffentliche Internetadresse" in response.text
    async with db.reading() as session:
        stored = await session.get(Department, department.id)
    assert stored is not None and stored.webhook_url is None


async def test_a_host_name_that_resolves_to_loopback_is_refused_when_saved(
    client: httpx.AsyncClient, browser_session: SignIn, staff: User, department: Department
) -> None:
    client.cookies.set("dialog_lang", "en")
    response = await save(client, browser_session, staff, department.slug, "http://localhost:9/")
    assert response.status_code == 422
    assert "localhost leads to this server itself" in response.text


async def test_the_setting_lets_staff_save_a_relay_on_the_own_network(
    app: Any,
    client: httpx.AsyncClient,
    browser_session: SignIn,
    staff: User,
    department: Department,
    settings: Settings,
) -> None:
    app.state.services = dataclasses.replace(
        app.state.services, settings=dataclasses.replace(settings, webhook_allow_private=True)
    )
    response = await save(client, browser_session, staff, department.slug, "http://localhost:9/")
    assert response.status_code == 303


async def test_a_stored_webhook_to_an_internal_address_is_refused_at_delivery(
    endpoints: Callable[..., Awaitable[Endpoint]],
    settings: Settings,
    db: Database,
    department: Department,
    thread: Thread,
) -> None:
    """The name may resolve elsewhere by now than when it was saved: checked again."""
    endpoint = await endpoints()
    url = f"http://localhost:{endpoint.port}/hook"
    await configure(
        db, department, handover_channel="webhook", webhook_url=url, webhook_secret=SECRET
    )
    await close(db, thread)
    await jobs.run_due(db, settings)
    assert endpoint.requests == []
    [job] = await stored_jobs(db)
    assert (job.state, job.last_error) == ("pending", "webhook: address refused (loopback)")


async def test_the_request_goes_to_the_checked_address_with_the_name_in_host(
    endpoints: Callable[..., Awaitable[Endpoint]],
    settings: Settings,
    db: Database,
    department: Department,
    thread: Thread,
) -> None:
    endpoint = await endpoints()
    url = f"http://localhost:{endpoint.port}/hook"
    await configure(
        db, department, handover_channel="webhook", webhook_url=url, webhook_secret=SECRET
    )
    await close(db, thread)
    await jobs.run_due(db, dataclasses.replace(settings, webhook_allow_private=True))
    [headers] = endpoint.requests
    assert headers["host"] == f"localhost:{endpoint.port}"
    [job] = await stored_jobs(db)
    assert job.state == "done"


async def test_a_redirect_is_not_followed_and_only_its_status_is_kept(
    endpoints: Callable[..., Awaitable[Endpoint]],
    settings: Settings,
    db: Database,
    department: Department,
    thread: Thread,
) -> None:
    inside = await endpoints()
    redirect = await endpoints(
        status=307, headers=f"Location: http://127.0.0.1:{inside.port}/admin\r\n"
    )
    url = f"http://127.0.0.1:{redirect.port}/hook"
    await configure(
        db, department, handover_channel="webhook", webhook_url=url, webhook_secret=SECRET
    )
    await close(db, thread)
    await jobs.run_due(db, dataclasses.replace(settings, webhook_allow_private=True))
    assert (len(redirect.requests), inside.requests) == (1, [])
    [job] = await stored_jobs(db)
    assert job.last_error == "webhook answered 307"


async def test_a_refused_connection_is_kept_as_its_class(
    settings: Settings, db: Database, department: Department, thread: Thread
) -> None:
    url = f"http://127.0.0.1:{free_port()}/hook"  # nobody listens there
    await configure(
        db, department, handover_channel="webhook", webhook_url=url, webhook_secret=SECRET
    )
    await close(db, thread)
    await jobs.run_due(db, dataclasses.replace(settings, webhook_allow_private=True))
    [job] = await stored_jobs(db)
    assert job.last_error == "webhook: connection refused"
