"""What every ``balloon`` command shares: one-line errors, scenario and executor options.

Raise :class:`BadInput` (or ``ScenarioError``) for bad user input: ``balloon`` prints it on one
line and exits with 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from model.experiments.runner import EXECUTORS
from model.scenario.errors import one_line
from model.scenario.loading import ScenarioError


class BadInput(Exception):
    """Bad user input that is not in a scenario file; the message is printed as it is (exit 2)."""


class OneLineParser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (exit 2), like every other bad input."""

    def error(self, message: str):
        """Print ``PROG: error: MESSAGE (see PROG --help)`` on stderr and exit 2."""
        self.exit(2, f"{self.prog}: error: {one_line(message)} (see {self.prog} --help)\n")


def add_scenario_arguments(parser: argparse.ArgumentParser, many: bool = False) -> None:
    """Add the SCENARIO argument(s) and repeatable ``--set path.to.key=value``."""
    parser.add_argument(
        "scenario",
        nargs="+" if many else None,
        help="scenario file, or the name of a shipped scenario (e.g. plan_colombia)",
    )
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="change one key, e.g. --set households.scale=0.05 (repeatable)",
    )


def say(args: argparse.Namespace, message: str) -> None:
    """Print a progress message on stderr unless ``--quiet``."""
    if not getattr(args, "quiet", False):
        print(message, file=sys.stderr)


def positive_int(text: str) -> int:
    """Argparse type: a whole number of at least 1."""
    value = non_negative_int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive whole number")
    return value


def non_negative_int(text: str) -> int:
    """Argparse type: a whole number of at least 0."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is negative")
    return value


def add_executor_options(parser: argparse.ArgumentParser, workers: bool = True) -> None:
    """Add ``--executor``, ``--scheduler`` and (unless the command has it) ``--workers``."""
    parser.add_argument(
        "--executor",
        choices=EXECUTORS,
        default="process",
        help="where runs go: process (local cores, default), thread, inline (this process), "
        "dask (start a local Dask cluster)",
    )
    parser.add_argument(
        "--scheduler",
        metavar="URL",
        help="address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786 (overrides --executor)",
    )
    if workers:
        parser.add_argument(
            "--workers",
            type=positive_int,
            help="worker processes (default: all cores; 2 for --executor dask)",
        )


def executor_from_args(args: argparse.Namespace) -> str:
    """The executor ``model.experiments.runner`` takes: a scheduler address, or a name.

    ``--workers 1`` with the default process executor runs in this process.
    """
    scheduler = getattr(args, "scheduler", None)
    if scheduler:
        if "://" not in scheduler:
            raise ScenarioError(
                "--scheduler", "", f"{scheduler!r} is not an address: write tcp://HOST:8786"
            )
        return scheduler
    executor = getattr(args, "executor", "process")
    if executor == "process" and getattr(args, "workers", None) == 1:
        return "inline"
    return executor


def interruptible(args: argparse.Namespace, out, work):
    """Run ``work`` (a sweep into ``out``); on Ctrl-C say what is saved and how to resume.

    Returns what ``work`` returns, or None if it was interrupted (the command then exits 130).
    """
    from model.experiments.runner import interrupted
    from model.experiments.sweep_store import ERROR, read_runs

    try:
        return work()
    except (KeyboardInterrupt, SystemError) as error:
        if not interrupted(error):
            raise
        saved = int((read_runs(out, columns=[ERROR])[ERROR] == "").sum())
        print(f"interrupted: {saved} finished run(s) saved in {out}; add --resume to the same "
              "command to compute only the rest", file=sys.stderr)  # fmt: skip
        return None


def tidy_lines(root: str | Path, depth: int = 4, keep: tuple[Path, ...] = ()) -> list[str]:
    """Tidy what killed ``balloon`` commands left under ``root``; the lines to show about it.

    See :mod:`model.leftovers`: temporaries no live process holds are removed, a folder a killed
    command was replacing is put back, replications kept for ``--resume`` are named.
    """
    from model.leftovers import tidy

    return tidy(root, depth, keep).lines(root)
