"""``balloon calibrate``: the posterior of a scenario's free parameters, by likelihood-free inference."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from model.cli.options import BadInput, add_executor_options, executor_from_args, positive_int
from model.scenario.loading import find_scenario, load_scenario

WINDOW = re.compile(r"^(\d{4})-(\d{4})$")
LAST_TARGET_YEAR = 2012  # no cultivation after 2012 is ever a target


def parse_window(text: str) -> tuple[int, int]:
    """Read ``FIRST-LAST`` years, e.g. ``1990-2012``."""
    match = WINDOW.match(text.strip())
    if not match or int(match.group(1)) > int(match.group(2)):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a window: write FIRST-LAST, e.g. 1990-2012"
        )
    return int(match.group(1)), int(match.group(2))


def cmd_calibrate(args: argparse.Namespace) -> int:
    """Infer the posterior, run the posterior predictive, write the report and figures."""
    from model.compile_cache import announce_compiling
    from model.experiments.calibration import calibrate
    from model.experiments.memory import check_memory
    from model.experiments.observed import cultivation

    file = find_scenario(args.scenario)
    scenario = load_scenario(file, args.overrides)
    if not scenario.free_parameters:
        raise BadInput(f"{file}: free_parameters: the scenario marks no parameter as free")
    first, last = args.window
    years = cultivation()["year"]  # a damaged data file is one line (DataFileError)
    if first < years.min() or last > min(years.max(), LAST_TARGET_YEAR):
        raise BadInput(
            f"--window {first}-{last}: the UNODC series for calibration covers {years.min()}-"
            f"{min(years.max(), LAST_TARGET_YEAR)}"
        )
    out = Path(args.out or f"results/calibration/{scenario.name}")
    executor = executor_from_args(args)
    check_memory([scenario], args.simulations + args.predictive, executor, args.workers)
    announce_compiling()
    outputs = calibrate(
        scenario,
        file,
        out,
        scenario_file=Path(args.scenario_file) if args.scenario_file else None,
        window=args.window,
        population=args.population,
        simulations=args.simulations,
        generations=args.generations,
        predictive_runs=args.predictive,
        executor=executor,
        workers=args.workers,
        seed=args.seed,
        progress=not args.quiet,
        replicates=args.replicates,
    )
    inference = outputs.report["inference"]
    print(
        f"{inference['simulations']:,} model runs in {inference['seconds']:,.0f} s "
        f"({inference['runs_per_second']:.2f} per second); {inference['samples']} posterior "
        f"samples; final threshold {inference['final_threshold']:.3f}",
        file=sys.stderr,
    )
    print(f"wrote {outputs.folder}/ (posterior.parquet, generations.csv, report.md, figures/)")
    print(f"wrote {outputs.scenario_file} and {outputs.posterior_file}")
    return 0


def add_parser(subparsers) -> None:
    """Register ``balloon calibrate``."""
    parser = subparsers.add_parser(
        "calibrate",
        help="infer the posterior of a scenario's free_parameters (likelihood-free, ABC-SMC)",
        description=(
            "Infer the posterior distribution of the parameters a scenario marks as free "
            "(free_parameters: the prior is uniform between their bounds) by approximate "
            "Bayesian computation with sequential Monte Carlo (pyabc). Each proposal is run on "
            "fresh seeds over the window (--replicates; its distance is their mean) and scored "
            "against the record (national hectares (log), each region group's share of its "
            "country's coca, the turning points, price "
            "levels) and two published effects: months with an empty inventory, and, where the "
            "scenario has the colombia_aerial policy, the spraying effect measured on a second "
            "run with 20% more spraying in 2001-2012 (0.02-0.065 ha of coca less per extra ha "
            "sprayed). Generations shrink the acceptance threshold until the budget of model "
            "runs is spent. Then posterior predictive runs over the scenario's whole horizon "
            "(years after the window are a forecast from recorded inputs only). Writes the "
            "posterior (Parquet), diagnostics per generation, report.md/.json, figures, and a "
            "calibrated scenario that extends this one, names its posterior and sets every free "
            "parameter to the posterior median."
        ),
    )
    parser.add_argument("scenario", help="scenario file with free_parameters")
    parser.add_argument(
        "--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
        help="change one key before calibrating, e.g. --set households.scale=0.005",
    )  # fmt: skip
    parser.add_argument("--window", type=parse_window, default=(1990, LAST_TARGET_YEAR),
                        help="years scored, FIRST-LAST (default 1990-2012; never after 2012)")  # fmt: skip
    parser.add_argument("--population", type=positive_int, default=200,
                        help="particles per generation (default 200)")  # fmt: skip
    parser.add_argument("--simulations", type=positive_int, default=5000,
                        help="model runs to spend on the inference at most (default 5000)")  # fmt: skip
    parser.add_argument("--generations", type=positive_int, default=20,
                        help="generations at most (default 20)")  # fmt: skip
    parser.add_argument("--predictive", type=positive_int, default=100,
                        help="posterior predictive runs for the report (default 100)")  # fmt: skip
    parser.add_argument("--replicates", type=positive_int, default=1,
                        help="seeds each proposal runs on; its distance is their mean, so "
                        "parameters that match the record by luck on one seed are not kept "
                        "(default 1)")  # fmt: skip
    parser.add_argument("--seed", type=int, default=0, help="seed of the inference (default 0)")
    parser.add_argument("--out", help="folder for the posterior, report and figures "
                        "(default results/calibration/<scenario>)")  # fmt: skip
    parser.add_argument("--scenario-file",
                        help="where to write the calibrated scenario (default "
                        "<out>/<scenario>_calibrated.yaml); its posterior goes beside it")  # fmt: skip
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    add_executor_options(parser)
    parser.set_defaults(handler=cmd_calibrate)
