"""The cocaine market: an equilibrium start, a capped source-price response, a sticky wholesale."""

import math

import pytest

from model.scenario.behaviour import MarketParams
from model.sim.market import CocaineMarket

PRODUCTION, SEIZURE = 10.0, 0.1  # tonnes a month, share seized at source


def market(respond=True, **params):
    m = CocaineMarket(MarketParams(**params), respond_to_scarcity=respond)
    m.start_in_equilibrium(PRODUCTION, SEIZURE)
    return m


def test_it_starts_in_equilibrium_and_stays_there_without_a_change():
    m = market()
    price, wholesale = m.source_price, m.wholesale_price
    for t in range(6):
        m.clear(t, PRODUCTION, PRODUCTION * SEIZURE)
        assert m.delivered_t == pytest.approx(m.demand_t)
        assert m.source_price == pytest.approx(price) and m.wholesale_price == pytest.approx(
            wholesale
        )
    assert m.delivered_t == pytest.approx(PRODUCTION * 0.9 * 0.75)  # 25% seized on routes
    assert m.route_seized_t == pytest.approx(PRODUCTION * 0.9 * 0.25)


def test_the_wholesale_price_is_built_from_costs_along_the_chain():
    m = market(source_price_usd_kg=1_000, smuggling_cost_usd_kg=9_000, route_seizure_rate=0.5)
    assert m.wholesale_price == pytest.approx((1_000 / 0.9 + 9_000) / 0.5)


def test_a_shortfall_raises_the_source_price_by_the_adjustment_rule():
    m = market(price_flexibility=0.6, price_adjustment=0.25, max_monthly_price_change=0.15)
    start = m.source_price
    short = 0.8 * PRODUCTION
    m.clear(0, short, short * SEIZURE)
    target = start * math.exp(0.6 * math.log(PRODUCTION / short))
    assert m.source_price == pytest.approx(start * (target / start) ** 0.25)
    assert m.source_price > start


def test_the_monthly_change_of_the_source_price_is_capped_both_ways():
    m = market(max_monthly_price_change=0.05)
    start = m.source_price
    m.clear(0, 0.1 * PRODUCTION, 0.01 * PRODUCTION)  # a 90% shortfall
    assert m.source_price == pytest.approx(start * math.exp(0.05))
    glut = market(max_monthly_price_change=0.05)
    glut.clear(0, 10 * PRODUCTION, PRODUCTION)
    assert glut.source_price == pytest.approx(start * math.exp(-0.05))


def test_the_source_price_never_falls_below_its_floor():
    m = market(source_price_usd_kg=50.0)
    for t in range(12):
        m.clear(t, 100 * PRODUCTION, 10 * PRODUCTION)
    assert m.source_price == 50.0


def test_the_wholesale_price_moves_far_less_than_the_source_price():
    m = market()
    source0, wholesale0 = m.source_price, m.wholesale_price
    short = 0.6 * PRODUCTION
    for t in range(24):
        m.clear(t, short, short * SEIZURE)
    source_rise = m.source_price / source0 - 1
    wholesale_rise = m.wholesale_price / wholesale0 - 1
    assert source_rise > 0.2
    assert 0 < wholesale_rise < 0.1 * source_rise


def test_without_a_price_response_the_source_price_stays():
    m = market(respond=False)
    start = m.source_price
    m.clear(0, 0.5 * PRODUCTION, 0.05 * PRODUCTION)
    assert m.source_price == start


def test_demand_falls_as_seizures_raise_the_wholesale_price_and_follows_its_trend():
    m = market(demand_elasticity=-0.5, wholesale_stickiness=1.0)
    reference = m.demand_t
    m.clear(0, PRODUCTION, 0.5 * PRODUCTION)  # half seized at source: dearer at the border
    relative = m.wholesale_price / m.reference_wholesale
    assert relative > 1.05
    assert m.demand_t == pytest.approx(reference * relative**-0.5)
    growing = market(demand_growth_per_year=0.1)
    growing.clear(12, PRODUCTION, PRODUCTION * SEIZURE)
    assert growing.demand_t == pytest.approx(reference * 1.1)
