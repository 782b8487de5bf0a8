"""An ensemble of 200 runs of the default scenario: 2 local worker processes against 1.

The two ensembles are timed alternately, ``--rounds`` times, and the median speed-up is reported:
on a shared 2-core machine one measurement can be off by 10-15%. The script also measures what
the hardware allows: the CPU time of one model run with the other core idle, and with a second
run on it (two runs share caches and memory bandwidth, so each takes longer).

Usage: .venv/bin/python benchmarks/ensemble.py [--replications N] [--rounds N]
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
from model.experiments.runner import run_replications

# One process: CPU seconds per default run (median of 5), printed as a number.
CPU_PER_RUN = """
import statistics, time
from model import BalloonModel, Scenario
scenario = Scenario()
BalloonModel(scenario).run()
times = []
for _ in range(5):
    start = time.process_time()
    BalloonModel(scenario).run()
    times.append(time.process_time() - start)
print(statistics.median(times))
"""


def timed(scenario: Scenario, replications: int, workers: int) -> float:
    """Wall seconds of the ensemble on a process pool of ``workers``."""
    start = time.perf_counter()
    run_replications(scenario, replications, executor="process", workers=workers)
    return time.perf_counter() - start


def cpu_per_run(concurrent: int) -> float:
    """CPU seconds of one default run (each process's median of 5, averaged over processes)."""
    processes = [
        subprocess.Popen([sys.executable, "-c", CPU_PER_RUN], stdout=subprocess.PIPE, text=True)
        for _ in range(concurrent)
    ]
    return statistics.mean(float(p.communicate()[0]) for p in processes)


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
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    scenario = Scenario()
    # Start the pool's fork server (it imports the model once) before timing either ensemble.
    timed(scenario, 2, 2)
    load_before = os.getloadavg()[0]
    rounds = []
    for _ in range(args.rounds):
        one = timed(scenario, args.replications, 1)
        two = timed(scenario, args.replications, 2)
        rounds.append((one, two))
        print(f"1 worker {one:.1f} s, 2 workers {two:.1f} s: {one / two:.2f}x", flush=True)
    load_after = os.getloadavg()[0]
    speedup = statistics.median(one / two for one, two in rounds)
    alone, paired = cpu_per_run(1), cpu_per_run(2)
    print(f"machine: {machine()}")
    print_table(
        f"Ensemble of {args.replications} default runs (process pool; its fork server started "
        f"before timing; median of {args.rounds} alternating rounds)",
        [
            ("python -c 'import model', s (once per pool)", f"{import_seconds():.2f}", "", ""),
            ("load average before / after", f"{load_before:.1f} / {load_after:.1f}", "", ""),
            ("1 worker, s (each round)", ", ".join(f"{one:.1f}" for one, _ in rounds), "", ""),
            ("2 workers, s (each round)", ", ".join(f"{two:.1f}" for _, two in rounds), "", ""),
            ("speed-up (median)", f"{speedup:.2f}x", ">= 1.8x", "yes" if speedup >= 1.8 else "no"),
            ("CPU s per run, other core idle / busy with a second run",
             f"{alone:.3f} / {paired:.3f}", "", ""),
            ("speed-up the hardware allows (2 x idle / busy)", f"{2 * alone / paired:.2f}x", "", ""),
        ],
    )  # fmt: skip


if __name__ == "__main__":
    main()
