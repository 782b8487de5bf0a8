"""The tuning notebook's responsiveness: re-run after a slider change, redraw, and both together.

Uses the notebook's own window and scale (model.experiments.tuning.WINDOW, SCALE) and its code path
(``TuningSession.show``). Every measured change sets a value not seen before, so the model runs
are computed (cache misses), as when a user moves a slider to a new position:

- an eradication slider: one model run (the counterfactual and the untuned run are reused);
- a behaviour parameter (migration): two model runs (with and without the extra eradication).

The redraw updates the one figure in place and encodes the PNG the notebook shows; for comparison,
the last row draws a new figure each time, as the notebook did before.

Usage: .venv/bin/python benchmarks/tuning.py [--repeats N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date

from common import machine, print_table

from model.experiments.tuning import SCALE, WINDOW, Tuning, scenario_countries
from model.experiments.tuning_session import TuningSession
from model.figures.tuning import TuningFigure

BASE = "baseline"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9)
    args = parser.parse_args()
    session = TuningSession(*WINDOW, SCALE)
    start = date(int(WINDOW[0][:4]) + 1, 1, 1)
    # Warm up: load the scenario, compile, build the figure and its background.
    first = session.show(BASE, Tuning({}, {"colombia": 30_000}, "manual", start))
    setup = first.run.seconds + first.drawing_seconds
    rows = {}
    for kind in ("eradication", "parameter"):
        reruns, redraws, totals = [], [], []
        for i in range(args.repeats):
            if kind == "eradication":
                tuning = Tuning({}, {"colombia": 31_000 + 1_000 * i}, "manual", start)
            else:
                tuning = Tuning({"migration_rate": 0.021 + 0.001 * i}, {"colombia": 30_000},
                                "manual", start)  # fmt: skip
            shown = session.show(BASE, tuning)
            expected = 1 if kind == "eradication" else 2
            assert shown.run.runs_computed == expected, (kind, shown.run.runs_computed)
            reruns.append(shown.run.seconds)
            redraws.append(shown.drawing_seconds)
            totals.append(shown.run.seconds + shown.drawing_seconds)
        rows[kind] = (reruns, redraws, totals)
    run = shown.run
    fresh = []
    for _ in range(args.repeats):
        clock = time.perf_counter()
        TuningFigure(scenario_countries(run.scenario)).update(run).png(blit=False)
        fresh.append(time.perf_counter() - clock)

    med = statistics.median
    print(f"machine: {machine()}")
    print(
        f"tuning window {WINDOW[0]} to {WINDOW[1]} ({run.scenario.months} months), "
        f"households.scale {SCALE}, base scenario {BASE}; {args.repeats} changes of each kind; "
        f"first show (load, compile, build the figure) {setup:.2f} s"
    )
    for kind, (_, _, totals) in rows.items():
        print(f"{kind} change, all totals, s: " + ", ".join(f"{t:.3f}" for t in totals))
    table = []
    for kind, (reruns, redraws, totals) in rows.items():
        runs = "1 model run" if kind == "eradication" else "2 model runs"
        total = med(totals)
        table += [
            (f"{kind} slider: re-run ({runs}, cache miss), s", f"{med(reruns):.3f}", "", ""),
            (
                f"{kind} slider: redraw (figure updated in place, PNG), s",
                f"{med(redraws):.3f}",
                "",
                "",
            ),  # fmt: skip
            (
                f"{kind} slider: total, s",
                f"{total:.3f}",
                "< 1 (well under)",
                "yes" if total < 1 else "no",
            ),  # fmt: skip
        ]
    table.append(("redraw with a new figure each time (before), s", f"{med(fresh):.3f}", "", ""))
    print_table("Tuning notebook: one slider change (medians)", table)


if __name__ == "__main__":
    main()
