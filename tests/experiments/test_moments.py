"""Published effects measured on paired runs: the spraying experiment and the empty inventory."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from model import BalloonModel, load_scenario
from model.experiments.moments import (
    SPRAYING,
    SprayingExperiment,
    empty_inventory_share,
    outside_band,
)
from model.experiments.posterior_fit import Simulator, fitting_scenario
from model.scenario.policy_spec import ScheduleEntry
from model.scenario.schema import Event
from model.sim.policies import schedule_values

HISTORY = "scenarios/andes_history.yaml"


def _monthly(scenario, name):
    policy = next(p for p in scenario.policies if p.name == name)
    return schedule_values(policy.schedule, scenario)


def test_the_experiment_raises_the_policy_in_the_months_of_its_years_only():
    scenario = load_scenario(HISTORY)
    more = SPRAYING.scenario(scenario)
    years = np.array([scenario.start.year + t // 12 for t in range(scenario.months)])
    inside = (years >= 2001) & (years <= 2012)
    for policy in scenario.policies:
        base, raised = _monthly(scenario, policy.name), _monthly(more, policy.name)
        factor = np.where(inside, 1.2, 1.0) if policy.name == "colombia_aerial" else 1.0
        np.testing.assert_allclose(raised, base * factor)
    assert SPRAYING.applies_to(scenario) and not SPRAYING.applies_to(load_scenario(
        "scenarios/baseline.yaml"))  # fmt: skip


def test_entries_spanning_the_years_edges_are_split_there():
    scenario = load_scenario(HISTORY)
    policies = [
        p.model_copy(update={"schedule": [
            ScheduleEntry(start=date(1995, 1, 1), value=50_000),  # runs into 2001
            ScheduleEntry(start=date(2010, 1, 1), value=60_000, end=date(2016, 1, 1),
                          end_value=0),  # a ramp past 2012
        ]}) if p.name == "colombia_aerial" else p
        for p in scenario.policies
    ]  # fmt: skip
    scenario = scenario.model_copy(update={"policies": policies})
    base = _monthly(scenario, "colombia_aerial")
    raised = _monthly(SPRAYING.scenario(scenario), "colombia_aerial")
    at = {(y, m): scenario.month_index(date(y, m, 1)) for y, m in
          [(2000, 12), (2001, 1), (2009, 6), (2011, 7), (2012, 12), (2013, 1), (2014, 6)]}  # fmt: skip
    assert raised[at[2000, 12]] == base[at[2000, 12]] == 50_000
    assert raised[at[2001, 1]] == pytest.approx(60_000)
    assert raised[at[2009, 6]] == pytest.approx(60_000)
    for month in [(2011, 7), (2012, 12)]:
        assert raised[at[month]] == pytest.approx(1.2 * base[at[month]])
    for month in [(2013, 1), (2014, 6)]:
        assert raised[at[month]] == pytest.approx(base[at[month]])
    assert 0 < base[at[2014, 6]] < 60_000


def test_the_effect_is_coca_less_per_extra_hectare_actually_sprayed_a_year():
    scenario = load_scenario(HISTORY, ["households.scale=0.002", "end=2012-12"])
    base = BalloonModel(scenario, rng=1).run()
    more = BalloonModel(SPRAYING.scenario(scenario), rng=1).run()
    countries = [m.countries.query("country == 'colombia'") for m in (base, more)]
    inside = [c.date.dt.year.between(2001, 2012) for c in countries]
    hectares = [c.loc[i, "hectares"].mean() for c, i in zip(countries, inside, strict=True)]
    sprayed = [c.loc[i, "sprayed_area_ha"].sum() / 12 for c, i in zip(countries, inside,
                                                                        strict=True)]  # fmt: skip
    assert sprayed[1] > sprayed[0]
    expected = (hectares[0] - hectares[1]) / (sprayed[1] - sprayed[0])
    assert SPRAYING.effect(base, more) == pytest.approx(expected, rel=1e-9)
    assert np.isnan(SprayingExperiment(extra=0.0).effect(base, base))


def test_more_spraying_with_a_high_kill_rate_leaves_less_coca():
    scenario = load_scenario(HISTORY, ["households.scale=0.002", "end=2012-12",
                                       "government.aerial_kill_rate=0.9"])  # fmt: skip
    base = BalloonModel(scenario, rng=1).run()
    more = BalloonModel(SPRAYING.scenario(scenario), rng=1).run()
    assert 0.0 < SPRAYING.effect(base, more) < 1.0


@pytest.mark.parametrize(
    ("value", "gap"),
    [(0.03, 0.0), (0.02, 0.0), (0.065, 0.0), (0.0, 0.08), (0.315, 1.0), (-0.23, 1.0),
     (float("nan"), 1.0)],
)  # fmt: skip
def test_a_value_outside_the_band_costs_its_distance_in_units_of_the_upper_end(value, gap):
    assert outside_band(value) == pytest.approx(gap)


def test_the_empty_inventory_share_counts_months_of_the_window_with_no_stock():
    scenario = load_scenario(HISTORY, ["households.scale=0.002", "end=1995-12"])
    model = BalloonModel(scenario, rng=1).run()
    stock = model.system.set_index("date").stock_t
    inside = stock[stock.index.year.isin(range(1991, 1996))]
    assert empty_inventory_share(model, (1991, 1995)) == pytest.approx((inside <= 1e-9).mean())
    losses = [Event(date="1992-01", kind="crop_loss", country=c, factor=0.9)
              for c in ("peru", "colombia", "bolivia")]  # fmt: skip
    dry = scenario.model_copy(update={"events": [*scenario.events, *losses]})
    assert empty_inventory_share(BalloonModel(dry, rng=1).run(), (1991, 1995)) > 0


def test_a_calibration_candidate_runs_the_pair_only_where_the_window_covers_the_experiment():
    scenario = load_scenario(HISTORY, ["households.scale=0.002"])
    assert Simulator(fitting_scenario(scenario, (1990, 2012)), (1990, 2012)).runs_per_candidate == 2
    short = Simulator(fitting_scenario(scenario, (1990, 1994)), (1990, 1994))
    assert short.runs_per_candidate == 1
    np.random.seed(0)
    names = {f"p{i}": path for i, path in enumerate(scenario.free_parameters)}
    middle = {n: (b.low + b.high) / 2 for n, b in zip(names, scenario.free_parameters.values(),
                                                       strict=True)}  # fmt: skip
    scored = Simulator(fitting_scenario(scenario, (1990, 2012)), (1990, 2012))(middle)
    assert {"spraying", "spraying_effect", "market"} <= set(scored)
    assert scored["spraying"] == pytest.approx(outside_band(scored["spraying_effect"]))
    assert "spraying" not in short(middle)


def test_a_candidate_on_several_seeds_scores_the_mean_of_its_replicates():
    scenario = fitting_scenario(load_scenario(HISTORY, ["households.scale=0.002"]), (1990, 1994))
    names = {f"p{i}": path for i, path in enumerate(scenario.free_parameters)}
    middle = {n: (b.low + b.high) / 2 for n, b in zip(names, scenario.free_parameters.values(),
                                                       strict=True)}  # fmt: skip
    once, thrice = Simulator(scenario, (1990, 1994)), Simulator(scenario, (1990, 1994), 3)
    assert thrice.runs_per_candidate == 3
    np.random.seed(7)
    singles = [once(middle) for _ in range(3)]  # each draws the next seed, as a replicate does
    np.random.seed(7)
    scored = thrice(middle)
    assert len({single["distance"] for single in singles}) == 3  # three seeds, not one thrice
    for key in ("distance", "national", "turning_points", "market"):
        assert scored[key] == pytest.approx(np.mean([single[key] for single in singles]))
