"""The foreign sponsor's rule: fixed shares, or the production of some months ago."""

import numpy as np
import pytest

from model.sim.sponsor import ForeignSponsor
from sim.tiny_world import tiny_model

BUDGET = 100e6


def sponsor(**params):
    model = tiny_model(sponsor=params)
    return ForeignSponsor(model, np.full(model.params.months, BUDGET))


def test_fixed_shares_split_the_budget_in_their_proportions():
    history = np.zeros((1, 2))
    assert np.allclose(sponsor(shares={"north": 0.75, "south": 0.25}).allocate(0, history),
                       [75e6, 25e6])  # fmt: skip
    assert np.allclose(sponsor(shares={"north": 0.3, "south": 0.1}).allocate(0, history),
                       [75e6, 25e6])  # fmt: skip
    assert np.allclose(sponsor(shares={"north": 0.5}).allocate(0, history), [BUDGET, 0.0])
    assert np.allclose(sponsor().allocate(0, history), [50e6, 50e6])  # no shares: equal


def test_following_production_splits_by_the_production_lag_months_ago():
    aid = sponsor(rule="follow_production", lag_months=3)
    history = np.ones((8, 2))
    history[2] = [3.0, 1.0]
    history[5] = [1.0, 9.0]
    assert np.allclose(aid.allocate(5, history), [75e6, 25e6])  # month 2's production
    assert np.allclose(aid.allocate(8, history), [10e6, 90e6])  # month 5's
    assert np.allclose(aid.allocate(2, history), [50e6, 50e6])  # before the lag: month 0's
    history[2] = 0.0
    assert np.allclose(aid.allocate(5, history), [50e6, 50e6])  # no production: equal
    assert aid.allocate(5, history).sum() == pytest.approx(BUDGET)


def test_no_budget_no_aid():
    model = tiny_model()
    silent = ForeignSponsor(model, np.zeros(model.params.months))
    assert (silent.allocate(0, np.ones((1, 2))) == 0).all()


def test_the_model_hands_each_government_its_share_of_the_scheduled_budget():
    budget = {"instrument": "aid_budget",
              "schedule": [{"start": "2000-03", "value": 80e6}]}  # fmt: skip
    model = tiny_model(policies=[budget], sponsor={"shares": {"north": 0.6, "south": 0.2}})
    assert model.sponsor.budget_usd_yr[2] == 80e6 and model.sponsor.budget_usd_yr[1] == 0
    model.run_for(3)
    assert [g.aid_usd_yr for g in model.governments] == pytest.approx([60e6, 20e6])


def test_following_production_without_a_lag_runs_and_follows_the_latest_production():
    budget = {"instrument": "aid_budget", "schedule": [{"start": "2000-01", "value": 100e6}]}
    model = tiny_model(policies=[budget], sponsor={"rule": "follow_production", "lag_months": 0})
    model.run_for(3)
    north, south = (g.aid_usd_yr for g in model.governments)
    assert north + south == pytest.approx(100e6) and north > south  # north grows more coca
