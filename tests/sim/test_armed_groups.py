"""Armed groups' rules: who rules a region, the tax gate, growth, pressure, leader captures."""

import numpy as np
import pytest

from model import BalloonModel, Scenario
from model.scenario.behaviour import ArmedGroupParams
from model.sim.armed_groups import ArmedGroup, armed_group_rule
from sim.tiny_world import NORTH_A, NORTH_B, SOUTH_A, tiny_model

PARAMS = ArmedGroupParams(groups=[], revenue_growth=0.02, decay=0.005,
                          counterinsurgency_effect=0.04, protection=0.6)  # fmt: skip


def groups(*specs, **params):
    return tiny_model(armed_groups={"groups": list(specs), **params}).armed_groups


def group(strength, tax_rate=0.1):
    model = tiny_model()
    return ArmedGroup(model, "g", np.array([True, False, False]), strength, tax_rate)


def ruling(present, strength, levy):
    """The ruling group's strength and tax rate per region (``armed_group_rule``'s outs)."""
    ruler_strength, tax = np.empty(present.shape[1]), np.empty(present.shape[1])
    armed_group_rule(present, strength, levy, ruler_strength, tax)
    return ruler_strength, tax


def test_the_strongest_group_present_rules_a_region_and_the_first_listed_wins_a_tie():
    present = np.array([
        [True, True, False, True, True],
        [True, False, False, False, True],
        [True, False, False, True, False],
    ])  # fmt: skip
    strength = np.array([0.3, 0.6, 0.6])
    levy = np.array([0.1, 0.2, 0.3])
    ruler_strength, tax = ruling(present, strength, levy)
    assert list(ruler_strength) == [0.6, 0.3, 0.0, 0.6, 0.6]
    assert list(tax) == [0.2, 0.1, 0.0, 0.3, 0.2]  # region 0: groups 1 and 2 tie, 1 is first
    _, tax = ruling(present, np.array([0.5, 0.5, 0.5]), levy)
    assert tax[0] == 0.1 and tax[3] == 0.1  # group 0 is listed first


def test_protection_shields_in_proportion_to_the_ruling_strength():
    armed = groups(
        {"name": "rebels", "regions": ["north_b", "south_a"], "strength": 0.5, "tax_rate": 0.1},
        {"name": "militia", "regions": ["south_a"], "strength": 0.8, "tax_rate": 0.2},
        protection=0.6,
    )
    protection, strength, tax = armed.protection()
    assert np.allclose(strength, [0.0, 0.5, 0.8])
    assert np.allclose(protection, 0.6 * strength)
    assert np.allclose(tax, [0.0, 0.1, 0.2])


def test_a_group_too_weak_to_enforce_collects_no_tax():
    for strength, collects in ((0.05, False), (0.051, True)):
        armed = groups({"name": "rebels", "regions": ["north_b"], "strength": strength,
                        "tax_rate": 0.3})  # fmt: skip
        _, ruling, tax = armed.protection()
        assert ruling[NORTH_B] == strength  # still there, still shields
        assert tax[NORTH_B] == (0.3 if collects else 0.0)
        weak = armed.groups[0]
        weak.tax_and_grow(5e6, 0.0, PARAMS)
        assert (weak.revenue_usd > 0) == collects


def test_strength_grows_with_tax_revenue_by_the_growth_rule():
    grown = []
    for revenue in (0.0, 1e6, 4e6):
        g = group(0.4, tax_rate=0.25)
        g.tax_and_grow(revenue, 0.0, PARAMS)
        taxed = 0.25 * revenue
        assert g.revenue_usd == taxed
        assert g.strength == pytest.approx(0.4 + 0.02 * taxed / 1e6 * 0.6 - 0.005 * 0.4)
        grown.append(g.strength)
    assert grown[0] < 0.4 < grown[1] < grown[2]  # no revenue: it decays


def test_counterinsurgency_wears_a_group_down():
    levels = []
    for pressure in (0.0, 0.5, 1.0):
        g = group(0.6)
        g.tax_and_grow(1e6, pressure, PARAMS)
        levels.append(g.strength)
    assert levels[0] > levels[1] > levels[2]
    assert levels[0] - levels[2] == pytest.approx(0.04 * 0.6)


def test_strength_stays_between_zero_and_one():
    boom = ArmedGroupParams(groups=[], revenue_growth=10.0, decay=0.0)
    bust = ArmedGroupParams(groups=[], revenue_growth=0.0, decay=1.0, counterinsurgency_effect=1.0)
    strong, gone = group(0.9, tax_rate=1.0), group(0.9)
    for _ in range(5):
        strong.tax_and_grow(1e12, 0.0, boom)
        gone.tax_and_grow(0.0, 1.0, bust)
        assert 0.0 <= gone.strength <= strong.strength <= 1.0
    assert strong.strength == 1.0 and gone.strength == 0.0


def test_a_leader_capture_costs_the_given_share_of_strength():
    g = group(0.8)
    g.capture_leader(0.25)
    assert g.strength == pytest.approx(0.6)
    g.capture_leader(1.5)
    assert g.strength == 0.0
    armed = groups(
        {"name": "rebels", "regions": ["north_b"], "strength": 0.8},
        {"name": "militia", "regions": ["south_a"], "strength": 0.5},
    )
    armed.capture_leader("militia", 0.5)
    assert [x.strength for x in armed.groups] == pytest.approx([0.8, 0.25])


def test_groups_tax_their_own_regions_and_face_the_strongest_pressure_where_they_are():
    armed = groups(
        {"name": "rebels", "regions": ["north_b", "south_a"], "strength": 0.5, "tax_rate": 0.1},
        {"name": "militia", "regions": ["north_a"], "strength": 0.5, "tax_rate": 0.1},
        revenue_growth=0.02, decay=0.005, counterinsurgency_effect=0.04,
    )  # fmt: skip
    revenue = np.zeros(3)
    revenue[[NORTH_A, NORTH_B, SOUTH_A]] = [8e6, 2e6, 3e6]
    armed.tax_and_grow(revenue, np.array([0.2, 0.7]))
    rebels, militia = armed.groups
    assert rebels.revenue_usd == pytest.approx(0.1 * 5e6)
    assert militia.revenue_usd == pytest.approx(0.1 * 8e6)
    assert rebels.strength == pytest.approx(0.5 + 0.02 * 0.5 * 0.5 - (0.005 + 0.04 * 0.7) * 0.5)
    assert militia.strength == pytest.approx(0.5 + 0.02 * 0.8 * 0.5 - (0.005 + 0.04 * 0.2) * 0.5)


def test_a_group_in_none_of_the_worlds_regions_is_left_out():
    model = BalloonModel(Scenario(end="1990-02", world={"countries": ["peru"]},
                                  households={"scale": 0.002}), rng=1)  # fmt: skip
    names = [g.name for g in model.armed_groups.groups]
    assert names == ["shining_path_huallaga", "shining_path_vraem"]
    assert model.armed_groups.regions.shape == (2, model.world.n_regions)
    assert model.armed_groups.countries.all()  # both in Peru, the only country


def test_no_groups_no_protection_or_tax():
    protection, strength, tax = groups().protection()
    assert not protection.any() and not strength.any() and not tax.any()
