"""Full scale: 250,000 households (one agent per household), 1990-2023 monthly.

Prints the wall time (median of several runs), the peak memory of the process, and household-steps
per second against Mesa's BoltzmannWealth example with 10,000 agents measured in the same process.

Usage: .venv/bin/python benchmarks/full_scale.py [--repeats N] [--skip-boltzmann]
"""

from __future__ import annotations

import argparse
import resource
import time

from common import cpu_median, machine, median_time, peak_memory_mb, print_table

from model import BalloonModel, Scenario


def boltzmann_agent_steps_per_second(agents: int = 10_000, steps: int = 20) -> float:
    """Agent-steps per second of ``mesa.examples.BoltzmannWealth`` (median of 3)."""
    from mesa.examples import BoltzmannWealth
    from mesa.examples.basic.boltzmann_wealth_model.model import BoltzmannScenario

    def one():
        model = BoltzmannWealth(BoltzmannScenario(n=agents, width=100, height=100, rng=1))
        start = time.perf_counter()
        for _ in range(steps):
            model.step()
        return agents * steps / (time.perf_counter() - start)

    rates = sorted(one() for _ in range(3))
    return rates[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skip-boltzmann", action="store_true")
    args = parser.parse_args()
    scenario = Scenario(households={"scale": 1.0})
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    seconds, times = median_time(lambda: BalloonModel(scenario).run(), args.repeats)
    seconds_cpu = cpu_median()
    faults = (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults) / args.repeats
    memory = peak_memory_mb()
    model = BalloonModel(scenario)
    households = model.households.n_active
    rate = households * scenario.months / seconds
    print(f"machine: {machine()}")
    print(f"full scale: {households} households, {model.world.n_regions} regions, "
          f"{scenario.months} months")  # fmt: skip
    print("all run times, s: " + ", ".join(f"{t:.2f}" for t in times))
    rows = [
        ("one run (build and run), s", f"{seconds:.2f}", "<= 3", "yes" if seconds <= 3 else "no"),
        ("one run, process CPU s", f"{seconds_cpu:.2f}", "", ""),
        ("peak memory of the process, MB", f"{memory:.0f}", "<= 600", "yes" if memory <= 600 else "no"),
        ("household-steps per second", f"{rate:,.0f}", "", ""),
        ("page faults per run (build and run)", f"{faults:,.0f}", "", ""),
    ]  # fmt: skip
    if not args.skip_boltzmann:
        boltzmann = boltzmann_agent_steps_per_second()
        ratio = rate / boltzmann
        rows += [
            ("BoltzmannWealth agent-steps per second (10,000 agents)", f"{boltzmann:,.0f}", "", ""),
            ("ratio", f"{ratio:.0f}x", ">= 100x", "yes" if ratio >= 100 else "no"),
        ]
    print_table("Full scale", rows)


if __name__ == "__main__":
    main()
