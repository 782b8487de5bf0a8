"""Households moving between regions along network edges, and new households entering.

Mixed into ``Households``: these rules read and write the same slot columns.
"""

from __future__ import annotations

import math

import numpy as np

from model.sim.compiled import compiled
from model.sim.households import rules
from model.sim.households.poisson import poisson_counts
from model.sim.households.slots import (
    COLUMNS,
    DRAWN_BY_RUNS,
    Uniforms,
    draws_for,
    draws_in_blocks,
    thresholds,
)


class Migration:
    """Migration and entry of households (a part of ``Households``)."""

    def migration_pull(self, excess: np.ndarray, free_ha_r: np.ndarray) -> tuple:
        """Monthly probability of leaving each region, and where leavers go (see ``best_moves``)."""
        p = self.params
        if self._migration_cost is None:
            licit = self.world.licit_income_usd_ha
            horizon_value = licit * p.mean_land_ha * 5.0  # five years of a farm's licit income
            self._migration_cost = self.world.migration_cost / horizon_value[:, None]
            self._cheapest_move = self._migration_cost.min()
        return best_moves(
            excess, self._migration_cost, self._cheapest_move, free_ha_r,
            p.mean_land_ha * self.weight, self.count, p.migration_rate,
            1.0 + p.displaced_migration_boost,
        )  # fmt: skip

    def migrate(
        self, excess: np.ndarray, free_ha_r: np.ndarray, hit: np.ndarray, u: Uniforms
    ) -> tuple[np.ndarray, np.ndarray]:
        """Move households along network edges toward regions that got better than theirs.

        A household leaves its coca behind (it is abandoned) and settles with its land in the best
        neighbouring region, if the gain there beats the migration cost.

        Args:
            excess: each region's attractiveness minus its starting value .
            free_ha_r: free suitable land per region, real hectares.
            hit: households hit by forced eradication this month.
            u: the draws of the slots (see ``slots.Uniforms``).

        Returns:
            Households (real) leaving and arriving per region.

        """
        p = self.params
        R = self.n_regions
        zeros = np.zeros(R)
        prob, best, cut, cut_displaced, b0, b1 = self.migration_pull(excess, free_ha_r)
        lo, hi = int(self.start[b0]), int(self.start[b1])
        if lo == hi:  # nobody leaves, or only empty blocks would
            return zeros, zeros
        # Only households of regions people leave, below each block's fill mark, need a draw.
        runs = []
        if hi - lo >= DRAWN_BY_RUNS:
            runs = [(int(self.start[b]), int(self.fill[b])) for b in np.flatnonzero(prob > 0)]
        draws = draws_in_blocks(u, lo, hi, runs)
        if draws.dtype != np.uint32:  # uniform floats: the probabilities are the cut-offs
            boosted = prob * (1.0 + p.displaced_migration_boost)
            cut, cut_displaced = thresholds(draws, prob), thresholds(draws, boosted)
        slots, origin, destination, arrivals = rules.choose_moves(
            draws, lo, b0, b1, self.start, self.fill, cut, cut_displaced, hit, self.occupied, best
        )
        if len(slots) == 0:
            return zeros, zeros
        slots = self.make_room(arrivals, slots)
        leaving, arriving = np.empty(R), np.empty(R)
        settle_moves(
            slots, origin, destination, self.fill, self.count, self.land_r, self._area_stale,
            self.weight, leaving, arriving, *self.grouped_columns(), self.land, self.mature,
            self.immature,
        )  # fmt: skip
        self._at_risk = None
        return leaving, arriving

    def enter(
        self, value: np.ndarray, free_ha_r: np.ndarray, buyers: np.ndarray, draws: np.ndarray
    ) -> np.ndarray:
        """New households settle where coca pays more than the outside option and land is free.

        Args:
            value: each region's attractiveness (0: the outside option, see
                ``Households.region_attractiveness``).
            free_ha_r: free suitable land per region, real hectares.
            buyers: whether a trafficker buys in each region.
            draws: one uniform uint32 per region, from a fixed place in the entry stream: the
                number of entrants is the Poisson count at that draw, so a policy run and its
                counterfactual stay in step (common random numbers).

        Returns:
            New households (real) per region.

        """
        p = self.params
        R = self.n_regions
        plots = free_ha_r / (p.mean_land_ha * self.weight)
        rate = p.entry_rate * plots * np.minimum(np.maximum(value, 0.0), 1.0) * buyers
        if not (rate > 0).any():
            return np.zeros(R)
        uniforms = (draws + 0.5) * 2.0**-32
        n_new = poisson_counts(uniforms, np.maximum(rate, 0.0), np.empty(R, dtype=np.int64))
        n_new = np.minimum(n_new, np.floor(plots).astype(np.int64).clip(0))
        room = self._start_count + self._entry_room - self.n_active
        wanted = int(n_new.sum())
        total = min(wanted, room)
        if total <= 0:
            return np.zeros(R)
        arrivals = n_new
        if total < wanted:  # the first ``total`` in region order come
            arrivals = np.minimum(n_new, np.maximum(total - (np.cumsum(n_new) - n_new), 0))
        mean_risk = self.region_mean_risk()
        self.make_room(arrivals)
        entering = np.empty(R)
        settle_newcomers(
            arrivals, self._newcomer_land, self._newcomer_licit, self._newcomers,
            0.5 * p.max_coca_share, mean_risk, self.fill, self.count, self.land, self.half_cap,
            self.licit_factor, self.inv_licit, self.risk, self.substituted, self.sprayed,
            self.occupied, self.land_r, self.weight, entering,
        )  # fmt: skip
        self._newcomers += total
        self._at_risk = None
        self.n_active += total
        return entering

    def leave(self, value: np.ndarray, u: Uniforms) -> np.ndarray:
        """Households without coca leave regions where coca pays less than the outside option.

        Args:
            value: each region's attractiveness (0: the outside option).
            u: the draws of the slots (see ``slots.Uniforms``).

        Returns:
            Households (real) leaving per region.

        """
        R = self.n_regions
        probability = self.params.exit_rate * np.minimum(np.maximum(-value, 0.0), 1.0)
        probability *= self.count > 0
        active = probability > 0
        if not active.any():
            return np.zeros(R)
        slots = rules.idle_households(self._block_starts, self.fill, active, self.occupied,
                                      self.mature, self.immature, self.replanting)  # fmt: skip
        # Draws for these few households only (with the numbers a draw for every slot gives).
        if hasattr(u, "at"):
            draws = u.at(slots)
        else:
            _, _, lo, hi = self.span(active)
            draws = draws_for(u, lo, hi)[slots - lo]
        slots, origin = rules.draws_below_cut(slots, draws, thresholds(draws, probability),
                                              self.start)  # fmt: skip
        if len(slots) == 0:
            return np.zeros(R)
        leaving = np.empty(R)
        vacate_slots(slots, origin, *self.grouped_columns(), self.land, self.mature,
                     self.immature, self.land_r, self.count, self._area_stale, self.weight,
                     leaving)  # fmt: skip
        self.n_active -= len(slots)
        self._at_risk = None
        return leaving

    def grouped_columns(self) -> tuple[tuple, np.ndarray, tuple]:
        """The float columns, their empty values and the boolean columns, for compiled calls."""
        if self._moved_columns is None:
            floats = [name for name, empty in COLUMNS.items() if not isinstance(empty, bool)]
            self._moved_columns = (
                tuple(getattr(self, name) for name in floats),
                np.array([COLUMNS[name] for name in floats]),
                tuple(getattr(self, name) for name in COLUMNS if name not in floats),
            )
        return self._moved_columns


@compiled
def settle_newcomers(
    arrivals, pool_land, pool_licit, first, half_share, mean_risk, fill, count, land, half_cap,
    licit_factor, inv_licit, risk, substituted, sprayed, occupied, land_r, weight, entering,
):  # fmt: skip
    """Newcomers take the next free slots of their blocks, with farms from a pool drawn up front.

    The pool is used round and round from its place ``first``, region by region. Newcomers take
    their region's mean risk and have not adapted to spraying. Land per block grows as
    ``np.bincount`` would add it up.

    Args:
        arrivals: newcomers per block.
        pool_land: land of the pool's farms, simulated ha.
        pool_licit: licit income factor of the pool's farms.
        first: the pool's next farm (before wrapping round).
        half_share: half the largest share of a farm under coca.
        mean_risk: per block, its households' mean perceived risk.
        fill: per block, the first slot never used; advanced.
        count: households per block; updated.
        land: land column.
        half_cap: half each household's coca ceiling.
        licit_factor: licit income factor column.
        inv_licit: its inverse.
        risk: perceived risk column.
        substituted: whether each household took voluntary substitution.
        sprayed: recent sprayings of each household's fields.
        occupied: whether each slot holds a household.
        land_r: land per block, simulated ha; updated.
        weight: real households per simulated one.
        entering: out, newcomers (real) per block.

    """
    j = 0
    for r in range(len(arrivals)):
        land_in = 0.0
        for _ in range(arrivals[r]):
            farm = (first + j) % len(pool_land)
            i = fill[r]
            fill[r] += 1
            land[i] = pool_land[farm]
            half_cap[i] = half_share * pool_land[farm]
            licit_factor[i] = pool_licit[farm]
            inv_licit[i] = 1.0 / pool_licit[farm]
            risk[i] = mean_risk[r]
            substituted[i] = False
            sprayed[i] = 0.0
            occupied[i] = True
            land_in += pool_land[farm]
            j += 1
        count[r] += arrivals[r]
        land_r[r] += land_in
        entering[r] = arrivals[r] * weight


@compiled
def vacate_slots(
    slots, origin, floats, float_empty, flags, land, mature, immature, land_r, count, stale,
    weight, leaving,
):  # fmt: skip
    """Households in ``slots`` (of blocks ``origin``) leave: their slots are emptied.

    Land per block falls as ``np.bincount`` would add it up. Most leave with exactly no coca
    (+0.0): emptying their slots leaves their blocks' sums of coca as they were; the others'
    blocks go ``stale``.

    Args:
        slots: the leavers' slots.
        origin: their blocks.
        floats: the float columns.
        float_empty: their empty values.
        flags: the boolean columns.
        land: the land column (among ``floats``).
        mature: mature coca (among ``floats``).
        immature: immature coca (among ``floats``).
        land_r: land per block, simulated ha; updated.
        count: households per block; updated.
        stale: per block, whether its cached coca sums are stale; set where coca left.
        weight: real households per simulated one.
        leaving: out, households (real) leaving each block.

    """
    left = np.zeros(len(count), np.int64)
    land_out = np.zeros(len(count))
    for j in range(len(slots)):
        i, b = slots[j], origin[j]
        left[b] += 1
        land_out[b] += land[i]
        for area in (mature[i], immature[i]):
            if area != 0.0 or math.copysign(1.0, area) < 0.0:
                stale[b] = True
    for r in range(len(count)):
        land_r[r] -= land_out[r]
        count[r] -= left[r]
        leaving[r] = left[r] * weight
    for k in range(len(floats)):
        column, empty = floats[k], float_empty[k]
        for j in range(len(slots)):
            column[slots[j]] = empty
    for column in flags:
        for j in range(len(slots)):
            column[slots[j]] = False


@compiled
def move_slots(old, new, floats, float_empty, flags):
    """Copy every column from slots ``old`` to slots ``new`` and empty the old ones.

    ``floats`` are the float columns, emptied to ``float_empty``; ``flags`` the boolean ones,
    emptied to False. The old and new slots are distinct.
    """
    for k in range(len(floats)):
        column, empty = floats[k], float_empty[k]
        for j in range(len(old)):
            column[new[j]] = column[old[j]]
            column[old[j]] = empty
    for column in flags:
        for j in range(len(old)):
            column[new[j]] = column[old[j]]
            column[old[j]] = False


@compiled
def settle_moves(
    slots, origin, destination, fill, count, land_r, stale, weight, leaving, arriving, floats,
    float_empty, flags, land, mature, immature,
):  # fmt: skip
    """Movers (from ``rules.choose_moves``) take the next free slots of their destinations.

    They bring every column but their coca, which they leave behind: their old blocks' sums of
    coca go ``stale``, while the new slots were empty and hold no coca, so the destinations' sums
    stay as they were, to the bit. Fill marks, counts and land per region follow (land sums as
    ``np.bincount`` adds them: arrivals first, then departures, in the movers' order).

    Args:
        slots: the movers' slots, ordered by destination.
        origin: their blocks.
        destination: their destination blocks.
        fill: per block, the first slot never used; advanced.
        count: households per block; updated.
        land_r: land per block, simulated ha; updated.
        stale: per block, whether its cached coca sums are stale; set where households left.
        weight: real households per simulated one.
        leaving: out, households (real) leaving each block.
        arriving: out, households (real) arriving in each block.
        floats: the float columns.
        float_empty: their empty values.
        flags: the boolean columns.
        land: the land column (among ``floats``).
        mature: mature coca (among ``floats``).
        immature: immature coca (among ``floats``).

    """
    new = np.empty(len(slots), np.int64)
    for j in range(len(slots)):
        d = destination[j]
        new[j] = fill[d]
        fill[d] += 1
    move_slots(slots, new, floats, float_empty, flags)
    left = np.zeros(len(count), np.int64)
    came = np.zeros(len(count), np.int64)
    land_in, land_out = np.zeros(len(count)), np.zeros(len(count))
    for j in range(len(slots)):
        mature[new[j]] = 0.0
        immature[new[j]] = 0.0
        left[origin[j]] += 1
        came[destination[j]] += 1
        land_in[destination[j]] += land[new[j]]
    for j in range(len(slots)):
        land_out[origin[j]] += land[new[j]]
    for r in range(len(count)):
        count[r] += came[r] - left[r]
        stale[r] = stale[r] or left[r] > 0
        land_r[r] += land_in[r]
    for r in range(len(count)):
        land_r[r] -= land_out[r]
        leaving[r] = left[r] * weight
        arriving[r] = came[r] * weight


@compiled
def best_moves(excess, cost, cheapest, free_ha, room_ha, count, migration_rate, boost):
    """Per region: the monthly probability of leaving, and the best destination.

    The gain of a move from ``r`` to ``d`` is ``excess[d] - excess[r] - cost[r, d]``, over
    destinations with more free land than ``room_ha`` (the first best on a tie); the probability
    is the migration rate times the gain, capped at 1, where the gain is positive and someone
    lives in ``r``. When the spread of ``excess`` is no more than the ``cheapest`` move, no move
    can pay and nobody leaves.

    Returns:
        The probabilities; the destinations; the cut-offs of uint32 draws for leaving, and for
        leaving after being hit by forced eradication (probability times ``boost``); and the
        first and past-last region anybody leaves (0, 0 if none).

    """
    R = len(count)
    probability, best = np.zeros(R), np.zeros(R, np.int64)
    cut, cut_displaced = np.zeros(R, np.uint32), np.zeros(R, np.uint32)
    if np.max(excess) - np.min(excess) <= cheapest:
        return probability, best, cut, cut_displaced, 0, 0
    b0, b1 = R, 0
    for r in range(R):
        best_gain = excess[0] - excess[r] - cost[r, 0] if free_ha[0] > room_ha else -np.inf
        for d in range(1, R):
            if free_ha[d] > room_ha:
                gain = excess[d] - excess[r] - cost[r, d]
                if gain > best_gain:
                    best[r], best_gain = d, gain
        pull = min(max(best_gain if np.isfinite(best_gain) else 0.0, 0.0), 1.0)
        probability[r] = migration_rate * pull * (1.0 if count[r] > 0 else 0.0)
        # As ``slots.thresholds`` converts them.
        cut[r] = np.uint32(min(probability[r] * 4294967296.0, 4294967295.0))
        boosted = probability[r] * boost
        cut_displaced[r] = np.uint32(min(boosted * 4294967296.0, 4294967295.0))
        if probability[r] > 0:
            b0, b1 = min(b0, r), r + 1
    if b1 == 0:
        b0 = 0
    return probability, best, cut, cut_displaced, b0, b1
