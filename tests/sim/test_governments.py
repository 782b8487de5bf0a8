"""Governments' rules: targeting across regions, capacity from schedules and aid, backlash."""

import numpy as np
import pytest

from model.sim.governments import allocate, plan_regions
from sim.tiny_world import NORTH_A, NORTH_B, SOUTH_A, tiny_model

MAX_REACH = 0.25


def plan(capacity=(0.0, 0.0, 0.0), targeted=None, recorded=(0.0, 0.0, 0.0), **arrays):
    """A plan over four regions (the last in another country) with hand-picked attributes.

    ``capacity`` is the country's planned hectares of the month (aerial, manual, voluntary),
    ``recorded`` its recorded ones (history, applied as recorded).
    """
    inputs = {
        "coca": np.array([10_000.0, 6_000.0, 4_000.0, 8_000.0]),
        "legal": np.zeros(4),
        "protection": np.zeros(4),
        "danger": np.zeros(4),
        "access": np.array([0.9, 0.5, 0.2, 0.7]),
        "state": np.array([0.8, 0.4, 0.1, 0.6]),
        "in_country": np.array([1.0, 1.0, 1.0, 0.0]),
        "access_weight": 1.0,
        "danger_avoidance": 0.5,
    }
    inputs.update(arrays)
    targeted = targeted or (np.zeros(4), np.zeros(4), np.zeros(4))
    return plan_regions(
        inputs["coca"], inputs["legal"], inputs["protection"], inputs["danger"], inputs["access"],
        inputs["state"], inputs["in_country"], targeted, tuple(float(c) for c in recorded),
        tuple(float(c) for c in capacity), MAX_REACH, inputs["access_weight"], inputs["danger_avoidance"],
    )  # fmt: skip


def ceilings(coca, access, protection=0.0):
    """Each method's monthly reach over a region's coca: aerial, manual."""
    aerial = MAX_REACH * (0.5 + 0.5 * access) * (1 - protection) * coca
    manual = MAX_REACH * access * (1 - protection) * coca
    return aerial, manual


# --------------------------------------------------------------------------- plan_regions


def test_plan_never_exceeds_each_regions_reach_ceiling_and_fills_it_when_capacity_abounds():
    coca, access = np.array([10_000.0, 6_000.0, 4_000.0, 8_000.0]), np.array([0.9, 0.5, 0.2, 0.7])
    planned = plan(capacity=(1e9, 1e9, 0.0))
    aerial, manual = ceilings(coca, access)
    mine = slice(0, 3)
    assert np.allclose(planned[0, mine], aerial[mine])
    assert np.allclose(planned[1, mine], manual[mine])
    assert (planned[:, 3] == 0).all()  # the other country's region


def test_capacity_is_spent_in_proportion_to_weights_when_no_ceiling_binds():
    coca, access = np.array([10_000.0, 6_000.0, 4_000.0, 8_000.0]), np.array([0.9, 0.5, 0.2, 0.7])
    danger = np.array([0.0, 0.4, 1.0, 0.0])
    planned = plan(capacity=(0.0, 300.0, 0.0), danger=danger)
    weight = coca * access * (1 - 0.5 * danger)
    assert planned[1].sum() == pytest.approx(300.0)
    assert np.allclose(planned[1, :3] / planned[1, :3].sum(), weight[:3] / weight[:3].sum())
    assert planned[0].sum() == 0 and planned[2].sum() == 0


def test_accessibility_weight_zero_ignores_accessibility():
    planned = plan(capacity=(0.0, 300.0, 0.0), access_weight=0.0)
    coca = np.array([10_000.0, 6_000.0, 4_000.0])
    assert np.allclose(planned[1, :3], 300.0 * coca / coca.sum())


def test_more_danger_means_less_eradication_there_and_more_elsewhere():
    calm = plan(capacity=(200.0, 200.0, 0.0))
    for method in (0, 1):
        dangerous = plan(capacity=(200.0, 200.0, 0.0), danger=np.array([0.0, 0.8, 0.0, 0.0]))
        assert dangerous[method, NORTH_B] < 0.75 * calm[method, NORTH_B]
        assert dangerous[method, 0] > calm[method, 0] and dangerous[method, 2] > calm[method, 2]
        assert dangerous[method].sum() == pytest.approx(calm[method].sum())
    fearless = plan(
        capacity=(200.0, 200.0, 0.0), danger=np.array([0.0, 0.8, 0.0, 0.0]), danger_avoidance=0.0
    )
    assert np.allclose(fearless, calm)


def test_protection_shrinks_the_reach_of_both_methods():
    protection = np.array([0.5, 0.0, 0.0, 0.0])
    open_ = plan(capacity=(1e9, 1e9, 0.0))
    shielded = plan(capacity=(1e9, 1e9, 0.0), protection=protection)
    assert shielded[0, 0] == pytest.approx(0.5 * open_[0, 0])
    assert shielded[1, 0] == pytest.approx(0.5 * open_[1, 0])
    assert np.allclose(shielded[:, 1:], open_[:, 1:])


def test_capacity_a_full_region_cannot_take_goes_to_regions_with_room():
    # Weighing by coca alone, remote region 2 gets 400 ha but reaches only 200 ha a month.
    planned = plan(capacity=(0.0, 2_000.0, 0.0), access_weight=0.0)
    _, manual = ceilings(np.array([10_000.0, 6_000.0, 4_000.0]), np.array([0.9, 0.5, 0.2]))
    assert planned[1].sum() == pytest.approx(2_000.0)
    assert (planned[1, :3] <= manual + 1e-9).all()
    assert planned[1, 2] == pytest.approx(manual[2])
    assert np.allclose(planned[1, :2], [1_125.0, 675.0])  # its 200 ha refilled by weight


def test_legal_coca_is_never_planned_for_eradication():
    coca = np.array([10_000.0, 6_000.0, 4_000.0, 8_000.0])
    legal = np.array([10_000.0, 3_000.0, 0.0, 0.0])
    planned = plan(capacity=(1e9, 1e9, 1e9), legal=legal)
    assert (planned[:, 0] == 0).all()
    full = plan(capacity=(1e9, 1e9, 1e9), coca=coca - legal)
    assert np.allclose(planned, full)  # only coca above the legal area counts


def test_region_targets_come_first_up_to_the_reach_ceiling():
    targeted = (np.zeros(4), np.array([0.0, 1_200.0, 1e9, 1e9]), np.zeros(4))
    planned = plan(targeted=targeted)
    _, manual = ceilings(np.array([10_000.0, 6_000.0, 4_000.0]), np.array([0.9, 0.5, 0.2]))
    assert planned[1, NORTH_B] == pytest.approx(100.0)  # 1,200 ha a year = 100 a month
    assert planned[1, 2] == pytest.approx(manual[2])  # capped by its reach
    assert planned[1, 3] == 0  # a target in another country's region is not this plan's
    assert planned[1, 0] == 0 and planned[0].sum() == 0


def test_recorded_hectares_reach_all_of_a_regions_coca_not_only_the_reach_ceiling():
    coca, access = np.array([10_000.0, 6_000.0, 4_000.0]), np.array([0.9, 0.5, 0.2])
    aerial, manual = ceilings(coca, access)
    everything = plan(recorded=(1e9, 1e9, 0.0))
    assert np.allclose(everything[0, :3], coca) and np.allclose(everything[1, :3], coca)
    assert (everything[:, 3] == 0).all()  # the other country's region
    # 6,000 ha a month by weight (coca x access) is past every region's ceiling: all applied.
    recorded = plan(recorded=(0.0, 6_000.0, 0.0))
    weight = coca * access
    assert np.allclose(recorded[1, :3], 6_000.0 * weight / weight.sum())
    assert (recorded[1, :3] > manual).all()
    # Plans come after the record, only up to the ceiling, which the record already used up.
    assert np.allclose(plan(capacity=(0.0, 1e9, 0.0), recorded=(0.0, 6_000.0, 0.0)), recorded)
    some = plan(capacity=(0.0, 1e9, 0.0), recorded=(0.0, 300.0, 0.0))
    assert np.allclose(some[1, :3], manual)  # record and plans together fill the ceiling


def test_recorded_and_planned_substitution_share_the_room_by_state_presence():
    coca, state = np.array([10_000.0, 6_000.0, 4_000.0]), np.array([0.8, 0.4, 0.1])
    both = plan(capacity=(0.0, 0.0, 100.0), recorded=(0.0, 0.0, 200.0))
    assert np.allclose(both[2, :3], 300.0 * coca * state / (coca * state).sum())


def test_voluntary_substitution_goes_by_state_presence_within_what_forced_eradication_left():
    coca, state = np.array([10_000.0, 6_000.0, 4_000.0]), np.array([0.8, 0.4, 0.1])
    planned = plan(capacity=(0.0, 0.0, 300.0))
    weight = coca * state
    assert np.allclose(planned[2, :3], 300.0 * weight / weight.sum())
    crowded = plan(capacity=(1e9, 1e9, 1e9))
    room = np.maximum(coca - crowded[0, :3] - crowded[1, :3], 0) * MAX_REACH
    assert np.allclose(crowded[2, :3], room)


def test_allocate_splits_by_weight_refills_and_never_exceeds_room():
    got = allocate(10.0, np.array([1.0, 1.0, 2.0]), np.array([1.0, 100.0, 100.0]))
    assert np.allclose(got, [1.0, 3.0, 6.0])
    short = allocate(50.0, np.array([1.0, 1.0, 0.0]), np.array([5.0, 10.0, 100.0]))
    assert np.allclose(short, [5.0, 10.0, 0.0])  # no weight, no share; the rest is unspent


# --------------------------------------------------------------------------- the agent


def aerial_in_north(ha_per_year):
    return {"instrument": "aerial_eradication", "country": "north",
            "schedule": [{"start": "2000-01", "value": ha_per_year}]}  # fmt: skip


def test_a_governments_plan_stays_in_its_country():
    model = tiny_model(policies=[aerial_in_north(12_000)])
    north = model.governments[0]
    north.set_capacity(0)
    coca = model.world.initial_coca_ha
    planned = north.plan_eradication(0, coca, np.zeros(3), np.zeros(3))
    assert planned[0, SOUTH_A] == 0
    assert planned[0, [NORTH_A, NORTH_B]].sum() == pytest.approx(1_000.0)  # 12,000 ha / 12
    assert planned[0, NORTH_A] > planned[0, NORTH_B]  # more coca, easier to reach


def test_backlash_rises_with_the_share_of_income_destroyed():
    model = tiny_model(government={"backlash_sensitivity": 2.0, "backlash_decay": 0.05})
    low, high = model.governments
    low.update_backlash(10.0, 100.0, 0)
    high.update_backlash(30.0, 100.0, 0)
    assert low.backlash == pytest.approx(0.2)  # sensitivity times the share destroyed
    assert high.backlash == pytest.approx(0.6)
    high.update_backlash(100.0, 100.0, 1)
    assert high.backlash == 1.0  # bounded
    low.update_backlash(5.0, 0.0, 1)  # no coca income: nothing destroyed
    assert low.backlash == pytest.approx(0.2 * 0.95)


def test_backlash_cuts_plans_in_proportion_up_to_the_threshold_and_follows_it_down():
    model = tiny_model(
        government={"backlash_sensitivity": 1.0, "backlash_decay": 0.1,
                    "backlash_threshold": 0.5, "backlash_cutback": 0.6}
    )  # fmt: skip
    government = model.governments[0]
    government.update_backlash(0.2, 1.0, 0)
    assert government.backlash_cut == pytest.approx(0.6 * 0.2 / 0.5)  # a share of the full cut
    government.update_backlash(0.45, 1.0, 1)  # 0.18 + 0.45, past the threshold
    assert government.backlash == pytest.approx(0.63)
    assert government.backlash_cut == pytest.approx(0.6)  # the full cut, no more
    cuts = []
    for t in range(2, 30):
        before = government.backlash
        government.update_backlash(0.0, 1.0, t)
        assert government.backlash == pytest.approx(before * 0.9)
        # No switch and no hysteresis: the cut follows backlash down as it rose.
        assert government.backlash_cut == pytest.approx(0.6 * min(government.backlash / 0.5, 1))
        cuts.append(government.backlash_cut)
    assert np.all(np.diff(cuts) <= 0) and 0 < cuts[-1] < 0.05
    steps = np.diff([0.6, *cuts])
    assert steps.min() > -0.1  # continuous: no jump as backlash crosses any level


def test_backlash_cuts_planned_eradication_but_never_the_record_nor_interdiction():
    interdiction = {"instrument": "interdiction", "country": "north",
                    "schedule": [{"start": "2000-01", "value": 0.2}]}  # fmt: skip
    aerial = {**aerial_in_north(12_000), "recorded_until": "2000-06"}
    model = tiny_model(policies=[aerial, interdiction], government={"backlash_cutback": 0.6})
    government = model.governments[0]
    for t, recorded in ((3, 12_000), (9, 0)):  # June 2000 is the last month of the record
        government.backlash_cut = 0.0
        government.set_capacity(t)
        assert government.aerial_capacity_ha_yr == pytest.approx(12_000)
        assert government.recorded_ha_yr[0] == pytest.approx(recorded)
        government.backlash_cut = 0.6
        government.set_capacity(t)
        assert government.interdiction == pytest.approx(0.2)
        # The record is applied as recorded; plans lose the cut.
        expected = 12_000 if recorded else 12_000 * 0.4
        assert government.aerial_capacity_ha_yr == pytest.approx(expected)
    government.backlash_cut = 0.3
    government.set_capacity(9)
    assert government.aerial_capacity_ha_yr == pytest.approx(12_000 * 0.7)  # continuous


def test_a_policy_cut_event_cuts_plans_but_not_the_record():
    aerial = {**aerial_in_north(12_000), "recorded_until": "2000-06"}
    model = tiny_model(policies=[aerial])
    government = model.governments[0]
    government.cuts["aerial_eradication"] = (0.25, 20)
    government.set_capacity(3)
    assert government.aerial_capacity_ha_yr == pytest.approx(12_000)
    government.set_capacity(9)
    assert government.aerial_capacity_ha_yr == pytest.approx(3_000)


def test_aid_buys_manual_eradication_and_interdiction_points():
    model = tiny_model(
        government={"manual_cost_usd_ha": 4_000.0, "interdiction_cost_usd_point": 10e6},
        sponsor={"eradication_share": 0.6},
    )
    government = model.governments[1]
    government.aid_usd_yr = 100e6
    government.set_capacity(0)
    assert government.manual_capacity_ha_yr == pytest.approx(60e6 / 4_000)
    assert government.interdiction == pytest.approx(0.04)  # US$40M at US$10M a point
    government.aid_usd_yr = 10e9
    government.set_capacity(0)
    assert government.interdiction == 0.95  # never more than 95% seized


def test_a_cut_scales_an_instrument_until_its_last_month():
    model = tiny_model(policies=[aerial_in_north(12_000)])
    government = model.governments[0]
    government.cuts["aerial_eradication"] = (0.25, 3)
    government.set_capacity(3)
    assert government.aerial_capacity_ha_yr == pytest.approx(3_000)
    government.set_capacity(4)
    assert government.aerial_capacity_ha_yr == pytest.approx(12_000)


def test_a_government_without_any_means_does_not_eradicate():
    model = tiny_model(policies=[aerial_in_north(12_000)])
    north, south = model.governments
    for government in (north, south):
        government.set_capacity(0)
    assert north.eradicates(0) and not south.eradicates(0)
