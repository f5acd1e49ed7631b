"""Live fan-out across processes: `dialog serve --workers 2` with Redis and PostgreSQL, 10,000
sockets on one thread split over both processes, 4 events/s.

Run: `.venv/bin/python -m bench live_processes` (PostgreSQL in a dedicated database
`dialog_bench`, see bench/_load.py; a private redis-server). The setup of
`python -m bench live_fanout` otherwise: events written through a unit of work + emit,
committed, their ids published on Redis, each worker loading them from the outbox and writing
to its own sockets; listeners in two processes. Budgets: every frame delivered, p99
post-to-delivery under 500 ms, idle memory per socket under 50 KB (the RSS growth of both
workers and their supervisor while the sockets connect and subscribe, divided by the sockets).
DIALOG_BENCH_SOCKETS and DIALOG_BENCH_SECONDS change the load (10,000, 20 s).
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

from bench import _load
from bench.live_fanout import Load, measure, ours

SOCKETS = int(os.environ.get("DIALOG_BENCH_SOCKETS", "10000"))
SECONDS = int(os.environ.get("DIALOG_BENCH_SECONDS", "20"))
RATE = 4.0
WORKERS = 2
P99_BUDGET_MS = 500.0
IDLE_BUDGET_KB = 50.0


async def run(database_url: str) -> int:
    from bench.machine import describe

    load = Load(SOCKETS, RATE, SECONDS)
    async with ours(SOCKETS, database_url, workers=WORKERS) as target:
        result = await measure(target, load)
    every = result.delivered == result.expected and not result.closed
    print(
        f"Live fan-out over {WORKERS} processes: {SOCKETS:,} sockets, {RATE:g} events/s for "
        f"{SECONDS} s (PostgreSQL + Redis)"
    )
    print("Machine:", describe())
    print()
    print("| measure | value | budget |")
    print("| --- | --- | --- |")
    print(
        f"| frames delivered / expected | {result.delivered:,} / {result.expected:,} "
        f"| every frame ({'met' if every else 'missed'}) |"
    )
    print(f"| sockets that got every event | {result.complete:,} / {SOCKETS:,} | |")
    print(f"| sockets closed by the server | {result.closed} | 0 |")
    print(
        "| sockets per worker process | "
        + " / ".join(f"{n:,}" for n in result.sockets_per_process)
        + " | split over both |"
    )
    p99_ok = result.p99 < P99_BUDGET_MS
    print(
        f"| post-to-delivery p50 / p99 / max (ms) | {result.p50:.1f} / {result.p99:.1f} / "
        f"{result.max:.1f} | p99 < {P99_BUDGET_MS:g} ({'met' if p99_ok else 'missed'}) |"
    )
    idle_ok = result.idle_kb_per_socket < IDLE_BUDGET_KB
    print(
        f"| idle memory per socket (RSS delta of all server processes) "
        f"| {result.idle_kb_per_socket:.1f} KB | < {IDLE_BUDGET_KB:g} KB "
        f"({'met' if idle_ok else 'missed'}) |"
    )
    print(f"| delivered frames/s | {result.frames_per_second:,.0f} | |")
    print(
        f"| server CPU per delivered frame (all processes) | {result.cpu_us_per_frame:.1f} µs | |"
    )
    print(f"| events posted per second | {result.achieved_rate:.2f} | {RATE:g} |")
    return 0


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp, _load.database("postgres", Path(tmp)) as url:
        return asyncio.run(run(url))


if __name__ == "__main__":
    sys.exit(main())
