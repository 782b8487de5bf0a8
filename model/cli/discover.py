"""``balloon discover``: where in parameter space a policy backfires (scenario discovery)."""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

from model.cli.options import (
    BadInput,
    add_executor_options,
    executor_from_args,
    interruptible,
    positive_int,
    say,
    tidy_lines,
)
from model.scenario.errors import one_line
from model.scenario.loading import load_scenario


def _share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"{text} is not a share above 0 and at most 1")
    return value


def _target(text: str):
    from model.experiments.pressure import Target

    try:
        return Target.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _window(text: str):
    from model.experiments.pressure import Window

    try:
        return Window.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _default_out(args, policy, counterfactual) -> Path:
    """``results/<policy>/discover-<hash>``: the same runs resume into the same folder.

    The condition (``--where``) is left out: another question of the same runs reuses them.
    """
    what = {
        "policy": policy.model_dump(mode="json"),
        "counterfactual": counterfactual.model_dump(mode="json"),
        "param": args.param,
        "samples": args.samples,
        "replications": args.replications,
        "target": str(args.target) if args.target else None,
        "window": str(args.window) if args.window else None,
    }
    digest = hashlib.sha256(json.dumps(what, sort_keys=True).encode()).hexdigest()[:8]
    return Path(args.results_root) / policy.name / f"discover-{digest}"


def cmd_discover(args: argparse.Namespace) -> int:
    """Sample, run the pairs, find the boxes, write the tables, figures and summary."""
    from model.experiments.compare import ComparisonError
    from model.experiments.conditions import ConditionError
    from model.experiments.discover import balloon_condition, run_discovery
    from model.experiments.discover_report import box_sentence, write_discovery
    from model.experiments.memory import check_memory, largest_point
    from model.experiments.sweep import FailedRuns, SweepError, scenario_parameters

    try:
        condition = balloon_condition(args.where)
    except ConditionError as error:
        raise BadInput(f"--where {error}") from None
    policy = load_scenario(args.policy, args.overrides)
    counterfactual = load_scenario(args.against, args.overrides)
    parameters = scenario_parameters(policy, args.param)
    scenario_parameters(counterfactual, args.param)  # the values are set on both scenarios
    out = Path(args.out) if args.out else _default_out(args, policy, counterfactual)
    pairs = [largest_point(policy, parameters), largest_point(counterfactual, parameters)]
    check_memory(
        pairs, 2 * args.samples * args.replications, executor_from_args(args), args.workers
    )
    for line in tidy_lines(out, depth=1):
        say(args, line)
    say(args, f"discover where {condition} for {policy.name} against {counterfactual.name}: "
              f"{args.samples} points x {args.replications} replication(s) = "
              f"{args.samples * args.replications} paired runs -> {out}")  # fmt: skip
    try:
        discovery = interruptible(
            args,
            out,
            lambda: run_discovery(
                policy, counterfactual, parameters, args.samples, out, condition=condition,
                replications=args.replications, target=args.target, window=args.window,
                min_density=args.min_density, max_boxes=args.boxes,
                executor=executor_from_args(args), workers=args.workers, resume=args.resume,
                progress=not args.quiet,
            ),
        )  # fmt: skip
    except (SweepError, ComparisonError) as error:
        raise BadInput(str(error)) from None
    except FailedRuns as error:
        print(f"balloon: error: {one_line(error)}", file=sys.stderr)
        return 1
    if discovery is None:
        return 130
    write_discovery(discovery, out)
    points = len(discovery.points)
    print(f"{condition} holds at {discovery.holds} of {points} points; "
          f"{len(discovery.boxes)} box(es) with density >= {args.min_density:.0%}")  # fmt: skip
    for box in discovery.boxes:
        print(f"box {box.number}: {box_sentence(box, discovery)}")
    sweep = discovery.sweep
    print(f"{sweep.computed} paired run(s) computed, {sweep.reused} reused; wrote {out}/ "
          "(summary.md, points.parquet and .csv, boxes.csv, prim_*.png and .svg)")  # fmt: skip
    return 0


def add_parser(subparsers) -> None:
    """Register ``balloon discover``."""
    parser = subparsers.add_parser(
        "discover",
        help="scenario discovery: where in parameter space a policy backfires (PRIM boxes)",
        description="Sample the parameters over a Latin hypercube, run POLICY and the "
        "counterfactual at each point on common seeds, compute the balloon metrics and find "
        "boxes of parameter space where a condition holds (default: net_reduction_ha < 0, more "
        "coca in total with the policy) with PRIM. Writes summary.md, points.parquet and .csv, "
        "boxes.csv, prim_tradeoff.png and prim_boxes.png (and .svg). See docs/discover.md.",
    )
    parser.add_argument(
        "policy", help="the policy scenario file or shipped name (e.g. plan_colombia)"
    )
    parser.add_argument(
        "--against", required=True, metavar="COUNTERFACTUAL",
        help="the counterfactual scenario file or shipped name (e.g. baseline)",
    )  # fmt: skip
    parser.add_argument(
        "--param", action="append", default=[], required=True, metavar="PATH=LOW:HIGH",
        help="a dotted scenario path and its range, set on both scenarios, e.g. "
        "market.demand_elasticity=-1.2:-0.2 (repeatable; whole-number keys are rounded)",
    )  # fmt: skip
    parser.add_argument(
        "--samples", type=positive_int, default=64, help="points of the design (default 64)"
    )
    parser.add_argument(
        "--replications", type=positive_int, default=1,
        help="paired runs per point on common seeds; metrics are their mean (default 1)",
    )  # fmt: skip
    parser.add_argument(
        "--where", default="net_reduction_ha < 0", metavar="CONDITION",
        help="what to look for, on the balloon metrics, e.g. 'displacement_ratio_across > 1' "
        "(comparisons joined by and/or; default 'net_reduction_ha < 0')",
    )  # fmt: skip
    parser.add_argument(
        "--target", type=_target, metavar="COUNTRY[:REGION,...]",
        help="where the policy pushes (default: the country that loses most coca)",
    )  # fmt: skip
    parser.add_argument(
        "--window", type=_window, metavar="START:END",
        help="months to measure over, e.g. 2000-07:2015-09 (default: the policy's months of "
        "extra pressure)",
    )  # fmt: skip
    parser.add_argument(
        "--min-density", type=_share, default=0.8, metavar="SHARE",
        help="smallest share of a box's points where the condition holds (default 0.8)",
    )  # fmt: skip
    parser.add_argument("--boxes", type=positive_int, default=3, help="most boxes (default 3)")
    parser.add_argument(
        "--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
        help="change one key in both scenarios, e.g. --set households.scale=0.01 (repeatable)",
    )  # fmt: skip
    parser.add_argument(
        "--out", help="output folder (default results/<policy>/discover-<hash of the design>)"
    )
    parser.add_argument("--results-root", default="results", help="results root (default results)")
    parser.add_argument(
        "--resume", action="store_true",
        help="continue an interrupted discovery in the same folder (only missing runs are "
        "computed), or ask another --where of finished runs",
    )  # fmt: skip
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    add_executor_options(parser)
    parser.set_defaults(handler=cmd_discover)
