"""Coca-farming households as numpy columns, with monthly rules over the columns.

One row (slot) per household. Slots are laid out in one contiguous block per region, so a rule
visits a region's households as one slice, and a mechanism acting in a few regions (eradication,
migration) visits only their blocks. Each block keeps a few empty slots at its end for newcomers;
an empty slot has no land, no coca and no risk, so it adds nothing to any sum. A household that
migrates moves to a free slot in its new region's block; when a block runs out of room the layout
is rebuilt with more room (rarely). Areas are simulated hectares; multiply by ``weight`` for real
hectares.

The per-household rules are compiled loops (``model/kernels.py``) that read each column once a
month, block by block, and write into work buffers allocated with the layout and reused every
month. Per-region sums of coca are cached between changes.

Households start in equilibrium with the initial prices: a per-region barrier ``theta`` (the
unobserved costs of growing coca there: distance to markets, soils, social norms) is fitted so that
the households' target areas add up to the region's initial coca. Migration and entry respond to
changes in a region's attractiveness since the start, so the baseline does not drift by
construction; policies and markets move it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from model.scenario.schema import HouseholdParams
from model.sim import kernels
from model.sim.world import World

FLOAT = np.float64
UINT32_SCALE = 2.0**32
# Per-slot columns moved together when a household changes slot (empty-slot value second).
_COLUMNS = {
    "land": 0.0,
    "half_cap": 0.0,
    "licit_factor": 1.0,
    "inv_licit": 1.0,
    "mature": 0.0,
    "immature": 0.0,
    "risk": 0.0,
    "substituted": False,
    "occupied": False,
}

Uniforms = np.ndarray | Callable[[int, int], np.ndarray]


def _sigmoid(x):
    """A logistic-shaped response from 0 to 1 (softsign: no exp, cheap on large arrays)."""
    return 0.5 + 0.5 * x / (1.0 + np.abs(x))


def _slack(counts: np.ndarray) -> np.ndarray:
    """Empty slots kept at the end of each region's block for migrants and newcomers."""
    return (counts // 8 + 4).astype(np.int64)


def _draws(u: Uniforms, lo: int, hi: int) -> np.ndarray:
    """The draws of slots ``lo..hi-1``.

    The compiled loops take the slots' count from the draws and do not check bounds: too few draws
    would skip slots and sum uninitialised work memory without an error, so the length is checked.
    """
    draws = u(lo, hi) if callable(u) else u[lo:hi]
    if len(draws) != hi - lo:
        raise ValueError(f"need one draw per slot {lo}..{hi - 1} ({hi - lo}), got {len(draws)}")
    return draws


def _thresholds(u: np.ndarray, probability: np.ndarray) -> np.ndarray:
    """Per-region cut-offs such that ``u < cut-off`` happens with ``probability``.

    For uint32 draws (uniform on 0..2**32-1) the cut-off is converted once per region, not once
    per household.
    """
    if u.dtype == np.uint32:
        return np.minimum(probability * UINT32_SCALE, UINT32_SCALE - 1).astype(np.uint32)
    return probability


@dataclass
class EradicationOutcome:
    """What one month of eradication did, per region (real hectares)."""

    aerial_ha: np.ndarray
    manual_ha: np.ndarray
    voluntary_ha: np.ndarray
    lost_income_usd: np.ndarray
    hit: np.ndarray  # per household slot: hit by forced eradication this month
    span: tuple[int, int] = (0, 0)  # slots outside [lo, hi) were not hit


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
        # Newcomers allowed over the whole run, and their farms, drawn up front.
        self._entry_room = int(np.ceil(self.n_active * (1 + params.spare_capacity))) - self.n_active
        sigma = 0.6  # land and licit productivity vary a lot between farms
        n, m = self.n_active, self._entry_room
        land = mean_land * rng.lognormal(-(sigma**2) / 2, sigma, n + m)
        licit = rng.lognormal(-(0.3**2) / 2, 0.3, n + m)
        self._newcomer_land, self._newcomer_licit = land[n:], licit[n:]
        self._newcomers = 0

        self.count = counts.copy()  # households per region
        lengths = counts + _slack(counts)
        self._set_layout(lengths)
        for name, empty in _COLUMNS.items():
            dtype = bool if isinstance(empty, bool) else FLOAT
            setattr(self, name, np.full(self.capacity, empty, dtype=dtype))
        self.fill = self.start[:-1] + counts  # slots at and past fill[r] in block r never used
        slots = self._occupied_slots()
        self.occupied[slots] = True
        self.land[slots] = land[:n]
        self.licit_factor[slots] = licit[:n]
        self.inv_licit[slots] = 1.0 / licit[:n]
        self.half_cap[:] = 0.5 * params.max_coca_share * self.land
        self.land_r = self._sum(self.land)
        self._hit = np.zeros(self.capacity, bool)
        self._hit_span = (0, 0)
        self._area_r: tuple[np.ndarray, np.ndarray] | None = None  # cached mature, immature sums
        self._offset = np.zeros(R)  # per region: profit_sensitivity * (1 + theta)
        self._at_risk: np.ndarray | None = None  # per region: sum of risk * land, if fresh

        self._ad_gain = 0.0
        self._migration_cost = None
        self.theta = np.zeros(R + 1, FLOAT)
        self.reference_attractiveness = np.zeros(R + 1, FLOAT)

    # ------------------------------------------------------------------ layout

    def _set_layout(self, lengths: np.ndarray) -> None:
        self.lengths = lengths.astype(np.int64)
        self.start = np.concatenate([[0], np.cumsum(self.lengths)])
        self._block_starts = self.start[:-1].copy()
        self.capacity = int(self.start[-1])
        # Work buffers, one column each, reused by the monthly rules.
        self._work = np.empty(self.capacity)
        self._work2 = np.empty(self.capacity)
        self._removed_by = np.empty((4, 0))  # eradication's work rows, sized on first use

    def _occupied_slots(self) -> np.ndarray:
        """Slots of the first ``count[r]`` households of each block (fresh layout only)."""
        offset = np.arange(self.n_active) - np.repeat(
            np.cumsum(self.count) - self.count, self.count
        )
        return np.repeat(self.start[:-1], self.count) + offset

    def _relayout(self, extra: np.ndarray) -> np.ndarray:
        """Rebuild the blocks without holes and with room for ``extra`` more per region.

        Returns:
            The new slot of every old slot (-1 for empty ones).

        """
        old = np.flatnonzero(self.occupied)
        lengths = self.count + extra + _slack(self.count + extra) + self.count // 4
        self._set_layout(lengths)
        new = self._occupied_slots()
        for name, empty in _COLUMNS.items():
            column = getattr(self, name)
            fresh = np.full(self.capacity, empty, dtype=column.dtype)
            fresh[new] = column[old]
            setattr(self, name, fresh)
        moved = np.full(len(self._hit), -1, dtype=np.int64)
        moved[old] = new
        self.fill = self.start[:-1] + self.count
        self._hit = np.zeros(self.capacity, bool)
        self._hit_span = (0, 0)
        self._at_risk = None
        self._area_r = None
        return moved

    def _make_room(self, arrivals: np.ndarray, slots: np.ndarray | None = None):
        """Ensure each block has room for ``arrivals``; returns ``slots`` renumbered if moved."""
        if np.any(self.fill + arrivals > self.start[1:]):
            moved = self._relayout(arrivals)
            if slots is not None:
                slots = moved[slots]
        return slots

    def _place(self, regions: np.ndarray) -> np.ndarray:
        """Free slots for newcomers to ``regions`` (sorted by region); advances the fill marks."""
        k = np.bincount(regions, minlength=self.n_regions)
        rank = np.arange(len(regions)) - np.repeat(np.cumsum(k) - k, k)
        slots = self.fill[regions] + rank
        self.fill += k
        self.count += k
        return slots

    def _per_slot(self, values_r: np.ndarray) -> np.ndarray:
        """A per-region value for every slot."""
        return np.repeat(values_r[: self.n_regions], self.lengths)

    def _sum(self, values: np.ndarray) -> np.ndarray:
        """Per-region sums of a per-slot column (length ``n_regions``)."""
        return kernels.block_sums(values, self._block_starts, np.empty(self.n_regions))

    def _span(self, active_r: np.ndarray) -> tuple[int, int, int, int]:
        """First and past-last active block, and the slots they cover."""
        blocks = np.flatnonzero(active_r[: self.n_regions])
        if len(blocks) == 0:
            return 0, 0, 0, 0
        b0, b1 = int(blocks[0]), int(blocks[-1]) + 1
        return b0, b1, int(self.start[b0]), int(self.start[b1])

    # ------------------------------------------------------------------ region helpers

    @property
    def region(self) -> np.ndarray:
        """Region of each slot (``n_regions`` for empty slots)."""
        region = np.repeat(np.arange(self.n_regions), self.lengths)
        region[~self.occupied] = self.n_regions
        return region

    def by_region(self, values: np.ndarray) -> np.ndarray:
        """Sum a per-household column by region (simulated units), length ``n_regions + 1``."""
        return np.append(self._sum(np.asarray(values, dtype=FLOAT)), 0.0)

    def region_mean_risk(self) -> np.ndarray:
        """Mean perceived risk of the households of each region (0 where none live)."""
        return self._mean(self._sum(self.risk))  # empty slots have no risk

    def _mean(self, total: np.ndarray) -> np.ndarray:
        """Per-region ``total`` divided among the region's households (0 where none live)."""
        return np.divide(total, self.count, out=np.zeros(self.n_regions), where=self.count > 0)

    def coca(self) -> np.ndarray:
        """Coca of each household, mature and immature, simulated hectares."""
        return self.mature + self.immature

    def area_by_region(self) -> tuple[np.ndarray, np.ndarray]:
        """Real hectares of mature and of immature coca per region."""
        if self._area_r is None:
            self._area_r = (self._sum(self.mature), self._sum(self.immature))
        mature, immature = self._area_r
        return mature * self.weight, immature * self.weight

    def region_hectares(self) -> np.ndarray:
        """Real hectares of coca per region (length ``n_regions``)."""
        mature, immature = self.area_by_region()
        return mature + immature

    # ------------------------------------------------------------------ calibration

    def _licit(self, licit_r):
        return self._per_slot(licit_r) / self.inv_licit

    def profit_advantage(self, net_revenue_ha: np.ndarray, licit_r: np.ndarray) -> np.ndarray:
        """Relative advantage of coca over licit crops for each household (unitless).

        Args:
            net_revenue_ha: expected coca revenue net of tax and costs, US$/ha/yr, per region
                (length ``n_regions + 1``), before the household's own risk.
            licit_r: licit income per region, US$/ha/yr (length ``n_regions + 1``).

        """
        licit = self._licit(licit_r)
        revenue = self._per_slot(net_revenue_ha) * (1.0 - self.risk)
        return (revenue - self.params.production_cost_usd_ha - licit) / licit

    def target_area(self, advantage: np.ndarray) -> np.ndarray:
        """Coca area each household aims for, simulated hectares."""
        share = _sigmoid(self.params.profit_sensitivity * (advantage - self._per_slot(self.theta)))
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
        self.inv_licit[:] = 1.0 / (self.licit_factor * np.where(self.substituted, 1 + ad_gain, 1))
        goal = self.world.initial_coca_ha / self.weight
        advantage = self.profit_advantage(net_revenue_ha, licit_r)
        lo, hi = np.full(R, -30.0), np.full(R, 30.0)
        k = self.params.profit_sensitivity
        cap = self.params.max_coca_share * self.land
        # A goal below the area at the usual top barrier (no coca at all, say) needs a far higher
        # barrier; every other region keeps the usual range, and so the same result.
        floor = self._sum(cap * _sigmoid(k * (advantage - self._per_slot(hi))))
        hi[floor > goal] = 1e9
        kernels.fit_barriers(advantage, cap, k, goal, self._block_starts, lo, hi, 60, self._work)
        self.theta = np.append((lo + hi) / 2, 0.0)
        self._offset = k * (1.0 + self.theta[:R])
        # All coca starts mature: in these rules a field planted at equilibrium is never renewed.
        self.mature[:] = self.target_area(advantage)
        self.immature[:] = 0.0
        self._area_r = None
        self.reference_attractiveness = self.region_attractiveness(net_revenue_ha, licit_r)

    def region_attractiveness(self, net_revenue_ha, licit_r) -> np.ndarray:
        """Coca advantage of a typical household in each region, net of the region's barrier."""
        # Fresh from ``update_beliefs`` unless risk or land changed since (used once).
        at_risk, self._at_risk = self._at_risk, None
        if at_risk is None:
            at_risk = kernels.product_block_sums(
                self.risk, self.land, self._block_starts, self._work, np.empty(self.n_regions)
            )
        risk = np.zeros(self.n_regions + 1)
        np.divide(at_risk, np.maximum(self.land_r, 1e-12), out=risk[:-1])
        revenue = net_revenue_ha * (1.0 - risk)
        return (revenue - self.params.production_cost_usd_ha - licit_r) / licit_r - self.theta

    # ------------------------------------------------------------------ monthly rules

    def harvest(self, yield_kg_ha_r: np.ndarray) -> np.ndarray:
        """Leaf harvested this month per region, real kg (length ``n_regions``)."""
        return self.area_by_region()[0] * yield_kg_ha_r / 12.0

    def eradication_span(self, planned_ha: np.ndarray) -> tuple[int, int]:
        """Slots that this month's plan (any method, per region) can reach."""
        _, _, lo, hi = self._span(planned_ha > 0)
        return lo, hi

    def eradicate(
        self,
        aerial_ha: np.ndarray,
        manual_ha: np.ndarray,
        voluntary_ha: np.ndarray,
        kill_aerial: float,
        kill_manual: float,
        legal_ha: np.ndarray,
        revenue_ha: np.ndarray,
        u: Uniforms,
        present_ha: np.ndarray | None = None,
    ) -> EradicationOutcome:
        """Apply forced and voluntary eradication planned per region (real hectares).

        A household is hit with a probability set so that the expected area removed equals the
        plan; a hit removes the kill rate of each of its fields, so eradication never exceeds
        coca present. Coca up to the legal area is spared. Only the slots of regions with a plan
        are visited.

        Args:
            aerial_ha: planned spraying per region this month, real hectares.
            manual_ha: planned manual eradication per region, real hectares.
            voluntary_ha: voluntary substitution offered per region, real hectares.
            kill_aerial: share of a sprayed field that dies.
            kill_manual: share of a manually eradicated field removed.
            legal_ha: legal coca area per region, real hectares.
            revenue_ha: gross coca revenue per region, US$/yr per hectare (for lost income).
            u: one uniform draw per household slot (floats in [0, 1) or uint32), or a function
                ``(lo, hi)`` giving the draws of slots ``lo..hi-1``.
            present_ha: coca per region now, real hectares, if already known.

        """
        p = self.params
        R = self.n_regions
        w = self.weight
        if (
            max(
                aerial_ha.max(initial=0.0),
                manual_ha.max(initial=0.0),
                voluntary_ha.max(initial=0.0),
            )
            <= 0
        ):
            return self.no_eradication()
        self._clear_hits()
        present = self.region_hectares() if present_ha is None else present_ha
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
        pa, pm, pv = (x * (eligible > 0) for x in (pa, pm, pv))
        edge_a, edge_m = pa, pa + pm
        edge_v = edge_m + pv
        b0, b1, lo, hi = self._span(edge_v > 0)
        self._hit_span = (lo, hi)
        zeros = np.zeros(R)
        if lo == hi:
            return EradicationOutcome(zeros, zeros, zeros, zeros.copy(), self._hit, (0, 0))
        draws = _draws(u, lo, hi)
        n = hi - lo
        if self._removed_by.shape[1] < n:
            self._removed_by = np.empty((4, self.capacity))
        sums = np.empty((4, b1 - b0))
        kernels.eradicate_fields(
            draws, lo, self.start[b0:b1] - lo, _thresholds(draws, edge_a)[b0:b1],
            _thresholds(draws, edge_m)[b0:b1], _thresholds(draws, edge_v)[b0:b1],
            eligible_share[b0:b1], kill_aerial, kill_manual, p.replant_forced,
            p.replant_voluntary, 1.0 + self._ad_gain, self.mature, self.immature,
            self.substituted, self.inv_licit, self.licit_factor, self._hit, self._removed_by, sums,
        )  # fmt: skip
        self._area_r = None
        by_region = np.zeros((4, R))
        by_region[:, b0:b1] = sums * w
        return EradicationOutcome(
            aerial_ha=by_region[0],
            manual_ha=by_region[1],
            voluntary_ha=by_region[2],
            lost_income_usd=by_region[3] * revenue_ha,
            hit=self._hit,
            span=(lo, hi),
        )

    def _clear_hits(self) -> None:
        lo, hi = self._hit_span
        self._hit[lo:hi] = False
        self._hit_span = (0, 0)

    def no_eradication(self) -> EradicationOutcome:
        """A month without eradication: last month's hits are cleared and nothing is removed."""
        self._clear_hits()
        zeros = np.zeros(self.n_regions)
        return EradicationOutcome(zeros, zeros, zeros, zeros.copy(), self._hit, (0, 0))

    def update_beliefs(
        self, hit: np.ndarray, eradicated_share_r: np.ndarray, span: tuple[int, int] | None = None
    ) -> None:
        """Move perceived yearly eradication risk toward what households saw.

        Also sums each region's risk-weighted land for the next ``region_attractiveness`` call
        (used once; migration and entry discard it, and a caller that writes ``risk`` or ``land``
        in between must set ``_at_risk`` to None).

        Args:
            hit: households hit by forced eradication this month.
            eradicated_share_r: share of each region's coca eradicated this month.
            span: slots outside ``[lo, hi)`` were not hit (all slots are checked if omitted).

        """
        p = self.params
        lr = p.risk_learning_region
        added = None
        if eradicated_share_r.max(initial=0.0) > 0:
            yearly = 1.0 - (1.0 - np.minimum(eradicated_share_r[: self.n_regions], 1.0)) ** 12
            added = lr * yearly
        lo, hi = (0, self.capacity) if span is None else span
        self._at_risk = np.empty(self.n_regions)
        kernels.learn_risk(self.risk, 1.0 - lr, added, self._block_starts, hit, lo, hi,
                           p.risk_learning_own, self.occupied, self.land, self._work,
                           self._at_risk)  # fmt: skip

    def adjust_area(
        self, net_revenue_ha: np.ndarray, licit_r: np.ndarray, free_ha_r: np.ndarray
    ) -> np.ndarray:
        """Plant toward or abandon down to the target area, with inertia; then crops mature.

        Planting is cut back pro rata where it would exceed the region's free suitable land.

        Args:
            net_revenue_ha: expected net coca revenue per region, US$/ha/yr (length R + 1).
            licit_r: licit income per region, US$/ha/yr (length R + 1).
            free_ha_r: free suitable land per region, real hectares.

        Returns:
            Real hectares planted per region this month.

        """
        p = self.params
        k = p.profit_sensitivity
        R = self.n_regions
        net, licit = net_revenue_ha[:R], licit_r[:R]
        per_ha = k * net / licit
        base = k * (net - p.production_cost_usd_ha) / licit
        planted = np.empty(R)
        area = (np.empty(R), np.empty(R))
        kernels.tend_fields(
            self._block_starts, per_ha, base, self.risk, self.inv_licit, self._offset,
            self.half_cap, self.mature, self.immature, np.asarray(free_ha_r, dtype=FLOAT),
            self.weight, p.planting_rate, p.abandon_rate, 1.0 / p.maturity_months,
            self._work, self._work2, planted, *area,
        )  # fmt: skip
        self._area_r = area
        return planted

    def migration_pull(
        self, excess: np.ndarray, free_ha_r: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Monthly probability of leaving each region, and where leavers go."""
        p = self.params
        R = self.n_regions
        if self._migration_cost is None:
            licit = self.world.licit_income_usd_ha
            horizon_value = licit * p.mean_land_ha * 5.0  # five years of a farm's licit income
            self._migration_cost = self.world.migration_cost / horizon_value[:, None]
            self._cheapest_move = self._migration_cost.min()
        if excess[:R].max() - excess[:R].min() <= self._cheapest_move:  # no move can pay
            return np.zeros(R), np.zeros(R, np.int64)
        has_room = free_ha_r > p.mean_land_ha * self.weight
        return kernels.best_moves(
            excess[:R], self._migration_cost, has_room, self.count, p.migration_rate
        )

    def migrate(
        self, excess: np.ndarray, free_ha_r: np.ndarray, hit: np.ndarray, u: Uniforms
    ) -> tuple[np.ndarray, np.ndarray]:
        """Move households along network edges toward regions that got better than theirs.

        A household leaves its coca behind (it is abandoned) and settles with its land in the best
        neighbouring region, if the gain there beats the migration cost.

        Args:
            excess: each region's attractiveness minus its starting value (length R + 1).
            free_ha_r: free suitable land per region, real hectares.
            hit: households hit by forced eradication this month.
            u: one uniform draw per household slot (floats in [0, 1) or uint32), or a function
                ``(lo, hi)`` giving the draws of slots ``lo..hi-1``.

        Returns:
            Households (real) leaving and arriving per region.

        """
        p = self.params
        R = self.n_regions
        zeros = np.zeros(R)
        prob, best = self.migration_pull(excess, free_ha_r)
        if not prob.any():
            return zeros, zeros
        b0, b1, lo, hi = self._span(prob > 0)
        if lo == hi:
            return zeros, zeros
        draws = _draws(u, lo, hi)
        boosted = prob * (1.0 + p.displaced_migration_boost)
        slots = kernels.choose_movers(
            draws, lo, self.start[b0:b1] - lo, _thresholds(draws, prob)[b0:b1],
            _thresholds(draws, boosted)[b0:b1], hit, self.occupied,
        )  # fmt: skip
        if len(slots) == 0:
            return zeros, zeros
        origin = np.searchsorted(self.start, slots, side="right") - 1
        destination = best[origin]
        order = np.argsort(destination, kind="stable")
        slots, origin, destination = slots[order], origin[order], destination[order]
        arrivals = np.bincount(destination, minlength=R)
        slots = self._make_room(arrivals, slots)
        new = self._place(destination)
        for name, empty in _COLUMNS.items():
            column = getattr(self, name)
            column[new] = column[slots]
            column[slots] = empty
        self.mature[new] = 0.0
        self.immature[new] = 0.0
        self._area_r = None
        self._at_risk = None
        leaving = np.bincount(origin, minlength=R)
        self.count -= leaving
        moved_land = self.land[new]
        self.land_r += np.bincount(destination, weights=moved_land, minlength=R)
        self.land_r -= np.bincount(origin, weights=moved_land, minlength=R)
        return leaving * self.weight, arrivals * self.weight

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
        rate = p.entry_rate * plots * np.minimum(np.maximum(excess[:R], 0.0), 1.0) * buyers
        if not (rate > 0).any():  # Poisson draws with zero mean consume no random numbers
            return np.zeros(R)
        n_new = rng.poisson(np.maximum(rate, 0.0))
        n_new = np.minimum(n_new, np.floor(plots).astype(np.int64).clip(0))
        total = int(min(n_new.sum(), self._entry_room - self._newcomers))
        if total <= 0:
            return np.zeros(R)
        regions = np.repeat(np.arange(R), n_new)[:total]
        arrivals = np.bincount(regions, minlength=R)
        mean_risk = self.region_mean_risk()
        self._make_room(arrivals)
        slots = self._place(regions)
        first, self._newcomers = self._newcomers, self._newcomers + total
        land = self._newcomer_land[first : self._newcomers]
        licit = self._newcomer_licit[first : self._newcomers]
        self.land[slots] = land
        self.half_cap[slots] = 0.5 * p.max_coca_share * land
        self.licit_factor[slots] = licit
        self.inv_licit[slots] = 1.0 / licit
        self.risk[slots] = mean_risk[regions]
        self.substituted[slots] = False
        self.occupied[slots] = True
        self._at_risk = None
        self.n_active += total
        self.land_r += np.bincount(regions, weights=land, minlength=R)
        return arrivals.astype(float) * self.weight

    def growing_and_mean_risk(self) -> tuple[np.ndarray, np.ndarray]:
        """Households (real) with any coca, and their mean perceived risk, per region."""
        R = self.n_regions
        growing, total = np.empty(R, np.int64), np.empty(R)
        kernels.growing_and_risk(
            self.mature, self.immature, self.risk, self._block_starts, growing, total
        )
        return growing * self.weight, self._mean(total)
