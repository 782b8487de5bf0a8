"""``balloon sweep`` and ``balloon sensitivity``: designs of runs over parameter ranges."""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

from model.cli.options import (
    BadInput,
    add_executor_options,
    add_scenario_arguments,
    executor_from_args,
    interruptible,
    positive_int,
    say,
    tidy_lines,
)
from model.scenario.errors import one_line
from model.scenario.loading import ScenarioError, load_scenario

DEFAULT_METRICS = ["final_ha_total", "regional_shift_ratio"]


def _bad_input_as_such(command):
    """Report a ``SweepError`` (bad sweep input, a folder holding another sweep) as bad input."""

    def guarded(args: argparse.Namespace) -> int:
        from model.experiments.sweep import SweepError

        try:
            return command(args)
        except SweepError as error:
            raise BadInput(str(error)) from None

    guarded.__doc__ = command.__doc__
    return guarded


def _prepare(args, scenario, parameters, runs: int, out: Path) -> None:
    """Refuse a design too big for the memory; tidy what killed commands left in ``out``."""
    from model.experiments.memory import check_memory, largest_point

    check_memory([largest_point(scenario, parameters)], runs, executor_from_args(args),
                 args.workers)  # fmt: skip
    for line in tidy_lines(out, depth=1):
        say(args, line)


@_bad_input_as_such
def cmd_sweep(args: argparse.Namespace) -> int:
    """Run a design of parameter values, write the table and the figure."""
    from model.experiments.posterior import scenario_posterior
    from model.experiments.sweep import design_points, scenario_parameters, sweep_scenario
    from model.figures.sweeps import plot_sweep

    scenario = load_scenario(args.scenario, args.overrides)
    parameters = scenario_parameters(scenario, args.param)
    metrics = _check_metrics(scenario, args.metric or DEFAULT_METRICS)
    posterior = scenario_posterior(scenario) if args.posterior else None
    points = design_points(parameters, args.samples, args.design, scenario.seed)
    out = Path(args.out or _default_out(args, scenario, f"sweep-{args.design}"))
    _prepare(args, scenario, parameters, len(points) * args.replications, out)
    say(args, f"sweep {scenario.name}: {len(points)} points x {args.replications} replication(s) "
               f"= {len(points) * args.replications} runs -> {out}")  # fmt: skip
    result = interruptible(
        args,
        out,
        lambda: sweep_scenario(
            scenario, parameters, args.samples, args.design, out,
            replications=args.replications, executor=executor_from_args(args),
            workers=args.workers, resume=args.resume, progress=not args.quiet,
            posterior=posterior,
        ),
    )  # fmt: skip
    if result is None:
        return 130
    good = result.succeeded
    png = None
    if len(good):
        png = plot_sweep(
            good, [p.path for p in parameters], metrics, out / "sweep.png",
            f"Sweep of {scenario.name}: {len(good)} runs, {args.design} design",
        )  # fmt: skip
    print(f"{result.computed} run(s) computed, {result.reused} reused; "
          f"table {out / 'sweep.parquet'} (and .csv)"
          + (f", figure {png} (and .svg)" if png else ""))  # fmt: skip
    if len(result.failed):
        print(f"sweep: {len(result.failed)} of {len(result.table)} run(s) failed; each is in "
              f"{out / 'sweep.parquet'} with its parameters and its error (column error); fix "
              "the cause and add --resume to the same command to run only those again:",
              file=sys.stderr)  # fmt: skip
        for line in result.failure_lines():
            print(f"  {line}", file=sys.stderr)
        return 1
    return 0


@_bad_input_as_such
def cmd_sensitivity(args: argparse.Namespace) -> int:
    """Sobol or Morris indices of outcome metrics; table and bar figure."""
    from model.experiments.sensitivity import sample, scenario_sensitivity
    from model.experiments.sweep import FailedRuns, scenario_parameters
    from model.figures.sweeps import plot_indices

    scenario = load_scenario(args.scenario, args.overrides)
    parameters = scenario_parameters(scenario, args.param)
    metrics = _check_metrics(scenario, args.metric or ["final_ha_total"])
    runs = len(sample(parameters, args.method, args.samples, scenario.seed)) * args.replications
    out = Path(args.out or _default_out(args, scenario, f"sensitivity-{args.method}"))
    _prepare(args, scenario, parameters, runs, out)
    say(args, f"{args.method} sensitivity of {scenario.name}: {runs} runs -> {out}")
    try:
        result = interruptible(
            args,
            out,
            lambda: scenario_sensitivity(
                scenario, parameters, args.method, args.samples, metrics, out,
                replications=args.replications, executor=executor_from_args(args),
                workers=args.workers, resume=args.resume, progress=not args.quiet,
            ),
        )  # fmt: skip
    except FailedRuns as error:
        print(f"balloon: error: {one_line(error)}", file=sys.stderr)
        return 1
    if result is None:
        return 130
    png = plot_indices(
        result.indices, args.method, out / "indices.png",
        f"{args.method.title()} sensitivity of {scenario.name} ({runs} runs)",
        warnings=result.warnings,
    )  # fmt: skip
    print(indices_text(result.indices))
    print(f"{result.sweep.computed} run(s) computed, {result.sweep.reused} reused; "
          f"table {out / 'indices.csv'}, figure {png} (and .svg)")  # fmt: skip
    for line in result.warnings:
        print(line, file=sys.stderr)
    return 0


def indices_text(indices) -> str:
    """The indices as a plain table with readable numbers (6,060 ha, not 6.06e+03)."""
    from model.figures.style import format_number

    numbers = indices.select_dtypes("number").columns
    return indices.to_string(index=False, formatters=dict.fromkeys(numbers, format_number))


def _check_metrics(scenario, metrics: list[str]) -> list[str]:
    from model.columns import OUTCOMES

    countries = sorted({r.country for r in scenario.resolved_regions()})
    known = list(OUTCOMES) + [f"{p}_{c}" for p in ("final_ha", "change_ha") for c in countries]
    for metric in metrics:
        if metric not in known:
            raise ScenarioError(
                "--metric", metric, f"unknown metric: choose from {', '.join(known)}"
            )
    return metrics


def _default_out(args, scenario, kind: str) -> Path:
    """``results/<scenario>/<kind>-<hash>``: the same command resumes into the same folder."""
    what = {
        "scenario": scenario.model_dump(mode="json"),
        "param": args.param,
        "samples": args.samples,
        "replications": args.replications,
    }
    digest = hashlib.sha256(json.dumps(what, sort_keys=True).encode()).hexdigest()[:8]
    return Path(args.results_root) / scenario.name / f"{kind}-{digest}"


def _common_arguments(parser: argparse.ArgumentParser, metric_help: str) -> None:

    add_scenario_arguments(parser)
    parser.add_argument(
        "--param", action="append", default=[], required=True, metavar="PATH=LOW:HIGH",
        help="a dotted scenario path and its range, e.g. households.profit_sensitivity=0.5:3 "
        "(repeatable; whole-number keys are rounded)",
    )  # fmt: skip
    parser.add_argument("--metric", action="append", metavar="NAME", help=metric_help)
    parser.add_argument(
        "--replications", type=positive_int, default=1,
        help="runs per point, on the same seeds at every point (default 1)",
    )  # fmt: skip
    parser.add_argument(
        "--out", help="output folder (default results/<scenario>/<kind>-<hash of the command>)"
    )
    parser.add_argument("--results-root", default="results", help="results root (default results)")
    parser.add_argument(
        "--resume", action="store_true",
        help="continue an interrupted run in the same folder, computing only missing runs",
    )  # fmt: skip
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    add_executor_options(parser)


def add_parser(subparsers) -> None:
    """Register ``sweep`` and ``sensitivity``."""
    sweep = subparsers.add_parser(
        "sweep",
        help="run a design of parameter values; table of parameters against outcome metrics",
        description="Vary scenario parameters over a design and record outcome metrics per run "
        "(sweep.parquet, sweep.csv, sweep.png and .svg in the output folder).",
    )
    _common_arguments(sweep, "metric plotted under the country areas (repeatable; default "
                             "final_ha_total and regional_shift_ratio)")  # fmt: skip
    sweep.add_argument(
        "--samples", type=positive_int, default=16,
        help="points (lhs, sobol) or levels per parameter (grid) (default 16)",
    )  # fmt: skip
    sweep.add_argument(
        "--design", choices=("lhs", "grid", "sobol"), default="lhs",
        help="how points fill the ranges: lhs (Latin hypercube: one point in each of --samples "
        "slices of every range), grid (every combination of --samples levels per parameter), "
        "sobol (a scrambled Sobol sequence) (default lhs)",
    )  # fmt: skip
    sweep.add_argument(
        "--posterior", action="store_true",
        help="draw each replication's free parameters from the scenario's posterior (posterior: "
        "FILE; replication r uses the same sample at every point), then set the swept values",
    )  # fmt: skip
    sweep.set_defaults(handler=cmd_sweep)

    sensitivity = subparsers.add_parser(
        "sensitivity",
        help="Sobol or Morris sensitivity indices of outcome metrics (SALib)",
        description="Global sensitivity analysis: Sobol first-order and total indices with "
        "confidence intervals, or Morris mu* and sigma (indices.csv, indices.png and .svg).",
    )
    _common_arguments(sensitivity, "outcome metric to analyse (repeatable; default final_ha_total)")
    sensitivity.add_argument(
        "--method", choices=("sobol", "morris"), default="sobol",
        help="sobol: first-order (S1) and total (ST) shares of the metric's variance, with 95%% "
        "intervals (needs many runs); morris: mean absolute effect mu* and spread sigma of each "
        "parameter over its range, a cheaper screening (default sobol)",
    )  # fmt: skip
    sensitivity.add_argument(
        "--samples", type=positive_int, default=64,
        help="sobol: base samples, a power of two (runs = samples x (parameters + 2)); "
        "morris: trajectories (runs = samples x (parameters + 1)) (default 64)",
    )  # fmt: skip
    sensitivity.set_defaults(handler=cmd_sensitivity)
