"""Live fan-out at saturation: events/s raised step by step until p99 passes 250 ms or a frame
is lost, for our server and for a bare relay in the same run; both ceilings and their ratio.

Run: `.venv/bin/python -m bench live_ramp`. The setup of `python -m bench live_fanout` (2,000
sockets on one thread, our server on SQLite with a private redis-server, the bare `websockets`
relay, listeners in two processes), one server of each kind kept running through its ramp,
fresh listeners for every step. Steps start at 20 events/s and grow by 10
(DIALOG_BENCH_RAMP_START, DIALOG_BENCH_RAMP_STEP), each DIALOG_BENCH_RAMP_SECONDS long (10).
A step passes when every frame reached every socket, no socket was closed, and p99 is under
250 ms. After the first failing step the interval to the last passing one (or to 0 when the
first step fails) is halved until it is a quarter of a step; the ceiling is the highest rate
that passed. Budget: ours at least 90 % of the relay's.
"""

from __future__ import annotations

import asyncio
import os
import sys
from contextlib import AbstractAsyncContextManager

from bench.live_fanout import Load, Result, Target, measure, ours, relay

START = float(os.environ.get("DIALOG_BENCH_RAMP_START", "20"))
STEP = float(os.environ.get("DIALOG_BENCH_RAMP_STEP", "10"))
SECONDS = int(os.environ.get("DIALOG_BENCH_RAMP_SECONDS", "10"))
SOCKETS = int(os.environ.get("DIALOG_BENCH_SOCKETS", "2000"))
REFINE = 2  # halvings of a step between the last passing and the first failing rate (2.5/s)
HIGHEST = 400.0  # events/s: a ramp that passes this stops there
SHARE = 0.90


async def ramp(server: AbstractAsyncContextManager[Target]) -> list[Result]:
    """Measure step after step on one running server until a step fails, then halve the
    interval between the last passing and the failing rate REFINE times."""
    steps: list[Result] = []

    async def step(rate: float) -> bool:
        result = await measure(target, Load(SOCKETS, rate, SECONDS))
        steps.append(result)
        print(row(result), flush=True)
        return result.passed

    async with server as target:
        rate = START
        while rate <= HIGHEST and await step(rate):
            rate += STEP
        # When the first step fails already, the interval reaches down to 0 events/s.
        passing, failing = (rate - STEP if rate > START else 0.0), rate
        while rate <= HIGHEST and failing - passing > STEP / 2**REFINE:
            middle = (passing + failing) / 2
            if await step(middle):
                passing = middle
            else:
                failing = middle
    return steps


def ceiling(steps: list[Result]) -> float:
    """The highest rate that passed (0 if none did)."""
    return max((r.load.rate for r in steps if r.passed), default=0.0)


def row(result: Result) -> str:
    verdict = "passed" if result.passed else "failed"
    return (
        f"| {result.name} | {result.load.rate:g} ({result.achieved_rate:.1f}) "
        f"| {result.delivered:,} / {result.expected:,} | {result.closed} "
        f"| {result.p50:.1f} / {result.p99:.1f} / {result.max:.1f} "
        f"| {result.frames_per_second:,.0f} | {result.cpu_us_per_frame:.1f} | {verdict} |"
    )


HEADER = (
    "| server | events/s asked (posted) | frames delivered / expected | closed "
    "| p50 / p99 / max ms | frames/s | server CPU µs/frame | step |\n"
    "| --- | --- | --- | --- | --- | --- | --- | --- |"
)


async def run() -> int:
    from bench.machine import describe

    print(
        f"Fan-out ramp: {SOCKETS} sockets, {SECONDS} s per step, from {START:g} events/s by "
        f"{STEP:g}"
    )
    print(HEADER, flush=True)
    bare = await ramp(relay())
    mine = await ramp(ours(SOCKETS))
    print("Machine:", describe())
    print()
    print(HEADER)
    for result in [*bare, *mine]:
        print(row(result))
    relay_ceiling, our_ceiling = ceiling(bare), ceiling(mine)
    share = our_ceiling / relay_ceiling if relay_ceiling else 0.0
    verdict = "met" if share >= SHARE else "missed"
    print()
    print(
        f"Ceilings: ours {our_ceiling:g} events/s, relay {relay_ceiling:g} events/s; "
        f"ratio {share:.0%} (budget {SHARE:.0%}: {verdict})"
    )
    return 0


def main() -> int:
    return asyncio.run(run())


if __name__ == "__main__":
    sys.exit(main())
