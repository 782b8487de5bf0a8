"""Full scale: 250,000 households (one agent per household), 1990-2023 monthly.

Prints the wall time (median of several runs), the peak memory of the process, the memory a run
adds against the estimate ``balloon`` checks before it starts (model/experiments/memory.py), and
household-steps per second against Mesa's BoltzmannWealth example with 10,000 agents measured in
the same process.

Usage: .venv/bin/python benchmarks/full_scale.py [--repeats N] [--skip-boltzmann]
       [--scenario NAME] [--scale S]
"""

from __future__ import annotations

import argparse
import resource
import time

from common import cpu_median, machine, median_time, peak_memory_mb, print_table

from model import BalloonModel, Scenario
from model.experiments.memory import run_bytes
from model.scenario.loading import load_scenario


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
    parser.add_argument("--scenario", help="a shipped scenario instead of the default world")
    parser.add_argument("--scale", type=float, default=1.0, help="households.scale (default 1)")
    args = parser.parse_args()
    if args.scenario:
        scenario = load_scenario(args.scenario, [f"households.scale={args.scale}"])
    else:
        scenario = Scenario(households={"scale": args.scale})
    import model.experiments.worker_start  # noqa: F401  (loads the compiled loops first)

    before = peak_memory_mb()
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    seconds, times = median_time(lambda: BalloonModel(scenario).run(), args.repeats)
    seconds_cpu = cpu_median()
    faults = (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults) / args.repeats
    memory = peak_memory_mb()
    estimate = run_bytes(scenario) / 2**20
    model = BalloonModel(scenario)
    households = model.households.n_active
    rate = households * scenario.months / seconds
    print(f"machine: {machine()}")
    print(f"{scenario.name}: {households} households, {model.world.n_regions} regions, "
          f"{scenario.months} months")  # fmt: skip
    print("all run times, s: " + ", ".join(f"{t:.2f}" for t in times))
    rows = [
        ("one run (build and run), s", f"{seconds:.2f}", "<= 2", "yes" if seconds <= 2 else "no"),
        ("one run, process CPU s", f"{seconds_cpu:.2f}", "", ""),
        ("peak memory of the process, MB", f"{memory:.0f}", "<= 600", "yes" if memory <= 600 else "no"),
        ("memory a run adds (peak after minus before), MB", f"{memory - before:.0f}", "", ""),
        ("  per household, bytes", f"{(memory - before) * 2**20 / households:.0f}", "", ""),
        ("estimate checked before a run starts, MB", f"{estimate:.0f}", ">= added",
         "yes" if estimate >= memory - before else "no"),
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
