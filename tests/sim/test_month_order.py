"""BalloonModel.step runs one call per mechanism, in the order docs/mechanisms.md documents, and each
mechanism finds on the month what the earlier ones wrote (and nothing of the later ones)."""

import dataclasses

import numpy as np
import pytest

from model.sim.month import Month
from sim.tiny_world import tiny_model

ORDER = [
    "events.apply",  # 1. dated events
    "fund_and_equip_governments",  # 2. aid, capacity
    "armed_groups.protection",  # who rules where, before anything else
    "sell_harvest",  # 3. prices, harvest, sale
    "eradicate",  # 4. plans, hits, backlash
    "tend_fields",  # 5. beliefs, planting
    "move_households",  # 6. migration, entry
    "traffic",  # 7. shipping, seizures, relocation
    "armed_groups.tax_and_grow",  # 8. armed groups
    "market.clear",  # 8. the market
    "recorder.record",
]
# What each mechanism adds to the month (the armed groups' rule is written by step itself).
WRITES = {
    "armed_groups.protection": {"protection", "strength", "tax"},
    "sell_harvest": {"price", "buyers", "coca_ha", "leaf_kg", "sold_kg", "revenue_usd"},
    "eradicate": {"planned", "outcome"},
    "tend_fields": {"net_revenue_ha", "planted"},
    "move_households": {"free_ha", "leaving", "arriving", "entering", "exiting"},
    "traffic": {"cocaine_t", "interdiction", "seized_t"},
}
MONTH_METHODS = ["fund_and_equip_governments", "sell_harvest", "eradicate", "tend_fields",
                 "move_households", "traffic"]  # fmt: skip


def filled(month: Month) -> set[str]:
    """The fields a mechanism has written on the month so far."""
    values = {f.name: getattr(month, f.name) for f in dataclasses.fields(month) if f.name != "t"}
    unset = [name for name, value in values.items() if value is None or np.size(value) == 0]
    return set(values) - set(unset)


def spy(monkeypatch, model):
    """Record each mechanism's call, with the month it got and what was on it then."""
    calls, current = [], {}

    def wrap(owner, attribute, label):
        original = getattr(owner, attribute)

        def spying(*args, **kwargs):
            month = args[0] if args and isinstance(args[0], Month) else current.get("month")
            if isinstance(month, Month):
                current["month"] = month
            seen = filled(month) if isinstance(month, Month) else None
            calls.append((label, month, seen, args))
            return original(*args, **kwargs)

        monkeypatch.setattr(owner, attribute, spying)

    wrap(model.events, "apply", "events.apply")
    for name in MONTH_METHODS:
        wrap(model, name, name)
    wrap(model.armed_groups, "protection", "armed_groups.protection")
    wrap(model.armed_groups, "tax_and_grow", "armed_groups.tax_and_grow")
    wrap(model.market, "clear", "market.clear")
    wrap(model.recorder, "record", "recorder.record")
    return calls


def test_each_month_calls_every_mechanism_once_in_the_documented_order(monkeypatch):
    model = tiny_model(end="2000-03")
    calls = spy(monkeypatch, model)
    for t in range(3):
        assert model.running
        model.step()
        assert model.t == t + 1
    assert [label for label, *_ in calls] == ORDER * 3
    assert not model.running  # the scenario has three months


def test_each_mechanism_finds_what_the_earlier_ones_wrote_and_nothing_of_the_later_ones(
    monkeypatch,
):
    model = tiny_model()
    calls = spy(monkeypatch, model)
    model.step()
    expected, months = set(), set()
    for label, month, seen, _ in calls:
        if label == "events.apply":
            continue
        months.add(id(month))
        assert seen == expected, label
        expected |= WRITES.get(label, set())
    assert len(months) == 1  # one Month record handed from mechanism to mechanism
    assert expected == filled(calls[-1][1])


def test_the_armed_groups_and_the_market_get_the_months_totals(monkeypatch):
    policy = {"instrument": "interdiction", "country": "south",
              "schedule": [{"start": "2000-01", "value": 0.3}]}  # fmt: skip
    model = tiny_model(policies=[policy])
    calls = spy(monkeypatch, model)
    model.step()
    by_label = {label: (month, args) for label, month, _, args in calls}
    month, (revenue, counterinsurgency) = by_label["armed_groups.tax_and_grow"]
    assert revenue is month.revenue_usd and counterinsurgency.shape == (2,)
    _, (t, production, seized) = by_label["market.clear"]
    assert t == 0 and production == pytest.approx(month.cocaine_t.sum()) and production > 0
    assert seized == pytest.approx(month.seized_t.sum()) and seized > 0
    assert month.interdiction[1] == pytest.approx(0.3)


def test_a_months_events_reach_the_actors_before_they_act_that_month(monkeypatch):
    aerial = {"instrument": "aerial_eradication", "country": "north",
              "schedule": [{"start": "2000-01", "value": 12_000}]}  # fmt: skip
    cut = {"date": "2000-03", "kind": "policy_cut", "country": "north",
           "instrument": "aerial_eradication", "factor": 0.0, "months": 1}  # fmt: skip
    model = tiny_model(policies=[aerial], events=[cut])
    calls = spy(monkeypatch, model)
    model.run_for(4)
    planned = [month.planned[0].sum() for label, month, *_ in calls if label == "recorder.record"]
    assert planned[0] > 0 and planned[1] > 0 and planned[3] > 0
    assert planned[2] == 0  # the cut of month 2 stopped that month's spraying
