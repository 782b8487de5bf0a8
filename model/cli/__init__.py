"""The ``balloon`` command line: one module per group of subcommands.

Exit codes: 0 success, 2 bad input (one line on stderr naming the file and key path; also a world
too big for the memory, a damaged data file of the package, and a write that failed: disk full,
read-only folder), 1 internal error or failed runs, 130 interrupted. A group of subcommands is a
module with ``add_parser(subparsers)``: it creates its parsers with ``subparsers.add_parser`` and
gives each a ``handler`` (``set_defaults``) that takes the parsed ``args`` and returns an exit code;
list the module in ``COMMAND_GROUPS``.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback

from model.cli import calibrate, compare, dashboard, discover, experiments, scenarios
from model.cli.options import BadInput, OneLineParser
from model.experiments.data_files import DataFileError
from model.experiments.memory import NotEnoughMemory
from model.experiments.runner import interrupted
from model.files import WriteError
from model.scenario.errors import one_line, problem_lines
from model.scenario.loading import ScenarioError

COMMAND_GROUPS = (scenarios, experiments, calibrate, compare, discover, dashboard)


def build_parser() -> argparse.ArgumentParser:
    """The ``balloon`` parser with the subcommands of every group in ``COMMAND_GROUPS``."""
    from model import __version__

    parser = OneLineParser(
        prog="balloon",
        description="An agent-based model of the coca balloon effect. "
        "Try: balloon list; balloon run andes_history_calibrated --posterior",
    )
    parser.add_argument("--version", action="version", version=f"balloon {__version__}")
    parser.add_argument(
        "--traceback", action="store_true", help="show the full traceback of internal errors"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for group in COMMAND_GROUPS:
        group.add_parser(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the ``balloon`` command; returns the exit code (0 ok, 2 bad input, 1 internal error)."""
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except (ScenarioError, BadInput, NotEnoughMemory, DataFileError) as error:
        for line in problem_lines(error):
            print(f"balloon: error: {line}", file=sys.stderr)
        return 2
    except WriteError as error:
        print(f"balloon: error: {one_line(error)} (nothing half-written is left; what was there "
              "before is kept)", file=sys.stderr)  # fmt: skip
        return 2
    except KeyboardInterrupt:
        print("balloon: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader stopped early (balloon list | head): not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no error at exit either
        return 141
    except Exception as error:  # noqa: BLE001 - the last line of defence, reported as exit 1
        if interrupted(error):  # a Ctrl-C that a library turned into another error
            print("balloon: interrupted", file=sys.stderr)
            return 130
        if args.traceback:
            traceback.print_exc()
        message = " ".join(str(error).split()) or type(error).__name__
        print(
            f"balloon: internal error: {type(error).__name__}: {message} "
            "(rerun with --traceback and report it)",
            file=sys.stderr,
        )
        return 1
