"""Households moving between regions along network edges, and new households entering.

Mixed into ``Households``: these rules read and write the same slot columns.
"""

from __future__ import annotations

import numpy as np

from model.sim.households import rules
from model.sim.households.moves import (
    best_moves,
    entry_rates,
    exit_probabilities,
    settle_moves,
    settle_newcomers,
    vacate_slots,
)
from model.sim.households.poisson import poisson_counts
from model.sim.households.slots import (
    COLUMNS,
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
        R = self.n_regions
        probability, best = np.empty(R), np.empty(R, np.int64)
        cut, cut_displaced = np.empty(R, np.uint32), np.empty(R, np.uint32)
        b0, b1 = best_moves(
            excess, self._migration_cost, self._cheapest_move, free_ha_r,
            p.mean_land_ha * self.weight, self.count, p.migration_rate,
            1.0 + p.displaced_migration_boost, probability, best, cut, cut_displaced,
        )  # fmt: skip
        return probability, best, cut, cut_displaced, b0, b1

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
        draws = draws_in_blocks(u, lo, hi, self._block_starts, self.fill, prob > 0)
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
        self._maybe_stale = True
        self._at_risk = None
        return leaving, arriving

    def enter(
        self, value: np.ndarray, free_ha_r: np.ndarray, buyers: np.ndarray, draws: Uniforms
    ) -> np.ndarray:
        """New households settle where coca pays more than the outside option and land is free.

        Args:
            value: each region's attractiveness (0: the outside option, see
                ``Households.region_attractiveness``).
            free_ha_r: free suitable land per region, real hectares.
            buyers: whether a trafficker buys in each region.
            draws: one uniform uint32 per region, from a fixed place in the entry stream: the
                number of entrants is the Poisson count at that draw, so a policy run and its
                counterfactual stay in step (common random numbers). Or a function ``(lo, hi)``
                giving them (``slots.Uniforms``), called only in a month anybody may enter.

        Returns:
            New households (real) per region.

        """
        p = self.params
        R = self.n_regions
        plots, rate = np.empty(R), np.empty(R)
        if not entry_rates(np.asarray(value, dtype=float), np.asarray(free_ha_r, dtype=float),
                           np.asarray(buyers), p.mean_land_ha * self.weight, p.entry_rate, plots,
                           rate):  # fmt: skip
            return np.zeros(R)
        draws = draws(0, R) if callable(draws) else draws
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
        mean_risk = self.region_mean_risk(arrivals > 0)  # newcomers take their region's
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
        probability, cut, active = np.empty(R), np.empty(R, np.uint32), np.empty(R, bool)
        if not exit_probabilities(np.asarray(value, dtype=float), self.params.exit_rate,
                                  self.count, probability, cut, active):  # fmt: skip
            return np.zeros(R)
        slots = rules.idle_households(self._block_starts, self.fill, active, self.occupied,
                                      self.mature, self.immature, self.replanting)  # fmt: skip
        # Draws for these few households only (with the numbers a draw for every slot gives).
        if hasattr(u, "at"):
            draws = u.at(slots)
        else:
            _, _, lo, hi = self.span(active)
            draws = draws_for(u, lo, hi)[slots - lo]
        if draws.dtype != np.uint32:  # uniform floats: the probabilities are the cut-offs
            cut = thresholds(draws, probability)
        slots, origin = rules.draws_below_cut(slots, draws, cut, self.start)
        if len(slots) == 0:
            return np.zeros(R)
        leaving = np.empty(R)
        vacate_slots(slots, origin, *self.grouped_columns(), self.land, self.mature,
                     self.immature, self.land_r, self.count, self._area_stale, self.weight,
                     leaving)  # fmt: skip
        self._maybe_stale = True
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
