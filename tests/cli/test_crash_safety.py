"""Crash safety: runs and sweeps killed at a random moment resume to the uninterrupted result.

A ``balloon run`` or ``balloon sweep`` is killed with SIGKILL at random moments. Whatever the
moment, every folder that looks like a result (a visible run folder, a ``sweep.parquet``) must be
complete, and the same command with ``--resume`` must finish the work with tables identical to an
uninterrupted run's.
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import eradication

from model.cli import main
from model.experiments.results import (
    MANIFEST,
    PARTIAL_PREFIX,
    ReplicationStore,
    load_results,
    partial_folder,
)
from model.experiments.runner import TABLES, Run, replication_seeds, run_one
from model.experiments.sweep import read_runs, scenario_parameters, sweep_scenario
from model.leftovers import is_leftover
from model.scenario.loading import load_scenario

REPO = Path(__file__).resolve().parents[2]
# Several seconds of work in a subprocess: long enough to be killed in the middle of.
RUN = {
    "name": "crash",
    "start": "1995-01",
    "end": "2004-12",
    "seed": 11,
    "replications": 4,
    "households": {"scale": 0.008},
    "policies": [eradication("colombia", 40_000, "1996-01", "2003-12", "aerial")],
}
# Random moments, one in each third of the run (the last may fall after it ended).
MOMENTS = np.random.default_rng(20240517).uniform([0.05, 0.35, 0.7], [0.35, 0.7, 1.05])


def balloon_process(*args) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "model.cli", *map(str, args)],
        cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def kill_after(process: subprocess.Popen, seconds: float) -> bool:
    """SIGKILL ``process`` after ``seconds`` unless it ended; whether it was killed."""
    try:
        process.communicate(timeout=seconds)
        return False
    except subprocess.TimeoutExpired:
        process.kill()  # SIGKILL, this process only
        process.communicate()
        return True


def complete_runs(folder: Path) -> list[Path]:
    """Visible run folders; each must be complete (manifest, every table, every replication)."""
    runs = (
        sorted(p for p in folder.iterdir() if not p.name.startswith(".")) if folder.exists() else []
    )
    for run in runs:
        assert (run / MANIFEST).is_file(), f"{run} looks like a result but is incomplete"
        results = load_results(run)
        assert results.seeds == replication_seeds(RUN["seed"], RUN["replications"])
        assert set(results.regions["replication"]) == set(range(RUN["replications"]))
    return runs


def assert_same_tables(folder: Path, reference: Path) -> None:
    a, b = load_results(folder), load_results(reference)
    assert a.scenario == b.scenario and a.seeds == b.seeds
    for name in TABLES:
        pd.testing.assert_frame_equal(a.tables[name], b.tables[name])


@pytest.fixture(scope="module")
def run_file(tmp_path_factory) -> Path:
    file = tmp_path_factory.mktemp("scenario") / "crash.yaml"
    file.write_text(yaml.safe_dump(RUN), encoding="utf-8")
    return file


@pytest.fixture(scope="module")
def reference(run_file, tmp_path_factory) -> tuple[Path, float]:
    """An uninterrupted ``balloon run`` in a subprocess, and how long it took."""
    out = tmp_path_factory.mktemp("reference") / "run"
    clock = time.monotonic()
    process = balloon_process("run", run_file, "--workers", "1", "--quiet", "--out", out)
    _, err = process.communicate(timeout=600)
    assert process.returncode == 0, err
    return out, time.monotonic() - clock


@pytest.mark.parametrize("moment", MOMENTS, ids=lambda m: f"{m:.0%}")
def test_a_killed_run_leaves_nothing_that_looks_complete_and_resumes(
    run_file, reference, tmp_path, moment
):
    reference_folder, duration = reference
    root = tmp_path / "results"
    command = ["run", run_file, "--workers", "1", "--quiet", "--results-root", root]
    killed = kill_after(balloon_process(*command), moment * duration)

    before = complete_runs(root / "crash")
    assert killed or before, "an uninterrupted run leaves a complete folder"
    seeds = replication_seeds(RUN["seed"], RUN["replications"])
    for store in (root / "crash").glob(f"{PARTIAL_PREFIX}*"):
        for run in ReplicationStore(store).load(seeds):  # saved replications are whole
            assert len(run.tables["regions"]) == 10 * 12 * 16

    assert main([*map(str, command), "--resume"]) == 0
    after = complete_runs(root / "crash")
    assert len(after) == len(before) + 1
    assert not [p for p in (root / "crash").iterdir() if is_leftover(p)], (
        "what the killed run was writing is tidied up by the next run"
    )
    for folder in after:
        assert_same_tables(folder, reference_folder)
    assert not list((root / "crash").glob(f"{PARTIAL_PREFIX}*")), (
        "saved replications are cleaned up"
    )
    manifest = json.loads((after[-1] / MANIFEST).read_text())
    assert 0 <= manifest["resumed_replications"] <= RUN["replications"]


def test_a_run_killed_after_saving_replications_resumes_from_them(run_file, reference, tmp_path):
    root = tmp_path / "results"
    command = ["run", run_file, "--workers", "1", "--quiet", "--results-root", root]
    process = balloon_process(*command)
    deadline = time.monotonic() + 300
    while not list(root.glob(f"crash/{PARTIAL_PREFIX}*/rep-*")):
        assert process.poll() is None, "the run ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    kill_after(process, float(MOMENTS[0]) * 0.5)  # a random moment after the first save
    assert complete_runs(root / "crash") == [] or process.returncode == 0

    assert main([*map(str, command), "--resume"]) == 0
    (folder,) = complete_runs(root / "crash")
    assert json.loads((folder / MANIFEST).read_text())["resumed_replications"] >= 1
    assert_same_tables(folder, reference[0])


def test_resume_reuses_saved_replications_and_runs_only_the_rest(run_file, tmp_path, capsys):
    scenario = load_scenario(run_file)
    root = tmp_path / "results"
    store = ReplicationStore(partial_folder(scenario, root))
    seeds = replication_seeds(scenario.seed, scenario.replications)
    # Replications 1 and 3 were saved before a crash; 1 is marked so reuse is visible.
    marked = run_one(scenario, 1, seeds[1])
    marked.tables["system"]["hectares"] += 0.5
    store.save(marked)
    store.save(run_one(scenario, 3, seeds[3]))
    store.save(Run(0, 12345, marked.tables))  # a stranger's seed: ignored
    (store.folder / ".rep-000004-1.tmp").mkdir()  # a save cut short: ignored

    assert main(["run", str(run_file), "--workers", "1", "--quiet", "--results-root", str(root),
                 "--resume"]) == 0  # fmt: skip
    folder = Path(capsys.readouterr().out.strip())
    results = load_results(folder)
    direct = {i: run_one(scenario, i, seed) for i, seed in enumerate(seeds)}
    for i in range(scenario.replications):
        got = results.system[results.system.replication == i].reset_index(drop=True)
        expected = direct[i].tables["system"].copy()
        if i == 1:
            expected["hectares"] += 0.5
        pd.testing.assert_frame_equal(got, expected)
    assert json.loads((folder / MANIFEST).read_text())["resumed_replications"] == 2
    assert not store.folder.exists()


def test_without_resume_a_run_starts_over_and_says_how_to_resume(run_file, tmp_path, capsys):
    scenario = load_scenario(run_file, ["replications=2", "end=1996-12"])
    root = tmp_path / "results"
    store = ReplicationStore(partial_folder(scenario, root))
    marked = run_one(scenario, 0, replication_seeds(scenario.seed, 2)[0])
    marked.tables["system"]["hectares"] += 0.5
    store.save(marked)
    args = ["run", str(run_file), "--workers", "1", "--results-root", str(root),
            "--set", "replications=2", "--set", "end=1996-12"]  # fmt: skip
    assert main(args) == 0
    out, err = capsys.readouterr()
    assert "add --resume to reuse them" in err
    folder = Path(out.split()[1].rstrip("/"))
    fresh = run_one(scenario, 0, replication_seeds(scenario.seed, 2)[0]).tables["system"]
    got = load_results(folder).system
    pd.testing.assert_frame_equal(got[got.replication == 0].reset_index(drop=True), fresh)


def test_ctrl_c_says_how_many_replications_are_saved(run_file, tmp_path):
    root = tmp_path / "results"
    process = subprocess.Popen(
        # Many replications: a Ctrl-C sent after the first is saved must find the run going.
        [sys.executable, "-m", "model.cli", "run", str(run_file), "--workers", "1", "--quiet",
         "--results-root", str(root), "--set", "replications=200"],
        cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        # A shell starts background jobs with Ctrl-C ignored, and children inherit that: the run
        # would never see the signal when the tests run in the background (`pytest &`).
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip
    deadline = time.monotonic() + 300
    while not list(root.glob(f"crash/{PARTIAL_PREFIX}*/rep-*")):
        assert process.poll() is None, "the run ended before it could be interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130
    err = err.strip()
    assert err.startswith("interrupted: ") and "add --resume" in err, err
    assert len(err.splitlines()) == 1
    assert complete_runs(root / "crash") == []


def test_ctrl_c_inside_a_compiled_loop_still_says_how_many_replications_are_saved(
    run_file, tmp_path, capsys, monkeypatch
):
    """A Ctrl-C while numba hands a result back surfaces as a SystemError caused by it."""
    import model.experiments.runner as runner

    real, built = runner.BalloonModel, []

    def model(scenario, rng=None):
        built.append(rng)
        if len(built) == 2:  # the second replication is interrupted
            try:
                raise KeyboardInterrupt
            except KeyboardInterrupt as error:
                raise SystemError("CPUDispatcher(<function best_moves>) returned a result with "
                                  "an exception set") from error  # fmt: skip
        return real(scenario, rng=rng)

    monkeypatch.setattr(runner, "BalloonModel", model)
    root = tmp_path / "results"
    code = main(["run", str(run_file), "--workers", "1", "--quiet", "--results-root", str(root),
                 "--set", "end=1995-06"])  # fmt: skip
    assert code == 130
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert (
        line.startswith("interrupted: 1 finished replication(s) saved in ") and "--resume" in line
    )
    assert complete_runs(root / "crash") == []


# ----------------------------------------------------------------------------- sweeps

SWEEP = {**RUN, "name": "crash_sweep", "end": "1997-12", "replications": 1,
         "households": {"scale": 0.005}}  # fmt: skip
PARAMS = ["households.profit_sensitivity=0.5:3", "market.demand_elasticity=-0.9:-0.3"]


@pytest.mark.parametrize("moment", MOMENTS[:2], ids=lambda m: f"{m:.0%}")
def test_a_killed_sweep_resumes_to_the_uninterrupted_table(tmp_path, moment):
    file = tmp_path / "crash_sweep.yaml"
    file.write_text(yaml.safe_dump(SWEEP), encoding="utf-8")
    scenario = load_scenario(file)
    clock = time.monotonic()
    whole = sweep_scenario(scenario, scenario_parameters(scenario, PARAMS), 12, "lhs",
                           tmp_path / "whole", executor="inline")  # fmt: skip
    duration = time.monotonic() - clock + 2.0  # the subprocess also starts Python

    out = tmp_path / "killed"
    command = ["sweep", str(file), *sum((["--param", p] for p in PARAMS), []), "--samples", "12",
               "--executor", "inline", "--quiet", "--out", str(out)]  # fmt: skip
    killed = kill_after(balloon_process(*command), moment * duration)
    if (out / "sweep.parquet").exists():  # the table appears only when every run is in it
        assert len(pd.read_parquet(out / "sweep.parquet")) == 12
    else:
        assert killed and len(read_runs(out)) < 12 or len(read_runs(out)) == 12
    assert main([*command, "--resume"]) == 0
    pd.testing.assert_frame_equal(pd.read_parquet(out / "sweep.parquet"), whole.table)
    assert not [p for p in (out / "runs").iterdir() if p.name.endswith(".tmp")]
    assert os.path.getsize(out / "sweep.csv") > 0
