"""``balloon compare`` and ``balloon plot``: policy scenarios against a counterfactual, and figures."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from model.cli.options import (
    BadInput,
    add_executor_options,
    executor_from_args,
    positive_int,
    say,
    tidy_lines,
)


def _window(text: str):
    from model.experiments.pressure import Window

    try:
        return Window.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _target(text: str):
    from model.experiments.pressure import Target

    try:
        return Target.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _default_out(root: str, policies, counterfactual) -> Path:
    names = "+".join(dict.fromkeys(p.scenario.name if hasattr(p, "seeds") else p.name
                                   for p in policies))  # fmt: skip
    base = counterfactual.scenario.name if hasattr(counterfactual, "seeds") else counterfactual.name
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    return Path(root) / "comparisons" / f"{names[:80]}_vs_{base}" / stamp


def _load_inputs(sources: list[str], overrides: list[str]) -> list:
    """Load every scenario file or run folder; the problems of all of them in one error."""
    from model.experiments.compare import load_input
    from model.scenario.loading import ScenarioError

    loaded, problems = [], []
    for source in sources:
        try:
            loaded.append(load_input(source, overrides))
        except ScenarioError as error:
            problems += error.problems
    if problems:
        raise ScenarioError.of(list(dict.fromkeys(problems)))  # a file given twice: once
    return loaded


def cmd_compare(args: argparse.Namespace) -> int:
    """Run (or read) each policy and the counterfactual on common seeds; write metrics, figures."""
    from model.experiments.compare import (
        MIN_RUNS_FOR_INTERVALS,
        ComparisonError,
        compare,
        console_table,
        interval_covers,
        write_comparison,
    )
    from model.experiments.memory import check_memory
    from model.figures.style import format_number
    from model.scenario.schema import Scenario

    if args.out is not None and Path(args.out).exists():
        raise BadInput(f"{args.out}: already exists: comparisons are never overwritten")
    counterfactual, *policies = _load_inputs([args.against, *args.policy], args.overrides)
    if args.by_channel:
        _check_by_channel(args, counterfactual, policies)
    out = Path(args.out) if args.out else _default_out(args.results_root, policies, counterfactual)
    executor = executor_from_args(args)
    to_run = [s for s in (counterfactual, *policies) if isinstance(s, Scenario)]
    n = args.replications or max((s.replications for s in to_run), default=0)
    inputs = len(policies) + 1
    # --by-channel holds the comparison with every channel on while each channel-off one runs.
    held = 2 if args.by_channel else 1
    check_memory(to_run, n, executor, args.workers, kept_tables=n * inputs * held)
    for line in tidy_lines(out.parent, depth=0):
        say(args, line)
    say(args, f"comparing {len(policies)} scenario(s) against {args.against} on common seeds")
    try:
        comparison = compare(
            policies,
            counterfactual,
            replications=args.replications,
            targets=args.target,
            window=args.window,
            executor=executor,
            workers=args.workers,
            progress=not args.quiet,
            posterior=args.posterior,
        )
        channels = None
        if args.by_channel:
            channels = _channel_table(args, comparison, out, executor)
            if channels is None:
                return 130
        say(args, "writing metrics and figures")
        folder = write_comparison(comparison, out, figures=not args.no_figures, channels=channels)
    except ComparisonError as error:
        raise BadInput(str(error)) from None
    n = len(comparison.counterfactual.seeds)
    print(f"Balloon metrics: median (90% interval) over {interval_covers(comparison)}")
    if n < MIN_RUNS_FOR_INTERVALS:
        print(f"warning: the intervals rest on {n} run(s); use --replications "
              f"{MIN_RUNS_FOR_INTERVALS} or more for intervals to trust", file=sys.stderr)  # fmt: skip
    for name, (window, end) in comparison.windows.items():
        print(f"  {name}: window {window}, pressure ends {end:%Y-%m}")
    print(console_table(comparison.summary, runs=n))
    if channels is not None:
        print("Which channel carries it (displacement_ratio with each channel switched off):")
        for row in channels[channels.metric == "displacement_ratio"].itertuples():
            print(f"  {row.channels:<32} {format_number(row.median)} "
                  f"({format_number(row.low)} to {format_number(row.high)})")  # fmt: skip
    print(f"wrote {folder}/ (metrics.csv, metrics.json, summary.md"
          f"{', channels.csv' if channels is not None else ''}"
          f"{', figures/' if not args.no_figures else ''}, runs/)")  # fmt: skip
    return 0


def _channel_table(args, comparison, out: Path, executor):
    """``--by-channel``'s table; None if Ctrl-C stopped it. What already ran is never lost.

    If a channel-off comparison fails or is interrupted, the comparison with every channel on
    (about a sixth of the time spent) is written to ``out`` first, and the message says where.
    """
    from model.experiments.channels import CHANNELS, by_channel
    from model.experiments.compare import ComparisonError
    from model.experiments.runner import interrupted

    say(args, f"the same comparison with each of {len(CHANNELS)} channels switched off")
    try:
        return by_channel(
            comparison, args.policy[0], args.against, args.overrides, executor=executor,
            workers=args.workers, progress=not args.quiet, posterior=args.posterior,
        )  # fmt: skip
    except (Exception, KeyboardInterrupt) as error:  # noqa: BLE001 - keep what ran, then report
        kept = _keep_all_on(args, comparison, out)
        if interrupted(error):  # a Ctrl-C in a compiled loop comes back as SystemError
            print(f"interrupted: {kept}; the channel table was not finished", file=sys.stderr)
            return None
        if isinstance(error, ComparisonError):
            raise ComparisonError(f"{error}; {kept}") from None
        print(f"balloon: {kept}", file=sys.stderr)
        raise


def _keep_all_on(args, comparison, out: Path) -> str:
    """Write the comparison with every channel on; say where (or why it could not be)."""
    from model.experiments.compare import ComparisonError, write_comparison
    from model.files import WriteError
    from model.scenario.errors import one_line

    try:
        folder = write_comparison(comparison, out, figures=not args.no_figures)
    except (ComparisonError, WriteError) as error:
        return f"the comparison with every channel on could not be saved ({one_line(error)})"
    return f"the comparison with every channel on is saved in {folder}/"


def _check_by_channel(args, counterfactual, policies) -> None:
    """What ``--by-channel`` needs: one policy file, one target, every channel on to begin with."""
    from model.scenario.schema import Scenario

    if len(policies) != 1 or not all(isinstance(s, Scenario) for s in (counterfactual, *policies)):
        raise BadInput("--by-channel: give one policy scenario file and a counterfactual scenario "
                       "file (it reruns both with each channel switched off), not run folders")  # fmt: skip
    if len(args.target) > 1:
        raise BadInput("--by-channel: give at most one --target (every row of the channel table "
                       "measures the same target)")  # fmt: skip
    for scenario in (counterfactual, *policies):
        off = [name for name, on in scenario.channels.model_dump().items() if not on]
        if off:
            raise BadInput(f"--by-channel: {scenario.name} already has channels.{off[0]} off; "
                           "the table starts from every channel on (drop that setting)")  # fmt: skip


def cmd_plot(args: argparse.Namespace) -> int:
    """Draw the figures of run and comparison folders into new folders; never overwrite any."""
    from pandas import read_csv

    from model.experiments.compare import ComparisonError, load_comparison
    from model.experiments.results import MANIFEST, load_results
    from model.figures.comparison import channel_intervals
    from model.figures.folders import comparison_figures, results_figures
    from model.figures.saving import save_figure
    from model.files import publish_folder, staged_folder
    from model.leftovers import is_leftover
    from model.scenario.loading import ScenarioError

    sources = [Path(name) for name in args.results]
    for folder in sources:
        if is_leftover(folder):
            raise BadInput(
                f"{folder}: an unfinished folder left by a killed balloon command, not a result: "
                "give a folder written by balloon run or balloon compare"
            )
    outs = [_figures_out(folder, args.out, several=len(sources) > 1) for folder in sources]
    for out in outs:
        if out.exists():
            raise BadInput(f"{out}: already exists: figures are never overwritten (choose --out)")
    for folder, out in zip(sources, outs, strict=True):
        if (folder / "metrics.csv").is_file():
            try:
                loaded, draw = load_comparison(folder), comparison_figures
            except (ComparisonError, ScenarioError) as error:
                raise BadInput(str(error)) from None
        elif (folder / MANIFEST).is_file():
            loaded, draw = load_results(folder), results_figures
        else:
            raise BadInput(
                f"{folder}: not a run folder (no {MANIFEST}) nor a comparison folder "
                "(no metrics.csv): give a folder written by balloon run or balloon compare"
            )
        for line in tidy_lines(out.parent, depth=1):  # what a killed plot left beside it
            print(line, file=sys.stderr)
        with staged_folder(out) as staging:
            paths = draw(loaded, staging)
            if (folder / "channels.csv").is_file():  # written by compare --by-channel
                paths += save_figure(channel_intervals(read_csv(folder / "channels.csv")),
                                     staging, "channels")  # fmt: skip
            try:
                publish_folder(staging, out)
            except FileExistsError:
                raise BadInput(f"{out}: already exists: figures are never overwritten") from None
        print(f"wrote {len(paths)} files to {out}/")
    return 0


def _figures_out(folder: Path, out: str | None, several: bool) -> Path:
    """Where ``balloon plot`` draws a folder's figures: a new folder, never the folder itself.

    Default: ``FOLDER-figures-<time>`` beside it (``-2``, ``-3``... if taken); with ``--out DIR``,
    ``DIR`` itself, or ``DIR/<folder name>`` when several folders are drawn.
    """
    if out is not None:
        return Path(out) / folder.name if several else Path(out)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    candidate, n = folder.with_name(f"{folder.name}-figures-{stamp}"), 1
    while candidate.exists():
        n += 1
        candidate = folder.with_name(f"{folder.name}-figures-{stamp}-{n}")
    return candidate


def add_parser(subparsers) -> None:
    """Register ``balloon compare`` and ``balloon plot``."""
    compare = subparsers.add_parser(
        "compare",
        help="policy scenarios against a counterfactual on common seeds: balloon metrics, figures",
        description="Run each POLICY and the counterfactual on the same replication seeds (or "
        "read result folders whose seeds match), print the balloon metrics (median and 90% "
        "interval over replications) and write metrics.csv, metrics.json, summary.md, figures "
        "and the runs into one folder.",
    )
    compare.add_argument(
        "policy",
        nargs="+",
        help="policy scenarios (a file or a shipped name, e.g. plan_colombia) or run folders",
    )
    compare.add_argument(
        "--against", required=True, metavar="COUNTERFACTUAL",
        help="the counterfactual: a scenario file or shipped name (e.g. baseline) or a run folder",
    )  # fmt: skip
    compare.add_argument(
        "--replications", type=positive_int, metavar="N",
        help="paired replications (default: the counterfactual's)",
    )  # fmt: skip
    compare.add_argument("--out", metavar="DIR", help="output folder (must not exist)")
    compare.add_argument(
        "--window", type=_window, metavar="START:END",
        help="months to measure over, e.g. 2000-07:2015-09 (default: each policy's months of "
        "extra pressure)",
    )  # fmt: skip
    compare.add_argument(
        "--target", type=_target, action="append", default=[], metavar="COUNTRY[:REGION,...]",
        help="where the policy pushes (repeatable; default: the country that lost most coca)",
    )  # fmt: skip
    compare.add_argument(
        "--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
        help="change one key in every scenario file, e.g. --set households.scale=0.01",
    )  # fmt: skip
    add_executor_options(compare)  # --executor, --scheduler, --workers
    compare.add_argument("--results-root", default="results", help="root of default --out")
    compare.add_argument("--no-figures", action="store_true", help="write tables only")
    compare.add_argument(
        "--by-channel", action="store_true",
        help="also rerun the comparison with each balloon channel (channels.*) switched off in "
        "turn, in both scenarios, on the same seeds, target and window: which channel carries "
        "the displacement (channels.csv, a summary section, figures/channels.png; one policy file, "
        "at most one --target)",
    )  # fmt: skip
    compare.add_argument(
        "--posterior", action="store_true",
        help="draw each replication's free parameters from the counterfactual's posterior "
        "(posterior: FILE); policy and counterfactual share each draw, and the intervals then "
        "cover the parameters' uncertainty as well as the model's randomness",
    )  # fmt: skip
    compare.add_argument("--quiet", action="store_true", help="no progress messages")
    compare.set_defaults(handler=cmd_compare)

    plot = subparsers.add_parser(
        "plot",
        help="draw figures (PNG and SVG) of run or comparison folders into a new folder",
        description="Draw the figures of each folder written by balloon run or balloon compare "
        "into a new folder (FOLDER-figures-<time> beside it, or --out). Result folders and "
        "figures already drawn are never changed.",
    )
    plot.add_argument("results", nargs="+", metavar="RESULTS", help="run or comparison folders")
    plot.add_argument(
        "--out", metavar="DIR",
        help="write the figures to DIR (must not exist; with several folders, DIR/<folder name>)",
    )  # fmt: skip
    plot.set_defaults(handler=cmd_plot)
