"""Compiled loops of migration, entry and exit: who moves where, and the columns they change.

Called by ``migration.Migration``; the slot layout is described in ``slots.py``.
"""

from __future__ import annotations

import math

import numpy as np

from model.sim.compiled import compiled


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
def draw_cutoff(probability):
    """The uint32 draw below which an event of ``probability`` happens (as ``slots.thresholds``)."""
    return np.uint32(min(probability * 4294967296.0, 4294967295.0))


@compiled
def best_moves(excess, cost, cheapest, free_ha, room_ha, count, migration_rate, boost, probability,
               best, cut, cut_displaced):  # fmt: skip
    """Per region: the monthly probability of leaving, and the best destination.

    The gain of a move from ``r`` to ``d`` is ``excess[d] - excess[r] - cost[r, d]``, over
    destinations with more free land than ``room_ha`` (the first best on a tie); the probability
    is the migration rate times the gain, capped at 1, where the gain is positive and someone
    lives in ``r``. When the spread of ``excess`` is no more than the ``cheapest`` move, no move
    can pay and nobody leaves.

    The probabilities, the destinations, and the cut-offs of uint32 draws for leaving and for
    leaving after being hit by forced eradication (probability times ``boost``) go into
    ``probability``, ``best``, ``cut`` and ``cut_displaced`` (written in place: handing new
    arrays back to Python costs about a microsecond each).

    Returns:
        The first and past-last region anybody leaves (0, 0 if none).

    """
    R = len(count)
    probability[:], best[:], cut[:], cut_displaced[:] = 0.0, 0, 0, 0
    if np.max(excess) - np.min(excess) <= cheapest:
        return 0, 0
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
        cut[r] = draw_cutoff(probability[r])
        cut_displaced[r] = draw_cutoff(probability[r] * boost)
        if probability[r] > 0:
            b0, b1 = min(b0, r), r + 1
    if b1 == 0:
        b0 = 0
    return b0, b1


@compiled
def exit_probabilities(value, exit_rate, count, out, cut, active):
    """Monthly probability that a household without coca leaves each region, into ``out``.

    ``exit_rate * min(max(-value, 0), 1)`` where anybody lives (0 elsewhere); ``cut`` gets the
    cut-offs of uint32 draws (as ``slots.thresholds`` converts them) and ``active`` whether the
    probability is positive. Returns whether any is.
    """
    anyone = False
    for r in range(len(value)):
        out[r] = exit_rate * min(max(-value[r], 0.0), 1.0) * (1.0 if count[r] > 0 else 0.0)
        cut[r] = draw_cutoff(out[r])
        active[r] = out[r] > 0
        anyone = anyone or active[r]
    return anyone


@compiled
def entry_rates(value, free_ha, buyers, plot_ha, entry_rate, plots_out, rate_out):
    """Free plots and the expected newcomers per region this month, into the two outs.

    ``plots = free_ha / plot_ha``; ``rate = entry_rate * plots * min(max(value, 0), 1) * buyers``
    (``buyers`` is a mask of the regions where somebody buys, or their numbers). Returns whether
    any rate is positive.
    """
    anyone = False
    for r in range(len(value)):
        plots_out[r] = free_ha[r] / plot_ha
        pull = min(max(value[r], 0.0), 1.0)
        rate_out[r] = entry_rate * plots_out[r] * pull * buyers[r]
        anyone = anyone or rate_out[r] > 0
    return anyone
