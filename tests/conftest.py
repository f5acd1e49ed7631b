"""Shared fixtures: a migrated database per test, the app with its lifespan, users per role, a
private redis-server that a test may stop and start."""

from __future__ import annotations

import itertools
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from dialog.accounts.models import User
from dialog.app import create_app
from dialog.background import Background
from dialog.db import Database
from dialog.procedures.models import Department, Procedure, Thread
from dialog.settings import Settings
from tests import backends, factories
from tests.live.harness import RedisProcess

_test_numbers = itertools.count()


@pytest.fixture(scope="session")
def backend(tmp_path_factory: pytest.TempPathFactory) -> backends.Backend:
    return backends.prepare(tmp_path_factory.mktemp("backend"))


@pytest.fixture
def settings(backend: backends.Backend, tmp_path: Path) -> Settings:
    return Settings(
        database_url=backend.database_url(tmp_path),
        redis_url=backend.redis_url,
        # One namespace per test: Redis channels and keys never leak between tests or runs.
        redis_namespace=f"t{os.getpid()}-{next(_test_numbers)}",
        var_dir=tmp_path / "var",
        secret_key="test-secret-" + "x" * 32,
        base_url="http://testserver",
    )


@pytest.fixture
async def app(settings: Settings, backend: backends.Backend) -> AsyncIterator[Starlette]:
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application
    await backends.clean(backend)


@pytest.fixture
def reads_each_time(app: Starlette) -> None:
    """Each request reads its reader's credential and own state itself instead of taking a read
    of a moment ago (dialog.recent): for the tests that count what one request reads."""
    app.state.services.recent.seconds = 0


@pytest.fixture
async def private_redis(tmp_path: Path) -> AsyncIterator[RedisProcess]:
    redis = RedisProcess(tmp_path / "redis")
    await redis.start()
    try:
        yield redis
    finally:
        redis.stop()


@pytest.fixture
def db(app: Starlette) -> Database:
    database: Database = app.state.services.db
    return database


@pytest.fixture
async def quiet(app: Starlette) -> AsyncIterator[Database]:
    """The database with the app's background work (consumers, mail, jobs) and the live
    service (its fan-out reads the outbox, its pruning commits) stopped: the test is the only
    one that reads or writes."""
    background: Background = app.state.services.background
    await background.stop()
    await app.state.services.live.stop()
    db: Database = app.state.services.db
    yield db


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


@pytest.fixture
def make_user(db: Database) -> Callable[..., Awaitable[User]]:
    async def make(
        role: str = "resident", department: Department | None = None, **fields: object
    ) -> User:
        return await factories.user(db, role=role, department=department, **fields)

    return make


@pytest.fixture
async def department(db: Database) -> Department:
    return await factories.department(db, "stadtplanung", "Fachbereich Stadtplanung")


@pytest.fixture
async def other_department(db: Database) -> Department:
    return await factories.department(db, "kultur", "Fachbereich Kultur")


@pytest.fixture
async def procedure(db: Database, department: Department) -> Procedure:
    return await factories.procedure(db, department)


@pytest.fixture
async def thread(db: Database, procedure: Procedure) -> Thread:
    return await factories.thread(db, procedure)


@pytest.fixture
def api(client: httpx.AsyncClient, db: Database) -> factories.ApiAs:
    """api(user).get(...): requests with the user's bearer token (None: anonymous)."""
    return factories.ApiAs(client, db)


@pytest.fixture
def browser_session(client: httpx.AsyncClient) -> Callable[[User], Awaitable[str]]:
    """Sign the test client in through the login form; returns the CSRF token to send."""

    async def sign_in(user: User) -> str:
        return await factories.sign_in(client, user)

    return sign_in


@pytest.fixture(autouse=True)
def _no_network_leaks(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # Settings must come from fixtures, never from the developer's shell.
    for name in list(os.environ):
        if name.startswith("DIALOG_") and not name.startswith("DIALOG_TEST_"):
            monkeypatch.delenv(name)
    yield
