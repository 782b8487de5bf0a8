"""Producing countries' governments: eradication and interdiction capacity, targeting, backlash.

Each government is a Mesa agent acting on region-level arrays; its plan of the month across regions
is a compiled loop (a few regions, where numpy would spend its time on call overhead).
"""

from __future__ import annotations

import numpy as np
from mesa import Agent

from model.sim.compiled import compiled
from model.sim.policies import PolicyPlan


def _clamp(value: float, low: float, high: float) -> float:
    """``value`` limited to ``[low, high]``, as a Python float (np.clip is slow on scalars)."""
    return min(max(float(value), low), high)


def _no_cut(instrument: str, t: int) -> float:
    """The factor kept of an instrument that no event cut."""
    return 1.0


class Government(Agent):
    """A producing country's government: eradicates, interdicts, and bends to backlash."""

    def __init__(self, model, country: int, plan: PolicyPlan):
        """Create the government of country index ``country`` with its policy schedules."""
        super().__init__(model)
        self.country = country
        self.name = model.world.countries[country]
        self.plan = plan
        self.regions = model.world.regions_of(country)
        self.backlash = 0.0
        self.backlash_cut = 0.0  # share of planned eradication cut because of backlash
        self.cuts: dict[str, tuple[float, int]] = {}  # instrument -> (factor kept, last month)
        self.aid_usd_yr = 0.0
        self.interdiction = 0.0
        self.aerial_capacity_ha_yr = 0.0
        self.manual_capacity_ha_yr = 0.0
        self.substitution_ha_yr = 0.0
        self.recorded_ha_yr = self.planned_ha_yr = (0.0, 0.0, 0.0)  # aerial, manual, voluntary
        mine = model.world.country_of == country
        self._in_country = mine.astype(float)
        self._targets_regions = np.zeros(len(plan.aid_budget_usd_yr), bool)
        for instrument in ("aerial_eradication", "manual_eradication", "alternative_development"):
            for table in (plan.planned_region, plan.recorded_region):
                self._targets_regions |= (table[instrument][:, mine] > 0).any(axis=1)
        # Each month's schedule values for this country, as Python floats (cheap to read).
        instruments = ("aerial_eradication", "manual_eradication", "interdiction",
                       "alternative_development", "counterinsurgency")  # fmt: skip
        self._planned, self._recorded = (
            np.stack([table[k][:, country] for k in instruments], axis=1).tolist()
            for table in (plan.planned_country, plan.recorded_country)
        )

    def _cut(self, instrument: str, t: int) -> float:
        factor, until = self.cuts.get(instrument, (1.0, -1))
        return factor if t <= until else 1.0

    def set_capacity(self, t: int) -> None:
        """Fix this month's eradication capacity and interdiction from schedules, aid and backlash.

        Recorded history is applied as recorded; plans (future or counterfactual programmes, and
        eradication paid by aid) are cut by backlash and by ``policy_cut`` events.
        """
        params = self.model.params
        g = params.government
        aid_eradication = self.aid_usd_yr * params.sponsor.eradication_share
        aid_interdiction = self.aid_usd_yr - aid_eradication
        kept = 1.0 - self.backlash_cut
        cut = self._cut if self.cuts else _no_cut
        aerial, manual, interdiction, substitution, counterinsurgency = self._planned[t]
        past = self._recorded[t]
        if g.manual_cost_usd_ha > 0:
            manual += aid_eradication / g.manual_cost_usd_ha
        self.recorded_ha_yr = (past[0], past[1], past[3])
        self.planned_ha_yr = (
            aerial * kept * cut("aerial_eradication", t),
            manual * kept * cut("manual_eradication", t),
            substitution * cut("alternative_development", t),
        )
        self.aerial_capacity_ha_yr = past[0] + self.planned_ha_yr[0]
        self.manual_capacity_ha_yr = past[1] + self.planned_ha_yr[1]
        points = (
            aid_interdiction / g.interdiction_cost_usd_point
            if g.interdiction_cost_usd_point > 0
            else 0.0
        )
        planned = (interdiction + points / 100.0) * cut("interdiction", t)
        self.interdiction = _clamp(past[2] + planned, 0.0, 0.95)
        self.substitution_ha_yr = past[3] + self.planned_ha_yr[2]
        self.counterinsurgency = min(past[4] + counterinsurgency * cut("counterinsurgency", t), 1.0)

    def eradicates(self, t: int) -> bool:
        """Whether this month's plan can remove any coca (set after ``set_capacity``)."""
        return bool(
            self.aerial_capacity_ha_yr > 0
            or self.manual_capacity_ha_yr > 0
            or self.substitution_ha_yr > 0
            or self._targets_regions[t]
        )

    def plan_eradication(
        self, t: int, coca_ha_r: np.ndarray, protection_r: np.ndarray, danger_r: np.ndarray
    ) -> np.ndarray:
        """Allocate this month's aerial, manual and voluntary hectares across the country's regions.

        Targeting weighs visible hectares by accessibility and shies away from danger; each method
        reaches only part of a region's coca in a month (armed groups shrink that reach).

        Returns:
            Planned real hectares per region (all regions), 3 x R: aerial, manual, voluntary.

        """
        g = self.model.params.government
        world = self.model.world
        kept = 1.0 - self.backlash_cut
        targeted = tuple(
            self.plan.region_targets(instrument, t, kept)
            for instrument in (
                "aerial_eradication",
                "manual_eradication",
                "alternative_development",
            )
        )
        recorded = tuple(ha / 12.0 for ha in self.recorded_ha_yr)
        planned = tuple(ha / 12.0 for ha in self.planned_ha_yr)
        return plan_regions(
            coca_ha_r, world.legal_ha, protection_r, danger_r, world.accessibility,
            world.state_presence, self._in_country, targeted, recorded, planned,
            g.max_monthly_reach, g.accessibility_weight, g.danger_avoidance,
        )  # fmt: skip

    def update_backlash(self, lost_income_usd: float, coca_income_usd: float, t: int) -> None:
        """Backlash rises with the share of coca income destroyed and decays; plans bend to it.

        The cut of planned eradication grows in proportion to backlash up to the full
        ``backlash_cutback`` at ``backlash_threshold``: a continuous response, not a switch.
        """
        g = self.model.params.government
        sensitivity = g.backlash_sensitivity
        destroyed = lost_income_usd / coca_income_usd if coca_income_usd > 0 else 0.0
        self.backlash = _clamp(
            self.backlash * (1.0 - g.backlash_decay) + sensitivity * destroyed, 0.0, 1.0
        )
        self.backlash_cut = g.backlash_cutback * min(self.backlash / g.backlash_threshold, 1.0)


@compiled
def allocate(total, weight, room):
    """Split ``total`` in proportion to ``weight`` without exceeding ``room``, refilling twice."""
    R = len(room)
    plan, share = np.zeros(R), np.empty(R)
    remaining = total
    for _ in range(3):
        any_open = False
        total_weight = 0.0
        for r in range(R):
            is_open = room[r] - plan[r] > 1e-9 and weight[r] > 0
            share[r] = weight[r] if is_open else 0.0
            total_weight += share[r]
            any_open = any_open or is_open
        if remaining <= 1e-9 or not any_open:
            break
        allocated = 0.0
        for r in range(R):
            add = min(remaining * share[r] / total_weight, room[r] - plan[r])
            plan[r] += add
            allocated += add
        remaining -= allocated
    return plan


@compiled
def plan_regions(coca_r, legal_r, protection_r, danger_r, access, state_presence, in_country,
                  targeted, recorded, planned, max_reach, access_weight, danger_avoidance):  # fmt: skip
    """A government's monthly plan per region, 3 x R: hectares to spray, eradicate, substitute.

    Region targets (``targeted``: yearly hectares per region for each method) come first, up to
    what each method reaches in a month (armed groups shrink that reach). The country's monthly
    ``recorded`` hectares of each method (history, applied as recorded) then go to its regions by
    visible coca, weighed by accessibility and away from danger, up to all of a region's coca in a
    month; ``planned`` hectares (plans) likewise, up to what each method reaches in a month.
    Voluntary substitution goes by state presence.
    """
    R = len(coca_r)
    coca, shield = np.empty(R), np.empty(R)
    for r in range(R):
        coca[r] = max(coca_r[r] - legal_r[r], 0.0)
        shield[r] = 1.0 - protection_r[r]
    plans = np.zeros((3, R))
    room, ceiling, weight = np.empty(R), np.empty(R), np.zeros(R)
    for method in range(2):  # aerial, manual
        for r in range(R):
            if method == 0:
                reach = (0.5 + 0.5 * access[r]) * shield[r]  # planes reach remote valleys, not all
            else:
                reach = access[r] * shield[r]
            ceiling[r] = max_reach * reach * coca[r]
            plans[method, r] = min(targeted[method][r] / 12.0 * in_country[r], ceiling[r])
            room[r] = coca[r] - plans[method, r]
            if in_country[r] > 0:
                weight[r] = (
                    coca[r] * access[r] ** access_weight * (1.0 - danger_avoidance * danger_r[r])
                )
        plans[method] += allocate(recorded[method], weight, room)
        for r in range(R):
            room[r] = max(ceiling[r] - plans[method, r], 0.0)
        plans[method] += allocate(planned[method], weight, room)
    for r in range(R):
        weight[r] = coca[r] * state_presence[r] if in_country[r] > 0 else 0.0
        room[r] = max(coca[r] - plans[0, r] - plans[1, r], 0.0) * max_reach
        plans[2, r] = min(targeted[2][r] / 12.0 * in_country[r], room[r])
        room[r] -= plans[2, r]
    plans[2] += allocate(recorded[2] + planned[2], weight, room)
    return plans
