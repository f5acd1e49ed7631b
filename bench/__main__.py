"""Run a benchmark by name: `python -m bench vorhabenliste`, or all with `python -m bench all`."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def available() -> list[str]:
    folder = Path(__file__).parent
    return sorted(
        info.name
        for info in pkgutil.iter_modules([str(folder)])
        if not info.name.startswith("_") and info.name != "machine"
    )


def main(argv: list[str]) -> int:
    names = available()
    if not argv:
        print("benchmarks:", ", ".join(names))
        print("run one with: python -m bench NAME   (or: python -m bench all)")
        return 0
    chosen = names if argv == ["all"] else argv
    for name in chosen:
        if name not in names:
            print(f"unknown benchmark {name!r}; choose from {', '.join(names)}", file=sys.stderr)
            return 2
        module = importlib.import_module(f"bench.{name}")
        status: int = module.main()
        if status:
            return status
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
