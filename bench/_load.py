"""Shared parts of the HTTP throughput benchmarks (posting, votes, thread_page).

- a database per engine: SQLite in a temporary directory, or a dedicated PostgreSQL database
  `dialog_bench` (DIALOG_BENCH_DATABASE overrides the name; created, migrated, dropped
  afterwards) on the server named by DIALOG_BENCH_POSTGRES_URL (default
  postgresql+asyncpg://postgres@127.0.0.1:5432/test);
- a real server: `dialog serve` as a subprocess (uvicorn, the production entry point);
- a load process: a separate Python process with a minimal keep-alive HTTP/1.1 client
  (no framework), a fixed number of concurrent connections, each sending its next request as
  soon as the previous answer arrived (closed loop). It reports achieved requests/s, latency
  percentiles and errors; the coordinator adds the server's CPU time per request, which does not
  depend on what else runs on a shared machine.

Environment: DIALOG_BENCH_ENGINES=sqlite,postgres (default both), DIALOG_BENCH_QUICK=1 for small
sizes while developing, DIALOG_BENCH_WORKERS=N for `dialog serve --workers N` (PostgreSQL only; a
private redis-server is started then), DIALOG_BENCH_CLIENTS to override the concurrency,
DIALOG_BENCH_REQUESTS to measure that many requests per case.

Run a load process by hand: `python -m bench._load SPEC.json OUT.json`.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

SECRET = "b" * 40
DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
BENCH_DATABASE = "dialog_bench"


# -- configuration ---------------------------------------------------------------------------


def quick() -> bool:
    return os.environ.get("DIALOG_BENCH_QUICK", "") not in ("", "0")


def measured(full: int, small: int) -> int:
    """How many requests to measure: DIALOG_BENCH_REQUESTS, else small (quick) or full."""
    chosen = os.environ.get("DIALOG_BENCH_REQUESTS")
    if chosen:
        return int(chosen)
    return small if quick() else full


def engines() -> list[str]:
    chosen = os.environ.get("DIALOG_BENCH_ENGINES", "sqlite,postgres")
    names = [name.strip() for name in chosen.split(",") if name.strip()]
    unknown = [name for name in names if name not in ("sqlite", "postgres")]
    if unknown:
        raise SystemExit(f"DIALOG_BENCH_ENGINES: unknown engine {unknown[0]!r}")
    return names


def workers(engine: str) -> int:
    wanted = int(os.environ.get("DIALOG_BENCH_WORKERS", "1"))
    return wanted if engine == "postgres" else 1


def clients(default: int) -> int:
    return int(os.environ.get("DIALOG_BENCH_CLIENTS", str(default)))


# -- databases -------------------------------------------------------------------------------


@contextmanager
def database(engine: str, tmp: Path) -> Iterator[str]:
    """A fresh, migrated database URL for one engine; PostgreSQL's is dropped afterwards."""
    from dialog import migrate
    from dialog.settings import Settings

    if engine == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp}/bench.db"
        migrate.upgrade(Settings(database_url=url, var_dir=tmp, secret_key=SECRET))
        yield url
        return
    base = make_url(os.environ.get("DIALOG_BENCH_POSTGRES_URL", DEFAULT_POSTGRES))
    name = os.environ.get("DIALOG_BENCH_DATABASE", BENCH_DATABASE)
    url = base.set(database=name).render_as_string(hide_password=False)
    admin = base.set(drivername="postgresql", database="postgres").render_as_string(False)
    asyncio.run(_postgres(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    asyncio.run(_postgres(admin, f'CREATE DATABASE "{name}"'))
    try:
        migrate.upgrade(Settings(database_url=url, var_dir=tmp, secret_key=SECRET))
        yield url
    finally:
        asyncio.run(_postgres(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def vacuum(database_url: str) -> None:
    """VACUUM ANALYZE a PostgreSQL database (nothing on SQLite), so that a benchmark comparing
    two runs on one database starts each from the same state whatever the server's autovacuum
    does (the CI machines' PostgreSQL runs with autovacuum off: the dead row versions one run
    leaves would slow the next)."""
    url = make_url(database_url)
    if url.get_backend_name() == "postgresql":
        plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
        await _postgres(plain, "VACUUM ANALYZE")


async def _postgres(admin_url: str, statement: str) -> None:
    import asyncpg  # type: ignore[import-untyped]

    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


# -- the server ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Server:
    port: int
    process: subprocess.Popen[bytes]

    def cpu_seconds(self) -> float:
        """User + system CPU of the server and its worker processes so far."""
        return cpu_seconds(process_tree(self.process.pid))


def process_tree(pid: int) -> list[int]:
    found = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*"):
        children = (task / "children").read_text().split() if (task / "children").exists() else []
        for child in children:
            found.extend(process_tree(int(child)))
    return found


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes so far (one gone meanwhile counts 0): a
    load-independent measure of the work done."""
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def rss_kb(pids: list[int]) -> int:
    """Resident memory of these processes now."""
    total = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


@asynccontextmanager
async def server(database_url: str, tmp: Path, worker_count: int = 1) -> AsyncIterator[Server]:
    """`dialog serve` on a free port (with a private redis-server when there are workers)."""
    redis: subprocess.Popen[bytes] | None = None
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIALOG_")}
    env.update(
        {
            "DIALOG_DATABASE_URL": database_url,
            "DIALOG_SECRET_KEY": SECRET,
            "DIALOG_VAR_DIR": str(tmp),
            "DIALOG_LOG_LEVEL": "WARNING",
        }
    )
    if worker_count > 1:
        redis_port = free_port()
        redis = subprocess.Popen(
            [
                *("redis-server", "--port", str(redis_port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--dir", str(tmp)),
            ],
            stdout=subprocess.DEVNULL,
        )
        env["DIALOG_REDIS_URL"] = f"redis://127.0.0.1:{redis_port}/0"
        env["DIALOG_REDIS_NAMESPACE"] = "bench"
    port = free_port()
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "dialog", "serve", "--host", "127.0.0.1"),
            *("--port", str(port), "--workers", str(worker_count)),
        ],
        env=env,
    )
    try:
        await _until_ready(port, process)
        yield Server(port, process)
    finally:
        process.terminate()
        process.wait()
        if redis is not None:
            redis.terminate()
            redis.wait()


async def _until_ready(port: int, process: subprocess.Popen[bytes]) -> None:
    for _ in range(600):
        if process.poll() is not None:
            raise RuntimeError("the dialog server exited while starting")
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(b"GET /readyz HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n")
            head = await reader.readline()
            writer.close()
            if head.startswith(b"HTTP/1.1 200"):
                return
        except OSError:
            pass
        await asyncio.sleep(0.1)
    raise RuntimeError("the dialog server did not start")


# -- the load process ------------------------------------------------------------------------


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] | None = None


@dataclass
class Result:
    requests: int
    seconds: float
    latencies_ms: list[float]
    statuses: dict[str, int]
    sample_errors: list[str]
    clients: int = 0
    server_cpu_seconds: float = 0.0

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if not status.startswith("2"))

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies_ms)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, max(0, int(len(ordered) * share) - 1))]

    @property
    def cpu_ms_per_request(self) -> float:
        return self.server_cpu_seconds / self.requests * 1000 if self.requests else 0.0


def _encode(request: Request, port: int) -> bytes:
    body = b""
    headers = {"Host": f"127.0.0.1:{port}", **request.headers}
    if request.body is not None:
        body = json.dumps(request.body, ensure_ascii=False).encode()
        headers["Content-Type"] = "application/json"
    if body or request.method in ("POST", "PUT", "PATCH"):
        headers["Content-Length"] = str(len(body))
    head = f"{request.method} {request.path} HTTP/1.1\r\n" + "".join(
        f"{name}: {value}\r\n" for name, value in headers.items()
    )
    return head.encode() + b"\r\n" + body


async def _response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length = 0
    chunked = False
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name = name.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
    if not chunked:
        return status, await reader.readexactly(length)
    parts: list[bytes] = []
    while True:
        size = int((await reader.readline()).split(b";")[0], 16)
        if size == 0:
            await reader.readline()
            return status, b"".join(parts)
        parts.append(await reader.readexactly(size))
        await reader.readline()


async def _drive(
    port: int, payloads: list[bytes], concurrency: int
) -> tuple[float, list[float], dict[str, int], list[str]]:
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    errors: list[str] = []
    queue = iter(payloads)

    async def client() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            for payload in queue:  # one iterator shared by all clients of this event loop
                started = time.perf_counter()
                writer.write(payload)
                status, body = await _response(reader)
                latencies.append((time.perf_counter() - started) * 1000)
                statuses[str(status)] = statuses.get(str(status), 0) + 1
                if status >= 300 and len(errors) < 5:
                    errors.append(f"{status} {body[:200].decode('utf-8', 'replace')}")
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    return time.perf_counter() - started, latencies, statuses, errors


async def _load(spec: dict[str, Any]) -> dict[str, Any]:
    port: int = spec["port"]
    concurrency: int = spec["concurrency"]
    encoded = [_encode(Request(**r), port) for r in spec["requests"]]
    total: int = spec["total"]
    warmup: int = spec["warmup"]
    payloads = [encoded[i % len(encoded)] for i in range(warmup + total)]
    await _drive(port, payloads[:warmup], concurrency)
    print("warm", flush=True)
    input()  # the coordinator notes the server's CPU time, then says go
    seconds, latencies, statuses, errors = await _drive(port, payloads[warmup:], concurrency)
    return {
        "requests": len(latencies),
        "seconds": seconds,
        "latencies_ms": latencies,
        "statuses": statuses,
        "sample_errors": errors,
    }


async def run_load(
    server: Server,
    requests: list[Request],
    *,
    total: int,
    warmup: int,
    concurrency: int,
    work: Path,
) -> Result:
    """Send `warmup` then `total` requests (cycling through `requests`) from a separate process.

    The first `warmup` requests are not measured. Each request in `requests` is sent at most
    once when `warmup + total <= len(requests)` (posts and votes must each be distinct).
    """
    spec = work / "load-spec.json"
    out = work / "load-result.json"
    spec.write_text(
        json.dumps(
            {
                "port": server.port,
                "concurrency": concurrency,
                "total": total,
                "warmup": warmup,
                "requests": [r.__dict__ for r in requests],
            }
        )
    )
    load = subprocess.Popen(
        [sys.executable, "-m", "bench._load", str(spec), str(out)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert load.stdin is not None and load.stdout is not None
    line = await asyncio.to_thread(load.stdout.readline)
    if line.strip() != "warm":
        load.wait()
        raise RuntimeError(f"the load process failed during warm-up: {line!r}")
    profiler = _profiler(server)
    cpu_before = server.cpu_seconds()
    load.stdin.write("go\n")
    load.stdin.flush()
    status = await asyncio.to_thread(load.wait)
    cpu = server.cpu_seconds() - cpu_before
    if profiler is not None:
        profiler.send_signal(signal.SIGINT)
        profiler.wait()
    if status != 0:
        raise RuntimeError(f"the load process failed with status {status}")
    data = json.loads(out.read_text())
    return Result(**data, clients=concurrency, server_cpu_seconds=cpu)


def _profiler(server: Server) -> subprocess.Popen[bytes] | None:
    """With DIALOG_BENCH_PROFILE=FILE: py-spy samples the server during the measured phase."""
    target = os.environ.get("DIALOG_BENCH_PROFILE")
    if not target:
        return None
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    command = [spy, "record", "--pid", str(server.process.pid), "--subprocesses"]
    return subprocess.Popen([*command, "--format", "raw", "--output", target, "--nonblocking"])


# -- reporting -------------------------------------------------------------------------------


def table(title: str, rows: list[tuple[str, float, Result]]) -> str:
    """A Markdown table: one row per measured case, with its budget in requests/s."""
    lines = [
        title,
        "",
        "| case | requests | clients | achieved req/s | budget req/s | p50 ms | p99 ms "
        "| errors | server CPU ms/req | req per server CPU s |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, budget, result in rows:
        per_cpu = 1000 / result.cpu_ms_per_request if result.cpu_ms_per_request else 0.0
        verdict = "met" if result.per_second >= budget and not result.errors else "missed"
        lines.append(
            f"| {name} | {result.requests:,} | {result.clients} | {result.per_second:,.0f} "
            f"| {budget:,.0f} ({verdict}) | {statistics.median(result.latencies_ms):.1f} "
            f"| {result.percentile(0.99):.1f} | {result.errors} "
            f"| {result.cpu_ms_per_request:.2f} | {per_cpu:,.0f} |"
        )
    samples = [e for _, _, result in rows for e in result.sample_errors]
    if samples:
        lines += ["", "Sample errors:", *(f"- {e}" for e in samples[:5])]
    return "\n".join(lines)


def load_average() -> str:
    return " / ".join(f"{v:.1f}" for v in os.getloadavg())


@contextmanager
def scratch(prefix: str) -> Iterator[Path]:
    root = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _main() -> int:
    spec_path, out_path = sys.argv[1:3]
    spec = json.loads(Path(spec_path).read_text())
    loop_factory: Callable[[], asyncio.AbstractEventLoop] = asyncio.new_event_loop
    try:
        import uvloop

        loop_factory = uvloop.new_event_loop
    except ImportError:
        pass
    with asyncio.Runner(loop_factory=loop_factory) as runner:
        result = runner.run(_load(spec))
    Path(out_path).write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(_main())


Cases = list[tuple[str, Result]]  # (case name, or "" when the benchmark has one case; result)


def run_per_engine(
    label: str,
    title: str,
    unit: str,
    budget: Callable[[str], float],
    measure: Callable[[str, str, Path], Coroutine[Any, Any, Cases]],
) -> int:
    """Measure on each chosen engine in a scratch directory and database, print the table."""
    from bench.machine import describe

    print("machine:", describe(), "| load average", load_average(), flush=True)
    rows = []
    for engine in engines():
        with scratch(f"bench-{label}-") as tmp, database(engine, tmp) as url:
            cases = asyncio.run(measure(engine, url, tmp))
        for case, result in cases:
            parts = (engine, f"{workers(engine)} worker(s)", case)
            name = ", ".join(part for part in parts if part)
            rows.append((name, budget(engine), result))
            print(f"{name}: {result.per_second:,.0f} {unit}/s", flush=True)
    print("load average after:", load_average())
    print(table(title, rows))
    return 0


async def load_once(
    engine: str,
    database_url: str,
    tmp: Path,
    requests: list[Request],
    total: int,
    concurrency: int,
) -> Cases:
    """One case: serve the database, send `requests` (the first ones warm up), measure `total`."""
    async with server(database_url, tmp, workers(engine)) as running:
        result = await run_load(
            running,
            requests,
            total=total,
            warmup=len(requests) - total,
            concurrency=clients(concurrency),
            work=tmp,
        )
    return [("", result)]
