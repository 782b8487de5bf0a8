"""The balloon command and the results folder."""

import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
import yaml

import model.cli as cli
import model.experiments.results as results_module
from model.experiments.results import ResultsExistError, load_results, write_results
from model.experiments.runner import TABLES, replication_seeds, run_replications
from model.scenario import schema_docs
from model.scenario.loading import load_scenario, shipped_name, shipped_scenarios

ROOT = Path(__file__).resolve().parents[2]
QUICK = "name: quick\nstart: 1995-01\nend: 1996-06\nseed: 5\nreplications: 1\nhouseholds: {scale: 0.005}\n"
PERU = (
    "policies:\n  - instrument: manual_eradication\n    country: peru\n"
    "    schedule: [{start: 1995-03, value: 30000}]\n"
)


@pytest.fixture
def quick(tmp_path) -> Path:
    file = tmp_path / "quick.yaml"
    file.write_text(QUICK + PERU, encoding="utf-8")
    return file


def run_cli(capsys, *args) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


# ----------------------------------------------------------------------------- run


def test_run_writes_a_complete_readable_folder(quick, tmp_path, capsys):
    root = tmp_path / "results"
    code, out, err = run_cli(
        capsys, "run", quick, "--replications", "2", "--results-root", root, "--workers", "1"
    )
    assert code == 0, err
    runs = list((root / "quick").iterdir())
    assert len(runs) == 1
    folder = runs[0]
    assert str(folder) in out
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [f"{t}.parquet" for t in TABLES]
        + ["scenario.yaml", "manifest.json", "summary.md", "columns.csv"]
    )
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["seeds"] == replication_seeds(5, 2)
    assert manifest["replications"] == 2
    assert set(manifest["versions"]) >= {"python", "mesa", "numpy", "balloon-effect"}
    assert manifest["git"] is None or len(manifest["git"]["commit"]) == 40
    assert manifest["wall_time_s"] > 0
    datetime.fromisoformat(manifest["started"])
    assert manifest["overrides"] == ["replications=2"]

    countries = pd.read_parquet(folder / "countries.parquet")
    assert set(countries["replication"]) == {0, 1}
    assert set(countries["country"]) == {"peru", "colombia", "bolivia"}
    assert len(countries) == 2 * 18 * 3  # replications x months x countries
    assert manifest["tables"]["countries"]["rows"] == len(countries)

    # The saved scenario is the resolved one and reruns as it is.
    assert load_scenario(folder / "scenario.yaml") == load_scenario(quick, ["replications=2"])
    summary = (folder / "summary.md").read_text()
    assert summary.startswith("# quick")
    assert "| peru | 121,300 |" in summary


def test_run_is_reproducible_and_reloadable(quick, tmp_path, capsys):
    folders = []
    for name in ("one", "two"):
        code, _, err = run_cli(capsys, "run", quick, "--out", tmp_path / name, "--quiet")
        assert code == 0, err
        folders.append(tmp_path / name)
    a, b = (load_results(f) for f in folders)
    pd.testing.assert_frame_equal(a.regions, b.regions)
    direct = run_replications(load_scenario(quick), executor="inline")
    pd.testing.assert_frame_equal(a.countries, direct.countries)
    assert a.seeds == direct.seeds


def test_run_seed_and_csv(quick, tmp_path, capsys):
    out = tmp_path / "csv_run"
    code, stdout, err = run_cli(
        capsys, "run", quick, "--seed", "99", "--format", "csv", "--out", out, "--quiet"
    )
    assert code == 0, err
    assert stdout.strip() == str(out)  # --quiet prints only the folder
    assert err == ""
    assert (out / "system.csv").is_file()
    assert json.loads((out / "manifest.json").read_text())["seeds"] == replication_seeds(99, 1)
    assert load_results(out).scenario.seed == 99


def test_run_never_overwrites(quick, tmp_path, capsys):
    out = tmp_path / "taken"
    out.mkdir()
    (out / "precious.txt").write_text("keep me")
    code, _, err = run_cli(capsys, "run", quick, "--out", out)
    assert code == 2
    assert "already exists" in err and len(err.strip().splitlines()) == 1
    assert sorted(p.name for p in out.iterdir()) == ["precious.txt"]


def test_same_second_runs_get_distinct_folders(quick, tmp_path):
    results = run_replications(load_scenario(quick), executor="inline")
    started = datetime(2024, 5, 17, 14, 23, 1, tzinfo=UTC)
    first = write_results(results, root=tmp_path, started=started)
    second = write_results(results, root=tmp_path, started=started)
    assert first.name == "20240517-142301"
    assert second.name == "20240517-142301-2"
    with pytest.raises(ResultsExistError):
        write_results(results, out=first)


def test_a_crash_while_writing_leaves_nothing_that_looks_complete(quick, tmp_path, monkeypatch):
    results = run_replications(load_scenario(quick), executor="inline")

    def crash(*_args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(results_module, "summary", crash)
    with pytest.raises(RuntimeError, match="disk full"):
        write_results(results, root=tmp_path)
    assert list((tmp_path / "quick").iterdir()) == []


def test_internal_error_exits_1_with_one_line(quick, capsys, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the model fell over")

    monkeypatch.setattr("model.experiments.runner.run_replications", broken)
    code, _, err = run_cli(capsys, "run", quick, "--quiet")
    assert code == 1
    assert err.strip().splitlines() == [
        "balloon: internal error: RuntimeError: the model fell over "
        "(rerun with --traceback and report it)"
    ]


def test_console_script_is_installed_and_reports_bad_input(tmp_path):
    file = tmp_path / "bad.yaml"
    file.write_text("households: {scalee: 1}\n")
    script = Path(sys.executable).with_name("balloon")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "model.cli"]
    done = subprocess.run(
        [*command, "validate", str(file)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f"{file}: households.scalee: unknown key 'scalee' (did you mean 'scale'?)"
    )


# ----------------------------------------------------------------------------- other commands


def test_validate_reports_each_file(quick, tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("seed: -1\n")
    code, out, err = run_cli(capsys, "validate", quick, bad)
    assert code == 2
    assert out.startswith(f"ok {quick}: quick, 1995-01 to 1996-06, 1 policies, 0 events")
    assert err.strip().splitlines() == [
        f"{bad}: seed: Input should be greater than or equal to 0 (got -1)"
    ]
    assert run_cli(capsys, "validate", quick)[0] == 0


def test_list_shows_every_shipped_scenario_on_one_line(capsys):
    code, out, _ = run_cli(capsys, "list")
    assert code == 0
    lines = out.strip().splitlines()
    names = [line.split()[0] for line in lines]
    assert names == [shipped_name(f) for f in shipped_scenarios()]
    assert {"baseline", "plan_colombia", "counterfactuals/no_plan_colombia"} <= set(names)
    # a listed name is what run, show and compare take
    code, out, _ = run_cli(capsys, "show", "futures/status_quo")
    assert code == 0 and "name: status_quo" in out
    assert not any(name.startswith("_") for name in names)
    assert all(len(line.split(None, 1)) == 2 and "INVALID" not in line for line in lines)


def test_show_prints_the_resolved_scenario(quick, tmp_path, capsys):
    code, out, _ = run_cli(capsys, "show", quick, "--set", "seed=42")
    assert code == 0
    resolved = tmp_path / "resolved.yaml"
    resolved.write_text(out)
    shown, original = load_scenario(resolved), load_scenario(quick, ["seed=42"])
    assert shown.model_dump(exclude={"world"}) == original.model_dump(exclude={"world"})
    assert "organisations:" in out  # defaults are spelled out
    # The world is written out in full: the same regions and edges, no null left for defaults.
    world = yaml.safe_load(out)["world"]
    assert None not in (world["countries"], world["regions"], world["edges"])
    assert len(world["regions"]) == len(original.resolved_regions()) > 1
    assert shown.resolved_regions() == original.resolved_regions()
    assert shown.resolved_edges() == original.resolved_edges()


def test_schema_lists_every_key_with_its_meaning(capsys):
    code, out, _ = run_cli(capsys, "schema")
    assert code == 0
    assert "scale: number = 0.05, >= 1e-06, <= 4" in out
    assert "Simulated households per real household" in out
    code, out, _ = run_cli(capsys, "schema", "--json")
    assert json.loads(out)["title"] == "Scenario"


def test_schema_docs_page_is_up_to_date():
    committed = (ROOT / "docs" / "scenario-schema.md").read_text(encoding="utf-8")
    assert committed == schema_docs.markdown() + "\n", (
        "docs/scenario-schema.md is stale: run "
        "`balloon schema --markdown --out docs/scenario-schema.md`"
    )


def test_schema_out_writes_what_it_prints_and_replaces_the_file_whole(capsys, tmp_path):
    page = tmp_path / "docs" / "schema.md"
    page.parent.mkdir()
    page.write_text("an older page that is much longer than nothing\n" * 2000)
    code, out, err = run_cli(capsys, "schema", "--markdown", "--out", page)
    assert code == 0 and out == "" and f"wrote {page}" in err
    assert page.read_text(encoding="utf-8") == schema_docs.markdown() + "\n"
    assert [p.name for p in page.parent.iterdir()] == ["schema.md"]  # no temporary file left


def test_schema_docs_cover_every_section():
    page = schema_docs.markdown()
    for section in ("`households`", "`policies[]`", "`policies[].schedule[]`", "`events[]`"):
        assert f"## {section}" in page
    assert "| `replant_voluntary` | number | `0.006` | >= 0, <= 1 |" in page


def test_a_group_of_subcommands_plugs_in(monkeypatch, capsys):
    module = type(sys)("fake_plugin")

    def add_parser(subparsers):
        parser = subparsers.add_parser("hello")
        parser.add_argument("--who", default="world")
        parser.set_defaults(handler=lambda args: print(f"hello {args.who}") or 0)

    module.add_parser = add_parser
    monkeypatch.setattr(cli, "COMMAND_GROUPS", (*cli.COMMAND_GROUPS, module))
    assert run_cli(capsys, "hello", "--who", "Andes")[:2] == (0, "hello Andes\n")


def test_no_incomplete_folders_left_after_runs(quick, tmp_path, capsys):
    root = tmp_path / "r"
    assert run_cli(capsys, "run", quick, "--results-root", root, "--quiet")[0] == 0
    leftovers = [p for p in os.scandir(root / "quick") if p.name.startswith(".incomplete-")]
    assert leftovers == []


def test_every_option_of_every_command_has_help_text():
    import argparse

    parser = cli.build_parser()
    (subparsers,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    missing = []
    for command, sub in subparsers.choices.items():
        for action in sub._actions:
            if isinstance(action, argparse._HelpAction) or not action.option_strings:
                continue
            if not (action.help or "").strip():
                missing.append(f"{command} {action.option_strings[0]}")
    assert missing == []


def test_ctrl_c_inside_a_compiled_loop_counts_as_an_interruption():
    from model.experiments.runner import interrupted as interruption

    # numba hands back a KeyboardInterrupt raised in a compiled loop as a SystemError caused by it.
    try:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as cause:
            raise SystemError("returned a result with an exception set") from cause
    except SystemError as error:
        wrapped = error
    assert interruption(wrapped) and interruption(KeyboardInterrupt())
    assert not interruption(SystemError("a real bug")) and not interruption(ValueError())


def test_an_interruption_in_a_compiled_loop_exits_130_with_the_resume_hint(
    quick, capsys, monkeypatch, tmp_path
):
    def interrupted(*args, **kwargs):
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as cause:
            raise SystemError(
                "CPUDispatcher(...) returned a result with an exception set"
            ) from cause

    monkeypatch.setattr("model.experiments.runner.run_replications", interrupted)
    code = cli.main(["run", str(quick), "--results-root", str(tmp_path / "r"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 130 and err.startswith("interrupted: ") and "--resume" in err


def test_a_reader_that_stops_early_is_not_an_error():
    # balloon list | head -1: the pipe closes after one line; no internal error, exit 141 as SIGPIPE
    command = f'"{sys.executable}" -m model.cli list | head -1'
    done = subprocess.run(["bash", "-o", "pipefail", "-c", command], capture_output=True,
                          text=True, cwd=ROOT)  # fmt: skip
    assert len(done.stdout.splitlines()) == 1
    assert "error" not in done.stderr.lower() and done.returncode == 141


# ----------------------------------------------------------------------------- runs with --posterior


@pytest.fixture
def with_posterior(tmp_path) -> Path:
    """The quick scenario naming a posterior of three samples of one parameter, beside it."""
    folder = tmp_path / "study"
    folder.mkdir()
    samples = {"households.profit_sensitivity": [0.1, 0.5, 2.0], "weight": [1.0, 1.0, 1.0]}
    pd.DataFrame(samples).to_parquet(folder / "quick_posterior.parquet")
    file = folder / "quick.yaml"
    file.write_text(QUICK + PERU + "posterior: quick_posterior.parquet\n", encoding="utf-8")
    return file


def test_a_moved_posterior_run_folder_repeats_its_run(with_posterior, tmp_path, capsys):
    first = tmp_path / "first"
    args = ("--posterior", "--replications", "3", "--executor", "inline", "--quiet")
    assert run_cli(capsys, "run", with_posterior, "--out", first, *args)[0] == 0
    # The folder holds the posterior it drew from and names it relative to its scenario.yaml.
    assert yaml.safe_load((first / "scenario.yaml").read_text())["posterior"] == "posterior.parquet"
    assert (first / "posterior.parquet").read_bytes() == (
        with_posterior.with_name("quick_posterior.parquet").read_bytes()
    )
    record = json.loads((first / "manifest.json").read_text())["posterior"]
    assert record["file"] == "posterior.parquet"
    assert record["copied_from"] == "quick_posterior.parquet"
    assert record["samples_in_file"] == 3 and len(record["samples"]) == 3
    assert str(tmp_path) not in json.dumps(record)  # nothing tied to this machine's paths

    # Its summary says where the parameters came from, and how to repeat the run.
    summary = (first / "summary.md").read_text()
    drawn = "each replication used one of 3 samples in `posterior.parquet` (a copy of `quick_p"
    assert "drawn from the posterior (`--posterior`)" in summary and drawn in summary
    command = repeat_command(summary)
    assert command == ["run", "scenario.yaml", "--posterior"]

    # Moved away from the study, whose posterior is gone, the folder still repeats its run with
    # the command its summary gives.
    moved = tmp_path / "elsewhere" / "moved"
    moved.parent.mkdir()
    first.rename(moved)
    with_posterior.with_name("quick_posterior.parquet").unlink()
    again = tmp_path / "again"
    command[1] = moved / "scenario.yaml"
    code, _, err = run_cli(capsys, *command, "--out", again, "--quiet")
    assert code == 0, err
    for table in TABLES:
        pd.testing.assert_frame_equal(load_results(again).tables[table],
                                      load_results(moved).tables[table])  # fmt: skip
    repeated = json.loads((again / "manifest.json").read_text())["posterior"]
    assert repeated["samples"] == record["samples"]
    reopened = load_results(moved)
    assert reopened.posterior["file"] == str(moved / "posterior.parquet")
    assert reopened.posterior["samples"] == record["samples"]
    rewritten = write_results(reopened, out=tmp_path / "rewritten")  # as compare does with folders
    assert "(a copy of `quick_posterior.parquet`)" in (rewritten / "summary.md").read_text()
    assert json.loads((rewritten / "manifest.json").read_text())["posterior"] == record


def test_a_run_without_posterior_keeps_a_copy_of_the_one_its_scenario_names(
    with_posterior, tmp_path, capsys
):
    out = tmp_path / "medians"
    assert run_cli(capsys, "run", with_posterior, "--out", out, "--quiet")[0] == 0
    assert (out / "posterior.parquet").is_file()
    assert load_scenario(out / "scenario.yaml").posterior == str(out / "posterior.parquet")
    assert "posterior" not in json.loads((out / "manifest.json").read_text())
    assert load_results(out).posterior is None
    summary = (out / "summary.md").read_text()
    assert "the run did not draw from the posterior the scenario names" in summary
    assert repeat_command(summary) == ["run", "scenario.yaml"]


def test_the_summary_of_a_csv_run_repeats_it_in_csv(quick, tmp_path, capsys):
    out = tmp_path / "csv_run"
    assert run_cli(capsys, "run", quick, "--format", "csv", "--out", out, "--quiet")[0] == 0
    summary = (out / "summary.md").read_text()
    assert repeat_command(summary) == ["run", "scenario.yaml", "--format", "csv"]
    assert "Parameters:" not in summary  # no posterior involved: nothing to say


def repeat_command(summary: str) -> list[str]:
    """The arguments of the ``balloon`` command a run's summary gives to repeat it."""
    (command,) = re.findall(r"Repeat the run with `balloon ([^`]*)`", summary)
    return command.split()


def test_the_summary_of_a_run_on_the_history_points_to_a_counterfactual_on_it(tmp_path, capsys):
    out = tmp_path / "history"
    code, _, err = run_cli(capsys, "run", "andes_history_calibrated", "--set", "end=1990-03",
                           "--set", "households.scale=0.002", "--replications", "1",
                           "--executor", "inline", "--out", out, "--quiet")  # fmt: skip
    assert code == 0, err
    advice = (out / "summary.md").read_text().split("## What to compare it with", 1)[1]
    assert "baseline" not in advice.split("##", 1)[0]
    assert ("`balloon compare scenarios/andes_history_calibrated.yaml --against "
            "scenarios/counterfactuals/no_plan_colombia.yaml --posterior`") in advice  # fmt: skip


def test_the_summary_of_a_scenario_nothing_pairs_with_says_how_to_make_a_counterfactual(
    quick, tmp_path, capsys
):
    out = tmp_path / "alone"
    assert run_cli(capsys, "run", quick, "--out", out, "--quiet")[0] == 0
    summary = (out / "summary.md").read_text()
    assert "Compare with `baseline`" not in summary
    assert f"`balloon compare {quick} --against COUNTERFACTUAL.yaml`" in summary
