import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
import yaml
from conftest import eradication, small_scenario

from model.cli import main
from model.experiments.outcomes import outcome_metrics
from model.experiments.runner import run_one
from model.experiments.sweep import (
    ModelEvaluator,
    Parameter,
    SweepError,
    design_points,
    read_runs,
    run_sweep,
    scenario_parameters,
    sweep_scenario,
    with_parameters,
)
from model.scenario.loading import ScenarioError, load_scenario

REPO = Path(__file__).resolve().parents[2]


def quick_scenario(**changes):
    base = dict(
        start="1995-01", end="1996-12", households={"scale": 0.005},
        policies=[eradication("colombia", 40_000, "1995-03", "1996-06")],
    )  # fmt: skip
    return small_scenario(**{**base, **changes})


def scenario_file(tmp_path) -> Path:
    data = {
        "name": "quick",
        "start": "1995-01",
        "end": "1996-12",
        "households": {"scale": 0.005},
        "policies": [eradication("colombia", 40_000, "1995-03", "1996-06")],
    }
    path = tmp_path / "quick.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


PARAMS = ["households.profit_sensitivity=0.5:3", "traffickers.exit_after_months=3:12"]


# ----------------------------------------------------------------------------- parameters


def test_with_parameters_sets_dotted_paths_on_a_copy():
    base = quick_scenario()
    changed = with_parameters(
        base, {"households.profit_sensitivity": 0.3, "market.demand_elasticity": -0.8}
    )
    assert changed.households.profit_sensitivity == 0.3
    assert changed.market.demand_elasticity == -0.8
    assert base.households.profit_sensitivity != 0.3
    assert changed.policies == base.policies


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("households.profit_sensitivity", "write --param path=low:high"),
        ("households.profit_sensitivity=a:b", "are not two numbers"),
        ("households.profit_sensitivity=3:1", "must be a number below high"),
        ("households.profit_sensitivty=1:2", "did you mean 'profit_sensitivity'"),
        ("households.planting_rate=0.5:2", "households.planting_rate"),
    ],
)
def test_bad_parameters_are_one_line_errors_naming_the_path(text, expected):
    with pytest.raises(ScenarioError) as error:
        scenario_parameters(quick_scenario(), [text])
    message = str(error.value)
    assert expected in message and "\n" not in message
    assert message.startswith(f"--param {text}")


def test_every_bad_parameter_has_its_own_line():
    texts = ["households.profit_sensitivty=1:2", "households.planting_rate=0.1:0.2",
             "households.planting_rate=3:1", "households.planting_rate=0:0.3",
             "policies.\u00b2=0:1"]  # fmt: skip
    with pytest.raises(ScenarioError) as error:
        scenario_parameters(quick_scenario(), texts)
    lines = error.value.lines
    assert [line.split(":")[0] for line in lines] == [
        f"--param {t.split(':')[0]}" for t in (texts[0], texts[2], texts[3], texts[4])
    ]
    assert "did you mean" in lines[0] and "below high" in lines[1] and "given twice" in lines[2]


def test_whole_number_parameters_are_rounded_in_the_design():
    parameters = scenario_parameters(quick_scenario(), PARAMS)
    assert [p.integer for p in parameters] == [False, True]
    points = design_points(parameters, 20, "lhs", seed=1)
    assert np.array_equal(points[:, 1], np.round(points[:, 1]))
    assert points[:, 1].min() >= 3 and points[:, 1].max() <= 12
    assert len(np.unique(points[:, 0])) == 20


# ----------------------------------------------------------------------------- designs


def test_latin_hypercube_puts_one_point_in_every_stratum():
    parameters = [Parameter("a", 0.0, 10.0), Parameter("b", -1.0, 1.0)]
    points = design_points(parameters, 10, "lhs", seed=3)
    assert points.shape == (10, 2)
    assert sorted(np.floor(points[:, 0]).astype(int)) == list(range(10))
    assert sorted(np.floor((points[:, 1] + 1) / 0.2).astype(int)) == list(range(10))
    assert np.array_equal(points, design_points(parameters, 10, "lhs", seed=3))
    assert not np.array_equal(points, design_points(parameters, 10, "lhs", seed=4))


def test_grid_has_every_combination_of_levels_bounds_included():
    parameters = [Parameter("a", 0.0, 1.0), Parameter("b", 10.0, 20.0)]
    points = design_points(parameters, 3, "grid", seed=0)
    assert points.shape == (9, 2)
    assert {tuple(p) for p in points} == {(a, b) for a in (0, 0.5, 1) for b in (10, 15, 20)}


def test_sobol_design_fills_the_box_evenly():
    parameters = [Parameter("a", 2.0, 4.0), Parameter("b", 0.0, 1.0)]
    points = design_points(parameters, 64, "sobol", seed=0)
    assert points.shape == (64, 2)
    assert points[:, 0].min() >= 2 and points[:, 0].max() <= 4
    # a scrambled Sobol sequence of 64 points puts exactly 16 in each quarter of each axis
    assert np.bincount(np.floor((points[:, 0] - 2) / 0.5).astype(int)).tolist() == [16] * 4


def test_unknown_design_and_zero_samples_are_errors():
    parameters = [Parameter("a", 0.0, 1.0)]
    with pytest.raises(SweepError, match="unknown design"):
        design_points(parameters, 4, "random", seed=0)
    with pytest.raises(SweepError, match="at least 1"):
        design_points(parameters, 0, "lhs", seed=0)


# ----------------------------------------------------------------------------- outcomes


def test_outcome_metrics_add_up_and_describe_the_shift():
    run = run_one(quick_scenario(), 0, seed=5)
    metrics = outcome_metrics(run.tables)
    countries = ("bolivia", "colombia", "peru")
    assert sum(metrics[f"final_ha_{c}"] for c in countries) == pytest.approx(
        metrics["final_ha_total"]
    )
    assert sum(metrics[f"change_ha_{c}"] for c in countries) == pytest.approx(
        metrics["change_ha_total"]
    )
    assert metrics["change_ha_colombia"] < 0  # eradicated there
    assert metrics["eradicated_ha_total"] > 10_000
    assert metrics["regional_gain_ha"] - metrics["regional_loss_ha"] == pytest.approx(
        metrics["change_ha_total"]
    )
    assert metrics["regional_shift_ratio"] == pytest.approx(
        metrics["regional_gain_ha"] / metrics["regional_loss_ha"]
    )


# ----------------------------------------------------------------------------- sweeps and resume


def test_sweep_rows_hold_parameters_seeds_and_metrics(tmp_path):
    scenario = quick_scenario()
    parameters = scenario_parameters(scenario, PARAMS)
    result = sweep_scenario(scenario, parameters, 3, "lhs", tmp_path / "s", replications=2,
                            executor="inline")  # fmt: skip
    table = result.table
    assert (result.computed, result.reused) == (6, 0)
    assert table.run.tolist() == list(range(6))
    assert table.point.tolist() == [0, 0, 1, 1, 2, 2]
    # common random numbers: every point uses the same two seeds
    assert table.groupby("point").seed.apply(tuple).nunique() == 1
    assert table.seed.nunique() == 2
    # the row's parameters are what the model ran with
    values = {p.path: table.at[3, p.path] for p in parameters}
    seed = int(table.at[3, "seed"])  # not via a row: a float64 row would round the 63-bit seed
    expected = outcome_metrics(run_one(with_parameters(scenario, values), 0, seed).tables)
    assert table.at[3, "final_ha_total"] == expected["final_ha_total"]
    # different parameters, different outcomes
    assert table.final_ha_total.nunique() == 6
    saved = pd.read_parquet(tmp_path / "s" / "sweep.parquet")
    pd.testing.assert_frame_equal(saved, table)
    assert (tmp_path / "s" / "sweep.csv").exists()
    # Units and meanings: parameters from the schema, outcomes from the registry.
    schema = pq.read_schema(tmp_path / "s" / "sweep.parquet")
    assert schema.field("final_ha_total").metadata[b"unit"] == b"ha"
    months = schema.field("traffickers.exit_after_months").metadata
    assert months[b"unit"] == b"months" and months[b"meaning"].startswith(b"Months of losses")
    described = pd.read_csv(tmp_path / "s" / "columns.csv", keep_default_na=False)
    assert described[described.file == "sweep.csv"].column.tolist() == list(table.columns)


def test_an_existing_or_different_sweep_in_the_folder_is_refused(tmp_path):
    scenario = quick_scenario(end="1995-06")
    parameters = scenario_parameters(scenario, PARAMS[:1])
    sweep_scenario(scenario, parameters, 2, "lhs", tmp_path, executor="inline")
    with pytest.raises(SweepError, match="add --resume"):
        sweep_scenario(scenario, parameters, 2, "lhs", tmp_path, executor="inline")
    with pytest.raises(SweepError, match="different sweep \\(points differs\\)"):
        sweep_scenario(scenario, parameters, 3, "lhs", tmp_path, executor="inline", resume=True)
    again = sweep_scenario(scenario, parameters, 2, "lhs", tmp_path, executor="inline", resume=True)
    assert (again.computed, again.reused) == (0, 2)


@dataclass(frozen=True)
class InterruptedSquare:
    """y = x^2, but a Ctrl-C arrives when it is asked for run ``stop_at``."""

    stop_at: float | None = None

    def __call__(self, values, seed):
        if values["x"] == self.stop_at:
            raise KeyboardInterrupt
        return {"y": values["x"] ** 2}

    def fingerprint(self):
        return {"function": "square"}


def test_ctrl_c_keeps_finished_runs_and_resume_computes_only_the_rest(tmp_path):
    parameters = [Parameter("x", 0.0, 1.0)]
    points = design_points(parameters, 11, "grid", seed=0)
    with pytest.raises(KeyboardInterrupt):
        run_sweep(InterruptedSquare(stop_at=points[7, 0]), parameters, points, tmp_path,
                  executor="inline")  # fmt: skip
    assert read_runs(tmp_path).run.tolist() == list(range(7))
    resumed = run_sweep(InterruptedSquare(), parameters, points, tmp_path, executor="inline",
                        resume=True)  # fmt: skip
    assert (resumed.computed, resumed.reused) == (4, 7)
    assert resumed.table.y.tolist() == pytest.approx((points[:, 0] ** 2).tolist())
    assert resumed.table.run.is_unique


def test_a_sweep_killed_midway_resumes_to_the_same_table(tmp_path):
    # Enough runs that the first saved part (written after about a second) cannot hold them all,
    # even on an idle machine.
    RUNS = 64
    file = scenario_file(tmp_path)
    command = ["sweep", str(file), *sum((["--param", p] for p in PARAMS), []), "--samples", str(RUNS),
               "--executor", "inline", "--quiet"]  # fmt: skip
    killed = tmp_path / "killed"
    process = subprocess.Popen(
        [sys.executable, "-m", "model.cli", *command, "--out", str(killed)],
        cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while not list((killed / "runs").glob("part-*.parquet")):
            assert process.poll() is None, "the sweep ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    saved = len(read_runs(killed))
    assert 0 < saved < RUNS
    assert not (killed / "sweep.parquet").exists()

    assert main([*command, "--out", str(killed), "--resume"]) == 0
    resumed = pd.read_parquet(killed / "sweep.parquet")
    scenario = load_scenario(file)
    whole = sweep_scenario(scenario, scenario_parameters(scenario, PARAMS), RUNS, "lhs",
                           tmp_path / "whole", executor="inline")  # fmt: skip
    pd.testing.assert_frame_equal(resumed, whole.table)
    assert resumed.run.tolist() == list(range(RUNS))
    assert (killed / "sweep.png").stat().st_size > 10_000


def test_cli_sweep_reports_bad_input_in_one_line(tmp_path, capsys):
    file = scenario_file(tmp_path)
    assert main(["sweep", str(file), "--param", "households.planting_rate=0.1:2"]) == 2
    error = capsys.readouterr().err.strip()
    assert error.count("\n") == 0 and "households.planting_rate" in error
    assert main(["sweep", str(file), "--param", PARAMS[0], "--metric", "hectares"]) == 2
    assert "unknown metric" in capsys.readouterr().err
    assert main(["sweep", str(file), "--param", PARAMS[0], "--scheduler", "localhost"]) == 2
    assert "tcp://HOST:8786" in capsys.readouterr().err


def test_a_posterior_sweep_draws_each_replications_parameters_and_sets_the_swept_ones(tmp_path):
    from model.experiments.posterior import scenario_posterior

    history = Path(__file__).resolve().parents[2] / "scenarios" / "andes_history_calibrated.yaml"
    args = ["sweep", str(history), "--set", "end=1992-12", "--set", "households.scale=0.002",
            "--param", "government.manual_kill_rate=0.5:0.9", "--samples", "2",
            "--replications", "3", "--executor", "inline", "--quiet"]  # fmt: skip
    tables = []
    for name, extra in (("drawn", ["--posterior"]), ("again", ["--posterior"]), ("median", [])):
        assert main([*args, *extra, "--out", str(tmp_path / name)]) == 0
        tables.append(pd.read_parquet(tmp_path / name / "sweep.parquet"))
    drawn, again, median = tables
    pd.testing.assert_frame_equal(drawn, again)  # reproducible
    assert not drawn["final_ha_total"].equals(median["final_ha_total"])  # the draws matter
    # The evaluator: the seed picks the sample, the swept value wins over it.
    scenario = load_scenario(history, ["end=1990-06", "households.scale=0.002"])
    posterior = scenario_posterior(scenario)
    seed = int(drawn.seed.iloc[0])
    sample = posterior.draw(seed)
    expected = with_parameters(posterior.scenario(scenario, sample),
                               {"government.manual_kill_rate": 0.7})  # fmt: skip
    evaluator = ModelEvaluator(scenario, posterior)
    direct = outcome_metrics(run_one(expected, 0, seed).tables)
    assert evaluator({"government.manual_kill_rate": 0.7}, seed) == direct


def test_a_sweep_over_another_posterior_of_the_same_size_does_not_resume_into_this_one():
    from model.experiments.posterior import Posterior

    scenario = small_scenario()
    table = pd.DataFrame({"households.planting_rate": [0.05, 0.1], "weight": [0.5, 0.5]})
    other = table.assign(**{"households.planting_rate": [0.06, 0.1]})
    first = ModelEvaluator(scenario, Posterior(table, "p.parquet")).fingerprint()
    again = ModelEvaluator(scenario, Posterior(table.copy(), "p.parquet")).fingerprint()
    second = ModelEvaluator(scenario, Posterior(other, "p.parquet")).fingerprint()
    assert first == again and first != second
