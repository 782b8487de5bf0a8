"""``balloon run``, ``validate``, ``list``, ``show`` and ``schema``: scenarios and single runs."""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from model.cli.options import (
    BadInput,
    add_executor_options,
    add_scenario_arguments,
    executor_from_args,
    non_negative_int,
    positive_int,
    say,
    tidy_lines,
)
from model.files import write_text_atomic
from model.scenario import schema_docs
from model.scenario.errors import problem_lines
from model.scenario.loading import (
    ScenarioError,
    find_scenario,
    load_scenario,
    shipped_name,
    shipped_scenarios,
    to_yaml,
)
from model.scenario.schema import Scenario


def cmd_run(args: argparse.Namespace) -> int:
    """Run a scenario's replications and write its results folder."""
    from model.experiments.memory import check_memory
    from model.experiments.posterior import scenario_posterior
    from model.experiments.results import ReplicationStore, partial_folder
    from model.experiments.runner import replication_seeds
    from model.files import held

    overrides = list(args.overrides)
    if args.seed is not None:
        overrides.append(f"seed={args.seed}")
    if args.replications is not None:
        overrides.append(f"replications={args.replications}")
    scenario = load_scenario(args.scenario, overrides)
    posterior = scenario_posterior(scenario) if args.posterior else None
    if args.out is not None and Path(args.out).exists():
        raise BadInput(f"{args.out}: already exists: runs are never overwritten")
    executor = executor_from_args(args)
    check_memory([scenario], scenario.replications, executor, args.workers,
                 kept_tables=scenario.replications)  # fmt: skip
    # Finished replications are saved as they come, so a killed run can be resumed; the lock
    # tells other commands this run is alive.
    tag = "posterior" if posterior is not None else None
    store = ReplicationStore(partial_folder(scenario, args.results_root, args.out, tag))
    with held(store.folder):
        root = Path(args.out).parent if args.out else Path(args.results_root)
        for line in tidy_lines(root, depth=0 if args.out else 4, keep=(store.folder,)):
            say(args, line)
        seeds = replication_seeds(scenario.seed, scenario.replications)
        folder, wall, done = _run_and_write(
            args, scenario, store, seeds, executor, overrides, posterior
        )
    if folder is None:
        return 130
    store.remove()
    if args.quiet:
        print(folder)
    else:
        print(f"wrote {folder}/ ({wall:.1f} s); see {folder / 'summary.md'}")
    return 0


def _run_and_write(args, scenario, store, seeds, executor, overrides, posterior=None):
    """Run the replications not saved yet and write the run's folder (None if interrupted)."""
    from model.experiments.results import ResultsExistError, write_results
    from model.experiments.runner import interrupted, run_replications
    from model.scenario.comparisons import comparison_advice

    # Worked out before the run, so no surprise can come after it.
    compare_with = comparison_advice(find_scenario(args.scenario), scenario.posterior is not None)
    started = datetime.now(UTC)
    clock = time.perf_counter()
    saved = store.saved(seeds)
    done = store.load(seeds) if args.resume else []
    if saved and not args.resume:
        say(args, f"note: {len(saved)} replication(s) of an interrupted run are in "
                  f"{store.folder}; add --resume to reuse them instead of running them again")  # fmt: skip
    say(args, f"running {scenario.name}: {scenario.replications} replication(s), "
              f"{scenario.start:%Y-%m} to {scenario.end:%Y-%m}"
              + (f", {len(done)} already done" if args.resume else ""))  # fmt: skip
    try:
        results = run_replications(
            scenario,
            executor=executor,
            workers=args.workers,
            progress=not args.quiet,
            done=done,
            on_run=store.save,
            posterior=posterior,
        )
        wall = time.perf_counter() - clock
        folder = write_results(
            results,
            root=args.results_root,
            out=args.out,
            fmt=args.format,
            started=started,
            wall_time_s=wall,
            extra={
                "command": ["balloon", *sys.argv[1:]],
                "overrides": overrides,
                "resumed_replications": len(done),
            },
            compare_with=compare_with,
        )
    except ResultsExistError as error:
        raise BadInput(str(error)) from None
    except (KeyboardInterrupt, SystemError) as error:
        if not interrupted(error):  # a Ctrl-C inside a compiled loop comes back as SystemError
            raise
        kept = len(store.saved(seeds))
        print(f"interrupted: {kept} finished replication(s) saved in {store.folder}; add "
              "--resume to the same command to run only the rest", file=sys.stderr)  # fmt: skip
        return None, 0.0, done
    return folder, wall, done


def cmd_validate(args: argparse.Namespace) -> int:
    """Check scenario files; print one line per file."""
    bad = 0
    for name in args.scenario:
        try:
            scenario = load_scenario(name, args.overrides)
        except ScenarioError as error:
            for line in problem_lines(error):
                print(line, file=sys.stderr)
            bad += 1
            continue
        if not args.quiet:
            print(
                f"ok {find_scenario(name)}: {scenario.name}, {scenario.start:%Y-%m} to "
                f"{scenario.end:%Y-%m}, {len(scenario.policies)} policies, "
                f"{len(scenario.events)} events"
            )
    return 2 if bad else 0


def cmd_list(args: argparse.Namespace) -> int:
    """List shipped scenarios, one line each: name and question.

    Also tidies what killed commands left under the results root, and names what it keeps
    (replications saved for ``--resume``) on stderr.
    """
    files = shipped_scenarios()
    width = max((len(shipped_name(f)) for f in files), default=0)
    bad = 0
    for file in files:
        try:
            question = " ".join(load_scenario(file).description.split()) or "(no description)"
        except ScenarioError as error:
            question, bad = f"INVALID: {error}", bad + 1
        print(f"{shipped_name(file):<{width}}  {question}")
    for line in tidy_lines(args.results_root):
        print(line, file=sys.stderr)
    return 2 if bad else 0


def cmd_show(args: argparse.Namespace) -> int:
    """Print the fully resolved scenario as YAML, the world's defaults written out."""
    sys.stdout.write(to_yaml(load_scenario(args.scenario, args.overrides), expand_world=True))
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    """Print (or write to ``--out``) every scenario key with its type, default, range and meaning."""
    if args.format == "json":
        text = json.dumps(Scenario.model_json_schema(), indent=2)
    else:
        text = schema_docs.markdown() if args.format == "markdown" else schema_docs.text()
    if args.out:
        written = write_text_atomic(args.out, text + "\n")
        print(f"wrote {written}", file=sys.stderr)
    else:
        print(text)
    return 0


def add_parser(subparsers) -> None:
    """Register run, validate, list, show and schema."""
    run = subparsers.add_parser(
        "run",
        help="run a scenario and write results/<scenario>/<run-id>/",
        description="Run a scenario's replications and write its results folder.",
    )
    add_scenario_arguments(run)
    run.add_argument("--replications", type=positive_int, help="replications (default: scenario)")
    run.add_argument("--seed", type=non_negative_int, help="root seed (default: scenario)")
    run.add_argument("--out", help="write the run to this folder (must not exist)")
    run.add_argument("--results-root", default="results", help="results root (default: results)")
    run.add_argument(
        "--format", choices=("parquet", "csv"), default="parquet",
        help="file format of the tables (default parquet; columns.csv describes them either way)",
    )  # fmt: skip
    run.add_argument("--workers", type=positive_int, help="worker processes (default: all cores)")
    add_executor_options(run, workers=False)  # --executor, --scheduler
    run.add_argument(
        "--resume",
        action="store_true",
        help="finish an interrupted run of the same command: replications it saved are not rerun",
    )
    run.add_argument(
        "--posterior",
        action="store_true",
        help="draw each replication's free parameters from the scenario's posterior "
        "(posterior: FILE); the manifest records which sample each replication used",
    )
    run.add_argument("--quiet", action="store_true", help="no progress; print only the folder")
    run.set_defaults(handler=cmd_run)

    validate = subparsers.add_parser(
        "validate",
        help="check scenario files: one line per problem, exit 2 if any",
        description="Load each scenario (its extends: chain, set: block and --set options) and "
        "check it against the schema without running it: one line per problem naming the file, "
        "the key as written and what is wrong; exit 2 if there is any.",
    )
    add_scenario_arguments(validate, many=True)
    validate.add_argument("--quiet", action="store_true", help="print only problems")
    validate.set_defaults(handler=cmd_validate)

    listing = subparsers.add_parser(
        "list",
        help="list shipped scenarios, one line each",
        description="List the shipped scenarios; tidy what killed balloon commands left under the "
        "results root and name what is kept there (replications saved for --resume).",
    )
    listing.add_argument(
        "--results-root", default="results", help="results root (default: results)"
    )
    listing.set_defaults(handler=cmd_list)

    show = subparsers.add_parser(
        "show",
        help="print the fully resolved scenario as YAML",
        description="Print a scenario as a run would use it: its extends: chain merged, its set: "
        "block and --set options applied and every default filled in, as YAML that loads as it "
        "is.",
    )
    add_scenario_arguments(show)
    show.set_defaults(handler=cmd_show)

    schema = subparsers.add_parser(
        "schema",
        help="document every scenario key",
        description="Every key a scenario file may hold, with its type, default, allowed range "
        "and meaning: as text (default), Markdown tables or the JSON Schema.",
    )
    style = schema.add_mutually_exclusive_group()
    style.add_argument("--markdown", dest="format", action="store_const", const="markdown",
                       help="Markdown tables (what docs/scenario-schema.md holds)")  # fmt: skip
    style.add_argument("--json", dest="format", action="store_const", const="json",
                       help="the JSON Schema of a scenario file")  # fmt: skip
    schema.add_argument(
        "--out", metavar="FILE", help="write to FILE (replaced whole, never half-written)"
    )
    schema.set_defaults(handler=cmd_schema, format="text")
