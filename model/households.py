"""Coca-farming households as numpy columns, with vectorised monthly rules.

One row per household. Rows past ``n_active`` are empty slots that new households fill; an empty
slot sits in a dummy region (index ``n_regions``) so that per-region sums can use ``bincount``
without masking. Areas are simulated hectares; multiply by ``weight`` for real hectares.

Households start in equilibrium with the initial prices: a per-region barrier ``theta`` (the
unobserved costs of growing coca there: distance to markets, soils, social norms) is fitted so that
the households' target areas add up to the region's initial coca. Migration and entry respond to
changes in a region's attractiveness since the start, so the baseline does not drift by
construction; policies and markets move it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.scenario import HouseholdParams
from model.world import World

FLOAT = np.float64


def _sigmoid(x):
    """A logistic-shaped response from 0 to 1 (softsign: no exp, cheap on large arrays)."""
    return 0.5 + 0.5 * x / (1.0 + np.abs(x))


@dataclass
class EradicationOutcome:
    """What one month of eradication did, per region (real hectares)."""

    aerial_ha: np.ndarray
    manual_ha: np.ndarray
    voluntary_ha: np.ndarray
    lost_income_usd: np.ndarray
    hit: np.ndarray  # per household: hit by forced eradication this month


class Households:
    """All coca-farming households of the model, one row each."""

    def __init__(self, world: World, params: HouseholdParams, rng: np.random.Generator):
        """Create households so that each region's coca matches its initial area.

        Args:
            world: the regions.
            params: household behaviour.
            rng: generator for the initial draws.

        """
        self.world = world
        self.params = params
        R = world.n_regions
        self.n_regions = R
        self.weight = 1.0 / params.scale
        mean_land = params.mean_land_ha
        # Households per region: enough land for the initial coca plus settlers on the frontier.
        need = world.initial_coca_ha / (0.45 * mean_land) + 0.05 * world.suitable_ha / mean_land
        full = params.full_scale_households * need / max(need.sum(), 1e-12)
        counts = np.floor(full * params.scale + rng.random(R)).astype(np.int64)
        counts = np.where((world.initial_coca_ha > 0) & (counts == 0), 1, counts)
        if params.full_scale_households == 0:
            counts[:] = 0
        self.n_active = int(counts.sum())
        capacity = int(np.ceil(self.n_active * (1 + params.spare_capacity))) + 1
        self.capacity = capacity

        self.region = np.full(capacity, R, dtype=np.int64)
        self.region[: self.n_active] = np.repeat(np.arange(R), counts)
        sigma = 0.6  # land and licit productivity vary a lot between farms
        self.land = mean_land * rng.lognormal(-(sigma**2) / 2, sigma, capacity).astype(FLOAT)
        self.licit_factor = rng.lognormal(-(0.3**2) / 2, 0.3, capacity).astype(FLOAT)
        self.mature = np.zeros(capacity, FLOAT)
        self.immature = np.zeros(capacity, FLOAT)
        self.risk = np.zeros(capacity, FLOAT)
        self.substituted = np.zeros(capacity, bool)
        self.land[self.n_active :] = 0.0
        self._spare_land = mean_land * rng.lognormal(-(sigma**2) / 2, sigma, capacity)
        self._ones = np.ones(capacity, FLOAT)

        self._ad_gain = 0.0
        self.theta = np.zeros(R + 1, FLOAT)
        self.reference_attractiveness = np.zeros(R + 1, FLOAT)

    # ------------------------------------------------------------------ region helpers

    def by_region(self, values: np.ndarray) -> np.ndarray:
        """Sum a per-household column by region (simulated units), length ``n_regions + 1``."""
        return np.bincount(self.region, weights=values, minlength=self.n_regions + 1)

    def _region_mean(self, values: np.ndarray) -> np.ndarray:
        count = np.bincount(self.region, minlength=self.n_regions + 1)
        return np.divide(self.by_region(values), count, out=np.zeros(len(count)), where=count > 0)

    def coca(self) -> np.ndarray:
        """Coca of each household, mature and immature, simulated hectares."""
        return self.mature + self.immature

    def region_hectares(self) -> np.ndarray:
        """Real hectares of coca per region (length ``n_regions``)."""
        return self.by_region(self.mature + self.immature)[:-1] * self.weight

    # ------------------------------------------------------------------ calibration

    def _licit(self, licit_r):
        return (
            licit_r[self.region]
            * self.licit_factor
            * np.where(self.substituted, 1.0 + self._ad_gain, 1.0)
        )

    def profit_advantage(self, net_revenue_ha: np.ndarray, licit_r: np.ndarray) -> np.ndarray:
        """Relative advantage of coca over licit crops for each household (unitless).

        Args:
            net_revenue_ha: expected coca revenue net of tax and costs, US$/ha/yr, per region
                (length ``n_regions + 1``), before the household's own risk.
            licit_r: licit income per region, US$/ha/yr (length ``n_regions + 1``).

        """
        licit = self._licit(licit_r)
        revenue = net_revenue_ha[self.region] * (1.0 - self.risk)
        return (revenue - self.params.production_cost_usd_ha - licit) / licit

    def target_area(self, advantage: np.ndarray) -> np.ndarray:
        """Coca area each household aims for, simulated hectares."""
        share = _sigmoid(self.params.profit_sensitivity * (advantage - self.theta[self.region]))
        return self.params.max_coca_share * self.land * share

    def start_in_equilibrium(self, net_revenue_ha, licit_r, ad_gain: float) -> None:
        """Fit each region's barrier so that target areas add up to its initial coca.

        Args:
            net_revenue_ha: expected net coca revenue per region at the start, US$/ha/yr.
            licit_r: licit income per region, US$/ha/yr.
            ad_gain: rise of licit income after voluntary substitution, share.

        """
        self._ad_gain = ad_gain
        R = self.n_regions
        goal = np.append(self.world.initial_coca_ha / self.weight, 0.0)
        advantage = self.profit_advantage(net_revenue_ha, licit_r)
        lo, hi = np.full(R + 1, -30.0), np.full(R + 1, 30.0)
        k = self.params.profit_sensitivity
        cap = self.params.max_coca_share * self.land
        for _ in range(60):  # bisection on every region at once
            mid = (lo + hi) / 2
            total = self.by_region(cap * _sigmoid(k * (advantage - mid[self.region])))
            too_much = total > goal
            lo = np.where(too_much, mid, lo)
            hi = np.where(too_much, hi, mid)
        self.theta = (lo + hi) / 2
        # All coca starts mature: in these rules a field planted at equilibrium is never renewed.
        self.mature[:] = self.target_area(advantage)
        self.immature[:] = 0.0
        self.reference_attractiveness = self.region_attractiveness(net_revenue_ha, licit_r)

    def region_attractiveness(self, net_revenue_ha, licit_r) -> np.ndarray:
        """Coca advantage of a typical household in each region, net of the region's barrier."""
        risk = self.by_region(self.risk * self.land) / np.maximum(self.by_region(self.land), 1e-12)
        risk[-1] = 0.0
        revenue = net_revenue_ha * (1.0 - risk)
        return (revenue - self.params.production_cost_usd_ha - licit_r) / licit_r - self.theta

    # ------------------------------------------------------------------ monthly rules

    def harvest(self, yield_kg_ha_r: np.ndarray) -> np.ndarray:
        """Leaf harvested this month per region, real kg (length ``n_regions``)."""
        return self.by_region(self.mature)[:-1] * self.weight * yield_kg_ha_r / 12.0

    def eradicate(
        self,
        aerial_ha: np.ndarray,
        manual_ha: np.ndarray,
        voluntary_ha: np.ndarray,
        kill_aerial: float,
        kill_manual: float,
        legal_ha: np.ndarray,
        revenue_ha: np.ndarray,
        u: np.ndarray,
    ) -> EradicationOutcome:
        """Apply forced and voluntary eradication planned per region (real hectares).

        A household is hit with a probability set so that the expected area removed equals the
        plan; a hit removes the kill rate of each of its fields, so eradication never exceeds
        coca present. Coca up to the legal area is spared.

        Args:
            aerial_ha: planned spraying per region this month, real hectares.
            manual_ha: planned manual eradication per region, real hectares.
            voluntary_ha: voluntary substitution offered per region, real hectares.
            kill_aerial: share of a sprayed field that dies.
            kill_manual: share of a manually eradicated field removed.
            legal_ha: legal coca area per region, real hectares.
            revenue_ha: gross coca revenue per region, US$/ha/yr (for lost income).
            u: one uniform draw per household slot.

        """
        p = self.params
        R = self.n_regions
        coca = self.mature + self.immature
        present = self.by_region(coca)[:-1] * self.weight
        eligible = np.maximum(present - legal_ha, 0.0)
        eligible_share = np.divide(eligible, present, out=np.zeros(R), where=present > 0)
        base = np.maximum(eligible, 1e-9)
        pa = (
            np.minimum(aerial_ha / (kill_aerial * base + 1e-12), 1.0)
            if kill_aerial > 0
            else 0 * base
        )
        pm = (
            np.minimum(manual_ha / (kill_manual * base + 1e-12), 1.0 - pa)
            if kill_manual > 0
            else 0 * base
        )
        pv = np.minimum(voluntary_ha / base, 1.0 - pa - pm)
        pa, pm, pv = (np.append(x * (eligible > 0), 0.0) for x in (pa, pm, pv))
        r = self.region
        edge_a = pa[r]
        edge_m = edge_a + pm[r]
        edge_v = edge_m + pv[r]
        hit_a = u < edge_a
        hit_m = (u >= edge_a) & (u < edge_m)
        hit_v = (u >= edge_m) & (u < edge_v)
        share = np.append(eligible_share, 0.0)[r]
        kill = np.where(hit_a, kill_aerial, 0.0) + np.where(hit_m, kill_manual, 0.0)
        kill = (kill + hit_v) * share
        removed_mature = self.mature * kill
        removed = removed_mature + self.immature * kill
        self.mature -= removed_mature
        self.immature -= removed - removed_mature
        replant = np.where(hit_v, p.replant_voluntary, p.replant_forced)
        self.immature += removed * replant
        self.substituted |= hit_v
        w = self.weight
        forced = hit_a | hit_m
        return EradicationOutcome(
            aerial_ha=self.by_region(removed * hit_a)[:-1] * w,
            manual_ha=self.by_region(removed * hit_m)[:-1] * w,
            voluntary_ha=self.by_region(removed * hit_v)[:-1] * w,
            lost_income_usd=self.by_region(removed_mature)[:-1] * w * revenue_ha,
            hit=forced,
        )

    def update_beliefs(self, hit: np.ndarray, eradicated_share_r: np.ndarray) -> None:
        """Move perceived yearly eradication risk toward what households saw.

        Args:
            hit: households hit by forced eradication this month.
            eradicated_share_r: share of each region's coca eradicated this month.

        """
        p = self.params
        yearly = 1.0 - (1.0 - np.clip(eradicated_share_r, 0.0, 1.0)) ** 12
        signal = np.append(yearly, 0.0)[self.region]
        self.risk += p.risk_learning_region * (signal - self.risk)
        self.risk += hit * (p.risk_learning_own * (1.0 - self.risk))

    def adjust_area(self, advantage: np.ndarray, free_ha_r: np.ndarray) -> np.ndarray:
        """Plant toward or abandon down to the target area, with inertia; then crops mature.

        Planting is cut back pro rata where it would exceed the region's free suitable land.

        Returns:
            Real hectares planted per region this month.

        """
        p = self.params
        gap = self.target_area(advantage) - self.mature - self.immature
        plant = p.planting_rate * np.maximum(gap, 0.0)
        wanted = self.by_region(plant)[:-1] * self.weight
        room = np.clip(
            np.divide(free_ha_r, wanted, out=np.ones_like(wanted), where=wanted > 0), 0, 1
        )
        plant *= np.append(room, 0.0)[self.region]
        abandon = p.abandon_rate * np.maximum(-gap, 0.0)
        from_mature = np.minimum(abandon, self.mature)
        self.mature -= from_mature
        self.immature = np.maximum(self.immature - (abandon - from_mature), 0.0)
        matured = self.immature / p.maturity_months
        self.immature += plant - matured
        self.mature += matured
        return self.by_region(plant)[:-1] * self.weight

    def migrate(
        self, excess: np.ndarray, free_ha_r: np.ndarray, hit: np.ndarray, u: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Move households along network edges toward regions that got better than theirs.

        A household leaves its coca behind (it is abandoned) and settles with its land in the best
        neighbouring region, if the gain there beats the migration cost.

        Args:
            excess: each region's attractiveness minus its starting value (length R + 1).
            free_ha_r: free suitable land per region, real hectares.
            hit: households hit by forced eradication this month.
            u: one uniform draw per household slot.

        Returns:
            Households (real) leaving and arriving per region.

        """
        p = self.params
        R = self.n_regions
        licit = self.world.licit_income_usd_ha
        horizon_value = licit * p.mean_land_ha * 5.0  # five years of a farm's licit income
        cost = self.world.migration_cost / horizon_value[:, None]
        gain = excess[None, :R] - excess[:R, None] - cost
        has_room = free_ha_r > p.mean_land_ha * self.weight
        gain = np.where(has_room[None, :], gain, -np.inf)
        best = np.argmax(gain, axis=1)
        best_gain = gain[np.arange(R), best]
        pull = np.clip(np.where(np.isfinite(best_gain), best_gain, 0.0), 0.0, 1.0)
        prob = np.append(p.migration_rate * pull, 0.0)[self.region]
        prob = prob * (1.0 + p.displaced_migration_boost * hit)
        movers = u < prob
        if not movers.any():
            zeros = np.zeros(R)
            return zeros, zeros
        leaving = np.bincount(self.region[movers], minlength=R + 1)[:R] * self.weight
        destination = np.append(best, R)[self.region[movers]]
        self.region[movers] = destination
        self.mature[movers] = 0.0
        self.immature[movers] = 0.0
        arriving = np.bincount(destination, minlength=R + 1)[:R] * self.weight
        return leaving, arriving

    def enter(
        self, excess: np.ndarray, free_ha_r: np.ndarray, buyers: np.ndarray, rng
    ) -> np.ndarray:
        """New households settle where coca pays better than at the start and land is free.

        Args:
            excess: each region's attractiveness minus its starting value (length R + 1).
            free_ha_r: free suitable land per region, real hectares.
            buyers: whether a trafficker buys in each region.
            rng: generator for the number of entrants.

        Returns:
            New households (real) per region.

        """
        p = self.params
        R = self.n_regions
        plots = free_ha_r / (p.mean_land_ha * self.weight)
        rate = p.entry_rate * plots * np.clip(excess[:R], 0.0, 1.0) * buyers
        n_new = rng.poisson(np.maximum(rate, 0.0))
        n_new = np.minimum(n_new, np.floor(plots).astype(np.int64).clip(0))
        total = int(min(n_new.sum(), self.capacity - 1 - self.n_active))
        if total <= 0:
            return np.zeros(R)
        regions = np.repeat(np.arange(R), n_new)[:total]
        start, stop = self.n_active, self.n_active + total
        self.region[start:stop] = regions
        self.land[start:stop] = self._spare_land[start:stop]
        self.risk[start:stop] = self._region_mean(self.risk)[regions]
        self.n_active = stop
        return np.bincount(regions, minlength=R).astype(float) * self.weight

    def growing(self) -> np.ndarray:
        """Households (real) with any coca, per region."""
        has = (self.mature + self.immature) > 1e-6
        return (
            np.bincount(self.region, weights=has, minlength=self.n_regions + 1)[:-1] * self.weight
        )
