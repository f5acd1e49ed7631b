"""Describe the machine a benchmark ran on, for docs/performance.md."""

from __future__ import annotations

import os
import platform
import time
from datetime import UTC, datetime
from pathlib import Path


def describe() -> str:
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "?"
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kib = int(meminfo.read_text().split()[1])
        memory = f"{kib / 1024 / 1024:.0f} GiB"
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"{when}; {os.cpu_count()} cores, {cpu}, {memory} RAM; "
        f"Python {platform.python_version()} on {platform.system()}; "
        f"a 1M-step Python loop in {calibration_ms():.0f} ms"
    )


def calibration_ms() -> float:
    """Milliseconds one core needs for a fixed pure-Python loop (best of five): two VMs that
    /proc/cpuinfo names alike ran this project 3x apart, and this figure tells them apart."""
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        total = 0
        for i in range(1_000_000):
            total += i * i % 7
        best = min(best, time.perf_counter() - started)
    return best * 1000
