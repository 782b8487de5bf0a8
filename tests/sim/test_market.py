"""The cocaine market: an equilibrium start, an inventory that absorbs the gap, capped prices."""

import math

import numpy as np
import pytest

from model.scenario.behaviour import MarketParams
from model.sim.market import CocaineMarket

PRODUCTION, SEIZURE = 10.0, 0.1  # tonnes a month, share seized at source
ARRIVING = PRODUCTION * (1 - SEIZURE) * 0.75  # 25% seized on the routes


def market(respond=True, trend=None, **params):
    """A market at its equilibrium start; demand at constant prices follows ``trend``."""
    trend = np.ones(120) if trend is None else np.asarray(trend, float)
    m = CocaineMarket(MarketParams(**params), trend, respond)
    m.start_in_equilibrium(PRODUCTION, SEIZURE)
    return m


def test_it_starts_in_equilibrium_and_stays_there_without_a_change():
    m = market()
    price, wholesale, stock = m.source_price, m.wholesale_price, m.stock_t
    assert stock == pytest.approx(6.0 * ARRIVING)  # stock_months of consumption
    for t in range(6):
        m.clear(t, PRODUCTION, PRODUCTION * SEIZURE)
        assert m.arrivals_t == pytest.approx(m.demand_t) and m.stock_t == pytest.approx(stock)
        assert m.source_price == pytest.approx(price)
        assert m.wholesale_price == pytest.approx(wholesale)
    assert m.arrivals_t == pytest.approx(ARRIVING)
    assert m.route_seized_t == pytest.approx(PRODUCTION * 0.9 * 0.25)


def test_supply_less_demand_is_the_change_of_stock_every_month_and_seizures_never_exceed_flows():
    rng = np.random.default_rng(5)
    m = market(trend=np.linspace(1.0, 1.6, 120))
    for t in range(120):
        production = PRODUCTION * rng.choice([0.0, 0.3, 1.0, 1.5, 4.0])
        seized = production * rng.choice([0.0, 0.5, 1.0, 1.5])  # even more than was made
        stock = m.stock_t
        m.clear(t, production, seized)
        exported = max(production - seized, 0.0)
        assert 0 <= m.route_seized_t <= exported + 1e-12
        assert m.arrivals_t == pytest.approx(exported - m.route_seized_t)
        assert m.arrivals_t - m.demand_t == pytest.approx(m.stock_t - stock, abs=1e-9)
        assert m.stock_t >= 0 and 0 <= m.demand_t <= stock + m.arrivals_t + 1e-12
    assert m.source_price > 0 and m.wholesale_price > 0


def test_the_wholesale_price_is_built_from_costs_along_the_chain():
    m = market(source_price_usd_kg=1_000, smuggling_cost_usd_kg=9_000, route_seizure_rate=0.5)
    assert m.wholesale_price == pytest.approx((1_000 / 0.9 + 9_000) / 0.5)


def test_a_shortfall_raises_the_source_price_toward_what_need_over_production_implies():
    m = market(price_flexibility=0.6, price_adjustment=0.25, max_monthly_price_change=0.15)
    start = m.source_price
    short = 0.8 * PRODUCTION
    m.clear(0, short, short * SEIZURE)
    # Traffickers need this month's consumption plus a share of the gap in their inventory.
    target = 6.0 * ARRIVING
    need = m.demand_t + (target - m.stock_t) / 12.0
    needed = need / (0.9 * 0.75)  # before seizures
    assert needed > PRODUCTION  # the inventory fell: they need more than before, not less
    goal = start * math.exp(0.6 * math.log(needed / short))
    assert m.source_price == pytest.approx(start * (goal / start) ** 0.25)
    deeper = market(price_flexibility=0.6, price_adjustment=0.25, max_monthly_price_change=0.15)
    deeper.clear(0, 0.6 * PRODUCTION, 0.6 * PRODUCTION * SEIZURE)
    assert deeper.source_price > m.source_price > start


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


def test_the_cost_based_wholesale_price_moves_far_less_than_the_source_price():
    m = market(scarcity_premium=0.0)  # prices from costs alone
    source0, wholesale0 = m.source_price, m.wholesale_price
    short = 0.6 * PRODUCTION
    for t in range(12):  # the inventory lasts: prices come from costs, not from clearing
        m.clear(t, short, short * SEIZURE)
    assert m.stock_t > 0
    source_rise = m.source_price / source0 - 1
    wholesale_rise = m.wholesale_price / wholesale0 - 1
    assert source_rise > 0.2
    assert 0 < wholesale_rise < 0.1 * source_rise


def test_inventories_cushion_a_shortfall_until_they_run_short_and_then_scarcity_raises_the_price():
    rises, stocks = {}, {}
    for premium in (0.0, 0.3, 1.0):
        m = market(scarcity_premium=premium, wholesale_stickiness=1.0)
        wholesale0, stock0 = m.wholesale_price, m.stock_t
        path = []
        for t in range(12):
            stock, cost_based = m.stock_t, m.cost_based_wholesale(SEIZURE)  # at this source price
            m.clear(t, 0.6 * PRODUCTION, 0.6 * PRODUCTION * SEIZURE)
            # Flexible price: the cost-based level times (what traders want / what they have)^p.
            wanted = 6.0 * ARRIVING + ARRIVING
            scarcity = (wanted / (stock + m.arrivals_t)) ** premium
            assert m.wholesale_price == pytest.approx(cost_based * scarcity)
            path.append(m.wholesale_price / wholesale0 - 1)
        rises[premium], stocks[premium] = path, m.stock_t / stock0
    assert stocks[0.0] < 0.7  # consumers were served from the inventory
    assert rises[0.0][-1] < 0.05  # and, from costs alone, the price barely moved
    assert rises[1.0][-1] > rises[0.3][-1] > 2 * rises[0.0][-1]
    assert np.all(np.diff(rises[0.3]) > 0)  # the premium grows as the inventory runs down


def test_when_the_inventory_runs_out_the_price_rises_until_consumers_buy_what_there_is():
    m = market(stock_months=1.0, scarcity_premium=0.0, demand_elasticity=-0.5, respond=False)
    reference, stock = m.wholesale_price, m.stock_t
    for t in range(3):
        stock = m.stock_t
        m.clear(t, 0.5 * PRODUCTION, 0.5 * PRODUCTION * SEIZURE)
    available = stock + m.arrivals_t
    assert m.stock_t == 0 and m.demand_t == pytest.approx(available)
    # demand at the price is exactly what there is: half the usual flow at (1/2)^(1/-0.5) = 4x
    assert m.wholesale_price == pytest.approx(reference * (available / ARRIVING) ** -2.0)
    assert m.wholesale_price == pytest.approx(4.0 * reference)
    relative = m.wholesale_price / m.reference_wholesale
    assert m.demand_t == pytest.approx(ARRIVING * relative**-0.5)


def test_a_clearing_price_is_paid_that_month_only_and_the_list_price_carries_on():
    m = market(stock_months=1.0, scarcity_premium=0.0, demand_elasticity=-0.5, respond=False)
    for t in range(3):
        m.clear(t, 0.5 * PRODUCTION, 0.5 * PRODUCTION * SEIZURE)  # runs the inventory out
    assert m.wholesale_price == pytest.approx(4.0 * m.reference_wholesale)
    assert m.list_price == pytest.approx(m.reference_wholesale)  # costs and premium unchanged
    m.clear(3, 2.0 * PRODUCTION, 2.0 * PRODUCTION * SEIZURE)  # plenty arrives again
    # Consumers pay the list price at once, and buy what the trend asks at it: the stock-out
    # left no high price behind to decay over the following year.
    assert m.wholesale_price == pytest.approx(m.reference_wholesale)
    assert m.demand_t == pytest.approx(ARRIVING)


def test_with_nothing_to_sell_or_demand_no_price_can_ration_the_price_is_capped():
    m = market(stock_months=0.01, demand_elasticity=-0.5, respond=False)
    for t in range(3):
        m.clear(t, 0.0, 0.0)  # nothing made, the inventory gone
    assert m.stock_t == 0 and m.demand_t == 0
    assert m.wholesale_price == pytest.approx(1000.0 * m.reference_wholesale)
    inelastic = market(stock_months=0.01, demand_elasticity=-0.01, respond=False)
    inelastic.clear(0, 0.5 * PRODUCTION, 0.5 * PRODUCTION * SEIZURE)
    assert inelastic.wholesale_price == pytest.approx(1000.0 * inelastic.reference_wholesale)
    assert inelastic.demand_t == pytest.approx(inelastic.arrivals_t + 0.01 * ARRIVING, rel=1e-6)


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
    trend = np.concatenate([[1.0], np.full(119, 1.1)])  # consumers' demand up 10% in month 1
    growing = market(trend=trend, scarcity_premium=0.0)
    growing.clear(1, PRODUCTION, PRODUCTION * SEIZURE)
    assert growing.demand_t == pytest.approx(reference * 1.1)
    assert growing.stock_t == pytest.approx(6.0 * ARRIVING - 0.1 * reference)  # from stock
