"""The Andean history scenario, its calibration machinery and the policy ``scale`` field."""

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from conftest import eradication, small_scenario

from model import BalloonModel
from model.cli import main
from model.experiments import targets
from model.experiments.history_fit import (
    Predictive,
    covers_record,
    fit_summary,
    predictive,
    predictive_of,
    timing_shares,
)
from model.experiments.observed import eradication as observed_eradication
from model.experiments.observed_market import seizures_in_country
from model.experiments.observed_regions import model_groups
from model.experiments.posterior import scenario_posterior
from model.experiments.results import load_results
from model.scenario.loading import load_scenario, with_parameters
from model.scenario.paths import value_at_path

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
DATA_TURNING_POINTS = {
    "colombia_overtakes_peru": 1997,
    "bolivia_fall": 1999,
    "peru_overtakes_colombia": 2012,
}


def test_turning_points_of_the_unodc_series():
    assert targets.observed().turning_points == DATA_TURNING_POINTS


def test_the_distance_is_zero_for_the_record_and_grows_with_error():
    data = targets.observed()
    assert targets.distance(data, data) == pytest.approx(0.0)
    doubled = targets.Summary(
        data.national.assign(colombia=data.national["colombia"] * 2), data.regional,
        data.turning_points, data.prices,
    )  # fmt: skip
    parts = targets.components(doubled, data)
    assert parts["national"] == pytest.approx(np.log(2) / np.sqrt(3))
    assert parts["regional"] == parts["prices"] == parts["turning_points"] == 0
    assert targets.distance(doubled, data) > 0.3


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


def test_with_parameters_sets_dotted_paths_including_named_list_items():
    policy = {**eradication("peru", 20_000), "name": "peru_manual"}
    scenario = small_scenario(policies=[policy])
    changed = with_parameters(
        scenario,
        {"households.profit_sensitivity": 0.7, "policies.peru_manual.schedule.0.value": 123.0},
    )
    data = changed.model_dump(mode="json")
    assert value_at_path(data, "households.profit_sensitivity") == 0.7
    assert value_at_path(data, "policies.peru_manual.schedule.0.value") == 123.0
    assert value_at_path(data, "policies.0.schedule.0.value") == 123.0
    assert scenario.households.profit_sensitivity != 0.7
    with pytest.raises(ValueError, match="households.nonsense"):
        with_parameters(scenario, {"households.nonsense": 1.0})


def test_shipped_calibrated_history_reproduces_the_turning_points_in_most_runs():
    scenario = load_scenario(SCENARIOS / "andes_history_calibrated.yaml", ["end=2015-12"])
    runs = predictive(scenario, scenario_posterior(scenario), 8, executor="inline")
    fit = fit_summary(runs)
    found = fit["turning_points"]
    # in-country seizures beside the record, every recorded country-year of the window
    assert {(row["country"], row["year"]) for row in fit["seizures"]} == set(
        seizures_in_country().index
    )
    assert all(row["low"] <= row["median"] <= row["high"] for row in fit["seizures"])
    for event, year in DATA_TURNING_POINTS.items():
        assert found[event]["data"] == year
    for event in ("colombia_overtakes_peru", "bolivia_fall"):
        assert found[event]["within_two_years"] >= 0.5, (event, found[event]["runs"])
    # Peru does take the lead back before the window ends, but early (2006-2009 in most runs
    # against 2012 in the data: docs/history.md says why); a later calibration should move it.
    back = [year for year in found["peru_overtakes_colombia"]["runs"] if year is not None]
    assert len(back) >= 0.5 * runs.runs
    assert all(2002 <= year <= 2014 for year in back), back


def test_seizures_are_set_beside_the_record_as_median_and_band_of_the_runs():
    seizures = pd.DataFrame(
        {"replication": [0, 1, 2, 0, 1, 2], "year": [2004] * 3 + [2030] * 3,
         "country": "peru", "seizures_t": [10.0, 20.0, 30.0, 1.0, 1.0, 1.0]}
    )  # fmt: skip
    national = pd.DataFrame(
        {"replication": 0, "year": [2004] * 3, "country": ["peru", "colombia", "bolivia"],
         "hectares": 1.0}
    )  # fmt: skip
    regional = pd.DataFrame(
        {"replication": 0, "year": 2004, "country": "peru", "group": "vraem", "share": [0.3]}
    )
    results = SimpleNamespace(seeds=[0, 1, 2])
    rows = fit_summary(Predictive(results, national, regional, seizures))["seizures"]
    assert rows == [
        {"country": "peru", "year": 2004, "data": pytest.approx(6.33 + 7.303),
         "median": 20.0, "low": pytest.approx(11.0), "high": pytest.approx(29.0)}
    ]  # fmt: skip


def test_turning_points_per_run_count_up_to_two_years_after_the_window():
    years = range(1990, 2024)
    rows = []
    for year in years:
        # Colombia leads from 1997, Peru again from 2012; Bolivia falls most in 1999 within
        # the window and even more in 2016, in the forecast.
        bolivia = 50_000 - (20_000 if year >= 1999 else 0) - (25_000 if year >= 2016 else 0)
        peru, colombia = (60_000, 40_000) if year < 1997 or year >= 2012 else (40_000, 60_000)
        for country, ha in (("peru", peru), ("colombia", colombia), ("bolivia", bolivia)):
            rows.append({"replication": 0, "year": year, "country": country, "hectares": ha})
    national = pd.DataFrame(rows)
    regional = pd.DataFrame(
        {"replication": 0, "year": 2004, "country": "peru", "group": "vraem", "share": [0.3]}
    )
    results = SimpleNamespace(seeds=[0])  # one run; fit_summary reads only how many
    found = fit_summary(Predictive(results, national, regional))["turning_points"]
    assert found["bolivia_fall"]["runs"] == [1999]
    assert found["peru_overtakes_colombia"]["runs"] == [2012]
    assert found["colombia_overtakes_peru"]["runs"] == [1997]


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


def test_turning_point_timing_splits_runs_into_on_time_earlier_and_later():
    # The record's 2012: within two years, more than two years earlier, later or never.
    close, early, late = timing_shares(2012, [2006, 2010, 2012, 2014, 2015, None])
    assert (close, early, late) == pytest.approx((3 / 6, 1 / 6, 2 / 6))


def test_only_runs_spanning_the_window_with_the_record_regions_are_scored():
    regions = sorted({r for members in model_groups().values() for r in members})
    dates = pd.date_range("1990-01-01", "2012-12-01", freq="MS")
    countries = pd.DataFrame(
        [(d, c) for d in dates for c in ("peru", "colombia", "bolivia")],
        columns=["date", "country"],
    )
    whole = SimpleNamespace(countries=countries, regions=pd.DataFrame({"region": regions}))
    assert covers_record(whole)
    short = SimpleNamespace(countries=countries[countries.date.dt.year < 2012],
                            regions=whole.regions)  # fmt: skip
    assert not covers_record(short)
    fewer = SimpleNamespace(countries=countries, regions=pd.DataFrame({"region": regions[1:]}))
    assert not covers_record(fewer)


def test_a_history_run_is_scored_against_the_record_in_its_summary_and_figures(tmp_path):
    out, figures = tmp_path / "run", tmp_path / "figures"
    main(["run", str(SCENARIOS / "andes_history_calibrated.yaml"), "--posterior",
          "--replications", "3", "--set", "households.scale=0.005", "--executor", "inline",
          "--out", str(out), "--quiet"])  # fmt: skip
    summary = (out / "summary.md").read_text(encoding="utf-8")
    assert "## Against the record, 1990-2012" in summary
    assert "parameters drawn from the posterior" in summary
    assert "With 3 run(s) the 90% bands" in summary
    # Peru's return, run by run: the shares on time, earlier and later follow from the years.
    row = next(line for line in summary.splitlines() if line.startswith("| peru overtakes"))
    _, name, data, close, early, late, listed, _ = (cell.strip() for cell in row.split("|"))
    years = [None if y == "never" else int(y) for y in listed.split(", ")]
    assert (name, data, len(years)) == ("peru overtakes colombia", "2012", 3)
    on_time = sum(y is not None and 2010 <= y <= 2014 for y in years)
    before = sum(y is not None and y < 2010 for y in years)
    assert close == f"{100 * on_time / 3:.0f}%"
    assert early == f"{100 * before / 3:.0f}%"
    assert late == f"{100 * (3 - on_time - before) / 3:.0f}%"
    # The same runs as the saved tables give.
    fit = fit_summary(predictive_of(load_results(out)))
    assert years == fit["turning_points"]["peru_overtakes_colombia"]["runs"]
    for country, scores in fit["countries"].items():
        assert f"| {country} | {scores['rmse_log']:.2f} |" in summary
    main(["plot", str(out), "--out", str(figures)])
    assert (figures / "record.png").stat().st_size > 0


@pytest.mark.parametrize(
    ("scenario", "overrides", "section"),
    [
        # A run that ends before the record does: said, not scored.
        ("andes_history_calibrated.yaml", ["end=2005-12"], "Not scored"),
        # A counterfactual departs from the record on purpose; the baseline holds its inputs.
        ("counterfactuals/no_plan_colombia.yaml", ["end=2013-12"], None),
        ("baseline.yaml", ["end=2013-12", "start=1990-01"], None),
    ],
)
def test_runs_not_meant_to_reproduce_the_record_are_not_scored(
    tmp_path, scenario, overrides, section
):
    out = tmp_path / "run"
    sets = [arg for o in ["households.scale=0.005", *overrides] for arg in ("--set", o)]
    main(["run", str(SCENARIOS / scenario), "--replications", "1", *sets,
          "--executor", "inline", "--out", str(out), "--quiet"])  # fmt: skip
    summary = (out / "summary.md").read_text(encoding="utf-8")
    if section is None:
        assert "Against the record" not in summary
    else:
        assert "## Against the record, 1990-2012" in summary and section in summary
        assert "### Turning points" not in summary
    main(["plot", str(out), "--out", str(tmp_path / "figures")])
    assert not (tmp_path / "figures" / "record.png").exists()
