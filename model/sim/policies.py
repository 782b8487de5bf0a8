"""Turn a scenario's policy schedules into monthly arrays the agents read."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.scenario.policy_spec import INSTRUMENTS, KILLING, ScheduleEntry
from model.scenario.schema import Scenario
from model.sim.world import World


def schedule_values(entries: list[ScheduleEntry], scenario: Scenario) -> np.ndarray:
    """Value of a schedule in every simulated month (0 before its first entry).

    Each entry holds its value from its start on; a ramp moves linearly from ``value`` at
    ``start`` to ``end_value`` at ``end`` and then stays there.
    """
    months = np.arange(scenario.months)
    out = np.zeros(scenario.months)
    for entry in entries:
        t0 = scenario.month_index(entry.start)
        after = months >= t0
        out[after] = entry.value
        if entry.end is not None:
            t1 = scenario.month_index(entry.end)
            ramp = after & (months < t1)
            out[ramp] = entry.value + (entry.end_value - entry.value) * (months[ramp] - t0) / (
                t1 - t0
            )
            out[months >= t1] = entry.end_value
    return out


def kill_rates(scenario: Scenario, world: World) -> np.ndarray:
    """Share of the coca on a treated hectare destroyed, 2 x regions: aerial, then manual.

    The government's rates, except where a programme gives its own: a country's programme sets
    its regions, a programme confined to a region sets that region (the more specific wins).
    """
    government = scenario.government
    rates = np.empty((len(KILLING), world.n_regions))
    rates[0] = government.aerial_kill_rate
    rates[1] = government.manual_kill_rate
    mine = [p for p in scenario.policies if p.kill_rate is not None]
    for policy in sorted(mine, key=lambda p: p.region is not None):
        if policy.region is not None:
            where = world.region_index(policy.region)
        else:
            where = world.country_of == world.country_index(policy.country)
        rates[KILLING.index(policy.instrument), where] = policy.kill_rate
    return rates


@dataclass
class PolicyPlan:
    """Monthly policy inputs, per country (months x countries) and per region (months x regions).

    ``recorded`` holds the values of months a policy marks as recorded history
    (``recorded_until``): they are applied as recorded. ``planned`` holds every other value: plans,
    which backlash and ``policy_cut`` events can cut.
    """

    planned_country: dict[str, np.ndarray]
    planned_region: dict[str, np.ndarray]
    recorded_country: dict[str, np.ndarray]
    recorded_region: dict[str, np.ndarray]
    aid_budget_usd_yr: np.ndarray

    @classmethod
    def from_scenario(cls, scenario: Scenario, world: World) -> PolicyPlan:
        """Resolve every policy of the scenario on the world's countries and regions."""
        T = scenario.months
        tables = [
            {k: np.zeros((T, n)) for k in INSTRUMENTS}
            for n in (world.n_countries, world.n_regions, world.n_countries, world.n_regions)
        ]
        planned_country, planned_region, recorded_country, recorded_region = tables
        aid = np.zeros(T)
        months = np.arange(T)
        for policy in scenario.policies:
            values = schedule_values(policy.schedule, scenario) * policy.scale
            if policy.instrument == "aid_budget":
                aid += values
                continue
            recorded = np.zeros(T, bool)
            if policy.recorded_until is not None:
                recorded = months <= scenario.month_index(policy.recorded_until)
            if policy.region is not None:
                where = (planned_region, recorded_region, world.region_index(policy.region))
            else:
                where = (planned_country, recorded_country, world.country_index(policy.country))
            planned, past, column = where
            planned[policy.instrument][:, column] += np.where(recorded, 0.0, values)
            past[policy.instrument][:, column] += np.where(recorded, values, 0.0)
        return cls(planned_country, planned_region, recorded_country, recorded_region, aid)

    def region_targets(self, instrument: str, t: int, kept: float) -> np.ndarray:
        """Yearly hectares targeted per region in month ``t``: recorded, plus plans times ``kept``."""
        return self.recorded_region[instrument][t] + kept * self.planned_region[instrument][t]
