"""Turn a scenario's policy schedules into monthly arrays the agents read."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.scenario.policy_spec import INSTRUMENTS, ScheduleEntry
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


@dataclass
class PolicyPlan:
    """Monthly policy inputs: per country (months x countries) and per region (months x regions)."""

    country: dict[str, np.ndarray]
    region: dict[str, np.ndarray]
    aid_budget_usd_yr: np.ndarray

    @classmethod
    def from_scenario(cls, scenario: Scenario, world: World) -> PolicyPlan:
        """Resolve every policy of the scenario on the world's countries and regions."""
        T = scenario.months
        country = {k: np.zeros((T, world.n_countries)) for k in INSTRUMENTS}
        region = {k: np.zeros((T, world.n_regions)) for k in INSTRUMENTS}
        aid = np.zeros(T)
        for policy in scenario.policies:
            values = schedule_values(policy.schedule, scenario) * policy.scale
            if policy.instrument == "aid_budget":
                aid += values
            elif policy.region is not None:
                region[policy.instrument][:, world.region_index(policy.region)] += values
            else:
                country[policy.instrument][:, world.country_index(policy.country)] += values
        return cls(country=country, region=region, aid_budget_usd_yr=aid)
