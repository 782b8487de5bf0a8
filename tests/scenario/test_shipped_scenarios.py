"""Every shipped scenario validates, is documented, and runs."""

import pytest

from model import BalloonModel
from model.scenario.loading import SCENARIOS_DIR, load_scenario, shipped_name, shipped_scenarios

SHIPPED = shipped_scenarios()
REQUIRED = {
    "baseline",
    "peru_pressure_1990s",
    "bolivia_plan_dignidad",
    "plan_colombia",
    "humala_2011_shortfall",
    "artemio_capture_2012",
    "sinaloa_enters_vrae",
    "coordinated_andean_pressure",
    "alternative_development",
    "counterfactuals/no_plan_colombia",
    "futures/status_quo",
}
# Fast enough to run every scenario over its whole window, so every policy and event executes.
QUICK = ["households.scale=0.004", "replications=1"]


def test_the_issue_scenarios_are_shipped():
    assert REQUIRED <= {shipped_name(f) for f in SHIPPED}


@pytest.mark.parametrize("file", SHIPPED, ids=shipped_name)
def test_shipped_scenario_is_valid_and_documented(file):
    scenario = load_scenario(file)
    assert scenario.name == file.stem
    assert len(scenario.description.split()) >= 8, "say what question the scenario asks"
    assert file.read_text().lstrip().startswith("#"), "open with a comment: why, and the sources"
    for i, policy in enumerate(scenario.policies):
        assert policy.note.strip(), f"policies.{i} needs a note with its source or assumption"
    for i, event in enumerate(scenario.events):
        assert event.note.strip(), f"events.{i} needs a note with its source"
        assert scenario.start <= event.date <= scenario.end, f"events.{i} is outside the window"


@pytest.mark.parametrize("file", SHIPPED, ids=shipped_name)
def test_shipped_scenario_runs(file):
    scenario = load_scenario(file, QUICK)
    model = BalloonModel(scenario).run()
    countries = model.countries
    assert countries["date"].nunique() == scenario.months
    assert countries["hectares"].notna().all() and (countries["hectares"] >= 0).all()
    if scenario.policies and any(p.instrument.endswith("eradication") for p in scenario.policies):
        assert countries["eradicated_ha"].sum() > 0


def test_scenarios_that_extend_baseline_share_its_window_and_seed():
    """Extending scenarios are compared with baseline, so they must run on the same months and seeds."""
    baseline = load_scenario("baseline")
    # the calibrated history extends the history scenario, not baseline, and is not compared with it
    # the history, its counterfactuals and futures extend the history, not baseline
    teaching = ("\nextends: baseline.yaml", "\nextends: _peru_2003_2015.yaml")
    extending = [f for f in SHIPPED if any(line in f.read_text() for line in teaching)]
    assert len(extending) >= 8
    for file in extending:
        scenario = load_scenario(file)
        same = (scenario.start, scenario.end, scenario.seed, scenario.households.scale)
        assert same == (baseline.start, baseline.end, baseline.seed, baseline.households.scale)


def test_building_blocks_are_not_listed_but_load():
    blocks = sorted(SCENARIOS_DIR.glob("_*.yaml"))
    assert blocks, "the Peru background block is shipped"
    assert not set(blocks) & set(SHIPPED)
    for block in blocks:
        load_scenario(block)


def test_plan_colombia_cuts_colombia_and_swells_peru():
    """The headline balloon of plan_colombia, at a small scale: Colombia down, Peru up."""
    window = ["end=2008-12", *QUICK]
    policy = BalloonModel(load_scenario("plan_colombia", window)).run().countries
    base = BalloonModel(load_scenario("baseline", window)).run().countries
    last = policy["date"].max()

    def hectares(table, country):
        return table[(table.date == last) & (table.country == country)]["hectares"].item()

    assert hectares(policy, "colombia") < 0.6 * hectares(base, "colombia")
    assert hectares(policy, "peru") > hectares(base, "peru")
