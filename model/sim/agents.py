"""The few decision makers, as Mesa agents: governments, the sponsor, traffickers, armed groups.

Households are many and live as numpy columns in ``households.py``; these agents are few and act on
region-level arrays.
"""

from __future__ import annotations

import numpy as np
from mesa import Agent

from model.sim.kernels import plan_regions
from model.sim.policies import PolicyPlan


def _clamp(value: float, low: float, high: float) -> float:
    """``value`` limited to ``[low, high]``, as a Python float (np.clip is slow on scalars)."""
    return min(max(float(value), low), high)


def _no_cut(instrument: str, t: int) -> float:
    """The factor kept of an instrument that no event cut."""
    return 1.0


class ArmedGroup(Agent):
    """An armed group: taxes coca, shields growers, grows with revenue, shrinks under pressure."""

    def __init__(self, model, name: str, regions: np.ndarray, strength: float, tax_rate: float):
        """Create a group present in ``regions`` (a boolean mask over regions)."""
        super().__init__(model)
        self.name = name
        self.regions = regions
        self.countries = sorted({int(c) for c in model.world.country_of[regions]})
        self.strength = float(strength)
        self.tax_rate = float(tax_rate)
        self.revenue_usd = 0.0

    def strength_gate(self) -> float:
        """A group too weak to enforce its tax collects nothing."""
        return 1.0 if self.strength > 0.05 else 0.0

    def capture_leader(self, share_lost: float) -> None:
        """A leader's capture costs the group a share of its strength."""
        self.strength *= 1.0 - min(share_lost, 1.0)


def armed_groups_month(
    groups: list[ArmedGroup], revenue_in_regions_usd, counterinsurgency, params
) -> None:
    """Every group taxes the month's coca revenue in its regions, then grows, decays, and loses.

    Args:
        groups: the armed groups.
        revenue_in_regions_usd: coca revenue in each group's regions this month, US$.
        counterinsurgency: the strongest counterinsurgency each group faces, 0-1.
        params: the scenario's ``armed_groups`` parameters.

    """
    # A few groups: Python floats are faster than numpy here (and give the same numbers).
    for group, in_regions, pressure in zip(
        groups, revenue_in_regions_usd.tolist(), counterinsurgency.tolist(), strict=True
    ):
        strength = group.strength
        revenue = group.tax_rate * group.strength_gate() * in_regions
        # Growth with revenue (US$1M/month is the reference), decay, and losses to pressure.
        growth = params.revenue_growth * (revenue / 1e6) * (1.0 - strength)
        loss = (params.decay + params.counterinsurgency_effect * pressure) * strength
        group.strength = min(max(strength + growth - loss, 0.0), 1.0)
        group.revenue_usd = revenue


class ForeignSponsor(Agent):
    """The foreign sponsor: splits an aid budget across producing countries."""

    def __init__(self, model, budget_usd_yr: np.ndarray):
        """Create the sponsor with a monthly series of its yearly budget (US$/yr)."""
        super().__init__(model)
        self.budget_usd_yr = budget_usd_yr
        self.aid_usd_yr = np.zeros(model.world.n_countries)

    def allocate(self, t: int, production_history: np.ndarray) -> np.ndarray:
        """Aid per country this month, US$/yr, by fixed shares or following lagged production.

        Args:
            t: month index.
            production_history: cocaine production per month and country, tonnes.

        """
        p = self.model.params.sponsor
        countries = self.model.world.countries
        budget = self.budget_usd_yr[t]
        if budget == 0:
            self.aid_usd_yr = np.zeros(len(countries))
            return self.aid_usd_yr
        if p.rule == "follow_production":
            lagged = production_history[max(t - p.lag_months, 0)]
            shares = lagged if lagged.sum() > 0 else np.ones(len(countries))
        elif p.shares:
            shares = np.array([p.shares.get(c, 0.0) for c in countries])
        else:
            shares = np.ones(len(countries))
        shares = shares / shares.sum() if shares.sum() > 0 else shares
        self.aid_usd_yr = budget * shares
        return self.aid_usd_yr


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
        self.cutting_back = False
        self.cuts: dict[str, tuple[float, int]] = {}  # instrument -> (factor kept, last month)
        self.aid_usd_yr = 0.0
        self.interdiction = 0.0
        self.aerial_capacity_ha_yr = 0.0
        self.manual_capacity_ha_yr = 0.0
        self.substitution_ha_yr = 0.0
        mine = model.world.country_of == country
        self._in_country = mine.astype(float)
        self._targets_regions = np.zeros(len(plan.aid_budget_usd_yr), bool)
        for instrument in ("aerial_eradication", "manual_eradication", "alternative_development"):
            self._targets_regions |= (plan.region[instrument][:, mine] > 0).any(axis=1)
        # Each month's schedule values for this country, as Python floats (cheap to read).
        instruments = ("aerial_eradication", "manual_eradication", "interdiction",
                       "alternative_development", "counterinsurgency")  # fmt: skip
        columns = [plan.country[k][:, country] for k in instruments]
        self._schedule = list(zip(*(c.tolist() for c in columns), strict=True))

    def _cut(self, instrument: str, t: int) -> float:
        factor, until = self.cuts.get(instrument, (1.0, -1))
        return factor if t <= until else 1.0

    def set_capacity(self, t: int) -> None:
        """Fix this month's eradication capacity and interdiction from schedules, aid and backlash."""
        params = self.model.params
        g = params.government
        aid_eradication = self.aid_usd_yr * params.sponsor.eradication_share
        aid_interdiction = self.aid_usd_yr - aid_eradication
        political = 1.0 - g.backlash_cutback if self.cutting_back else 1.0
        # This month's schedule values for this country, as Python floats.
        aerial, manual, interdiction, substitution, counterinsurgency = self._schedule[t]
        cut = self._cut if self.cuts else _no_cut
        self.aerial_capacity_ha_yr = aerial * political * cut("aerial_eradication", t)
        if g.manual_cost_usd_ha > 0:
            manual += aid_eradication / g.manual_cost_usd_ha
        self.manual_capacity_ha_yr = manual * political * cut("manual_eradication", t)
        points = (
            aid_interdiction / g.interdiction_cost_usd_point
            if g.interdiction_cost_usd_point > 0
            else 0.0
        )
        self.interdiction = _clamp(
            (interdiction + points / 100.0) * cut("interdiction", t), 0.0, 0.95
        )
        self.substitution_ha_yr = substitution * cut("alternative_development", t)
        self.counterinsurgency = min(counterinsurgency * cut("counterinsurgency", t), 1.0)

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
        region = self.plan.region
        targeted = (region["aerial_eradication"][t], region["manual_eradication"][t],
                    region["alternative_development"][t])  # fmt: skip
        capacity = (self.aerial_capacity_ha_yr / 12.0, self.manual_capacity_ha_yr / 12.0,
                    self.substitution_ha_yr / 12.0)  # fmt: skip
        return plan_regions(
            coca_ha_r, world.legal_ha, protection_r, danger_r, world.accessibility,
            world.state_presence, self._in_country, targeted, capacity, g.max_monthly_reach,
            g.accessibility_weight, g.danger_avoidance,
        )  # fmt: skip

    def update_backlash(self, lost_income_usd: float, coca_income_usd: float, t: int) -> None:
        """Backlash rises with the share of coca income destroyed; past a threshold, cut back."""
        g = self.model.params.government
        sensitivity = g.backlash_sensitivity
        destroyed = lost_income_usd / coca_income_usd if coca_income_usd > 0 else 0.0
        self.backlash = _clamp(
            self.backlash * (1.0 - g.backlash_decay) + sensitivity * destroyed, 0.0, 1.0
        )
        if self.backlash > g.backlash_threshold:
            self.cutting_back = True
        elif self.backlash < 0.5 * g.backlash_threshold:
            self.cutting_back = False


def _row(name: str, doc: str) -> property:
    """An attribute that is this organisation's row of the shared ``TraffickerArrays``."""

    def get(self):
        return getattr(self.arrays, name)[self.index]

    def set(self, value):
        getattr(self.arrays, name)[self.index] = value

    return property(get, set, doc=doc)


class TraffickingOrganisation(Agent):
    """A trafficking organisation: buys leaf where it operates, ships, learns risk, relocates.

    Its state is row ``index`` of the model's ``TraffickerArrays`` (``model/trafficking.py``),
    whose rules act on every organisation at once; the attributes below are views of that row.
    """

    present = _row("present", "Regions where it buys.")
    allowed = _row("allowed", "Regions it may enter.")
    risk = _row("risk", "Perceived share of shipments seized, per source country.")
    losing_months = _row("losing_months", "Consecutive months each region lost money.")
    volume_t = _row("volume_t", "Cocaine shipped this month per source country, tonnes.")
    seized_t = _row("seized_t", "Cocaine seized this month per source country, tonnes.")
    barrier_usd = _row("barrier_usd", "Cost of entering each region, US$.")

    def __init__(self, model, name: str, arrays, index: int):
        """Create the organisation that owns row ``index`` of ``arrays``."""
        super().__init__(model)
        self.name = name
        self.arrays = arrays
        self.index = index

    def bids(self, source_price: float) -> np.ndarray:
        """Value of a kg of leaf to this organisation in each region, US$/kg (before markdown)."""
        return self.arrays.bids(source_price)[self.index]
