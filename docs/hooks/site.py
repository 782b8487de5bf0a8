"""MkDocs hooks of the documentation site (``mkdocs.yml``: ``hooks:``).

- ``docs/discover.md`` joins the navigation when it exists (it is written separately).
- ``<!-- balloon-help -->`` in a page becomes the help of every ``balloon`` command, taken from
  the parser, so the CLI page never drifts from the code.
"""

from __future__ import annotations

import argparse
import io
from contextlib import redirect_stdout
from pathlib import Path

HELP_MARKER = "<!-- balloon-help -->"
OPTIONAL_PAGES = [("Discover", "discover.md", "Experiments")]


def on_config(config):
    """Add optional pages that exist to the navigation, after the section they belong next to."""
    docs = Path(config["docs_dir"])
    nav = config["nav"]
    for title, page, after in OPTIONAL_PAGES:
        listed = any(page in (list(item.values())[0] if isinstance(item, dict) else item,)
                     for item in nav)  # fmt: skip
        if (docs / page).is_file() and not listed:
            titles = [next(iter(item)) if isinstance(item, dict) else item for item in nav]
            where = titles.index(after) + 1 if after in titles else len(nav)
            nav.insert(where, {title: page})
    return config


def on_page_markdown(markdown: str, page, config, files) -> str:
    """Replace the help marker with ``balloon --help`` and every command's ``--help``."""
    if HELP_MARKER not in markdown:
        return markdown
    from model.cli import build_parser

    parser = build_parser()
    blocks = [_help_block("balloon", parser)]
    (subparsers,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    for name, command in subparsers.choices.items():
        blocks.append(f"### `balloon {name}`\n\n" + _help_block(f"balloon {name}", command))
    return markdown.replace(HELP_MARKER, "\n\n".join(blocks))


def _help_block(prog: str, parser: argparse.ArgumentParser) -> str:
    parser.prog = prog
    out = io.StringIO()
    with redirect_stdout(out):
        parser.print_help()
    return "```text\n" + out.getvalue().rstrip() + "\n```"
