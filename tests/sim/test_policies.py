"""Policy schedules to monthly values: steps, ramps, and where each policy lands."""

import numpy as np
import pytest

from model.scenario.policy_spec import ScheduleEntry
from model.sim.policies import PolicyPlan, kill_rates, schedule_values
from sim.tiny_world import tiny_model, tiny_scenario

SCENARIO = tiny_scenario()  # 2000-01 to 2001-12: 24 months


def values(*entries):
    return schedule_values([ScheduleEntry.model_validate(e) for e in entries], SCENARIO)


def test_steps_hold_their_value_from_their_start_and_zero_comes_before():
    got = values({"start": "2000-04", "value": 10}, {"start": "2000-10", "value": 3})
    assert len(got) == 24
    assert (got[:3] == 0).all() and (got[3:9] == 10).all() and (got[9:] == 3).all()


def test_a_ramp_moves_linearly_to_its_end_value_and_stays_there():
    got = values({"start": "2000-03", "value": 0, "end": "2001-03", "end_value": 12})
    assert (got[:2] == 0).all()
    assert got[2] == 0 and got[8] == pytest.approx(6) and got[14] == 12
    assert np.allclose(np.diff(got[2:15]), 1.0)  # 12 over 12 months
    assert (got[14:] == 12).all()
    down = values({"start": "2000-01", "value": 8, "end": "2000-05", "end_value": 0})
    assert np.allclose(down[:6], [8, 6, 4, 2, 0, 0]) and (down[5:] == 0).all()


def test_a_ramp_then_a_step():
    got = values(
        {"start": "2000-01", "value": 0, "end": "2000-11", "end_value": 5},
        {"start": "2001-01", "value": 1},
    )
    assert got[5] == pytest.approx(2.5) and got[10] == 5 and got[11] == 5 and (got[12:] == 1).all()


def test_schedules_that_began_before_the_run_or_start_after_it():
    assert (values({"start": "1998-01", "value": 5}) == 5).all()
    began = values({"start": "1999-07", "value": 0, "end": "2000-07", "end_value": 12})
    assert began[0] == pytest.approx(6) and began[6] == 12  # half way at the run's start
    assert (values({"start": "2003-01", "value": 5}) == 0).all()


def test_the_plan_puts_each_policy_on_its_country_or_region_scaled_and_summed():
    def policy(instrument, value, scale=1.0, **where):
        return {"instrument": instrument, "schedule": [{"start": "2000-01", "value": value}],
                "scale": scale, **where}  # fmt: skip

    model = tiny_model(policies=[
        policy("manual_eradication", 1_000, country="north"),
        policy("manual_eradication", 500, scale=2.0, country="north"),
        policy("manual_eradication", 700, region="north_b"),
        policy("interdiction", 0.2, country="south"),
        policy("aid_budget", 10e6),
        policy("aid_budget", 5e6),
    ])  # fmt: skip
    plan = PolicyPlan.from_scenario(model.params, model.world)
    assert plan.planned_country["manual_eradication"].shape == (24, 2)
    assert (plan.planned_country["manual_eradication"] == [2_000, 0]).all()
    assert (plan.planned_region["manual_eradication"] == [0, 700, 0]).all()
    assert (plan.planned_country["interdiction"] == [0, 0.2]).all()
    assert (plan.aid_budget_usd_yr == 15e6).all()
    assert not plan.planned_country["aerial_eradication"].any()
    for table in (plan.recorded_country, plan.recorded_region):  # nothing marked as history
        assert not any(values.any() for values in table.values())


def test_recorded_values_go_to_the_record_until_their_month_and_plans_after_it():
    def policy(value, recorded_until, **where):
        return {"instrument": "manual_eradication", "recorded_until": recorded_until,
                "schedule": [{"start": "2000-01", "value": value}], **where}  # fmt: skip

    model = tiny_model(policies=[
        policy(1_000, "2000-06", country="north"),
        policy(500, "2001-03", country="north"),
        policy(700, "2000-09", region="north_b"),
    ])  # fmt: skip
    plan = PolicyPlan.from_scenario(model.params, model.world)
    recorded = plan.recorded_country["manual_eradication"][:, 0]
    planned = plan.planned_country["manual_eradication"][:, 0]
    assert (recorded[:6] == 1_500).all() and (recorded[6:15] == 500).all()
    assert (recorded[15:] == 0).all()
    assert (planned[:6] == 0).all() and (planned[6:15] == 1_000).all()
    assert (planned[15:] == 1_500).all()
    assert (recorded + planned == 1_500).all()  # every value is one or the other
    region_recorded = plan.recorded_region["manual_eradication"][:, 1]
    assert (region_recorded[:9] == 700).all() and (region_recorded[9:] == 0).all()
    # Region targets: the record in full, plans times the share kept after backlash.
    assert plan.region_targets("manual_eradication", 3, 0.4)[1] == pytest.approx(700)
    assert plan.region_targets("manual_eradication", 12, 0.4)[1] == pytest.approx(280)
    assert plan.region_targets("manual_eradication", 12, 1.0)[1] == pytest.approx(700)


def _programme(instrument, where, kill_rate, **place):
    return {"name": where, "instrument": instrument, "kill_rate": kill_rate,
            "schedule": [{"start": "2000-01", "value": 100}], **place}  # fmt: skip


def test_a_programmes_kill_rate_covers_its_country_and_a_regions_own_wins():
    scenario = tiny_scenario(
        government={"aerial_kill_rate": 0.4, "manual_kill_rate": 0.7},
        policies=[
            _programme("manual_eradication", "north_b_only", 0.5, region="north_b"),
            _programme("manual_eradication", "north_manual", 0.9, country="north"),
            _programme("aerial_eradication", "south_aerial", 0.2, country="south"),
        ],
    )
    aerial, manual = kill_rates(scenario, tiny_model().world)
    assert aerial.tolist() == [0.4, 0.4, 0.2]  # north sprays at the government's rate
    # north_a takes its country's programme, north_b its own (listed first, still the one)
    assert manual.tolist() == [0.9, 0.5, 0.7]


def test_without_programme_kill_rates_every_region_has_the_governments():
    scenario = tiny_scenario(government={"aerial_kill_rate": 0.35, "manual_kill_rate": 0.8})
    assert kill_rates(scenario, tiny_model().world).tolist() == [[0.35] * 3, [0.8] * 3]
