"""``balloon calibrate``: fit a scenario's free parameters to the UNODC series and report the fit."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from model.cli.options import BadInput, positive_int
from model.scenario.loading import find_scenario, load_scenario

WINDOW = re.compile(r"^(\d{4})-(\d{4})$")


def parse_window(text: str) -> tuple[int, int]:
    """Read ``FIRST-LAST`` years, e.g. ``1990-2012``."""
    match = WINDOW.match(text.strip())
    if not match or int(match.group(1)) > int(match.group(2)):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a window: write FIRST-LAST, e.g. 1990-2012"
        )
    return int(match.group(1)), int(match.group(2))


def cmd_calibrate(args: argparse.Namespace) -> int:
    """Calibrate, then write the calibrated scenario, the fit report and the figure."""
    from model.compile_cache import announce_compiling
    from model.experiments import calibration, fit_report
    from model.experiments.data_files import reading
    from model.experiments.memory import check_memory
    from model.experiments.observed import CULTIVATION_FILE
    from model.scenario.loading import with_parameters

    file = find_scenario(args.scenario)
    scenario = load_scenario(file, args.overrides)
    if not scenario.free_parameters:
        raise BadInput(f"{file}: free_parameters: the scenario marks no parameter as free")
    try:
        with_parameters(scenario, calibration.current_values(scenario))
    except (KeyError, IndexError, ValueError) as error:
        raise BadInput(f"{file}: free_parameters: {error}") from None
    first, last = args.window
    with reading(CULTIVATION_FILE):  # a damaged data file is one line, not a traceback
        data_years = calibration.observed_hectares().index
    if first < data_years.min() or last > data_years.max():
        raise BadInput(
            f"--window {first}-{last}: the UNODC series covers {data_years.min()}-"
            f"{data_years.max()}"
        )
    out = Path(args.out or f"results/calibration/{scenario.name}")
    executor = "inline" if args.workers == 1 else "process"
    check_memory([scenario], args.popsize * len(scenario.free_parameters) * args.replications,
                 executor, args.workers)  # fmt: skip
    announce_compiling()
    result = calibration.calibrate(
        scenario,
        window=args.window,
        replications=args.replications,
        maxiter=args.maxiter,
        popsize=args.popsize,
        workers=args.workers,
        executor=executor,
        seed=args.seed,
        progress=not args.quiet,
    )
    report = fit_report.fit_report(result.scenario, args.window, args.report_replications)
    written = fit_report.write_outputs(
        report,
        out,
        calibration=result,
        source=file,
        scenario_file=Path(args.scenario_file) if args.scenario_file else None,
    )
    tp = report["turning_points"]
    print(
        f"loss {result.start_loss:.4f} -> {result.loss:.4f}; turning points model "
        f"{tp['model_mean']} vs data {tp['data']}",
        file=sys.stderr,
    )
    for kind, path in written.items():
        print(f"wrote {kind}: {path}")
    return 0


def add_parser(subparsers) -> None:
    """Register ``balloon calibrate``."""
    parser = subparsers.add_parser(
        "calibrate",
        help="fit a scenario's free_parameters to the UNODC country series",
        description=(
            "Fit the parameters a scenario marks as free (free_parameters, with bounds) by "
            "differential evolution on RMSE of log hectares plus country-share error over a "
            "window, averaged over replications with common random numbers. Writes a calibrated "
            "scenario, fit_report.md/.json and fit.png."
        ),
    )
    parser.add_argument("scenario", help="scenario file with free_parameters")
    parser.add_argument(
        "--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
        help="change one key before calibrating, e.g. --set households.scale=0.02",
    )  # fmt: skip
    parser.add_argument("--window", type=parse_window, default=(1990, 2012),
                        help="years scored, FIRST-LAST (default 1990-2012)")  # fmt: skip
    parser.add_argument("--replications", type=positive_int, default=2,
                        help="replications per candidate, same seeds for all (default 2)")  # fmt: skip
    parser.add_argument("--report-replications", type=positive_int, default=5,
                        help="replications of the calibrated scenario in the report (default 5)")  # fmt: skip
    parser.add_argument("--maxiter", type=positive_int, default=10,
                        help="generations of differential evolution (default 10)")  # fmt: skip
    parser.add_argument("--popsize", type=positive_int, default=4,
                        help="population per free parameter (scipy's popsize; default 4)")  # fmt: skip
    parser.add_argument("--workers", type=positive_int,
                        help="worker processes (default: all cores; 1 runs inline)")  # fmt: skip
    parser.add_argument("--seed", type=int, default=0, help="seed of the optimiser (default 0)")
    parser.add_argument("--out", help="folder for the report and figure "
                        "(default results/calibration/<scenario>)")  # fmt: skip
    parser.add_argument("--scenario-file",
                        help="where to write the calibrated scenario "
                        "(default <out>/<scenario>_calibrated.yaml)")  # fmt: skip
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(handler=cmd_calibrate)
