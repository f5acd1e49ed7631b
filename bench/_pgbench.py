"""`pgbench` running a script of the application's own statements, as the database's ceiling.

The posting benchmark runs bench/posting.pgbench against the database it has just measured
(the same seeded thread and authors, the same server, the same clients) and reports our
posts/s as a share of pgbench's transactions/s. pgbench logs every transaction (`-l`), so its
latencies are reported like ours.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path

from sqlalchemy.engine import make_url

from bench._load import Result

HERE = Path(__file__).parent
TPS = re.compile(r"tps = ([0-9.]+) \(without initial connection time\)")


def run(
    database_url: str,
    script: str,
    transactions: int,
    clients: int,
    variables: dict[str, int],
    work: Path,
) -> Result:
    """`transactions` in all, spread over `clients` connections; the tps pgbench reports."""
    url = make_url(database_url)
    per_client = max(1, transactions // clients)
    command = [
        "pgbench",
        "--no-vacuum",
        "--protocol=prepared",
        f"--client={clients}",
        f"--jobs={min(clients, os.cpu_count() or 1)}",
        f"--transactions={per_client}",
        f"--file={HERE / script}",
        "--log",
        f"--log-prefix={work / 'pgbench'}",
        f"--host={url.host or '127.0.0.1'}",
        f"--port={url.port or 5432}",
        f"--username={url.username or 'postgres'}",
        *(f"--define={name}={value}" for name, value in variables.items()),
        url.database or "postgres",
    ]
    env = {**os.environ, "PGPASSWORD": url.password or ""} if url.password else None
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    seconds = time.perf_counter() - started
    found = TPS.search(done.stdout)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"pgbench failed ({done.returncode}): {done.stderr or done.stdout}")
    latencies = _latencies(work)
    count = per_client * clients
    tps = float(found.group(1))
    return Result(
        requests=count,
        # pgbench's own rate (without connecting), as the time our figure is compared with
        seconds=count / tps if tps else seconds,
        latencies_ms=latencies,
        statuses={"200": count},
        sample_errors=[],
        clients=clients,
    )


def _latencies(work: Path) -> list[float]:
    """Each transaction's latency from pgbench's logs (the third column, in microseconds)."""
    found: list[float] = []
    for log in work.glob("pgbench.*"):
        for line in log.read_text().splitlines():
            columns = line.split()
            if len(columns) >= 3:
                found.append(int(columns[2]) / 1000)
        log.unlink()
    return found
