"""Trafficking organisations' rules: bids and farm-gate prices, shipping and seizures, learning,
leaving losing regions and entering where entry pays."""

import numpy as np
import pytest

from model.scenario.behaviour import TraffickerParams
from model.sim.traffickers import TraffickerArrays
from sim.tiny_world import NORTH_B, tiny_model

COUNTRY_OF = np.array([0, 0, 1])  # regions 0 and 1 in country 0, region 2 in country 1
PRICE = 1_200.0  # source price, US$/kg


def organisations(present, allowed=None, seed=0, **params):
    present = np.array(present, bool)
    allowed = np.ones_like(present) if allowed is None else np.array(allowed, bool)
    rngs = tuple(np.random.default_rng([seed, k]) for k in range(2))
    return TraffickerArrays(TraffickerParams(**params), COUNTRY_OF, 2, present, allowed, rngs)


def bid(risk, price=PRICE):
    return max(price * (1 - risk) - 150.0, 0.0) / 320.0


# --------------------------------------------------------------------------- prices


def test_bids_are_the_leaf_value_net_of_risk_and_processing():
    arrays = organisations([[True, True, True]])
    arrays.risk[0] = [0.5, 0.9]
    bids = arrays.bids(PRICE)
    assert bids[0] == pytest.approx([bid(0.5), bid(0.5), 0.0])  # 90% risk: nothing worth paying
    assert bid(0.5) < bid(0.0)


def test_farmgate_price_is_the_mean_bid_less_a_markdown_shared_among_buyers():
    arrays = organisations([[True, True, False], [True, False, False]], markdown=0.5)
    arrays.risk[:, 0] = [0.0, 0.2]
    price = arrays.farmgate_prices(PRICE)
    assert price[0] == pytest.approx((bid(0.0) + bid(0.2)) / 2 * (1 - 0.5 / 2))
    assert price[1] == pytest.approx(bid(0.0) * (1 - 0.5))
    assert price[2] == 0  # nobody buys there
    assert list(arrays.buyers()) == [2.0, 1.0, 0.0]


def test_competition_raises_the_farmgate_price():
    prices = [
        organisations([[True, False, False]] * n + [[False, False, False]] * (3 - n))
        .farmgate_prices(PRICE)[0]
        for n in (1, 2, 3)
    ]  # fmt: skip
    assert prices == pytest.approx([bid(0) * 0.5, bid(0) * 0.75, bid(0) * (1 - 0.5 / 3)])


def test_bids_pay_for_moving_cocaine_to_a_route_and_the_leaf_a_kg_takes_in_each_region():
    arrays = organisations([[True, True, True]])
    arrays.route_cost_usd_kg = np.array([0.0, 300.0, 2_000.0])
    arrays.leaf_per_kg = np.array([320.0, 320.0, 400.0])
    bids = arrays.bids(PRICE)[0]
    assert bids[0] == pytest.approx(bid(0.0))
    assert bids[1] == pytest.approx((PRICE - 150.0 - 300.0) / 320.0)  # a remote region pays less
    assert bids[2] == 0  # moving it out costs more than it fetches
    arrays.route_cost_usd_kg[:] = 0.0
    assert arrays.bids(PRICE)[0, 2] == pytest.approx(bid(0.0) * 320.0 / 400.0)  # weaker leaf


def test_local_scarcity_raises_the_price_where_the_harvest_fell_and_fades_as_buyers_adapt():
    arrays = organisations([[True, True, True]], local_price_elasticity=0.3,
                           usual_supply_months=4.0)  # fmt: skip
    usual = np.array([2.0, 2.0, 2.0])
    arrays.feel_scarcity(usual, True)  # the first month is the usual harvest
    base = arrays.farmgate_prices(PRICE)
    assert np.allclose(arrays.scarcity, 1.0)
    harvest = np.array([2.0, 1.6, 0.2])  # a 20% shortfall in one region, a collapse in another
    arrays.feel_scarcity(harvest, True)
    price = arrays.farmgate_prices(PRICE)
    assert price[0] == pytest.approx(base[0])  # where nothing fell, nothing moves
    assert price[1] == pytest.approx(base[1] * (2.0 / 1.6) ** 0.3)
    assert price[2] == pytest.approx(base[2] * 1.5**0.3)  # a shortfall counts up to 1.5 times
    rises = [price[1] / base[1]]
    for _ in range(12):  # the harvest stays low: buyers come to expect it
        arrays.feel_scarcity(harvest, True)
        rises.append(arrays.farmgate_prices(PRICE)[1] / base[1])
    assert np.all(np.diff(rises) < 0) and 1.0 < rises[-1] < 1.01
    arrays.feel_scarcity(np.array([2.0, 1.6, 1.0]), True)  # a glut against the usual harvest
    assert arrays.scarcity[2] == pytest.approx((1 / 1.5) ** 0.3)
    off = organisations([[True, True, True]], local_price_elasticity=0.3)
    for harvest in (usual, np.array([2.0, 0.5, 0.2])):  # the channel switched off
        off.feel_scarcity(harvest, False)
        assert (off.scarcity == 1.0).all()


def test_a_region_with_neither_a_harvest_nor_a_usual_one_feels_no_scarcity():
    arrays = organisations([[True, True, True]], local_price_elasticity=0.3)
    arrays.feel_scarcity(np.array([2.0, 2.0, 0.0]), True)  # no coca yet in the third region
    arrays.feel_scarcity(np.array([2.0, 0.0, 0.0]), True)  # the second loses its whole harvest
    assert arrays.scarcity[2] == pytest.approx(1.0)
    assert arrays.scarcity[1] == pytest.approx(1.5**0.3)


def test_local_scarcity_is_stronger_with_a_higher_elasticity():
    rises = []
    for elasticity in (0.0, 0.3, 1.0):
        arrays = organisations([[True, True, True]], local_price_elasticity=elasticity)
        arrays.feel_scarcity(np.full(3, 2.0), True)
        base = arrays.farmgate_prices(PRICE)[1]
        arrays.feel_scarcity(np.array([2.0, 1.4, 2.0]), True)
        rises.append(arrays.farmgate_prices(PRICE)[1] / base - 1)
    assert rises[0] == 0 and 0 < rises[1] < rises[2]


# --------------------------------------------------------------------------- shipping


def test_cocaine_is_split_among_buyers_seized_at_the_country_rate_and_risk_learned():
    arrays = organisations([[True, True, False], [True, False, True]], learning_rate=0.6)
    arrays.risk[:] = 0.5
    cocaine = np.array([4.0, 2.0, 3.0])
    bought = arrays.buy_and_ship(cocaine, arrays.buyers(), np.array([0.1, 0.3]), np.ones((2, 2)))
    assert np.allclose(bought, [[2.0, 2.0, 0.0], [2.0, 0.0, 3.0]])
    assert np.allclose(arrays.volume_t, [[4.0, 0.0], [2.0, 3.0]])
    assert np.allclose(arrays.seized_t, [[0.4, 0.0], [0.2, 0.9]])
    # Perceived risk moves toward the seized share by the learning rate, where anything shipped.
    assert np.allclose(arrays.risk, [[0.5 + 0.6 * (0.1 - 0.5), 0.5],
                                     [0.5 + 0.6 * (0.1 - 0.5), 0.5 + 0.6 * (0.3 - 0.5)]])  # fmt: skip


def test_seizures_never_exceed_the_volume_shipped():
    arrays = organisations([[True, True, True]], learning_rate=0.5)
    luck = np.full((1, 2), 50.0)  # a catastrophic month
    arrays.buy_and_ship(np.array([1.0, 2.0, 3.0]), arrays.buyers(), np.array([0.2, 0.9]), luck)
    assert np.allclose(arrays.seized_t, arrays.volume_t)
    assert np.allclose(arrays.risk, 0.5)  # halfway from 0 to certain loss


def test_seizure_luck_averages_to_the_interdiction_rate_and_never_exceeds_volume():
    arrays = organisations([[True, True, True]], seed=7)
    rate = np.array([0.2, 0.05])
    shares = []
    for _ in range(2_000):
        arrays.trade(np.array([1.0, 1.0, 2.0]), arrays.buyers(), rate, PRICE, None, False)
        assert (arrays.seized_t <= arrays.volume_t).all()
        shares.append(arrays.seized_t[0] / arrays.volume_t[0])
    shares = np.array(shares)
    assert shares.mean(axis=0) == pytest.approx(rate, rel=0.03)
    assert shares[:, 0].std() == pytest.approx(0.2 * 0.3, rel=0.15)  # lognormal luck, sigma 0.3


# --------------------------------------------------------------------------- relocation


def relocate(arrays, bought, u=1.0, potential=(0.0, 0.0, 0.0)):
    arrays.relocate(PRICE, arrays.buyers(), np.array(bought, float), np.array(potential, float),
                    np.full(arrays.n, u))  # fmt: skip


def test_an_organisation_leaves_a_region_after_exit_after_months_of_losses():
    arrays = organisations([[True, True, False]], exit_after_months=3)
    profitable = [[0.0, 10.0, 0.0]]  # region 0 buys nothing (loses its running cost)
    for month in range(1, 3):
        relocate(arrays, profitable)
        assert arrays.present[0, 0] and arrays.losing_months[0, 0] == month
    relocate(arrays, profitable)
    assert not arrays.present[0, 0] and arrays.losing_months[0, 0] == 0
    assert arrays.present[0, 1] and arrays.losing_months[0, 1] == 0


def test_a_profitable_month_resets_the_count_of_losing_months():
    arrays = organisations([[True, False, False]], exit_after_months=3)
    for bought in (0.0, 0.0, 10.0, 0.0, 0.0):
        relocate(arrays, [[bought, 0.0, 0.0]])
    assert arrays.present[0, 0] and arrays.losing_months[0, 0] == 2


def entrant(barrier, u=0.0, allowed=(True, True, True)):
    """An organisation buying in region 0 only, choosing where to enter with given barriers."""
    arrays = organisations([[True, False, False]], allowed=[allowed], entry_probability=0.5)
    arrays.barrier_usd[0] = barrier
    potential = np.array([0.0, 2.0, 1.0])  # tonnes a month a newcomer could source
    margin = arrays.margin_per_kg(PRICE, arrays.buyers())
    value = arrays.entry_value(margin, potential, arrays.buyers() - arrays.present)[0]
    relocate(arrays, [[10.0, 0.0, 0.0]], u=u, potential=potential)
    return arrays.present[0], value


def test_an_organisation_enters_the_region_whose_entry_value_best_beats_its_barrier():
    _, value = entrant(np.zeros(3))
    assert value[1] > value[2] > 0  # region 1 offers more leaf
    present, _ = entrant(np.array([0.0, value[1] + 1.0, value[2] - 1.0]))
    assert list(present) == [True, False, True]  # only region 2 beats its barrier
    present, _ = entrant(np.array([0.0, 0.0, 0.0]))
    assert list(present) == [True, True, False]  # the best one only, one entry a month


def test_no_entry_where_entry_does_not_beat_the_barrier_is_not_allowed_or_not_searched():
    _, value = entrant(np.zeros(3))
    present, _ = entrant(value + 1.0)
    assert list(present) == [True, False, False]
    present, _ = entrant(np.zeros(3), allowed=(True, False, True))
    assert list(present) == [True, False, True]
    present, _ = entrant(np.zeros(3), u=0.5)  # the entry draw failed (probability 0.5)
    assert list(present) == [True, False, False]


def test_barriers_make_the_start_an_equilibrium_and_rising_margins_invite_entry():
    arrays = organisations([[True, False, False], [False, False, True]], entry_cost_usd=1e6)
    potential = np.array([5.0, 5.0, 5.0])
    access = np.array([0.9, 0.5, 0.1])
    arrays.set_barriers(PRICE, potential, access)
    assert (arrays.barrier_usd >= 1e6 * (1.5 - access) - 1e-6).all()
    start = arrays.present.copy()
    bought = np.where(start, 100.0, 0.0)  # both profitable where they are
    arrays.relocate(PRICE, arrays.buyers(), bought, potential, np.zeros(2))
    assert (arrays.present == start).all()
    arrays.relocate(3 * PRICE, arrays.buyers(), bought, potential, np.zeros(2))
    assert arrays.present.sum() > start.sum()


def test_each_organisation_agent_is_a_view_of_its_row():
    model = tiny_model(traffickers={"organisations": [
        {"name": "cartel", "regions": ["north_a", "north_b", "south_a"]},
        {"name": "rival", "regions": ["north_b"], "countries": ["north"]},
    ]})  # fmt: skip
    cartel, rival = model.traffickers
    assert list(rival.allowed) == [True, True, False]
    rival.present[NORTH_B] = False
    assert not model.trafficking.present[1, NORTH_B] and model.trafficking.present[0, NORTH_B]
    cartel.risk = np.array([0.3, 0.4])
    assert list(model.trafficking.risk[0]) == [0.3, 0.4]
