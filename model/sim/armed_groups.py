"""Armed groups (Shining Path factions, FARC fronts): tax coca, shield growers, grow and shrink.

Each group is a Mesa agent; ``ArmedGroups`` holds them with the masks of where each is present,
and answers per region who rules there (compiled loops over a few groups and regions).
"""

from __future__ import annotations

import numpy as np
from mesa import Agent

from model.sim.compiled import compiled


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

    def tax_and_grow(self, revenue_in_regions_usd: float, counterinsurgency: float, params) -> None:
        """Tax the month's coca revenue in its regions, then grow, decay, and lose to pressure.

        Args:
            revenue_in_regions_usd: coca revenue in the group's regions this month, US$.
            counterinsurgency: the strongest counterinsurgency the group faces, 0-1.
            params: the scenario's ``armed_groups`` parameters.

        """
        # Python floats: numpy's call overhead would dominate for one group's few numbers.
        strength = self.strength
        revenue = self.tax_rate * self.strength_gate() * revenue_in_regions_usd
        # Growth with revenue (US$1M/month is the reference), decay, and losses to pressure.
        growth = params.revenue_growth * (revenue / 1e6) * (1.0 - strength)
        loss = (params.decay + params.counterinsurgency_effect * counterinsurgency) * strength
        self.strength = min(max(strength + growth - loss, 0.0), 1.0)
        self.revenue_usd = revenue


class ArmedGroups:
    """The armed groups of a scenario, and where each is present.

    Attributes:
        groups: the groups (Mesa agents), in the scenario's order.
        regions: G x R, where each group is present.
        countries: G x C, the countries each group is in.

    """

    def __init__(self, model, params):
        """Create the groups the scenario lists (a group in none of the world's regions is left out)."""
        world = model.world
        self.params = params
        self.groups = []
        for spec in params.groups:
            mask = np.array([name in spec.regions for name in world.names])
            if mask.any():
                self.groups.append(ArmedGroup(model, spec.name, mask, spec.strength, spec.tax_rate))
        G = len(self.groups)
        self.regions = np.array([g.regions for g in self.groups], dtype=bool).reshape(
            G, world.n_regions
        )
        self.countries = np.zeros((G, world.n_countries), bool)
        for k, group in enumerate(self.groups):
            self.countries[k, group.countries] = True
        self._none = np.zeros(world.n_regions)
        self._revenue_g, self._pressure_g = np.empty(G), np.empty(G)

    def protection(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per region: reach removed by armed groups, their strength, and their tax rate.

        The strongest group present rules a region (the first listed on a tie).
        """
        if not self.groups:
            none = self._none
            return none.copy(), none.copy(), none.copy()
        strength_g = np.array([g.strength for g in self.groups])
        levy_g = np.array([g.tax_rate * g.strength_gate() for g in self.groups])
        R = self.regions.shape[1]
        strength, tax = np.empty(R), np.empty(R)
        armed_group_rule(self.regions, strength_g, levy_g, strength, tax)
        return self.params.protection * strength, strength, tax

    def tax_and_grow(self, revenue_usd_r: np.ndarray, counterinsurgency_c: np.ndarray) -> None:
        """Every group taxes the coca revenue of its regions, then grows or shrinks.

        Args:
            revenue_usd_r: farmers' coca revenue per region this month, US$.
            counterinsurgency_c: each country's counterinsurgency pressure, 0-1.

        """
        if not self.groups:
            return
        in_regions, strongest = self._revenue_g, self._pressure_g  # work rows, read at once
        revenue_in_group_regions(self.regions, revenue_usd_r, in_regions)
        strongest_pressure(self.countries, counterinsurgency_c, strongest)
        for group, revenue, pressure in zip(
            self.groups, in_regions.tolist(), strongest.tolist(), strict=True
        ):
            group.tax_and_grow(revenue, pressure, self.params)

    def capture_leader(self, name: str, share_lost: float) -> None:
        """The leader of the group called ``name`` is captured."""
        for group in self.groups:
            if group.name == name:
                group.capture_leader(share_lost)


@compiled
def armed_group_rule(group_regions, strength_g, levy_g, strength, tax):
    """Per region: strength of the strongest group present (first listed on a tie), its tax rate.

    Compiled loops here write into arrays the caller passes and return nothing: handing a new
    array back to Python costs about a microsecond.

    Args:
        group_regions: G x R, where each group is present.
        strength_g: each group's strength, 0-1.
        levy_g: each group's tax rate (0 for a group too weak to collect).
        strength: out, per region the ruling group's strength.
        tax: out, per region its tax rate.

    """
    G, R = group_regions.shape
    for r in range(R):
        ruler, best = 0, strength_g[0] if group_regions[0, r] else 0.0
        for g in range(1, G):
            if group_regions[g, r] and strength_g[g] > best:
                ruler, best = g, strength_g[g]
        strength[r] = best
        tax[r] = levy_g[ruler] if best > 0 else 0.0


@compiled
def revenue_in_group_regions(group_regions, revenue_r, out):
    """Each group's sum of ``revenue_r`` over the regions where it is present, into ``out``."""
    G, R = group_regions.shape
    for g in range(G):
        out[g] = 0.0
        for r in range(R):
            if group_regions[g, r]:
                out[g] += revenue_r[r]


@compiled
def strongest_pressure(group_countries, pressure_c, out):
    """The strongest counterinsurgency each group faces across its countries, into ``out``."""
    G, C = group_countries.shape
    for g in range(G):
        out[g] = -np.inf
        for c in range(C):
            if group_countries[g, c] and pressure_c[c] > out[g]:
                out[g] = pressure_c[c]
