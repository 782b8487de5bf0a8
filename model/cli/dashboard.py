"""``balloon dashboard [SCENARIO] [--port P] [--host H]``: serve the live dashboard.

It checks the scenario first (a bad file is a one-line error, exit 2), then runs
``solara run model.dashboard.app`` bound to 127.0.0.1 unless ``--host`` says otherwise, with Solara's
telemetry off. The page itself is :mod:`model.dashboard.app`.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys

APP_MODULE = "model.dashboard.app"
DEFAULT_PORT = 8765


def _port(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or not 0 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0-65535)")
    return int(text)


def add_parser(subparsers) -> None:
    """Add ``balloon dashboard``."""
    parser = subparsers.add_parser(
        "dashboard",
        help="explore a scenario in a live dashboard in the browser",
        description="Serve the live dashboard (Mesa's SolaraViz): pick a scenario, move the "
        "sliders, press Reset, then Step or play. Ctrl-C stops it.",
    )
    parser.add_argument(
        "scenario",
        nargs="?",
        help="scenario file or shipped name the page starts with (default: baseline)",
    )
    parser.add_argument(
        "--port", type=_port, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})"
    )
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this machine only)",
    )
    parser.set_defaults(handler=cmd_dashboard)


def server_command(host: str, port: int) -> list[str]:
    """The ``solara run`` command line for the dashboard."""
    return [
        sys.executable, "-m", "solara", "run", APP_MODULE, "--host", host, "--port", str(port),
        "--production", "--no-open", "--no-check-version",
    ]  # fmt: skip


def server_environment(scenario: str | None) -> dict[str, str]:
    """The server's environment: the starting scenario, and no telemetry."""
    env = dict(os.environ, SOLARA_TELEMETRY_MIXPANEL_ENABLE="False")
    env.pop("BALLOON_DASHBOARD_SCENARIO", None)
    if scenario:
        env["BALLOON_DASHBOARD_SCENARIO"] = scenario
    return env


def cmd_dashboard(args: argparse.Namespace) -> int:
    """Check the scenario, then run the Solara server until it stops."""
    from model.cli.options import BadInput
    from model.scenario.loading import find_scenario, load_scenario

    scenario = None
    if args.scenario:
        load_scenario(args.scenario)  # a bad file stops here with a one-line error
        scenario = str(find_scenario(args.scenario).resolve())
    if importlib.util.find_spec("solara") is None:
        raise BadInput(
            "the dashboard needs the dashboard extra: .venv/bin/pip install -e '.[dashboard]'"
        )
    from model.compile_cache import announce_compiling

    announce_compiling()
    print(f"dashboard on http://{args.host}:{args.port}/ (Ctrl-C stops it)", file=sys.stderr)
    sys.stderr.flush()
    # Become the server, so signals (Ctrl-C, a kill of this process id) reach it directly.
    os.execve(sys.executable, server_command(args.host, args.port), server_environment(scenario))
