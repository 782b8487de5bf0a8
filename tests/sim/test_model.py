"""Behaviour of the core model: determinism, invariants and each balloon mechanism."""

import numpy as np
import pandas as pd
import pytest
from conftest import eradication, run, small_scenario
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model import BalloonModel, Scenario
from model.scenario.defaults import DEFAULT_REGIONS

COLOMBIA_PUSH = [eradication("colombia", 60_000, method="aerial")]


def country_series(model, country, column="hectares"):
    c = model.countries
    return c[c.country == country].set_index("date")[column]


def others(model, country, column="hectares"):
    c = model.countries
    return c[c.country != country].groupby("date")[column].sum()


# --------------------------------------------------------------------------- determinism


def test_same_seed_gives_identical_tables():
    scenario = small_scenario(policies=COLOMBIA_PUSH)
    a, b = run(scenario), run(scenario)
    pd.testing.assert_frame_equal(a.regions, b.regions)
    pd.testing.assert_frame_equal(a.system, b.system)
    pd.testing.assert_frame_equal(a.trafficker_table, b.trafficker_table)


def test_another_seed_gives_different_tables():
    scenario = small_scenario(policies=COLOMBIA_PUSH)
    a, b = run(scenario, seed=1), run(scenario, seed=2)
    assert not np.allclose(a.regions.hectares, b.regions.hectares)


def test_baseline_starts_at_the_data_and_stays_in_equilibrium():
    model = run(small_scenario())
    first = model.countries.query("date == date.min()").set_index("country").hectares
    assert first["peru"] == pytest.approx(121_300, rel=0.01)
    assert first["bolivia"] == pytest.approx(50_300, rel=0.01)
    system = model.system
    assert system.hectares.max() - system.hectares.min() < 0.001 * system.hectares.mean()
    assert system.source_price.nunique() == 1


# --------------------------------------------------------------------------- invariants

policy_levels = st.floats(min_value=0, max_value=200_000)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    aerial=st.tuples(policy_levels, policy_levels, policy_levels),
    manual=st.tuples(policy_levels, policy_levels, policy_levels),
    substitution=policy_levels,
    interdiction=st.floats(0, 0.9),
    elasticity=st.floats(-2.0, 0.0),
    flexibility=st.floats(0, 5),
    replant=st.floats(0, 1),
    migration=st.floats(0, 0.5),
    entry=st.floats(0, 0.1),
    protection=st.floats(0, 1),
    markdown=st.floats(0, 1),
    seed=st.integers(0, 2**32),
)
def test_invariants_hold_for_random_parameters(
    aerial, manual, substitution, interdiction, elasticity, flexibility, replant, migration,
    entry, protection, markdown, seed,
):  # fmt: skip
    countries = ["peru", "colombia", "bolivia"]
    policies = [
        eradication(c, v, "1995-06", "1997-06", "aerial")
        for c, v in zip(countries, aerial, strict=True)
    ]
    policies += [
        eradication(c, v, "1995-03", "1997-01") for c, v in zip(countries, manual, strict=True)
    ]
    policies += [
        {"instrument": "alternative_development", "country": "peru",
         "schedule": [{"start": "1995-01", "value": substitution}]},
        {"instrument": "interdiction", "country": "colombia",
         "schedule": [{"start": "1995-01", "value": interdiction}]},
    ]  # fmt: skip
    scenario = small_scenario(
        end="1997-12",
        seed=seed,
        policies=policies,
        households={"scale": 0.005, "replant_forced": replant, "migration_rate": migration,
                    "entry_rate": entry},
        market={"demand_elasticity": elasticity, "price_flexibility": flexibility},
        armed_groups={"protection": protection},
        traffickers={"markdown": markdown},
    )  # fmt: skip
    model = run(scenario)
    regions, countries_t, system = model.regions, model.countries, model.system
    for table in (regions, countries_t, system):
        numbers = table.select_dtypes("number")
        assert np.isfinite(numbers.to_numpy()).all()
        assert (numbers.to_numpy() >= -1e-9).all()
    # eradication this month never exceeds the coca there at the start of the month
    hectares = regions.pivot(index="date", columns="region", values="hectares")
    removed = regions.pivot(index="date", columns="region", values="eradicated_ha")
    removed += regions.pivot(index="date", columns="region", values="voluntary_ha")
    before = hectares.shift(1)
    initial = pd.Series({r["name"]: r["initial_coca_ha"] for r in DEFAULT_REGIONS})
    before.iloc[0] = initial.reindex(hectares.columns).to_numpy()
    assert (removed <= before + 1e-6).all().all()
    suitable = pd.Series({r["name"]: r["suitable_ha"] for r in DEFAULT_REGIONS})
    assert (hectares <= suitable[hectares.columns] + 1e-6).all().all()
    # countries and system add up to their regions
    summed = regions.groupby(["date", "country"])[["hectares", "eradicated_ha", "leaf_t"]].sum()
    mine = countries_t.set_index(["date", "country"])[["hectares", "eradicated_ha", "leaf_t"]]
    pd.testing.assert_frame_equal(summed.sort_index(), mine.sort_index(), check_exact=False)
    np.testing.assert_allclose(
        system.hectares.to_numpy(), regions.groupby("date").hectares.sum().to_numpy()
    )


# --------------------------------------------------------------------------- mechanisms


def test_eradication_in_colombia_raises_coca_elsewhere_when_channels_are_on():
    policy = run(small_scenario(policies=COLOMBIA_PUSH))
    counterfactual = run(small_scenario())
    removed = (
        counterfactual.countries.query("country == 'colombia'").hectares.iloc[-1]
        - (policy.countries.query("country == 'colombia'").hectares.iloc[-1])
    )
    extra = others(policy, "colombia").iloc[-1] - others(counterfactual, "colombia").iloc[-1]
    assert removed > 10_000
    assert extra > 0.1 * removed


def test_with_every_channel_off_eradication_cannot_raise_coca_elsewhere():
    off = {
        "price_response": False,
        "trafficker_relocation": False,
        "household_migration": False,
        "household_entry": False,
    }
    policy = run(small_scenario(policies=COLOMBIA_PUSH, channels=off))
    counterfactual = run(small_scenario(channels=off))
    np.testing.assert_array_equal(others(policy, "colombia"), others(counterfactual, "colombia"))
    assert (
        country_series(policy, "colombia").iloc[-1]
        < country_series(counterfactual, "colombia").iloc[-1]
    )


def test_balloon_is_contained_when_no_free_suitable_land_exists_elsewhere():
    full = {
        r["name"]: {"suitable_ha": r["initial_coca_ha"]}
        for r in DEFAULT_REGIONS
        if r["country"] != "colombia"
    }
    world = {"region_overrides": full}
    policy = run(small_scenario(policies=COLOMBIA_PUSH, world=world))
    counterfactual = run(small_scenario(world=world))
    assert (others(policy, "colombia") <= others(counterfactual, "colombia") + 1e-6).all()
    open_policy = run(small_scenario(policies=COLOMBIA_PUSH))
    open_cf = run(small_scenario())
    assert others(open_policy, "colombia").iloc[-1] > others(open_cf, "colombia").iloc[-1] + 1000


def test_coordinated_pressure_displaces_less_per_hectare_removed_than_pressure_on_one():
    counterfactual = run(small_scenario())
    alone = run(small_scenario(policies=COLOMBIA_PUSH))
    together = run(
        small_scenario(
            policies=COLOMBIA_PUSH
            + [
                eradication("peru", 60_000, method="aerial"),
                eradication("bolivia", 25_000, method="aerial"),
            ]
        )
    )

    def displacement(model, end_of_pressure="2001-12-01"):
        removed = country_series(counterfactual, "colombia") - country_series(model, "colombia")
        extra = others(model, "colombia") - others(counterfactual, "colombia")
        return extra[end_of_pressure] / removed[end_of_pressure]

    assert displacement(alone) > 0.1
    assert displacement(together) < displacement(alone)


def test_farmgate_prices_rise_after_heavy_eradication_while_wholesale_moves_much_less():
    heavy = [eradication("colombia", 80_000, method="aerial"), eradication("peru", 80_000)]
    policy = run(small_scenario(policies=heavy))
    counterfactual = run(small_scenario())
    window = slice("1999-01-01", "2001-12-01")
    farmgate = country_series(policy, "bolivia", "farmgate_price")[window].mean() / (
        country_series(counterfactual, "bolivia", "farmgate_price")[window].mean()
    )
    wholesale = policy.system.set_index("date").wholesale_price[window].mean() / (
        counterfactual.system.set_index("date").wholesale_price[window].mean()
    )
    assert farmgate > 1.10
    assert wholesale - 1 < (farmgate - 1) / 5


def test_armed_protection_lowers_effective_eradication():
    push = [{"instrument": "manual_eradication", "region": "putumayo_caqueta",
             "schedule": [{"start": "1996-01", "value": 60_000}]}]  # fmt: skip

    def eradicated(protection):
        model = run(small_scenario(policies=push, armed_groups={"protection": protection}))
        return model.regions.query("region == 'putumayo_caqueta'").eradicated_ha.sum()

    assert eradicated(0.9) < 0.75 * eradicated(0.0)


def test_a_trafficker_entering_a_region_raises_coca_there():
    entry = [{"date": "1997-01", "kind": "trafficker_entry", "trafficker": "sinaloa_cartel",
              "region": "vraem"}]  # fmt: skip
    policy = run(small_scenario(events=entry))
    counterfactual = run(small_scenario())

    def vraem(model):
        return model.regions.query("region == 'vraem'").hectares.iloc[-1]

    assert vraem(policy) > 1.05 * vraem(counterfactual)


def test_backlash_past_its_threshold_cuts_eradication():
    push = [eradication("peru", 100_000)]
    touchy = run(small_scenario(policies=push, government={"backlash_sensitivity": 20.0}))
    calm = run(small_scenario(policies=push, government={"backlash_sensitivity": 0.0}))
    assert country_series(touchy, "peru", "cutting_back").max() == 1.0
    assert country_series(calm, "peru", "cutting_back").max() == 0.0
    assert touchy.countries.query("country == 'peru'").eradicated_ha.sum() < (
        calm.countries.query("country == 'peru'").eradicated_ha.sum()
    )


def test_sponsor_following_production_gives_the_largest_producer_the_most_aid():
    aid = [{"instrument": "aid_budget", "schedule": [{"start": "1995-01", "value": 300e6}]}]
    model = run(small_scenario(policies=aid, sponsor={"rule": "follow_production"}))
    last = model.countries.query("date == date.max()").set_index("country").aid_usd_yr
    assert last.idxmax() == "peru"
    assert last.sum() == pytest.approx(300e6)


def test_voluntary_substitution_is_rarely_replanted_unlike_forced_eradication():
    model = BalloonModel(small_scenario())
    hh, R = model.households, model.world.n_regions
    peru = np.zeros(R)
    peru[model.world.region_index("upper_huallaga")] = 5_000.0
    zeros = np.zeros(R)
    u = np.random.default_rng(0).random(hh.capacity)

    def replanted(outcome, before):
        removed = outcome.manual_ha.sum() + outcome.voluntary_ha.sum()
        return (hh.coca().sum() * hh.weight - before + removed) / removed

    before = hh.coca().sum() * hh.weight
    forced = hh.eradicate(zeros, peru, zeros, 0.5, 0.95, model.world.legal_ha, zeros, u)
    replanted_forced = replanted(forced, before)
    before = hh.coca().sum() * hh.weight
    voluntary = hh.eradicate(zeros, zeros, peru, 0.5, 0.95, model.world.legal_ha, zeros, u)
    replanted_voluntary = replanted(voluntary, before)
    assert replanted_forced == pytest.approx(0.6)
    assert replanted_voluntary == pytest.approx(0.006)
    assert forced.manual_ha.sum() == pytest.approx(5_000, rel=0.3)


def test_legal_coca_is_never_eradicated():
    push = [eradication("bolivia", 200_000)]
    model = run(small_scenario(policies=push))
    yungas = model.regions.query("region == 'yungas'")
    before = np.concatenate([[12_000.0], yungas.hectares.to_numpy()[:-1]])
    assert (yungas.eradicated_ha.to_numpy() <= np.maximum(before - 12_000, 0) + 1e-6).all()


def test_leader_capture_weakens_the_group():
    capture = [{"date": "1996-01", "kind": "leader_capture", "group": "shining_path_huallaga",
                "factor": 0.8}]  # fmt: skip
    model = run(small_scenario(events=capture))
    strength = model.regions.query("region == 'upper_huallaga'").set_index("date").armed_strength
    assert strength["1996-01-01"] < 0.5 * strength["1995-12-01"]


def test_model_steps_with_mesa_run_for_and_reports_its_outputs():
    model = BalloonModel(small_scenario())
    model.run_for(6)
    assert len(model.system) == 6
    assert set(model.regions.columns) >= {"date", "country", "region", "hectares",
                                          "eradicated_ha", "leaf_t", "cocaine_t", "farmgate_price"}  # fmt: skip
    assert set(model.system.columns) >= {"wholesale_price", "supply_t", "seizures_t"}
    assert model.world.network is not None and len(model.world.network.all_cells) == 16


def test_default_world_is_andean_with_frontier_regions():
    scenario = Scenario()
    regions = scenario.resolved_regions()
    assert len(regions) >= 15
    assert {r.country for r in regions} == {"peru", "colombia", "bolivia"}
    frontier = [r for r in regions if r.initial_coca_ha < 0.1 * r.suitable_ha]
    assert len(frontier) >= 3


def test_households_come_back_after_a_temporary_price_cut():
    # A 40% cut in Peru's farm-gate prices for 18 months (as in 1995-96) moves households out of
    # the Upper Huallaga; once it ends, land rent (low where they left, high where they went) pulls
    # them back: no one-way ratchet. Traffickers stay put here, so only households move.
    shock = [{"date": "1995-04", "kind": "price_shock", "country": "peru", "factor": 0.6,
              "months": 18}]  # fmt: skip
    still = {"trafficker_relocation": False}
    changes = {"start": "1993-01", "end": "2008-12", "channels": still,
               "households": {"land_rent_usd_ha": 400}}  # fmt: skip
    shocked = run(small_scenario(events=shock, **changes), seed=1).regions
    calm = run(small_scenario(**changes), seed=1).regions

    def households(table, when):
        row = table[(table.region == "upper_huallaga") & (table.date == when)]
        return float(row.households.iloc[0])

    left = households(calm, "1996-09-01") - households(shocked, "1996-09-01")
    still_away = households(calm, "2008-12-01") - households(shocked, "2008-12-01")
    assert left > 0.03 * households(calm, "1996-09-01")  # the cut moved households out
    assert still_away < 0.5 * left  # most came back
