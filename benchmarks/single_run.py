"""One run of the default shipped scenario (1990-2023, monthly): wall time, median of several.

Usage: .venv/bin/python benchmarks/single_run.py [--repeats N]
"""

from __future__ import annotations

import argparse
import time

from common import cpu_median, machine, median_time, print_table

from model import BalloonModel, Scenario


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    scenario = Scenario()
    start = time.perf_counter()
    BalloonModel(scenario).run()  # the first run also loads the compiled loops from disk
    first = time.perf_counter() - start
    build, _ = median_time(lambda: BalloonModel(scenario), args.repeats)
    run, times = median_time(lambda: BalloonModel(scenario).run(), args.repeats)
    run_cpu = cpu_median()
    tables, _ = median_time(lambda: BalloonModel(scenario).run().countries, 3)
    model = BalloonModel(scenario)
    print(f"machine: {machine()}")
    print(
        f"default scenario: {scenario.months} months, households.scale={scenario.households.scale}"
        f" ({model.households.n_active} households in {model.households.capacity} slots)"
    )
    print("all run times, s: " + ", ".join(f"{t:.3f}" for t in times))
    print_table(
        "Default scenario, one run",
        [
            ("first run in a fresh process (loads compiled code), s", f"{first:.3f}", "", ""),
            ("build the model, s", f"{build:.3f}", "", ""),
            ("build and run, s (median)", f"{run:.3f}", "<= 0.25", "yes" if run <= 0.25 else "no"),
            ("build and run, process CPU s (median)", f"{run_cpu:.3f}", "", ""),
            ("build, run and make the country table, s", f"{tables:.3f}", "", ""),
        ],
    )


if __name__ == "__main__":
    main()
