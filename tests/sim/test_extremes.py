"""Extreme but legal worlds run, write a results folder, and keep every output finite and >= 0."""

import numpy as np
import pandas as pd
import pytest
from conftest import eradication, small_scenario

from model.experiments.results import load_results, write_results
from model.experiments.runner import TABLES, run_replications
from model.scenario.defaults import DEFAULT_REGIONS

SHORT = {"start": "1995-01", "end": "1996-12", "households": {"scale": 0.004}}
REGION_NAMES = [r["name"] for r in DEFAULT_REGIONS]


def region(name, country, **values):
    return {"name": name, "country": country, "lon": -75.0, "lat": -10.0,
            "suitable_ha": 20_000, "initial_coca_ha": 8_000, **values}  # fmt: skip


def run_and_check(scenario, tmp_path):
    """Run one replication, write and reread its folder, and check every number is finite, >= 0."""
    results = run_replications(scenario, replications=1, executor="inline")
    folder = write_results(results, root=tmp_path)
    reread = load_results(folder)
    for name in TABLES:
        numbers = reread.tables[name].select_dtypes("number")
        values = numbers.to_numpy(float)
        assert np.isfinite(values).all(), (
            f"{name}: {list(numbers.columns[~np.isfinite(values).all(0)])}"
        )
        assert (values >= 0).all(), f"{name}: {list(numbers.columns[(values < 0).any(0)])}"
    assert "nan" not in (folder / "summary.md").read_text().lower()
    return reread


def test_no_households(tmp_path):
    eradicate = eradication("peru", 30_000, "1995-03", "1996-06")
    nobody = {**SHORT["households"], "full_scale_households": 0}
    results = run_and_check(
        small_scenario(**{**SHORT, "households": nobody}, policies=[eradicate]), tmp_path
    )
    regions = results.regions
    assert (regions[["hectares", "households", "leaf_t", "eradicated_ha"]] == 0).all().all()
    assert (results.system["cocaine_t"] == 0).all()


def test_zero_demand_no_coca_anywhere(tmp_path):
    # Demand starts at what the market supplies in the first month: nothing.
    empty = {name: {"initial_coca_ha": 0, "legal_ha": 0} for name in REGION_NAMES}
    results = run_and_check(
        small_scenario(**SHORT, world={"region_overrides": empty},
                       policies=[eradication("colombia", 50_000, "1995-02", "1996-06")]),
        tmp_path,
    )  # fmt: skip
    # Each region's barrier is fitted so that households grow (next to) nothing, and stay so.
    assert results.regions.groupby("date")["hectares"].sum().max() < 0.01
    assert results.system["demand_t"].max() < 1e-6
    assert results.system["supply_t"].max() < 1e-6
    assert results.countries["eradicated_ha"].sum() < 0.01


def test_no_traffickers(tmp_path):
    results = run_and_check(small_scenario(**SHORT, traffickers={"organisations": []}), tmp_path)
    regions = results.regions
    assert (regions["traffickers"] == 0).all()
    assert (regions["farmgate_price"] == 0).all()
    assert (regions["cocaine_t"] == 0).all()
    assert results.traffickers.empty
    # Nobody buys leaf from the start, so coca never pays more than at the start: no growth.
    total = regions.groupby("date")["hectares"].sum()
    assert total.max() <= total.iloc[0] * (1 + 1e-9)


def test_eradication_far_above_the_coca_present(tmp_path):
    policies = [eradication(c, 1e9, "1995-02", "1996-12", m)
                for c in ("peru", "colombia", "bolivia") for m in ("manual", "aerial")]  # fmt: skip
    results = run_and_check(small_scenario(**SHORT, policies=policies), tmp_path)
    regions = results.regions.sort_values(["region", "date"])
    present = regions.groupby("region")["hectares"].shift(1)
    removed = regions["eradicated_ha"] + regions["voluntary_ha"]
    assert (removed[present.notna()] <= present[present.notna()] * (1 + 1e-9) + 1e-6).all()
    assert regions["eradicated_ha"].sum() > 0


def test_no_suitable_land_anywhere(tmp_path):
    barren = {
        name: {"suitable_ha": 0, "initial_coca_ha": 0, "legal_ha": 0} for name in REGION_NAMES
    }
    results = run_and_check(small_scenario(**SHORT, world={"region_overrides": barren}), tmp_path)
    assert (results.regions["hectares"] == 0).all()
    assert (results.regions["planted_ha"] == 0).all()


def test_coca_above_the_suitable_land(tmp_path):
    squeezed = {name: {"suitable_ha": 0} for name in REGION_NAMES}
    results = run_and_check(small_scenario(**SHORT, world={"region_overrides": squeezed}), tmp_path)
    assert (results.regions["planted_ha"] == 0).all()


def test_a_single_region(tmp_path):
    scenario = small_scenario(
        **SHORT,
        world={"regions": [region("solo", "peru")], "edges": []},
        traffickers={"organisations": [{"name": "only_buyer", "regions": ["solo"]}]},
        armed_groups={"groups": []},
        policies=[eradication("peru", 5_000, "1995-03", "1996-06")],
    )
    results = run_and_check(scenario, tmp_path)
    assert results.regions["region"].unique().tolist() == ["solo"]
    assert len(results.regions) == scenario.months
    assert results.regions["eradicated_ha"].sum() > 0


def test_fifty_countries(tmp_path):
    regions = [region(f"r{i}", f"country_{i}", lon=-80 + i * 0.4, lat=-15 + i * 0.5)
               for i in range(50)]  # fmt: skip
    edges = [{"source": f"r{i}", "target": f"r{i + 1}"} for i in range(49)]
    scenario = small_scenario(
        **SHORT,
        world={"regions": regions, "edges": edges},
        traffickers={"organisations": [
            {"name": "north", "regions": [f"r{i}" for i in range(0, 25)]},
            {"name": "south", "regions": [f"r{i}" for i in range(20, 50, 2)]},
        ]},
        armed_groups={"groups": [{"name": "rebels", "regions": ["r3", "r4", "r30"]}]},
        policies=[eradication("country_3", 2_000, "1995-02", "1996-06"),
                  eradication("country_30", 2_000, "1995-02", "1996-06", "aerial")],
    )  # fmt: skip
    results = run_and_check(scenario, tmp_path)
    countries = results.countries
    assert countries["country"].nunique() == 50
    assert len(countries) == 50 * scenario.months
    assert results.traffickers["trafficker"].nunique() == 2


def test_one_month(tmp_path):
    scenario = small_scenario(start="2001-07", end="2001-07", households={"scale": 0.004},
                              policies=[eradication("colombia", 60_000, "2001-07", "2001-12")])  # fmt: skip
    results = run_and_check(scenario, tmp_path)
    assert results.system["date"].tolist() == [pd.Timestamp("2001-07-01")]
    assert len(results.regions) == len(REGION_NAMES)


def test_a_hundred_years_with_demand_halving_every_year(tmp_path):
    halving = {1990 + k: 0.5**k for k in range(0, 101, 10)}
    markets = [{"name": "world", "share": 1.0, "index": halving}]
    scenario = small_scenario(
        start="1990-01", end="2089-12", households={"scale": 0.0005},
        market={"consumer_markets": markets}, hold_dated_inputs=False,  # demand moves here
        policies=[eradication("peru", 20_000, "1995-01", "2080-01")],
    )  # fmt: skip
    assert scenario.months == 1200
    results = run_and_check(scenario, tmp_path)
    system = results.system
    assert len(system) == 1200
    assert system["demand_t"].iloc[-1] < 1e-20 * system["demand_t"].iloc[0]


@pytest.mark.parametrize("households", [{"scale": 4.0, "full_scale_households": 200},
                                        {"spare_capacity": 10, "entry_rate": 1}])  # fmt: skip
def test_household_bounds(tmp_path, households):
    scenario = small_scenario(**{**SHORT, "households": {**SHORT["households"], **households}})
    run_and_check(scenario, tmp_path)
