"""Run time against the number of households: 25k, 100k, 250k and 1M (1990-2023 monthly).

Usage: .venv/bin/python benchmarks/scaling.py [--repeats N]
"""

from __future__ import annotations

import argparse

from common import cpu_median, machine, median_time, print_table

from model import BalloonModel, Scenario

HOUSEHOLDS = [25_000, 100_000, 250_000, 1_000_000]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    BalloonModel(Scenario(households={"scale": 0.01})).run()  # load compiled loops first
    seconds, cpu = {}, {}
    for n in HOUSEHOLDS:
        scenario = Scenario(households={"scale": n / 250_000})
        seconds[n], _ = median_time(lambda s=scenario: BalloonModel(s).run(), args.repeats)
        cpu[n] = cpu_median()
        print(f"{n:>9,} households: {seconds[n]:.2f} s wall, {cpu[n]:.2f} s CPU", flush=True)
    rows = [(f"{n:,} households, s (wall / CPU)", f"{seconds[n]:.2f} / {cpu[n]:.2f}", "", "")
            for n in HOUSEHOLDS]  # fmt: skip
    for small, large in ((25_000, 250_000), (100_000, 1_000_000)):
        ratio = seconds[large] / seconds[small]
        ratio_cpu = cpu[large] / cpu[small]
        rows.append((f"time({large:,}) / time({small:,}) (wall / CPU)",
                     f"{ratio:.1f}x / {ratio_cpu:.1f}x", "<= 11x",
                     "yes" if ratio <= 11 else "no"))  # fmt: skip
    print_table("Scaling with households", rows)


if __name__ == "__main__":
    main()
