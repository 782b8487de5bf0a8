from datetime import date

import numpy as np
import pytest
import yaml

from model import Scenario
from model.scenario.dated_inputs import (
    ConsumerMarket,
    CountryYield,
    cocaine_per_tonne_by_month,
    demand_by_month,
    leaf_yield_by_month,
    market_shares,
)
from model.scenario.loading import ScenarioError, to_yaml, validate, with_parameters
from model.scenario.market_defaults import DEFAULT_YIELDS, PERU_LEAF_YIELD_INDEX


def _error(data):
    with pytest.raises(ScenarioError) as caught:
        validate(data, "s.yaml")
    message = str(caught.value)
    assert "\n" not in message and message.startswith("s.yaml: ")
    return message


def _markets(*items):
    return {
        "market": {
            "consumer_markets": [
                dict(zip(("name", "share", "index"), i, strict=True)) for i in items
            ]
        }
    }


def test_defaults_load_and_round_trip():
    scenario = Scenario()
    markets = scenario.market.consumer_markets
    assert [m.name for m in markets] == ["north_america", "europe", "rest_of_world"]
    assert sum(m.share for m in markets) == pytest.approx(1.0, abs=1e-6)
    assert scenario.market.consumer_share_year == 2001
    assert set(scenario.world.yields) == {"colombia", "peru", "bolivia"}
    assert scenario.world.yields["peru"].leaf_yield_index == PERU_LEAF_YIELD_INDEX
    assert validate(yaml.safe_load(to_yaml(scenario)), "s.yaml") == scenario


def test_bad_markets_give_one_line_errors():
    assert "sum to 0.9, not 1" in _error(_markets(("a", 0.5, {2000: 1}), ("b", 0.4, {2000: 1})))
    assert "'a' is given twice" in _error(_markets(("a", 0.5, {2000: 1}), ("a", 0.5, {2000: 1})))
    assert "greater than 0" in _error(_markets(("a", 1.0, {2000: 0.0})))
    assert "greater than 0" in _error(_markets(("a", 1.0, {2000: -1.0})))
    message = _error(_markets(("a", 1.0, {1850: 1.0})))
    assert "consumer_markets.0.index.1850" in message and "1900" in message
    assert "at least 1 item" in _error(_markets(("a", 1.0, {})))
    assert "at least 1 item" in _error({"market": {"consumer_markets": []}})
    assert "1.1" in _error(_markets(("a", 1.1, {2000: 1.0})))
    assert "2201" in _error({"market": {"consumer_share_year": 2201}})
    # Shares within 1e-6 of 1 are accepted.
    ok = validate(_markets(("a", 0.3333333, {2000: 1}), ("b", 0.6666666, {2000: 2})), "s.yaml")
    assert [m.name for m in ok.market.consumer_markets] == ["a", "b"]


def test_bad_yields_give_one_line_errors():
    assert "unknown country 'chile'" in _error({"world": {"yields": {"chile": {}}}})
    peru = {"world": {"yields": {"peru": {"cocaine_per_tonne_leaf_kg": {2000: 9.0}}}}}
    assert "less than or equal to 8" in _error(peru)
    assert "greater than 0" in _error(
        {"world": {"yields": {"peru": {"leaf_yield_index": {2000: 0}}}}}
    )
    assert "unknown key" in _error({"world": {"yields": {"peru": {"leaf_index": {2000: 1}}}}})


def test_yields_given_merge_over_the_defaults():
    given = {"world": {"yields": {"peru": {"leaf_yield_index": {2005: 1.2}}}}}
    scenario = validate(given, "s.yaml")
    peru = scenario.world.yields["peru"]
    assert peru.leaf_yield_index == {2005: 1.2}  # a series given replaces the default whole
    assert peru.cocaine_per_tonne_leaf_kg == DEFAULT_YIELDS["peru"]["cocaine_per_tonne_leaf_kg"]
    assert scenario.world.yields["colombia"] == Scenario().world.yields["colombia"]
    # --set of one point on a loaded scenario changes that point only.
    changed = with_parameters(Scenario(), {"world.yields.peru.leaf_yield_index.2005": 2.0})
    index = changed.world.yields["peru"].leaf_yield_index
    assert index[2005] == 2.0 and index[1990] == 1.0 and len(index) == len(PERU_LEAF_YIELD_INDEX)


def test_custom_world_country_gets_yields_and_loads_back():
    world = {
        "regions": [{"name": "r1", "country": "atlantis", "lon": 0, "lat": 0, "suitable_ha": 100}],
        "yields": {"atlantis": {"leaf_yield_index": {2000: 1.0, 2010: 1.5}}},
    }
    data = {"world": world, "traffickers": {"organisations": []}, "armed_groups": {"groups": []}}
    scenario = validate(data, "s.yaml")
    assert scenario.world.yields["atlantis"].cocaine_per_tonne_leaf_kg == {1990: 3.125}
    again = with_parameters(scenario, {"households.scale": 0.01})
    assert again.world.yields == scenario.world.yields
    other = {**world, "yields": {"mu": {}}}
    assert "unknown country 'mu'" in _error({**data, "world": other})


def test_demand_by_month_is_shares_times_indices_relative_to_the_start():
    markets = [
        ConsumerMarket(name="a", share=0.6, index={2000: 1.0, 2010: 0.5}),
        ConsumerMarket(name="b", share=0.4, index={2000: 2.0, 2010: 4.0}),
    ]
    path = demand_by_month(markets, 2000, date(2000, 7, 1), 10 * 12 + 1)
    assert path.shape == (2, 121)
    # July 2000 sits half a month after the 2000 point: almost the shares themselves.
    assert path[:, 0].sum() == pytest.approx(1.0)
    assert path[:, 0] == pytest.approx([0.6, 0.4], abs=0.01)
    # Ten years on, a halved and b doubled (relative to world demand at the start).
    assert path[0, -1] / path[0, 0] == pytest.approx(0.5, rel=0.01)
    assert path[1, -1] / path[1, 0] == pytest.approx(2.0, rel=0.01)
    assert np.all(np.diff(path[0]) <= 0) and np.all(np.diff(path[1]) >= 0)
    # The shares' base year can be any year: shares of 2010 give the same paths scaled.
    in_2010 = market_shares(markets, 2000, 2010)
    assert in_2010 == pytest.approx([0.3 / 1.1, 0.8 / 1.1])
    rebased = [
        m.model_copy(update={"share": float(s)}) for m, s in zip(markets, in_2010, strict=True)
    ]
    assert demand_by_month(rebased, 2010, date(2000, 7, 1), 121) == pytest.approx(path)


def test_default_markets_north_america_shrinks_the_rest_grows():
    scenario = Scenario()
    markets, year = scenario.market.consumer_markets, scenario.market.consumer_share_year
    shares_2001 = market_shares(markets, year, 2001)
    assert shares_2001 == pytest.approx([m.share for m in markets])
    shares_1990 = market_shares(markets, year, 1990)
    assert shares_1990 == pytest.approx([0.5826, 0.2019, 0.2155], abs=1e-4)
    shares_2012 = market_shares(markets, year, 2012)
    assert shares_2012[0] < 0.3 < shares_2012[2]
    path = demand_by_month(markets, year, scenario.start, scenario.months)
    assert path.shape == (3, scenario.months)
    assert path[:, 0].sum() == pytest.approx(1.0)
    world = path.sum(axis=0)
    # World demand falls in the early 1990s (US use halves) and recovers by the 2010s.
    assert world[5 * 12] < 0.85 * world[0]
    assert world[-1] > world[10 * 12]


def test_yields_by_month():
    yields = {
        "peru": CountryYield(
            leaf_yield_index={2000: 2.0, 2002: 3.0}, cocaine_per_tonne_leaf_kg={2000: 2.5}
        ),
    }
    countries = ["peru", "nowhere"]
    leaf = leaf_yield_by_month(yields, countries, date(2000, 1, 1), 48)
    assert leaf.shape == (2, 48)
    assert leaf[:, 0] == pytest.approx([1.0, 1.0])  # relative to the start month
    assert leaf[0, -1] == pytest.approx(1.5)  # 3.0 / 2.0, flat after 2002
    assert np.all(leaf[1] == 1.0)  # no entry: no trend
    kg = cocaine_per_tonne_by_month(yields, countries, date(2000, 1, 1), 48)
    assert np.all(kg[0] == 2.5) and np.all(kg[1] == 3.125)
    assert leaf_yield_by_month(yields, [], date(2000, 1, 1), 12).shape == (0, 12)
    defaults = Scenario().world.yields
    col = leaf_yield_by_month(defaults, ["colombia"], date(1990, 1, 1), 12 * 14)[0]
    assert col[-1] > 1.5  # Colombia's implied yield rose about 70% to 2003
    bol = cocaine_per_tonne_by_month(defaults, ["bolivia"], date(1990, 1, 1), 12 * 40)[0]
    # chained across the 2003 break, held to 2008, doubled by 2011 (the dated refinement change)
    assert bol[12 * 18] == pytest.approx(3.03) and bol[-1] == pytest.approx(6.06)
