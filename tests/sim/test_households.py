"""Households' own rules: target area, eradication, beliefs, planting, migration and entry."""

import numpy as np
import pytest

from model.sim.households.rules import target_area
from sim.tiny_world import EDGES, NORTH_A, NORTH_B, REGIONS, SOUTH_A, tiny_model

KILL_AERIAL, KILL_MANUAL = 0.55, 0.95
NONE = np.zeros(3)


def entry_draws(seed: int, regions: int = 3) -> np.ndarray:
    """One uniform uint32 per region, as the model takes them from its entry stream."""
    return np.random.default_rng(seed).integers(0, 2**32, regions, dtype=np.uint32)


def households(**changes):
    model = tiny_model(**changes)
    return model, model.households


def net_revenue(model):
    """Expected coca revenue per hectare at the start (no armed-group tax in the tiny world)."""
    return model.households.expected_price * model.world.yield_kg_ha


def in_region(hh, r):
    """Slots of the households living in region ``r``."""
    return hh.region_of_slots() == r


def eradicate(hh, aerial=NONE, manual=NONE, voluntary=NONE, legal=NONE, u=None, seed=0,
              kill_aerial=KILL_AERIAL, kill_manual=KILL_MANUAL, adaptation=0.5):  # fmt: skip
    """One month's eradication: hectares to spray, eradicate by hand and substitute per region."""
    u = np.random.default_rng(seed).random(hh.capacity) if u is None else u
    revenue_ha = np.full(3, 2_000.0)
    planned = np.array([aerial, manual, voluntary], float)
    return hh.eradicate(planned, kill_aerial, kill_manual, adaptation, np.asarray(legal, float),
                        revenue_ha, u)  # fmt: skip


def rent(hh):
    """Each region's land rent at its coca now."""
    return hh.land_rent(hh.region_hectares())


def replanting(hh):
    """Real hectares waiting to be replanted per region."""
    return hh.sum(hh.replanting) * hh.weight


# --------------------------------------------------------------------------- target area


def test_target_area_is_a_sigmoid_from_nothing_to_the_households_ceiling():
    z = np.linspace(-50, 50, 201)
    area = np.array([target_area(x, 1.5) for x in z])
    assert target_area(0.0, 1.5) == 1.5  # half the ceiling at no advantage
    assert (np.diff(area) > 0).all()
    assert (area > 0).all() and (area < 3.0).all()
    assert area[0] < 0.05 and area[-1] > 2.95
    assert np.allclose(area + area[::-1], 3.0)  # symmetric about half the ceiling


def test_households_start_with_each_regions_initial_coca():
    model, hh = households()
    assert hh.region_hectares() == pytest.approx(model.world.initial_coca_ha, rel=1e-6)
    assert (hh.coca()[hh.occupied] <= 2 * hh.half_cap[hh.occupied] + 1e-12).all()
    assert not hh.coca()[~hh.occupied].any()
    licit = model.world.licit_income_usd_ha
    value = hh.region_attractiveness(net_revenue(model), licit, rent(hh))
    assert np.allclose(value, 0.0, atol=1e-9)  # a spatial equilibrium: nothing pulls anyone yet
    richer = hh.region_attractiveness(1.5 * net_revenue(model), licit, rent(hh))
    assert (richer > 0.05).all()  # and attractiveness moves with current returns


def test_land_rent_rises_with_a_regions_fill_and_lowers_the_coca_advantage():
    model, hh = households(households={"land_rent_usd_ha": 150.0})
    suitable = model.world.suitable_ha
    fills = np.array([0.0, 0.25, 0.5, 0.75, 0.9, 1.0, 2.0])
    rents = np.array([hh.land_rent(f * suitable)[NORTH_A] for f in fills])
    assert rents[0] == 0 and rents[2] == pytest.approx(150.0)  # the set rent at half full
    assert rents[3] == pytest.approx(450.0) and rents[4] == pytest.approx(1_350.0)  # f / (1 - f)
    assert (np.diff(rents[:-1]) > 0).all() and np.isfinite(rents).all()
    assert rents[-1] == rents[-2]  # capped past a full region, never infinite
    licit = model.world.licit_income_usd_ha
    net = net_revenue(model)
    low = hh.profit_advantage(net, licit, hh.land_rent(0.25 * suitable))
    high = hh.profit_advantage(net, licit, hh.land_rent(0.75 * suitable))
    occupied = hh.occupied
    expected = (450.0 - 50.0) / (hh.per_slot(licit) / hh.inv_licit)
    assert np.allclose((low - high)[occupied], expected[occupied])  # rent is a cost per hectare
    # A region that fills attracts less than at the start; one that empties attracts more.
    start = hh.region_hectares()
    fuller = hh.region_attractiveness(net, licit, hh.land_rent(1.5 * start))
    emptier = hh.region_attractiveness(net, licit, hh.land_rent(0.5 * start))
    assert (fuller < -1e-3).all() and (emptier > 1e-3).all()


# --------------------------------------------------------------------------- eradication


def test_eradication_never_removes_more_than_present_and_every_hit_household_loses_its_share():
    _, hh = households()
    present, before = hh.region_hectares(), hh.coca().copy()
    everyone = np.zeros(hh.capacity)  # every draw below every cut-off
    outcome = eradicate(hh, aerial=[1e9, 0, 0], manual=[0, 1e9, 0], u=everyone)
    removed = outcome.forced_ha + outcome.voluntary_ha
    assert (removed <= present + 1e-6).all()
    assert outcome.aerial_area_ha[NORTH_A] == pytest.approx(present[NORTH_A])  # all treated
    assert outcome.manual_area_ha[NORTH_B] == pytest.approx(present[NORTH_B])
    assert removed[NORTH_A] == pytest.approx(KILL_AERIAL * present[NORTH_A])
    assert removed[NORTH_B] == pytest.approx(KILL_MANUAL * present[NORTH_B])
    assert removed[SOUTH_A] == 0 and outcome.aerial_ha[NORTH_B] == 0
    assert (hh.mature >= 0).all() and (hh.immature >= 0).all()
    south = in_region(hh, SOUTH_A)
    assert (hh.coca()[south] == before[south]).all() and not outcome.hit[south].any()
    assert outcome.hit[in_region(hh, NORTH_A)].all()


def test_eradication_spares_the_legal_area():
    _, hh = households()
    present = hh.region_hectares()
    legal = [present[NORTH_A], 0.5 * present[NORTH_B], 0.0]
    outcome = eradicate(hh, manual=[1e9, 1e9, 0], legal=legal, u=np.zeros(hh.capacity))
    assert outcome.manual_ha[NORTH_A] == 0 and not outcome.hit[in_region(hh, NORTH_A)].any()
    assert outcome.manual_area_ha[NORTH_B] == pytest.approx(0.5 * present[NORTH_B])
    assert outcome.manual_ha[NORTH_B] == pytest.approx(KILL_MANUAL * 0.5 * present[NORTH_B])


def test_the_area_treated_is_the_plan_on_average_and_destroyed_is_kill_times_treated():
    treated, destroyed = [], []
    for seed in range(12):
        _, hh = households(households={"replant_forced": 0.6})
        mature = hh.area_by_region()[0]
        outcome = eradicate(hh, aerial=[300, 0, 0], manual=[0, 200, 0], seed=seed)
        treated.append((outcome.aerial_area_ha[NORTH_A], outcome.manual_area_ha[NORTH_B]))
        destroyed.append((outcome.aerial_ha[NORTH_A], outcome.manual_ha[NORTH_B]))
        # Fields never sprayed before: the kill rate of what was treated, exactly.
        assert destroyed[-1][0] == pytest.approx(KILL_AERIAL * treated[-1][0])
        assert destroyed[-1][1] == pytest.approx(KILL_MANUAL * treated[-1][1])
        assert outcome.aerial_area_ha[[NORTH_B, SOUTH_A]].sum() == 0
        assert outcome.manual_area_ha[[NORTH_A, SOUTH_A]].sum() == 0
        # All coca starts mature: the mature area loses what was destroyed, and so does income.
        after = hh.area_by_region()[0]
        assert after[NORTH_A] == pytest.approx(mature[NORTH_A] - destroyed[-1][0])
        assert outcome.lost_income_usd[NORTH_A] == pytest.approx(destroyed[-1][0] * 2_000.0)
        # What farmers will replant waits in its own column, not yet in the fields.
        assert np.allclose(replanting(hh), 0.6 * outcome.forced_ha)
    treated = np.array(treated)
    assert treated.mean(axis=0) == pytest.approx([300, 200], rel=0.08)
    assert treated.std(axis=0).min() > 0  # households are drawn at random
    assert np.mean(destroyed, axis=0) == pytest.approx([0.55 * 300, 0.95 * 200], rel=0.08)


def test_a_higher_kill_rate_destroys_more_of_the_same_treated_area():
    outcomes = []
    for kill in (0.3, 0.6, 0.9):
        _, hh = households()
        outcomes.append(eradicate(hh, aerial=[2_000, 0, 0], manual=[0, 800, 0], seed=4,
                                  kill_aerial=kill, kill_manual=kill))  # fmt: skip
    areas = [(o.aerial_area_ha[NORTH_A], o.manual_area_ha[NORTH_B]) for o in outcomes]
    assert areas[0] == areas[1] == areas[2]  # the same draws treat the same fields
    for method in ("aerial_ha", "manual_ha"):
        region = NORTH_A if method == "aerial_ha" else NORTH_B
        destroyed = [getattr(o, method)[region] for o in outcomes]
        assert 0 < destroyed[0] < destroyed[1] < destroyed[2]
        assert destroyed[2] == pytest.approx(3 * destroyed[0])


def test_fields_sprayed_again_lose_less_as_farmers_adapt_and_the_memory_fades():
    shares = {}
    for adaptation in (0.0, 0.5):
        model, hh = households(households={"spray_memory_months": 10.0})
        everyone = np.zeros(hh.capacity)
        killed = []
        for _ in range(3):
            before = hh.region_hectares()[NORTH_A]
            outcome = eradicate(hh, aerial=[1e9, 0, 0], u=everyone, adaptation=adaptation)
            killed.append(outcome.aerial_ha[NORTH_A] / before)
        shares[adaptation] = killed
    assert shares[0.0] == pytest.approx([KILL_AERIAL] * 3)  # no adaptation: the same kill
    # Sprayed n times before: kill / (1 + adaptation x n).
    assert shares[0.5] == pytest.approx([KILL_AERIAL, KILL_AERIAL / 1.5, KILL_AERIAL / 2.0])
    north = in_region(hh, NORTH_A)
    assert np.allclose(hh.sprayed[north], 3.0) and not hh.sprayed[hh.occupied & ~north].any()
    licit = model.world.licit_income_usd_ha
    hh.adjust_area(net_revenue(model), licit, rent(hh), np.full(3, 1e9))
    assert np.allclose(hh.sprayed[north], 3.0 * 0.9)  # fades over spray_memory_months


def test_newcomers_have_never_been_sprayed():
    _, hh = households(households={"entry_rate": 1.0})
    eradicate(hh, aerial=[1e9, 0, 0], u=np.zeros(hh.capacity))
    count = hh.count.copy()
    start = hh.start.copy()
    hh.enter(np.array([1.0, 0.0, 0.0]), np.full(3, 5_000.0), np.ones(3, bool), entry_draws(0))
    new = hh.count[NORTH_A] - count[NORTH_A]
    assert new > 0 and (hh.start == start).all()  # they took free slots of the block
    newcomers = np.flatnonzero(in_region(hh, NORTH_A))[-new:]
    assert not hh.sprayed[newcomers].any()


def test_eradicated_coca_comes_back_over_months_at_the_replanting_rate():
    for months in (4.0, 1.0):
        # No planting toward the target nor abandonment: only replanting moves the fields.
        model, hh = households(households={"replant_forced": 0.6, "replant_months": months,
                                           "planting_rate": 0.0, "abandon_rate": 0.0})  # fmt: skip
        licit = model.world.licit_income_usd_ha
        outcome = eradicate(hh, manual=[1e9, 0, 0], u=np.zeros(hh.capacity))
        destroyed = outcome.manual_ha[NORTH_A]
        left = hh.region_hectares()
        assert destroyed > 1_000
        for month in range(1, 7):
            hh.adjust_area(net_revenue(model), licit, rent(hh), np.full(3, 1e9))
            back = 0.6 * destroyed * (1 - (1 - 1 / months) ** month)
            assert hh.region_hectares()[NORTH_A] == pytest.approx(left[NORTH_A] + back)
            assert replanting(hh)[NORTH_A] == pytest.approx(0.6 * destroyed - back)
            assert hh.region_hectares()[NORTH_B] == pytest.approx(left[NORTH_B])
        if months == 4.0:
            assert hh.region_hectares()[NORTH_A] < left[NORTH_A] + 0.6 * destroyed - 50
        else:  # all of it back in the first month
            assert replanting(hh)[NORTH_A] == pytest.approx(0.0, abs=1e-9)


def test_replanting_never_takes_a_region_past_its_suitable_land():
    regions = [dict(r) for r in REGIONS]
    regions[NORTH_A]["suitable_ha"] = 9_000
    model, hh = households(world={"regions": regions, "edges": EDGES},
                           households={"replant_forced": 1.0, "replant_months": 12.0,
                                       "planting_rate": 0.5, "land_rent_usd_ha": 0.0})  # fmt: skip
    suitable, licit = model.world.suitable_ha, model.world.licit_income_usd_ha
    eradicate(hh, manual=[1e9, 0, 0], u=np.zeros(hh.capacity))  # 95% destroyed, all replanted
    most = 0.0
    for _ in range(36):  # coca pays five times more: farmers plant the freed land at once
        coca = hh.region_hectares()
        hh.adjust_area(5 * net_revenue(model), licit, rent(hh), np.maximum(suitable - coca, 0))
        most = max(most, hh.region_hectares()[NORTH_A])
    assert most > 8_900  # the region filled up again
    assert most <= suitable[NORTH_A] * (1 + 1e-9)


def test_voluntary_substitution_is_rarely_replanted_and_raises_licit_income():
    _, hh = households(households={"replant_voluntary": 0.01})
    north = in_region(hh, NORTH_A)
    inv_licit = hh.inv_licit.copy()
    outcome = eradicate(hh, voluntary=[1e9, 0, 0], u=np.zeros(hh.capacity))
    assert outcome.voluntary_ha[NORTH_A] == pytest.approx(8_000, rel=1e-6)  # all of it
    assert replanting(hh)[NORTH_A] == pytest.approx(80, rel=1e-6)  # 1% of it, to be replanted
    assert hh.substituted[north].all() and not outcome.hit[north].any()  # not forced
    assert (hh.inv_licit[north] < inv_licit[north]).all()


def test_no_plan_no_visit():
    _, hh = households()
    before = hh.coca().copy()
    outcome = eradicate(hh)
    assert not outcome.any_hit and (hh.coca() == before).all()


# --------------------------------------------------------------------------- beliefs


def test_hit_households_risk_rises_toward_certainty_and_the_rest_decays():
    _, hh = households(households={"risk_learning_own": 0.5, "risk_learning_region": 0.1})
    hh.risk[hh.occupied] = 0.2
    hit = np.zeros(hh.capacity, bool)
    north = np.flatnonzero(in_region(hh, NORTH_A))
    hit[north[:10]] = True
    hh.update_beliefs(hit, NONE)
    kept = 0.2 * 0.9
    assert np.allclose(hh.risk[north[:10]], kept + 0.5 * (1 - kept))
    assert np.allclose(hh.risk[north[10:]], kept)
    assert np.allclose(hh.risk[in_region(hh, SOUTH_A)], kept)
    assert not hh.risk[~hh.occupied].any()


def test_a_regions_eradication_raises_its_households_risk_only():
    _, hh = households(households={"risk_learning_region": 0.1})
    share = np.array([0.0, 0.05, 0.0])
    hh.update_beliefs(np.zeros(hh.capacity, bool), share)
    assert np.allclose(hh.risk[in_region(hh, NORTH_B)], 0.1 * (1 - 0.95**12))
    assert not hh.risk[in_region(hh, NORTH_A)].any() and not hh.risk[in_region(hh, SOUTH_A)].any()
    assert not hh.risk[~hh.occupied].any()


def test_eradication_next_door_raises_risk_in_the_same_country_only():
    # north_b borders north_a (same country) and south_a (the other country).
    _, hh = households(households={"risk_learning_region": 0.1, "neighbour_risk_weight": 0.5})
    share = np.array([0.0, 0.05, 0.0])
    hh.update_beliefs(np.zeros(hh.capacity, bool), share)
    own = 0.1 * (1 - 0.95**12)
    assert np.allclose(hh.risk[in_region(hh, NORTH_B)], own)
    assert np.allclose(hh.risk[in_region(hh, NORTH_A)], 0.5 * own)
    assert not hh.risk[in_region(hh, SOUTH_A)].any()


def test_neighbours_eradication_adds_to_a_regions_own_and_weighs_with_the_weight():
    risks = []
    for weight in (0.0, 0.4, 0.8):
        _, hh = households(households={"risk_learning_region": 0.1,
                                       "neighbour_risk_weight": weight})  # fmt: skip
        hh.update_beliefs(np.zeros(hh.capacity, bool), np.array([0.02, 0.05, 0.0]))
        risks.append(hh.risk[in_region(hh, NORTH_A)][0])
    own, next_door = 0.1 * (1 - 0.98**12), 0.1 * (1 - 0.95**12)
    assert np.allclose(risks, [own, own + 0.4 * next_door, own + 0.8 * next_door])


def test_expected_prices_move_toward_the_months_price_by_the_learning_rate():
    _, hh = households(households={"price_learning_rate": 0.25})
    start = hh.expected_price.copy()
    hh.learn_prices(start * [2.0, 1.0, 0.0])
    assert np.allclose(hh.expected_price, start * [1.25, 1.0, 0.75])


# --------------------------------------------------------------------------- planting


def test_at_the_start_prices_nobody_plants_or_abandons():
    model, hh = households()
    area = hh.region_hectares()
    licit = model.world.licit_income_usd_ha
    planted = hh.adjust_area(net_revenue(model), licit, rent(hh), np.full(3, 1e9))
    assert np.allclose(planted, 0, atol=1e-6)
    assert hh.region_hectares() == pytest.approx(area)


def test_better_prices_plant_more_but_never_beyond_the_free_land():
    free = np.array([1e9, 0.0, 5.0])
    planted = []
    for factor in (1.5, 3.0):
        model, hh = households()
        licit = model.world.licit_income_usd_ha
        planted.append(hh.adjust_area(factor * net_revenue(model), licit, rent(hh), free))
        assert hh.area_by_region()[1] == pytest.approx(planted[-1])  # planted fields are young
    low, high = planted
    assert 0 < low[NORTH_A] < 0.5 * high[NORTH_A]
    assert low[NORTH_B] == high[NORTH_B] == 0
    assert high[SOUTH_A] == pytest.approx(5.0)  # cut back to the free land
    assert (high <= free + 1e-9).all()


def test_worse_prices_abandon_coca_the_more_the_worse():
    areas = []
    for factor in (0.8, 0.0):
        model, hh = households()
        start = hh.region_hectares()
        licit = model.world.licit_income_usd_ha
        planted = hh.adjust_area(factor * net_revenue(model), licit, rent(hh), np.full(3, 1e9))
        assert not planted.any()
        areas.append(hh.region_hectares())
    assert (areas[1] < areas[0]).all() and (areas[0] < start).all()


# --------------------------------------------------------------------------- migration


def test_migration_conserves_households_and_land_and_moves_toward_the_better_region():
    _, hh = households(households={"migration_rate": 1.0})
    count, land, occupied = hh.count.copy(), hh.land_r.copy(), hh.occupied.sum()
    coca = hh.region_hectares()
    excess = np.array([0.0, 0.5, 0.0])  # north_b got better
    u = np.random.default_rng(3).random(hh.capacity)
    leaving, arriving = hh.migrate(excess, np.full(3, 1e9), np.zeros(hh.capacity, bool), u)
    assert leaving[NORTH_A] > 0 and leaving[SOUTH_A] > 0 and leaving[NORTH_B] == 0
    assert arriving[NORTH_B] == pytest.approx(leaving.sum()) and arriving.sum() == leaving.sum()
    # North_a's neighbour is cheaper to reach than south_a's (across a border): more leave.
    assert leaving[NORTH_A] / count[NORTH_A] > leaving[SOUTH_A] / count[SOUTH_A]
    assert hh.count.sum() == count.sum() and hh.occupied.sum() == occupied
    assert np.allclose(hh.count * hh.weight - count * hh.weight, arriving - leaving)
    assert hh.land_r.sum() == pytest.approx(land.sum()) and hh.land_r[NORTH_B] > land[NORTH_B]
    assert np.allclose(hh.land_r, hh.sum(hh.land))
    after = hh.region_hectares()  # movers leave their coca behind, and arrive with none
    assert after[NORTH_A] < coca[NORTH_A] and after[NORTH_B] == pytest.approx(coca[NORTH_B])


def test_nobody_moves_when_no_region_got_better_by_more_than_the_cost():
    _, hh = households(households={"migration_rate": 1.0})
    u = np.zeros(hh.capacity)
    for excess in (NONE, np.array([0.0, 0.05, 0.0])):  # a gain below the cheapest move
        leaving, arriving = hh.migrate(excess, np.full(3, 1e9), np.zeros(hh.capacity, bool), u)
        assert not leaving.any() and not arriving.any()


def test_households_hit_by_eradication_move_more_readily():
    _, hh = households(households={"migration_rate": 0.1, "displaced_migration_boost": 4.0})
    excess = np.array([0.0, 0.5, 0.0])
    gain = 0.5 - 1_000 / (900 * 2.5 * 5)  # minus the cost over five years' licit income
    u = np.full(hh.capacity, 2 * 0.1 * gain)  # above the usual chance, below the boosted one
    hit = in_region(hh, NORTH_A)
    households_there = hh.count[NORTH_A]
    leaving, _ = hh.migrate(excess, np.full(3, 1e9), hit, u)
    assert leaving[NORTH_A] == pytest.approx(households_there * hh.weight)  # every hit household
    assert leaving[SOUTH_A] == 0


# --------------------------------------------------------------------------- entry


def test_newcomers_need_buyers_and_a_region_that_pays_better_than_at_the_start():
    _, hh = households(households={"entry_rate": 1.0})
    free = np.full(3, 10_000.0)
    rng, count = entry_draws(0), hh.count.sum()
    assert not hh.enter(np.full(3, 0.5), free, np.zeros(3, bool), rng).any()
    assert not hh.enter(np.array([0.0, -0.3, 0.0]), free, np.ones(3, bool), rng).any()
    assert hh.count.sum() == count


def test_newcomers_settle_where_coca_pays_within_the_free_plots():
    _, hh = households(households={"entry_rate": 1.0})
    hh.risk[in_region(hh, NORTH_B)] = 0.3
    count, n_active = hh.count.copy(), hh.n_active
    plot = hh.params.mean_land_ha * hh.weight  # real hectares of one simulated farm
    free = np.array([0.0, 3.5 * plot, 40 * plot])
    excess = np.array([0.5, 1.0, 0.2])
    entering = hh.enter(excess, free, np.array([True, True, True]), entry_draws(1))
    new = hh.count - count
    assert entering[NORTH_A] == 0  # no free land
    assert 0 < new[NORTH_B] <= 3 and new[SOUTH_A] > 0
    assert np.allclose(entering, new * hh.weight) and hh.n_active == n_active + new.sum()
    newcomers = np.flatnonzero(in_region(hh, NORTH_B))[-new[NORTH_B] :]
    assert np.allclose(hh.risk[newcomers], hh.region_mean_risk()[NORTH_B], rtol=0.02)
    assert not hh.coca()[newcomers].any() and (hh.land[newcomers] > 0).all()


def test_households_without_coca_leave_regions_that_pay_less_than_the_outside_option():
    _, hh = households(households={"exit_rate": 0.4})
    idle = np.zeros(hh.capacity, bool)
    for r in (NORTH_A, NORTH_B, SOUTH_A):
        slots = np.flatnonzero(in_region(hh, r))
        idle[slots[: len(slots) // 2]] = True  # half of each region has given up coca
    hh.mature[idle] = hh.immature[idle] = 0.0
    hh.replanting[np.flatnonzero(idle)[::10]] = 0.1  # these will replant: they still grow coca
    hh._area_r = None
    no_coca = idle & (hh.replanting == 0)
    occupied, count, land = hh.occupied.copy(), hh.count.copy(), hh.land_r.copy()
    value = np.array([-0.5, 0.3, -2.0])  # below the outside option in north_a and south_a
    # The chance is exit_rate times the shortfall, capped at exit_rate: draws of 0.5 keep all.
    assert not hh.leave(value, np.full(hh.capacity, 0.5)).any() and (hh.occupied == occupied).all()
    # Draws of 0.3: below south_a's chance (0.4 x 2, capped at 0.4), above north_a's (0.4 x 0.5).
    leaving = hh.leave(value, np.full(hh.capacity, 0.3))
    left = occupied & ~hh.occupied
    assert (left == (no_coca & in_region_before(occupied, hh, SOUTH_A))).all()
    assert left.sum() > 0 and leaving[SOUTH_A] == pytest.approx(left.sum() * hh.weight)
    assert leaving[NORTH_A] == leaving[NORTH_B] == 0
    assert (hh.count == count - np.round(leaving / hh.weight)).all()
    assert np.allclose(hh.land_r, hh.sum(hh.land)) and hh.land_r[SOUTH_A] < land[SOUTH_A]
    assert not hh.land[left].any() and not hh.risk[left].any()  # the slots are empty again
    # Lower draws: north_a's idle households go too; still nobody where coca pays (north_b).
    leaving = hh.leave(value, np.full(hh.capacity, 0.1))
    assert leaving[NORTH_A] == pytest.approx((no_coca & in_region_before(occupied, hh, NORTH_A))
                                             .sum() * hh.weight)  # fmt: skip
    assert leaving[NORTH_B] == 0 and hh.count[NORTH_B] == count[NORTH_B]


def in_region_before(occupied, hh, r):
    """Slots of region ``r``'s block that were occupied (the layout has not changed)."""
    block = np.zeros(hh.capacity, bool)
    block[hh.start[r] : hh.start[r + 1]] = True
    return block & occupied


def test_entry_stops_when_the_room_for_newcomers_is_used_up():
    _, hh = households(households={"entry_rate": 1.0, "spare_capacity": 0.01})
    n_active = hh.n_active
    room = int(np.ceil(n_active * 1.01)) - n_active
    total = 0.0
    for seed in range(30):
        entering = hh.enter(np.ones(3), np.full(3, 1e6), np.ones(3, bool), entry_draws(seed))
        total += entering.sum() / hh.weight
    assert total == pytest.approx(room) and hh.n_active == n_active + room


def test_a_relayout_keeps_every_household_in_order_and_renumbers_the_slots_asked_for():
    _, hh = households()
    hh.occupied[hh.start[NORTH_B]] = False  # a hole, as a household that left leaves it
    hh.land[hh.start[NORTH_B]] = 0.0
    hh.count[NORTH_B] -= 1
    before = {name: getattr(hh, name)[hh.occupied].copy() for name in ("land", "risk", "mature")}
    regions_before = hh.region_of_slots()[hh.occupied]
    asked = np.flatnonzero(hh.occupied)[[0, 5, -1]]
    asked_land = hh.land[asked]
    renumbered = hh.make_room(hh.lengths, asked)  # room for as many again: a re-layout
    assert (hh.lengths >= 2 * hh.count).all()
    for name, values in before.items():
        assert np.array_equal(getattr(hh, name)[hh.occupied], values)
    assert np.array_equal(hh.region_of_slots()[hh.occupied], regions_before)
    assert np.array_equal(hh.land[renumbered], asked_land) and hh.occupied[renumbered].all()
    assert (hh.fill == hh.start[:-1] + hh.count).all()  # no holes left below the fill marks
    assert not hh.land[~hh.occupied].any() and not hh.mature[~hh.occupied].any()


def test_mean_risk_of_chosen_regions_is_the_full_mean_there_and_zero_elsewhere():
    model, hh = households()
    hh.risk[hh.occupied] = np.random.default_rng(4).uniform(0.05, 0.6, hh.occupied.sum())
    everywhere = hh.region_mean_risk()
    chosen = np.array([False, True, False])
    some = hh.region_mean_risk(chosen)
    assert some[NORTH_B] == everywhere[NORTH_B] and everywhere[NORTH_B] > 0.05
    assert some[NORTH_A] == 0.0 and some[SOUTH_A] == 0.0


def test_each_region_can_have_its_own_kill_rate():
    _, hh = households()
    manual = np.array([0.3, 0.9, 0.6])
    outcome = eradicate(hh, manual=[400, 400, 400], seed=2, kill_manual=manual)
    treated = outcome.manual_area_ha
    assert (treated > 0).all()
    assert outcome.manual_ha == pytest.approx(manual * treated)
