"""Stylized facts of LITERATURE.md, checked on the calibrated history (direction and size).

Each test runs the calibrated 1990-2023 history (or a variant of it, on the same seeds, so the
difference is the variant's effect and not noise) and checks what the literature reports.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from model import BalloonModel, load_scenario
from model.experiments.metrics import Window, cost_per_kg_removed
from model.experiments.moments import SPRAYING
from model.scenario.policy_spec import Event

HISTORY = Path(__file__).resolve().parent.parent / "scenarios" / "andes_history_calibrated.yaml"
SEEDS = (1, 2, 3)
FIT_YEARS = (2001, 2012)


@cache
def history(*overrides: str, seed: int) -> BalloonModel:
    """One run of the calibrated history with ``--set`` style overrides."""
    return BalloonModel(load_scenario(HISTORY, list(overrides)), rng=seed).run()


def colombia_mean_ha(model: BalloonModel, years=FIT_YEARS, column="hectares") -> float:
    """Colombia's coca (or another column of the countries table), mean of the months of ``years``."""
    table = model.countries.query("country == 'colombia'")
    inside = table.date.dt.year.between(*years)
    return float(table.loc[inside, column].mean())


EVERY_COUNTRYS_KILL_RATE = pytest.mark.xfail(
    strict=True,
    reason="government.manual_kill_rate is every country's: at 0.9 Bolivia's and Peru's "
    "eradicators kill more too, and on seeds 2 and 3 more of their coca reappears in Colombia "
    "than Colombia's own eradicators remove. 2001-2012, seeds 1-3, from every programme at 0.3: "
    "Colombia's programme alone at 0.9 takes -16%, -12%, -11% off Colombian coca; Peru's and "
    "Bolivia's together at 0.9 add +12%, +19%, +15%; all three at 0.9 give -1%, +9%, +2% "
    "(Bolivia -30% to -41%). Each country's own programme with a higher kill rate leaves less "
    "coca in that country on every seed (test below); docs/history.md",
)


@pytest.mark.parametrize(
    ("key", "seed"),
    [
        *[("aerial_kill_rate", seed) for seed in SEEDS],
        ("manual_kill_rate", 1),
        pytest.param("manual_kill_rate", 2, marks=EVERY_COUNTRYS_KILL_RATE),
        pytest.param("manual_kill_rate", 3, marks=EVERY_COUNTRYS_KILL_RATE),
    ],
)
def test_a_higher_kill_rate_leaves_less_coca(key, seed):
    low = colombia_mean_ha(history(f"government.{key}=0.3", seed=seed))
    high = colombia_mean_ha(history(f"government.{key}=0.9", seed=seed))
    assert high < low


PROGRAMMES = {
    "colombia_aerial": "colombia",
    "colombia_manual": "colombia",
    "peru_manual": "peru",
    "bolivia_manual": "bolivia",
}


@pytest.mark.parametrize("programme", PROGRAMMES)
@pytest.mark.parametrize("seed", SEEDS)
def test_a_programme_with_a_higher_kill_rate_leaves_less_coca_in_its_country(programme, seed):
    # One country's eradicators killing more of what they treat: that country's coca falls, by
    # more than noise, and part of it reappears across the borders (the balloon). Over
    # 1990-2012, the calibration's window.
    country = PROGRAMMES[programme]
    low, high = (
        history(f"policies.{programme}.kill_rate={rate}", seed=seed).countries
        for rate in (0.3, 0.9)
    )
    years = low.date.dt.year.between(1990, 2012)
    low, high = (t[years].groupby("country").hectares.mean() for t in (low, high))
    assert high[country] < 0.98 * low[country]
    others = low.index != country
    assert high[others].sum() > low[others].sum()


@pytest.mark.parametrize("seed", SEEDS)
def test_with_neighbours_eradication_feared_a_higher_manual_kill_rate_leaves_less_coca(seed):
    # The failing cases above are coca squeezed out of Peru and Bolivia that lands in Colombia.
    # Where farmers also fear their neighbours' campaigns
    # (Davalos & Morales; not in the calibrated history, which fits worse with it:
    # docs/history.md) the order holds for every country's kill rate too, by more than noise.
    weight = "households.neighbour_risk_weight=0.5"
    low = colombia_mean_ha(history("government.manual_kill_rate=0.3", weight, seed=seed))
    high = colombia_mean_ha(history("government.manual_kill_rate=0.9", weight, seed=seed))
    assert high < 0.95 * low


@pytest.mark.parametrize("key", ["aerial_kill_rate", "manual_kill_rate"])
@pytest.mark.parametrize("seed", SEEDS)
def test_a_higher_kill_rate_leaves_less_coca_old_enough_to_harvest(key, seed):
    # What a kill rate acts on first: the coca that produces. Farmers replant much of what is
    # destroyed (the literature: 50-67%), so a higher kill rate also leaves more young fields;
    # hectares in all (young and old, as UNODC counts them) are the test above.
    low = history(f"government.{key}=0.3", seed=seed)
    high = history(f"government.{key}=0.9", seed=seed)
    mature = [colombia_mean_ha(m, column="mature_ha") for m in (low, high)]
    young = [colombia_mean_ha(m, column="immature_ha") for m in (low, high)]
    assert mature[1] < 0.99 * mature[0]
    assert young[1] > young[0]


@pytest.mark.parametrize("key", ["aerial_kill_rate", "manual_kill_rate"])
@pytest.mark.parametrize("seed", SEEDS)
def test_a_higher_kill_rate_leaves_less_cocaine_to_consumers_at_a_higher_price(key, seed):
    # Where the market ends, a higher kill rate works as it should: the source price rises, the
    # wholesale price with it but far less (Kennedy, Reuter & Riley: leaf is a tiny part of the
    # price), and less is consumed, though little (measured: 0.8-1.7% less over 1990-2012),
    # because other regions grow what was destroyed. Measured, not tested: the three countries'
    # hectares rise with either key (docs/history.md).
    low, high = (history(f"government.{key}={rate}", seed=seed).system for rate in (0.3, 0.9))
    years = low.date.dt.year.between(1990, 2012)
    low, high = (t[years].mean(numeric_only=True) for t in (low, high))
    source, wholesale = (high[c] / low[c] - 1 for c in ("source_price", "wholesale_price"))
    assert source > 0.05
    assert 0 < wholesale < source / 3
    assert 0.95 * low["demand_t"] < high["demand_t"] < 0.995 * low["demand_t"]


@pytest.mark.parametrize("seed", SEEDS)
def test_more_recorded_spraying_cuts_colombian_coca_by_a_little(seed):
    # LITERATURE.md: 1 ha sprayed cuts coca by 0.022-0.03 ha locally (Mejia, Restrepo & Rozo
    # 2017), about 0.25 ha at most (Rozo 2013). 20% more spraying in 2001-2012 only, per extra
    # hectare actually sprayed a year.
    base = history(seed=seed)
    more = BalloonModel(SPRAYING.scenario(load_scenario(HISTORY)), rng=seed).run()
    assert 0.0 < SPRAYING.effect(base, more) < 0.3


@pytest.mark.parametrize("seed", SEEDS)
def test_the_market_identity_holds_every_month(seed):
    system = history(seed=seed).system
    change = system.stock_t.diff().iloc[1:]
    flow = (system.supply_t - system.demand_t).iloc[1:]
    scale = system.demand_t.iloc[1:].abs().clip(lower=1e-9)
    assert ((flow - change).abs() / scale).max() < 0.01


@pytest.mark.parametrize("seed", SEEDS)
def test_no_region_sits_at_its_suitable_area(seed):
    regions = history(seed=seed).regions
    full = (regions.hectares >= 0.98 * regions.suitable_ha).to_numpy()
    full = full.reshape(-1, regions.region.nunique())  # months x regions
    longest = 0
    for column in full.T:
        runs = np.diff(np.flatnonzero(np.diff(np.r_[0, column, 0])))[::2]
        longest = max(longest, runs.max(initial=0))
    assert longest <= 24


@pytest.mark.parametrize("seed", SEEDS)
def test_seizures_never_exceed_production(seed):
    countries = history(seed=seed).countries
    yearly = countries.groupby([countries.date.dt.year, "country"])[["seizures_t", "cocaine_t"]]
    totals = yearly.sum()
    assert (totals.seizures_t <= totals.cocaine_t + 1e-9).all()


def test_eradication_costs_more_per_kg_kept_off_the_market_than_interdiction():
    # Mejia & Restrepo (2016): about US$940k through eradication, US$175k through interdiction.
    window = Window.parse("2001-01:2012-12")
    eradication, interdiction = [], []
    for seed in SEEDS:
        base = history(seed=seed)
        sprayed = BalloonModel(SPRAYING.scenario(load_scenario(HISTORY)), rng=seed).run()
        seized = history("policies.colombia_interdiction.scale=1.2", seed=seed)
        eradication.append(_cost_per_kg(sprayed, base, window, "eradication"))
        interdiction.append(_cost_per_kg(seized, base, window, "interdiction"))
    assert np.median(eradication) > np.median(interdiction) > 0


def _cost_per_kg(policy, counterfactual, window, instrument) -> float:
    costs = cost_per_kg_removed(
        policy.countries, counterfactual.countries, policy.system, counterfactual.system, window
    )
    value = float(costs[instrument].iloc[0])
    if np.isnan(value):
        window_of = policy.system.date.between(window.start, window.end)
        kept_off = (counterfactual.system.supply_t - policy.system.supply_t)[window_of].sum()
        # More spending that keeps nothing off the market costs without bound per kilogram.
        assert kept_off <= 0
        return float("inf")
    return value


@pytest.mark.parametrize("country", ["colombia", "peru"])
def test_cutting_a_country_coca_by_30_percent_moves_the_wholesale_price_far_less(country):
    # Kennedy, Reuter & Riley (1993): farm-gate leaf is a tiny part of the retail price, so
    # destroying much of the production moves retail prices little.
    scenario = load_scenario(HISTORY)
    loss = Event(date="2005-01", kind="crop_loss", country=country, factor=0.3)
    lost = scenario.model_copy(update={"events": [*scenario.events, loss]})
    base, cut = history(seed=1), BalloonModel(lost, rng=1).run()
    hectares = [m.countries.query("country == @country").set_index("date").hectares
                for m in (base, cut)]  # fmt: skip
    month = pd.Timestamp("2005-01-01")
    # 30% is lost in the month; farmers replant and plant part of it back within the same month
    assert 0.7 * hectares[0][month] < hectares[1][month] < 0.76 * hectares[0][month]
    after = base.system.date.between(month, month + pd.DateOffset(months=36))
    ratio = cut.system.wholesale_price[after] / base.system.wholesale_price[after]
    assert (ratio - 1).abs().max() < 0.1
