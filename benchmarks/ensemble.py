"""An ensemble of 200 runs of the default scenario: 2 local worker processes against 1.

Usage: .venv/bin/python benchmarks/ensemble.py [--replications N]
"""

from __future__ import annotations

import argparse
import time

from common import machine, print_table

from model import Scenario
from model.runner import run_replications


def timed(scenario: Scenario, replications: int, workers: int) -> float:
    start = time.perf_counter()
    run_replications(scenario, replications, executor="process", workers=workers)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=200)
    args = parser.parse_args()
    scenario = Scenario()
    one = timed(scenario, args.replications, 1)
    two = timed(scenario, args.replications, 2)
    speedup = one / two
    print(f"machine: {machine()}")
    print_table(
        f"Ensemble of {args.replications} default runs (process pool, start-up included)",
        [
            ("1 worker, s", f"{one:.1f}", "", ""),
            ("2 workers, s", f"{two:.1f}", "", ""),
            ("speed-up", f"{speedup:.2f}x", ">= 1.8x", "yes" if speedup >= 1.8 else "no"),
        ],
    )


if __name__ == "__main__":
    main()
