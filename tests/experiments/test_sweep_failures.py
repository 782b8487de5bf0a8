"""A failing run does not stop a sweep: it is recorded with its error, and --resume retries it."""

import math
from dataclasses import dataclass

import pandas as pd
import pytest
import yaml
from conftest import eradication

from model.cli import main
from model.experiments.sensitivity import Ishigami, run_sensitivity
from model.experiments.sweep import ERROR, FailedRuns, read_runs, run_sweep, scale_points

#: Whether the flaky function is broken right now (a test "fixes the cause" by clearing it).
BROKEN = {"now": True}


@dataclass(frozen=True)
class Flaky(Ishigami):
    """Ishigami, except that it fails where ``x1`` is above ``limit`` while it is broken."""

    limit: float = 1.0

    def __call__(self, values, seed):
        if BROKEN["now"] and values["x1"] > self.limit:
            raise ValueError(f"x1 = {values['x1']:.3f} is above\n{self.limit}")
        return super().__call__(values, seed)


@pytest.fixture(autouse=True)
def broken():
    BROKEN["now"] = True
    yield
    BROKEN["now"] = True


def grid(n: int = 9):
    parameters = Ishigami.parameters()
    unit = pd.DataFrame({"x1": [i / (n - 1) for i in range(n)], "x2": 0.3, "x3": 0.7})
    return parameters, scale_points(parameters, unit.to_numpy())


def test_failed_runs_are_recorded_with_their_error_and_the_sweep_carries_on(tmp_path):
    parameters, points = grid()
    result = run_sweep(Flaky(), parameters, points, tmp_path / "flaky", replications=2,
                       executor="inline")  # fmt: skip
    failed = points[:, 0] > 1.0
    assert len(result.table) == 2 * len(points), "every run has a row, failed or not"
    assert len(result.failed) == 2 * failed.sum() > 0 and result.computed == 2 * len(points)
    for _, row in result.failed.iterrows():
        assert row.x1 > 1.0 and math.isnan(row.y)
        assert row[ERROR].startswith("ValueError: x1 = ") and "\n" not in row[ERROR]
    clean = run_sweep(Ishigami(), parameters, points, tmp_path / "clean", replications=2,
                      executor="inline")  # fmt: skip
    good = result.succeeded.drop(columns=ERROR).reset_index(drop=True)
    expected = clean.table[clean.table.x1 <= 1.0].drop(columns=ERROR).reset_index(drop=True)
    pd.testing.assert_frame_equal(good, expected)
    assert "y" in result.metrics and ERROR not in result.metrics
    (first, *_) = result.failure_lines()
    assert first.startswith(f"run {int(result.failed.run.iloc[0])} (x1=") and "ValueError" in first


def test_resume_runs_only_the_failed_runs_again(tmp_path):
    parameters, points = grid()
    out = tmp_path / "flaky"
    first = run_sweep(Flaky(), parameters, points, out, executor="inline")
    BROKEN["now"] = False  # the cause is fixed
    again = run_sweep(Flaky(), parameters, points, out, executor="inline", resume=True)
    assert again.computed == len(first.failed) > 0 and again.reused == len(first.succeeded)
    assert len(again.failed) == 0
    clean = run_sweep(Ishigami(), parameters, points, tmp_path / "clean", executor="inline")
    pd.testing.assert_frame_equal(again.table, clean.table)
    assert read_runs(out).run.tolist() == list(range(len(points)))


def test_a_run_failing_again_on_resume_keeps_its_latest_error(tmp_path):
    parameters, points = grid(5)
    out = tmp_path / "flaky"
    run_sweep(Flaky(), parameters, points, out, executor="inline")
    again = run_sweep(Flaky(), parameters, points, out, executor="inline", resume=True)
    assert again.computed == len(again.failed) > 0
    assert len(again.table) == len(points) and again.table.run.is_unique


def test_sensitivity_refuses_a_design_with_failed_runs(tmp_path):
    out = tmp_path / "sobol"
    with pytest.raises(FailedRuns) as failure:
        run_sensitivity(Flaky(limit=2.5), Ishigami.parameters(), "sobol", 8, ["y"], out,
                        executor="inline")  # fmt: skip
    message = str(failure.value)
    assert "\n" not in message and "failed" in message and "--resume" in message
    assert not (out / "indices.csv").exists()
    BROKEN["now"] = False
    result = run_sensitivity(Flaky(limit=2.5), Ishigami.parameters(), "sobol", 8, ["y"], out,
                             executor="inline", resume=True)  # fmt: skip
    assert result.sweep.computed > 0 and (out / "indices.csv").exists()


# ----------------------------------------------------------------------------- the command line


def quick_file(tmp_path):
    file = tmp_path / "quick.yaml"
    file.write_text(yaml.safe_dump({
        "name": "quick", "start": "1995-01", "end": "1995-06", "households": {"scale": 0.003},
        "policies": [eradication("colombia", 40_000, "1995-02", "1995-05")],
    }))  # fmt: skip
    return file


@pytest.fixture
def model_fails_above(monkeypatch):
    """Make the model fail where households.profit_sensitivity is above a value."""
    import model.experiments.sweep as sweep

    real = sweep.BalloonModel

    def failing(limit):
        def build(scenario, rng=None):
            if scenario.households.profit_sensitivity > limit:
                raise FloatingPointError("prices diverged")
            return real(scenario, rng=rng)

        monkeypatch.setattr(sweep, "BalloonModel", build)

    yield failing
    monkeypatch.setattr(sweep, "BalloonModel", real)


def test_balloon_sweep_records_failures_exits_1_and_resume_retries_them(
    tmp_path, capsys, model_fails_above, monkeypatch
):
    out = tmp_path / "sweep"
    command = ["sweep", str(quick_file(tmp_path)), "--param",
               "households.profit_sensitivity=0.5:3", "--samples", "4", "--design", "grid",
               "--executor", "inline", "--quiet", "--out", str(out)]  # fmt: skip
    model_fails_above(2.0)
    assert main(command) == 1
    stdout, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert lines[0].startswith("sweep: 2 of 4 run(s) failed") and "--resume" in lines[0]
    assert [line.split(" (")[0].strip() for line in lines[1:]] == ["run 2", "run 3"]
    assert all("FloatingPointError: prices diverged" in line for line in lines[1:])
    table = pd.read_parquet(out / "sweep.parquet")
    assert table[ERROR].ne("").tolist() == [False, False, True, True]
    assert (out / "sweep.png").exists() and "figure" in stdout

    monkeypatch.undo()  # the cause is fixed
    assert main([*command, "--resume"]) == 0
    assert "2 run(s) computed, 2 reused" in capsys.readouterr().out
    table = pd.read_parquet(out / "sweep.parquet")
    assert (table[ERROR] == "").all() and table.final_ha_total.notna().all()


def test_balloon_sensitivity_with_failed_runs_says_so_in_one_line(
    tmp_path, capsys, model_fails_above
):
    out = tmp_path / "morris"
    model_fails_above(2.0)
    code = main(["sensitivity", str(quick_file(tmp_path)), "--method", "morris", "--samples",
                 "2", "--param", "households.profit_sensitivity=0.5:3", "--executor", "inline",
                 "--quiet", "--out", str(out)])  # fmt: skip
    assert code == 1
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("balloon: error: ") and "morris indices need every point" in line
    assert not (out / "indices.csv").exists() and (out / "sweep.parquet").exists()


def test_ctrl_c_in_a_compiled_loop_interrupts_a_sweep_instead_of_failing_a_run(
    tmp_path, capsys, monkeypatch
):
    import model.experiments.sweep as sweep

    def interrupted(scenario, rng=None):
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as error:  # what numba's dispatcher turns a Ctrl-C into
            raise SystemError("CPUDispatcher(<function f>) returned a result with an exception "
                              "set") from error  # fmt: skip

    monkeypatch.setattr(sweep, "BalloonModel", interrupted)
    out = tmp_path / "sweep"
    code = main(["sweep", str(quick_file(tmp_path)), "--param",
                 "households.profit_sensitivity=0.5:3", "--samples", "3", "--executor",
                 "inline", "--quiet", "--out", str(out)])  # fmt: skip
    assert code == 130
    assert capsys.readouterr().err.startswith("interrupted: 0 finished run(s) saved")
    assert not (out / "sweep.parquet").exists()
