"""Balloon metrics on hand-built tables whose answers are known."""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from model.columns import BALLOON_METRICS
from model.experiments import metrics, pressure
from model.experiments.pressure import Target, Window

DATES = pd.date_range("2000-01-01", periods=24, freq="MS")
COUNTRY_OF = {"a1": "xland", "a2": "xland", "b1": "yland"}
BASE = {"a1": 1000.0, "a2": 400.0, "b1": 600.0}
WINDOW = Window.parse("2000-07:2001-06")  # months 6-17, 12 months
INSIDE = (DATES >= WINDOW.start) & (DATES <= WINDOW.end)
TARGET = Target("xland")


def regions(changes=None, replication=0, **columns):
    """A regions table: BASE hectares, plus ``changes[region]`` inside the window."""
    changes = changes or {}
    rows = []
    for region, base in BASE.items():
        hectares = np.full(len(DATES), base) + np.where(INSIDE, changes.get(region, 0.0), 0.0)
        frame = pd.DataFrame(
            {"date": DATES, "country": COUNTRY_OF[region], "region": region, "hectares": hectares}
        )
        for name, per_region in columns.items():
            frame[name] = per_region.get(region, 0.0)
        rows.append(frame)
    return pd.concat(rows, ignore_index=True).assign(replication=replication)


def ratios(policy, counterfactual=None, target=TARGET):
    counterfactual = regions() if counterfactual is None else counterfactual
    parts = metrics.displacement_components(policy, counterfactual, target, WINDOW)
    found = metrics.displacement_ratios(parts).iloc[0]
    return (
        found.displacement_ratio,
        found.displacement_ratio_within,
        found.displacement_ratio_across,
        metrics.net_reduction_ha(policy, counterfactual, WINDOW).iloc[0],
    )


# --------------------------------------------------------------------------- displacement


def test_zero_removal_leaves_the_ratio_undefined_and_the_net_effect_zero():
    ratio, within, across, net = ratios(regions())
    assert np.isnan(ratio) and np.isnan(within) and np.isnan(across)
    assert net == 0


def test_all_removed_without_displacement():
    ratio, within, across, net = ratios(regions({"a1": -1000}))
    assert (ratio, within, across) == (0, 0, 0)
    assert net == pytest.approx(1000)


def test_no_displacement_when_nothing_else_moves():
    ratio, _, _, net = ratios(regions({"a1": -100}))
    assert ratio == 0
    assert net == pytest.approx(100)


def test_full_displacement_across_the_border_nets_out():
    ratio, within, across, net = ratios(regions({"a1": -100, "b1": 100}))
    assert ratio == pytest.approx(1)
    assert within == 0
    assert across == pytest.approx(1)
    assert net == pytest.approx(0)


def test_displacement_splits_into_within_and_across():
    ratio, within, across, net = ratios(regions({"a1": -100, "a2": 50, "b1": 25}))
    assert within == pytest.approx(0.5)
    assert across == pytest.approx(0.25)
    assert ratio == pytest.approx(0.75)
    assert net == pytest.approx(25)


def test_overshoot_gives_a_ratio_above_one_and_a_net_increase():
    ratio, _, _, net = ratios(regions({"a1": -100, "b1": 150}))
    assert ratio == pytest.approx(1.5)
    assert net == pytest.approx(-50)


def test_a_fall_elsewhere_is_negative_displacement():
    ratio, _, across, _ = ratios(regions({"a1": -100, "b1": -20}))
    assert across == pytest.approx(-0.2)
    assert ratio == pytest.approx(-0.2)


def test_named_target_regions_count_the_rest_of_the_country_as_within():
    # a2 also falls, but only a1 is named: a2's fall is negative within-country displacement.
    policy = regions({"a1": -100, "a2": -10, "b1": 30})
    _, within, across, _ = ratios(policy, target=Target("xland", ("a1",)))
    assert within == pytest.approx(-0.1)
    assert across == pytest.approx(0.3)
    # By sign, both fell, so both are the target: removed 110, displacement 30 abroad.
    ratio, within, _, _ = ratios(policy)
    assert within == 0
    assert ratio == pytest.approx(30 / 110)


def test_effects_are_averaged_over_the_window_only():
    policy = regions({"a1": -120})
    # A window twice as long, half of it without the change, halves the mean removed.
    longer = Window.parse("2000-01:2001-06")
    parts = metrics.displacement_components(policy, regions(), TARGET, longer)
    assert parts.removed_ha.iloc[0] == pytest.approx(120 * 12 / 18)


def test_replications_pair_by_id():
    policy = pd.concat([regions({"a1": -100, "b1": 50}, 0), regions({"a1": -100, "b1": 100}, 1)])
    counterfactual = pd.concat([regions(replication=0), regions(replication=1)])
    parts = metrics.displacement_components(policy, counterfactual, TARGET, WINDOW)
    values = metrics.displacement_ratios(parts).displacement_ratio
    assert values.to_dict() == pytest.approx({0: 0.5, 1: 1.0})


def test_unpaired_tables_are_an_error():
    with pytest.raises(ValueError, match="do not pair up"):
        metrics.displacement_components(regions(replication=1), regions(), TARGET, WINDOW)


def test_unknown_target_is_an_error():
    with pytest.raises(ValueError, match="zland"):
        metrics.displacement_components(regions(), regions(), Target("zland"), WINDOW)
    with pytest.raises(ValueError, match="b1"):
        metrics.displacement_components(regions(), regions(), Target("xland", ("b1",)), WINDOW)


# --------------------------------------------------------------------------- net effects


def test_net_reduction_per_hectare_eradicated_per_year():
    # 20 ha a month eradicated in a1 during the 12-month window: 240 ha a year.
    policy = regions({"a1": -60}, eradicated_ha={"a1": 0.0})
    policy.loc[INSIDE[policy.index % len(DATES)] & (policy.region == "a1"), "eradicated_ha"] = 20
    policy["voluntary_ha"] = 0.0
    counterfactual = regions(eradicated_ha={}, voluntary_ha={})
    value = metrics.net_reduction_per_ha_eradicated(policy, counterfactual, WINDOW).iloc[0]
    assert value == pytest.approx(60 / 240)


def test_net_reduction_per_hectare_is_undefined_without_eradication():
    policy = regions({"a1": -60}, eradicated_ha={}, voluntary_ha={})
    counterfactual = regions(eradicated_ha={}, voluntary_ha={})
    assert np.isnan(metrics.net_reduction_per_ha_eradicated(policy, counterfactual, WINDOW).iloc[0])


def system(supply_change=0.0, price_factor=1.0, replication=0):
    return pd.DataFrame(
        {
            "date": DATES,
            "supply_t": 50.0 + np.where(INSIDE, supply_change, 0.0),
            "wholesale_price": 20_000.0 * np.where(INSIDE, price_factor, 1.0),
            "replication": replication,
        }
    )


def countries(eradication_usd=0.0, interdiction_usd=0.0):
    """Countries table; spending is spread evenly over the window's months in xland."""
    rows = []
    for country in ("xland", "yland"):
        share = INSIDE / INSIDE.sum() if country == "xland" else np.zeros(len(DATES))
        rows.append(
            pd.DataFrame(
                {
                    "date": DATES,
                    "country": country,
                    "eradication_spending_usd": eradication_usd * share,
                    "substitution_spending_usd": 0.0,
                    "interdiction_spending_usd": interdiction_usd * share,
                    "replication": 0,
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def test_supply_change_is_in_tonnes_per_year():
    value = metrics.supply_change_t(system(-10.0), system(), WINDOW).iloc[0]
    assert value == pytest.approx(-120)


def test_wholesale_price_change_is_relative():
    value = metrics.wholesale_price_change(system(price_factor=1.1), system(), WINDOW).iloc[0]
    assert value == pytest.approx(0.1)


def test_cost_per_kg_removed_per_instrument_shares_one_denominator():
    # 1 t a month less supply for 12 months = 12,000 kg kept off the market.
    costs = metrics.cost_per_kg_removed(
        countries(eradication_usd=12e6, interdiction_usd=6e6),
        countries(),
        system(-1.0),
        system(),
        WINDOW,
    ).iloc[0]
    assert costs["eradication"] == pytest.approx(1000)
    assert costs["interdiction"] == pytest.approx(500)
    assert np.isnan(costs["substitution"])  # nothing spent on it
    assert costs["total"] == pytest.approx(1500)


def test_cost_per_kg_is_undefined_when_supply_does_not_fall():
    costs = metrics.cost_per_kg_removed(
        countries(eradication_usd=1e6), countries(), system(+1.0), system(), WINDOW
    ).iloc[0]
    assert np.isnan(costs["eradication"]) and np.isnan(costs["total"])


# --------------------------------------------------------------------------- recovery, spread


def recovering(months_to_recover):
    """a1 loses 500 ha in the window, then climbs back in a straight line."""
    policy = regions({"a1": -500})
    after = np.flatnonzero(DATES > WINDOW.end)
    for k, i in enumerate(after):
        left = max(0.0, 500 * (1 - (k + 1) / months_to_recover))
        policy.loc[(policy.region == "a1") & (policy.date == DATES[i]), "hectares"] = 1000 - left
    return policy


def test_recovery_counts_months_after_pressure_ends():
    # Back within 5% of 1000 ha once the gap is below 50 ha: month 5 of a 5.5-month climb.
    value = metrics.recovery_months(recovering(5.5), regions(), TARGET, WINDOW).iloc[0]
    assert value == 5
    jump = metrics.recovery_months(regions({"a1": -500}), regions(), TARGET, WINDOW).iloc[0]
    assert jump == 1  # back the month after the last month of pressure
    later = metrics.recovery_months(recovering(5.5), regions(), TARGET, WINDOW, DATES[23])
    assert later.iloc[0] == 0  # counted from a later end of pressure: already back


def test_recovery_is_undefined_when_nothing_was_removed():
    assert np.isnan(metrics.recovery_months(regions(), regions(), TARGET, WINDOW).iloc[0])


def test_recovery_is_undefined_when_the_target_never_recovers():
    policy = regions({"a1": -500})
    policy.loc[(policy.region == "a1") & (policy.date > WINDOW.end), "hectares"] = 500
    assert np.isnan(metrics.recovery_months(policy, regions(), TARGET, WINDOW).iloc[0])


def test_active_regions_and_concentration():
    table = regions({"a1": -1000, "a2": -300})  # a1 0 ha, a2 100 ha, b1 600 ha inside
    assert metrics.active_regions(table, WINDOW.end).iloc[0] == 1
    assert metrics.active_regions(table, DATES[0]).iloc[0] == 2  # a2's 400 ha is under 500
    assert metrics.concentration(table, WINDOW.end).iloc[0] == pytest.approx(
        (100 / 700) ** 2 + (600 / 700) ** 2
    )
    even = regions({"a1": -400, "b1": -200})  # 600, 400, 400
    assert metrics.concentration(even, WINDOW.end).iloc[0] == pytest.approx(
        (0.6**2 + 0.4**2 + 0.4**2) / 1.4**2
    )


# --------------------------------------------------------------------------- summaries


def test_summary_is_median_and_90_percent_interval_without_nans():
    values = pd.Series([*range(101), np.nan])
    summary = metrics.summarise(values)
    assert summary == {"median": 50, "low": 5, "high": 95, "n": 101}
    assert metrics.summarise(pd.Series([np.nan]))["n"] == 0


def test_balloon_metrics_reports_every_metric_per_replication():
    extra = {"eradicated_ha": {}, "voluntary_ha": {}, "eradication_spending_usd": {}}
    run = SimpleNamespace(
        regions=regions({"a1": -100, "b1": 100}, **extra), countries=countries(), system=system()
    )
    base = SimpleNamespace(regions=regions(**extra), countries=countries(), system=system())
    table = metrics.balloon_metrics(run, base, TARGET, WINDOW)
    assert list(table.columns) == list(BALLOON_METRICS)
    assert table.loc[0, "displacement_ratio"] == pytest.approx(1)
    assert table.loc[0, "recovery_months"] == 1
    summary = metrics.summarise_metrics(table).set_index("metric")
    assert summary.loc["displacement_ratio", "median"] == pytest.approx(1)
    assert summary.loc["supply_change_t", "unit"] == "t/yr"


@pytest.mark.parametrize(
    "text, error",
    [("1997-01", "START:END"), ("1999-01:1997-01", "before its start"), ("1997-13:1998-01", "13")],
)
def test_bad_windows_say_what_is_wrong(text, error):
    with pytest.raises(ValueError, match=error):
        Window.parse(text)


def test_target_parsing():
    assert Target.parse("colombia") == Target("colombia")
    assert Target.parse("colombia:narino, cauca") == Target("colombia", ("narino", "cauca"))
    assert str(Target.parse("peru:vraem")) == "peru:vraem"


# --------------------------------------------------------------------------- pressure


def test_pressure_months_are_where_the_schedules_differ():
    from conftest import eradication, small_scenario

    policy = small_scenario(policies=[eradication("colombia", 30_000, "1997-01", "2001-12")])
    months = pressure.pressure_months(policy, small_scenario())
    assert months[0] == pd.Timestamp("1997-01-01")
    assert months[-1] == pd.Timestamp("2001-11-01")  # the schedule is back to 0 from 2001-12
    assert len(months) == 59
    assert pressure.pressure_months(policy, policy).empty
    both = small_scenario(
        policies=[
            eradication("colombia", 30_000, "1997-01", "1998-12"),
            eradication("peru", 10_000, "2000-01", "2000-12"),
        ]
    )
    spans = pressure.pressure_spans(pressure.pressure_months(both))
    assert spans == [
        (pd.Timestamp("1997-01-01"), pd.Timestamp("1998-11-01")),
        (pd.Timestamp("2000-01-01"), pd.Timestamp("2000-11-01")),
    ]


def test_pressure_ignores_differences_present_from_the_first_month():
    from conftest import small_scenario

    policy = small_scenario(
        policies=[
            {"instrument": "interdiction", "country": "colombia",
             "schedule": [{"start": "1995-01", "value": 0.05}, {"start": "1999-01", "value": 0.2}]},
            {"instrument": "manual_eradication", "country": "peru",
             "schedule": [{"start": "1998-01", "value": 5000}, {"start": "1998-07", "value": 0}]},
        ]
    )  # fmt: skip
    months = pressure.pressure_months(policy, small_scenario())
    assert months[0] == pd.Timestamp("1998-01-01")  # the 5% interdiction is the starting state
    assert months[-1] == pd.Timestamp("2004-12-01")
    removal = pressure.pressure_months(policy, small_scenario(), pressure.REMOVAL_INSTRUMENTS)
    assert (removal[0], removal[-1]) == (pd.Timestamp("1998-01-01"), pd.Timestamp("1998-06-01"))
