"""The Andean history scenario, its calibration machinery and the policy ``scale`` field."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import eradication, small_scenario

from model import BalloonModel
from model.cli import main
from model.experiments.calibration import (
    calibrate,
    current_values,
    fit_statistics,
    loss,
    observed_hectares,
    run_mean_hectares,
)
from model.experiments.fit_report import turning_points
from model.experiments.observed import eradication as observed_eradication
from model.experiments.runner import replication_seeds
from model.scenario.loading import load_scenario, with_parameters

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
DATA_TURNING_POINTS = {
    "colombia_overtakes_peru": 1997,
    "bolivia_fall": 1999,
    "peru_overtakes_colombia": 2012,
}


def test_turning_points_of_the_unodc_series():
    assert turning_points(observed_hectares().loc[1990:2012]) == DATA_TURNING_POINTS


def test_fit_statistics_are_zero_for_the_data_itself_and_grow_with_error():
    data = observed_hectares()
    stats = fit_statistics(data, data)
    assert stats["rmse_log"] == pytest.approx(0.0)
    assert stats["share_mae"] == pytest.approx(0.0)
    assert stats["countries"]["peru"]["correlation"] == pytest.approx(1.0)
    doubled_colombia = data.assign(colombia=data["colombia"] * 2)
    worse = fit_statistics(doubled_colombia, data)
    assert worse["countries"]["colombia"]["rmse_log"] == pytest.approx(np.log(2))
    assert worse["countries"]["peru"]["rmse_log"] == pytest.approx(0.0)
    assert worse["share_mae"] > 0
    assert loss(doubled_colombia, data) > loss(data, data)


def test_history_scenario_uses_every_recorded_eradication_value():
    scenario = load_scenario(SCENARIOS / "andes_history.yaml")
    text = (SCENARIOS / "andes_history.yaml").read_text()
    recorded = observed_eradication()
    for row in recorded.itertuples():
        policy = next(
            p
            for p in scenario.policies
            if p.instrument == f"{row.method}_eradication" and p.country == row.country
        )
        values = {e.start.year: e.value for e in policy.schedule if e.start.month == 1}
        assert values[row.year] == pytest.approx(row.hectares) or (
            row.country, row.year) == ("colombia", 2015)  # fmt: skip
    # every unsourced value is flagged on its line
    flagged = [line for line in text.splitlines() if "ASSUMPTION (status=estimate" in line]
    assert len(flagged) == int(recorded["assumption"].sum())
    assert scenario.free_parameters


def test_policy_scale_multiplies_the_schedule():
    base = small_scenario(policies=[eradication("peru", 20_000)])
    halved = small_scenario(policies=[{**eradication("peru", 20_000), "scale": 0.5}])
    plain = small_scenario(policies=[eradication("peru", 10_000)])
    assert base.policies[0].scale == 1.0
    runs = [BalloonModel(s, rng=3).run().countries for s in (halved, plain)]
    for table in runs:
        assert table["manual_capacity_ha_yr"].max() == pytest.approx(10_000)
    pd.testing.assert_frame_equal(runs[0], runs[1])


def test_with_parameters_sets_dotted_paths_including_list_items():
    scenario = small_scenario(
        policies=[eradication("peru", 20_000)],
        free_parameters={
            "households.profit_sensitivity": {"low": 0.1, "high": 1.0},
            "policies.0.schedule.0.value": {"low": 0, "high": 50_000},
        },
    )
    changed = with_parameters(
        scenario, {"households.profit_sensitivity": 0.7, "policies.0.schedule.0.value": 123.0}
    )
    assert current_values(changed) == {
        "households.profit_sensitivity": 0.7,
        "policies.0.schedule.0.value": 123.0,
    }
    assert scenario.households.profit_sensitivity != 0.7
    with pytest.raises(ValueError, match="households.nonsense"):
        with_parameters(scenario, {"households.nonsense": 1.0})


def test_calibration_recovers_a_known_parameter():
    """Fit synthetic data made by the model itself with a known eradication scale."""
    truth = 0.6
    scenario = small_scenario(
        start="1990-01",
        end="1995-12",
        households={"scale": 0.004},
        policies=[{**eradication("peru", 60_000, start="1991-01", end="1995-12"), "scale": 0.1}],
        free_parameters={"policies.0.scale": {"low": 0.0, "high": 1.0}},
        seed=7,
    )
    seeds = replication_seeds(scenario.seed, 1)
    synthetic, _ = run_mean_hectares(with_parameters(scenario, {"policies.0.scale": truth}), seeds)
    result = calibrate(
        scenario,
        window=(1990, 1995),
        replications=1,
        maxiter=4,
        popsize=5,
        executor="inline",
        progress=False,
        data=synthetic,
    )
    assert result.start_loss > 0.05
    assert result.loss < result.start_loss / 3
    assert result.values["policies.0.scale"] == pytest.approx(truth, abs=0.15)
    assert result.scenario.policies[0].scale == result.values["policies.0.scale"]


def test_shipped_calibrated_history_reproduces_the_turning_points():
    scenario = load_scenario(SCENARIOS / "andes_history_calibrated.yaml", ["end=2015-12"])
    table, _ = run_mean_hectares(scenario, replication_seeds(scenario.seed, 3))
    model = turning_points(table)
    for event, year in DATA_TURNING_POINTS.items():
        assert model[event] is not None, event
        assert abs(model[event] - year) <= 2, (event, model[event], year)


def test_calibrate_command_rejects_bad_input(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:  # argparse rejects it
        main(["calibrate", str(SCENARIOS / "andes_history.yaml"), "--window", "2012-1990"])
    assert exit_info.value.code == 2
    assert "--window" in capsys.readouterr().err
    assert main(["calibrate", str(SCENARIOS / "andes_history.yaml"), "--window", "1980-2012"]) == 2
    assert "1990-2012" in capsys.readouterr().err
    plain = tmp_path / "plain.yaml"
    plain.write_text("name: plain\n")
    assert main(["calibrate", str(plain)]) == 2
    err = capsys.readouterr().err
    assert "plain.yaml: free_parameters" in err and len(err.strip().splitlines()) == 1
