"""Opinion groups for 5,000 participants x 1,000 contributions (budget: 10 s, 500 MiB).

Run: `.venv/bin/python -m bench opinion_groups`. The vote matrix has four planted camps; each
person votes on a random 30 % of the contributions (1.5 million votes). The computation runs
in a fresh child process, so its peak resident memory (ru_maxrss) is its own; the figure
includes the Python interpreter, numpy and scikit-learn themselves and the input arrays
(`maxrss_before_mib` is the peak before the computation starts).
"""

from __future__ import annotations

import json
import multiprocessing
import resource
import time
from typing import Any

import numpy as np

from bench.machine import describe

PARTICIPANTS = 5_000
STATEMENTS = 1_000
DENSITY = 0.30
CAMPS = 4


def _votes() -> tuple[Any, Any, Any]:
    rng = np.random.default_rng(42)
    leaning = rng.choice([-1, 1], size=(CAMPS, STATEMENTS))
    camp = rng.integers(0, CAMPS, size=PARTICIPANTS)
    mask = rng.random((PARTICIPANTS, STATEMENTS)) < DENSITY
    noise = np.where(rng.random((PARTICIPANTS, STATEMENTS)) < 0.15, -1, 1)
    rows, cols = np.nonzero(mask)
    values = (leaning[camp] * noise)[rows, cols]
    return rows.astype(np.int64), cols.astype(np.int64), values


def _run(queue: Any) -> None:
    from dialog.evaluation.opinion_groups import compute, matrix_from_arrays

    accounts, comments, values = _votes()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    cpu = time.process_time()
    matrix = matrix_from_arrays(accounts, comments, values)
    built = time.perf_counter() - started
    analysis = compute(matrix)
    wall = time.perf_counter() - started
    queue.put(
        {
            "votes": matrix.votes,
            "build_s": round(built, 3),
            "wall_s": round(wall, 3),
            "cpu_s": round(time.process_time() - cpu, 3),
            "groups": [g.size for g in analysis.groups],
            "silhouette": analysis.silhouette,
            "maxrss_before_mib": round(before / 1024, 1),
            "maxrss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        }
    )


def main() -> int:
    print(describe())
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    child = context.Process(target=_run, args=(queue,))
    child.start()
    result = queue.get()
    child.join()
    print(json.dumps(result, indent=2))
    ok = result["wall_s"] < 10 and result["maxrss_mib"] < 500
    print("budget (10 s, 500 MiB):", "met" if ok else "MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
