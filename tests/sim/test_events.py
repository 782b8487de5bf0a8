"""Dated events: each kind reaches its actor in its month only; shocks and cuts end on time."""

import numpy as np
import pytest

from sim.tiny_world import NORTH_A, NORTH_B, SOUTH_A, tiny_model

GROUPS = {"groups": [
    {"name": "rebels", "regions": ["north_b"], "strength": 0.8},
    {"name": "militia", "regions": ["south_a"], "strength": 0.5},
]}  # fmt: skip
ORGANISATIONS = {"organisations": [
    {"name": "cartel", "regions": ["north_a", "north_b", "south_a"]},
    {"name": "newcomer", "regions": ["north_a"]},
]}  # fmt: skip


def month_by_month(model, months, read):
    """What ``read(model, t)`` gives after each month's events, for months 0..months-1."""
    seen = []
    for t in range(months):
        model.events.apply(model, t)
        seen.append(read(model, t))
    return seen


def test_a_leader_capture_weakens_its_group_once_in_its_month():
    capture = {"date": "2000-06", "kind": "leader_capture", "group": "rebels", "factor": 0.25}
    model = tiny_model(armed_groups=GROUPS, events=[capture])
    seen = month_by_month(model, 12, lambda m, t: [g.strength for g in m.armed_groups.groups])
    assert seen[:5] == [[0.8, 0.5]] * 5
    assert seen[5:] == [[pytest.approx(0.6), 0.5]] * 7


def test_traffickers_enter_and_leave_the_named_region_in_their_month():
    events = [
        {"date": "2000-04", "kind": "trafficker_entry", "trafficker": "newcomer",
         "region": "south_a"},
        {"date": "2000-08", "kind": "trafficker_exit", "trafficker": "cartel", "region": "north_b"},
    ]  # fmt: skip
    model = tiny_model(traffickers=ORGANISATIONS, events=events)
    seen = month_by_month(model, 12, lambda m, t: m.trafficking.present.copy())
    start = np.array([[True, True, True], [True, False, False]])
    for t in range(3):
        assert (seen[t] == start).all()
    entered = start.copy()
    entered[1, SOUTH_A] = True
    for t in range(3, 7):
        assert (seen[t] == entered).all()
    left = entered.copy()
    left[0, NORTH_B] = False
    for t in range(7, 12):
        assert (seen[t] == left).all()


def test_a_price_shock_scales_its_countrys_prices_for_its_months_only():
    shocks = [
        {"date": "2000-05", "kind": "price_shock", "country": "north", "factor": 0.5, "months": 3},
        {"date": "2000-07", "kind": "price_shock", "region": "south_a", "factor": 2.0,
         "months": 1},
    ]  # fmt: skip
    model = tiny_model(events=shocks)
    price = np.array([1.0, 2.0, 4.0])
    seen = month_by_month(model, 12, lambda m, t: m.events.shock_prices(price, t))
    for t in range(12):
        north = 0.5 if 4 <= t <= 6 else 1.0
        south = 2.0 if t == 6 else 1.0
        assert np.allclose(seen[t], price * [north, north, south]), t


def test_a_policy_cut_scales_the_instrument_for_its_months_then_ends():
    aerial = {"instrument": "aerial_eradication", "country": "north",
              "schedule": [{"start": "2000-01", "value": 12_000}]}  # fmt: skip
    cut = {"date": "2000-04", "kind": "policy_cut", "country": "north",
           "instrument": "aerial_eradication", "factor": 0.5, "months": 2}  # fmt: skip
    model = tiny_model(policies=[aerial], events=[cut])
    north = model.governments[0]

    def capacity(m, t):
        north.set_capacity(t)
        return north.aerial_capacity_ha_yr

    seen = month_by_month(model, 8, capacity)
    assert seen == pytest.approx([12_000] * 3 + [6_000] * 2 + [12_000] * 3)
    assert model.governments[1].cuts == {}


def test_a_legal_area_event_sets_the_regions_legal_coca_in_its_month():
    legal = {"date": "2000-03", "kind": "legal_area", "region": "north_a", "value": 2_500}
    model = tiny_model(events=[legal])
    seen = month_by_month(model, 5, lambda m, t: m.world.legal_ha.copy())
    assert all((s == 0).all() for s in seen[:2])
    for s in seen[2:]:
        assert s[NORTH_A] == 2_500 and s[NORTH_B] == 0 and s[SOUTH_A] == 0


def test_events_outside_the_run_never_happen():
    early = {"date": "1999-06", "kind": "leader_capture", "group": "rebels", "factor": 0.5}
    late = {"date": "2002-01", "kind": "leader_capture", "group": "rebels", "factor": 0.5}
    model = tiny_model(armed_groups=GROUPS, events=[early, late])
    seen = month_by_month(
        model, model.params.months, lambda m, t: m.armed_groups.groups[0].strength
    )
    assert seen == [0.8] * model.params.months
