"""The documentation site builds with --strict, and the README and scenarios point into it."""

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def load_hooks():
    spec = importlib.util.spec_from_file_location("site_hooks", ROOT / "docs" / "hooks" / "site.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    # NO_MKDOCS_2_WARNING: mute Material's banner about MkDocs 2 (not a warning of this site).
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return out


def test_the_site_builds_strictly_with_every_page(site):
    for page in ("getting-started", "scenarios", "scenario-schema", "shipped-scenarios", "cli",
                 "experiments", "mechanisms", "performance", "troubleshooting", "literature",
                 "api"):  # fmt: skip
        assert (site / page / "index.html").is_file(), page
    api = (site / "api" / "index.html").read_text()
    assert "run_replications" in api and "Google" not in api  # docstrings rendered, not raw
    assert "Number of simulated months" in api  # a docstring's text made it in


def test_the_cli_page_shows_every_commands_help_from_the_parser(site):
    from model.cli import build_parser

    page = (site / "cli" / "index.html").read_text()
    assert "<!-- balloon-help -->" not in page
    for command in ("run", "validate", "show", "compare", "plot", "sweep", "sensitivity"):
        assert f"usage: balloon {command}" in page, command
    assert "--design" in page and "Latin hypercube" in page
    assert build_parser().prog == "balloon"  # the hook renamed copies, not the real parser


def test_shipped_scenarios_page_includes_the_scenarios_readme(site):
    page = (site / "shipped-scenarios" / "index.html").read_text()
    assert "Headline results" in page and "plan_colombia" in page


def test_an_optional_page_joins_the_nav_only_when_it_exists(tmp_path):
    hooks = load_hooks()
    nav = [{"Home": "index.md"}, {"Experiments": "experiments.md"}, {"Literature": "lit.md"}]
    config = {"docs_dir": str(tmp_path), "nav": [dict(item) for item in nav]}
    assert hooks.on_config(config)["nav"] == nav  # absent: nothing added, nothing broken
    (tmp_path / "discover.md").write_text("# Discover\n")
    added = hooks.on_config(config)["nav"]
    assert added[2] == {"Discover": "discover.md"} and len(added) == 4
    assert hooks.on_config(config)["nav"] == added  # not twice


def test_readme_is_short_and_keeps_the_quick_start():
    readme = (ROOT / "README.md").read_text()
    assert len(readme.splitlines()) < 120
    blocks = re.findall(r"```bash\n(.*?)```", readme, re.S)
    assert any(".venv/bin/python -m pytest -q" in block for block in blocks)  # CI greps for it
    assert any("source .venv/bin/activate" in block for block in blocks)
    assert "./setup.sh" in readme
    # After activating, one form throughout: bare `balloon`, never `.venv/bin/balloon`.
    assert not any(".venv/bin/balloon" in block for block in blocks)
    assert sum("balloon run" in block for block in blocks) == 1
    for link in re.findall(r"\]\((docs/[^)#]+)", readme):
        assert (ROOT / link).is_file(), link


def test_the_literature_lives_in_the_repository_and_is_cited_there():
    literature = (ROOT / "docs" / "literature.md").read_text()
    assert (
        "## Sources" in literature and "Mejia, D., Restrepo, P. & Rozo, S. V. (2017)" in literature
    )
    citing = [f for f in [*ROOT.glob("scenarios/*.yaml"), ROOT / "scenarios" / "README.md"]
              if "LITERATURE.md" in f.read_text()]  # fmt: skip
    assert citing == []
    assert "docs/literature.md" in (ROOT / "scenarios" / "plan_colombia.yaml").read_text()


def test_the_figure_script_uses_commands_the_cli_accepts():
    # docs/figures/regenerate.sh is run by hand after a change; an option renamed since would
    # only show then. Every balloon command in it (variables filled in) must parse.
    import shlex

    from model.cli import build_parser

    script = (ROOT / "docs" / "figures" / "regenerate.sh").read_text(encoding="utf-8")
    values = dict(re.findall(r"^(\w+)=(\S+)$", script, flags=re.MULTILINE))
    values["runs"] = "results/docs-figures/now"
    commands = re.findall(r"^balloon (.+?)(?<!\\)$", script.replace("\\\n", " "), re.MULTILINE)
    assert len(commands) == 5
    for command in commands:
        words = [re.sub(r"\$(\w+)", lambda m: values[m.group(1)], w) for w in shlex.split(command)]
        args = build_parser().parse_args(words)
        scenarios = [getattr(args, "scenario", None), getattr(args, "against", None)]
        for path in [*scenarios, *getattr(args, "policy", [])]:
            assert path is None or (ROOT / path).is_file()
