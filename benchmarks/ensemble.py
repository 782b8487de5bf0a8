"""An ensemble of 200 runs of the default scenario: 2 local worker processes against 1.

Usage: .venv/bin/python benchmarks/ensemble.py [--replications N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

from common import machine, print_table

from model import Scenario
from model.runner import run_replications


def timed(scenario: Scenario, replications: int, workers: int) -> float:
    """Wall seconds of the ensemble on a process pool of ``workers``."""
    start = time.perf_counter()
    run_replications(scenario, replications, executor="process", workers=workers)
    return time.perf_counter() - start


def import_seconds(repeats: int = 3) -> float:
    """Median wall time of a fresh ``python -c "import model"`` (what each worker pays once)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import model"], check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=200)
    args = parser.parse_args()
    scenario = Scenario()
    # Start the pool's fork server (it imports the model once) before timing either ensemble.
    timed(scenario, 2, 2)
    load_before = os.getloadavg()[0]
    one = timed(scenario, args.replications, 1)
    two = timed(scenario, args.replications, 2)
    load_after = os.getloadavg()[0]
    speedup = one / two
    start_up = import_seconds()
    print(f"machine: {machine()}")
    print_table(
        f"Ensemble of {args.replications} default runs (process pool; its fork server started before timing)",
        [
            ("python -c 'import model', s (once per pool)", f"{start_up:.2f}", "", ""),
            ("load average before / after", f"{load_before:.1f} / {load_after:.1f}", "", ""),
            ("1 worker, s", f"{one:.1f}", "", ""),
            ("2 workers, s", f"{two:.1f}", "", ""),
            ("speed-up", f"{speedup:.2f}x", ">= 1.8x", "yes" if speedup >= 1.8 else "no"),
        ],
    )


if __name__ == "__main__":
    main()
