"""The households' per-slot rules as compiled loops (numba), one pass over each region's block.

A monthly household rule written with numpy makes one pass over every column per operation (the
area rule alone made about 25) and pays a call's overhead on each; these loops make one pass,
reading each column once, and sum per region by numpy's pairwise summation (:func:`block_sums`), so
region totals round as numpy's would.

Slots are laid out in one block per region (see ``slots.py``): block ``b`` covers slots
``starts[b]`` up to ``starts[b + 1]`` (the last block runs to the end of the columns). The loops
do not check bounds: callers pass columns of the layout's length.
"""

from __future__ import annotations

import numpy as np

from model.sim.compiled import compiled

# numpy's block size for pairwise summation (PW_BLOCKSIZE in numpy/_core/src/umath/loops_utils.h).
_PAIRWISE_BLOCK = 128


@compiled
def target_area(z, half_cap):
    """Coca area a household aims for: its ceiling times the softsign sigmoid of ``z``.

    ``z`` is the household's coca advantage over its region's barrier, times the profit
    sensitivity; ``half_cap`` is half its ceiling (the largest coca share of its land). The
    sigmoid ``(1 + z / (1 + |z|)) / 2`` is logistic-shaped without an exponential.
    """
    return (z / (abs(z) + 1.0) + 1.0) * half_cap


@compiled
def pairwise_sum(values):
    """Sum of ``values`` by numpy's pairwise summation (its rounding, bit for bit)."""
    n = len(values)
    if n < 8:
        total = -0.0  # numpy's start: a sum of negative zeros stays -0.0
        for i in range(n):
            total += values[i]
        return total
    if n <= _PAIRWISE_BLOCK:
        r0, r1, r2, r3 = values[0], values[1], values[2], values[3]
        r4, r5, r6, r7 = values[4], values[5], values[6], values[7]
        i = 8
        whole = n - n % 8
        while i < whole:
            r0 += values[i]
            r1 += values[i + 1]
            r2 += values[i + 2]
            r3 += values[i + 3]
            r4 += values[i + 4]
            r5 += values[i + 5]
            r6 += values[i + 6]
            r7 += values[i + 7]
            i += 8
        total = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
        while i < n:
            total += values[i]
            i += 1
        return total
    half = n // 2
    half -= half % 8
    return pairwise_sum(values[:half]) + pairwise_sum(values[half:])


@compiled
def block_end(starts, b, capacity):
    """Past-last slot of block ``b``."""
    return starts[b + 1] if b + 1 < len(starts) else capacity


@compiled
def block_sum(values, lo, hi):
    """Sum of ``values[lo:hi]`` as ``np.add.reduceat`` gives it: the first value, then the rest."""
    if hi <= lo:
        return values[lo]
    return values[lo] + pairwise_sum(values[lo + 1 : hi])


@compiled
def block_sums(values, starts, out):
    """Per-block sums of ``values`` into ``out``: ``np.add.reduceat(values, starts)``, compiled."""
    for b in range(len(starts)):
        out[b] = block_sum(values, starts[b], block_end(starts, b, len(values)))
    return out


@compiled
def stale_block_sums(values, starts, stale, out):
    """Per-block sums of ``values`` into ``out`` for the blocks where ``stale`` is set only."""
    for b in range(len(starts)):
        if stale[b]:
            out[b] = block_sum(values, starts[b], block_end(starts, b, len(values)))
    return out


@compiled
def tend_fields(
    starts, per_ha, base, risk, inv_licit, offset, half_cap, mature, immature, replanting, sprayed,
    free_ha, weight, planting_rate, abandon_rate, inv_maturity, inv_replant, spray_memory, gap,
    plant, planted, area_mature, area_immature,
):  # fmt: skip
    """Plant toward or abandon down to each household's target area; then crops mature.

    The target is :func:`target_area` of ``z = (base - per_ha * risk) * inv_licit - offset``:
    the household's coca advantage over its region's barrier with the per-region parts worked out
    once (``base``, ``per_ha`` and ``offset``, see ``Households.adjust_area``). Coca waiting to be
    replanted after eradication counts toward the target, and a share ``inv_replant`` of it is
    replanted each month as far as the region's free suitable land allows. Planting is a share of
    the gap, cut back pro rata where it would exceed the free land replanting leaves; abandonment
    takes a share of a negative gap, from mature coca first. Farmers' memory of spraying fades by
    ``spray_memory`` a month.

    Args:
        starts: first slot of each region's block.
        per_ha: per region, the part of ``z`` that multiplies the household's risk.
        base: per region, the part of ``z`` before risk.
        risk: perceived yearly eradication risk per household.
        inv_licit: 1 / the household's licit income factor.
        offset: per region, its barrier term.
        half_cap: half the household's coca ceiling, simulated ha.
        mature: mature coca per household, simulated ha; updated in place.
        immature: immature coca per household, simulated ha; updated in place.
        replanting: coca waiting to be replanted per household, simulated ha; updated in place.
        sprayed: recent sprayings of each household's fields; updated in place (fades).
        free_ha: free suitable land per region, real ha.
        weight: real households per simulated one.
        planting_rate: monthly share of a positive gap planted.
        abandon_rate: monthly share of a negative gap abandoned.
        inv_maturity: share of immature coca that matures in a month.
        inv_replant: share of the coca waiting to be replanted that is replanted in a month.
        spray_memory: share of last month's spraying count farmers still adapt to.
        gap: work column (target minus coca).
        plant: work column (planting before the land limit).
        planted: out, real hectares planted per region.
        area_mature: out, mature simulated hectares per region after the month.
        area_immature: out, immature simulated hectares per region after the month.

    """
    capacity = len(mature)
    # Block by block, so that a block's columns are still in the CPU cache for the second loop
    # and the sums (a block's planting limit depends only on its own total).
    for b in range(len(starts)):
        lo, hi = starts[b], block_end(starts, b, capacity)
        per_ha_b, base_b = per_ha[b], base[b]
        offset_b = offset[b]
        risk_b, inv_b = risk[lo:hi], inv_licit[lo:hi]
        cap_b, mature_b, immature_b = half_cap[lo:hi], mature[lo:hi], immature[lo:hi]
        replanting_b, sprayed_b = replanting[lo:hi], sprayed[lo:hi]
        gap_b, plant_b = gap[lo:hi], plant[lo:hi]
        waiting = 0.0
        for i in range(hi - lo):
            z = (base_b - per_ha_b * risk_b[i]) * inv_b[i] - offset_b
            x = target_area(z, cap_b[i]) - mature_b[i] - immature_b[i] - replanting_b[i]
            gap_b[i] = x
            plant_b[i] = max(x, 0.0) * planting_rate
            waiting += replanting_b[i]
        # Replanting takes the free land first (the farmers' own cleared plots), new planting
        # the rest; what does not fit waits for land to free up.
        back_ha = waiting * inv_replant * weight
        back_room = min(free_ha[b] / back_ha, 1.0) if back_ha > 0 else 1.0
        free_left = max(free_ha[b] - back_ha * back_room, 0.0)
        planted[b] = block_sum(plant, lo, hi) * weight
        room = min(free_left / planted[b], 1.0) if planted[b] > 0 else 1.0
        planted[b] *= room
        for i in range(hi - lo):
            # With d = mature - abandoned: mature becomes max(d, 0), immature loses max(-d, 0).
            d = mature_b[i] - min(gap_b[i], 0.0) * -abandon_rate
            young = max(immature_b[i] + min(d, 0.0), 0.0)
            matured = young * inv_maturity
            back = 0.0
            if replanting_b[i] > 0.0:  # most households have nothing to replant: no write
                back = replanting_b[i] * inv_replant * back_room
                replanting_b[i] -= back
            immature_b[i] = young - matured + plant_b[i] * room + back
            mature_b[i] = max(d, 0.0) + matured
            if sprayed_b[i] > 0.0:
                sprayed_b[i] *= spray_memory
        area_mature[b] = block_sum(mature, lo, hi)
        area_immature[b] = block_sum(immature, lo, hi)


@compiled
def eradicate_fields(
    draws, lo, starts, cut_aerial, cut_manual, cut_voluntary, eligible_share, kill_aerial,
    kill_manual, adaptation, replant_forced, replant_voluntary, licit_gain, mature, immature,
    replanting, sprayed, substituted, inv_licit, licit_factor, hit, removed_by, out,
):  # fmt: skip
    """Forced eradication and voluntary substitution on the slots ``lo..`` of a run of blocks.

    A slot is sprayed if its draw is below its region's ``cut_aerial``, eradicated by hand if
    between ``cut_aerial`` and ``cut_manual``, and substitutes voluntarily if between
    ``cut_manual`` and ``cut_voluntary``. The hectares treated are the eligible share of the
    household's coca (what the government records as sprayed or eradicated); the coca destroyed is
    that times the kill rate, and spraying kills less on fields sprayed before (farmers prune,
    strip leaves and disperse plots): ``kill_aerial / (1 + adaptation x times sprayed)``.
    Voluntary substitution removes it all. Farmers replant part of what was destroyed over the
    following months (``replanting``).

    Args:
        draws: one uniform draw per slot of the run (uint32 or float).
        lo: first slot of the run in the household columns.
        starts: first slot of each block of the run, relative to ``lo``.
        cut_aerial: per block, the draw below which a slot is sprayed.
        cut_manual: per block, the draw below which a slot is sprayed or eradicated by hand.
        cut_voluntary: per block, the draw below which any method hits.
        eligible_share: per block, share of coca above the legal area.
        kill_aerial: share of the coca on a sprayed hectare that dies, before adaptation.
        kill_manual: share of the coca on a manually eradicated hectare removed.
        adaptation: farmers' adaptation to repeated spraying.
        replant_forced: share of forcibly removed coca replanted.
        replant_voluntary: share of voluntarily removed coca replanted.
        licit_gain: 1 + the rise of licit income after substitution.
        mature: mature coca per household; updated in place.
        immature: immature coca per household; updated in place.
        replanting: coca each household will replant over the coming months; updated in place.
        sprayed: recent sprayings of each household's fields (fading); updated in place.
        substituted: whether each household has substituted; updated in place.
        inv_licit: 1 / licit income factor per household; updated where a household substitutes.
        licit_factor: licit income factor per household.
        hit: out, whether each slot was hit by forced eradication.
        removed_by: work, 6 x slots of the run (destroyed by aerial, manual, voluntary; mature
            destroyed; area sprayed; area eradicated by hand).
        out: out, 6 x blocks: per-block sums of ``removed_by`` (simulated ha).

    """
    n = len(draws)
    for b in range(len(starts)):
        start, end = starts[b], block_end(starts, b, n)
        a, m, v, share = cut_aerial[b], cut_manual[b], cut_voluntary[b], eligible_share[b]
        for j in range(start, end):
            i = lo + j
            u = draws[j]
            hit_aerial, below_manual, below_voluntary = u < a, u < m, u < v
            hit_manual = below_manual and not hit_aerial
            hit_voluntary = below_voluntary and not below_manual
            hit[i] = below_manual
            treated = (mature[i] + immature[i]) * share
            kill = 0.0
            if hit_aerial:
                kill = kill_aerial / (1.0 + adaptation * sprayed[i])
                if treated > 0.0:  # farmers learn from spraying of their own coca only
                    sprayed[i] += 1.0
            elif hit_manual:
                kill = kill_manual
            elif hit_voluntary:
                kill = 1.0
            kill *= share
            removed_mature = mature[i] * kill
            removed = immature[i] * kill + removed_mature
            mature[i] -= removed_mature
            immature[i] -= removed - removed_mature
            replanting[i] += removed * (replant_voluntary if hit_voluntary else replant_forced)
            removed_by[0, j] = removed if hit_aerial else 0.0
            removed_by[1, j] = removed if hit_manual else 0.0
            removed_by[2, j] = removed if hit_voluntary else 0.0
            removed_by[3, j] = removed_mature
            removed_by[4, j] = treated if hit_aerial else 0.0
            removed_by[5, j] = treated if hit_manual else 0.0
            if hit_voluntary:
                substituted[i] = True
                inv_licit[i] = 1.0 / (licit_factor[i] * licit_gain)
        for k in range(6):
            out[k, b] = block_sum(removed_by[k], start, end)


@compiled
def best_moves(excess, cost, has_room, count, migration_rate):
    """Per region: the monthly probability of leaving, and the best destination.

    The gain of a move from ``r`` to ``d`` is ``excess[d] - excess[r] - cost[r, d]``, over
    destinations with room (the first best on a tie); the probability is the migration rate times
    the gain, capped at 1, where the gain is positive and someone lives in ``r``.
    """
    R = len(count)
    probability, best = np.zeros(R), np.zeros(R, np.int64)
    for r in range(R):
        best_gain = excess[0] - excess[r] - cost[r, 0] if has_room[0] else -np.inf
        for d in range(1, R):
            if has_room[d]:
                gain = excess[d] - excess[r] - cost[r, d]
                if gain > best_gain:
                    best[r], best_gain = d, gain
        pull = min(max(best_gain if np.isfinite(best_gain) else 0.0, 0.0), 1.0)
        probability[r] = migration_rate * pull * (1.0 if count[r] > 0 else 0.0)
    return probability, best


@compiled
def choose_movers(draws, lo, starts, cut, cut_displaced, hit, occupied):
    """Slots of the households that move this month (``lo`` + index into ``draws``).

    A household moves if its draw is below its region's ``cut``, or below ``cut_displaced`` if it
    was hit by forced eradication this month; empty slots never move.
    """
    n = len(draws)
    chosen = np.empty(n, np.int64)
    count = 0
    for b in range(len(starts)):
        start, end = starts[b], block_end(starts, b, n)
        c, c_displaced = cut[b], cut_displaced[b]
        for j in range(start, end):
            i = lo + j
            u = draws[j]
            if occupied[i] and (u < c or (u < c_displaced and hit[i])):
                chosen[count] = i
                count += 1
    return chosen[:count]


@compiled
def choose_leavers(draws, lo, starts, cut, occupied, mature, immature, replanting):
    """Slots of the households without coca that leave this month (``lo`` + index into ``draws``).

    A household leaves if it grows no coca (and will replant none) and its draw is below its
    region's ``cut``.
    """
    n = len(draws)
    chosen = np.empty(n, np.int64)
    count = 0
    for b in range(len(starts)):
        start, end = starts[b], block_end(starts, b, n)
        c = cut[b]
        for j in range(start, end):
            i = lo + j
            idle = mature[i] + immature[i] + replanting[i] <= 1e-9
            if occupied[i] and idle and draws[j] < c:
                chosen[count] = i
                count += 1
    return chosen[:count]


@compiled
def fit_barriers(advantage, half_cap, sensitivity, goal, starts, low, high, iterations, work):
    """Bisect each region's barrier so that its households' target areas add up to ``goal``.

    Args:
        advantage: each household's coca advantage at the start prices.
        half_cap: half each household's coca ceiling, simulated ha.
        sensitivity: the households' profit sensitivity.
        goal: per region, the coca its households should aim for, simulated ha.
        starts: first slot of each region's block.
        low: per region, a barrier known to give too much coca; updated in place.
        high: per region, a barrier known to give too little; updated in place.
        iterations: bisection steps.
        work: work column (target areas).

    """
    for b in range(len(starts)):
        lo, hi = starts[b], block_end(starts, b, len(advantage))
        below, above = low[b], high[b]
        for _ in range(iterations):
            mid = (below + above) / 2
            area = target_areas_in_block(advantage, half_cap, sensitivity, mid, lo, hi, work)
            if area > goal[b]:
                below = mid
            else:
                above = mid
        low[b], high[b] = below, above


@compiled
def target_areas_in_block(advantage, half_cap, sensitivity, barrier, lo, hi, out):
    """Target areas of slots ``lo..hi-1`` at a barrier into ``out``; returns their sum."""
    advantage_b, half_cap_b, out_b = advantage[lo:hi], half_cap[lo:hi], out[lo:hi]
    for i in range(hi - lo):
        out_b[i] = target_area((advantage_b[i] - barrier) * sensitivity, half_cap_b[i])
    return block_sum(out, lo, hi)


@compiled
def target_areas(advantage, half_cap, sensitivity, barrier, starts, out, sums):
    """Every slot's target area at its region's ``barrier`` into ``out``; per-region sums."""
    for b in range(len(starts)):
        lo, hi = starts[b], block_end(starts, b, len(advantage))
        sums[b] = target_areas_in_block(advantage, half_cap, sensitivity, barrier[b], lo, hi, out)
    return sums


@compiled
def product_block_sums(a, b, starts, work, out):
    """Per-block sums of ``a * b`` (``work`` holds the products)."""
    for k in range(len(starts)):
        lo, hi = starts[k], block_end(starts, k, len(a))
        a_k, b_k, work_k = a[lo:hi], b[lo:hi], work[lo:hi]
        for i in range(hi - lo):
            work_k[i] = a_k[i] * b_k[i]
        out[k] = block_sum(work, lo, hi)
    return out


@compiled
def growing_and_risk(mature, immature, risk, starts, growing, risk_total):
    """Per block: households with any coca (over 1e-6 simulated ha), and their summed risk.

    Args:
        mature: mature coca per household, simulated ha.
        immature: immature coca per household, simulated ha.
        risk: perceived risk per household (0 in empty slots, see ``learn_risk``).
        starts: first slot of each region's block.
        growing: out, households with coca per block.
        risk_total: out, sum of risk per block.

    """
    for b in range(len(starts)):
        lo, hi = starts[b], block_end(starts, b, len(mature))
        mature_b, immature_b = mature[lo:hi], immature[lo:hi]
        count = 0
        for i in range(hi - lo):
            count += 1 if mature_b[i] + immature_b[i] > 1e-6 else 0
        growing[b] = count
        risk_total[b] = block_sum(risk, lo, hi)


@compiled
def learn_risk(risk, keep, added, starts, hit, lo, hi, learning_own, occupied, land, work, at_risk):
    """Perceived risk decays by ``keep``, rises by each region's ``added``, and jumps where hit.

    Empty slots keep a risk of 0, so per-region sums of risk need no mask.

    Args:
        risk: perceived yearly eradication risk per household; updated in place.
        keep: share of last month's belief kept.
        added: per region, what the region's eradication adds (None when nothing was eradicated).
        starts: first slot of each region's block.
        hit: households hit by forced eradication this month (only ``lo..hi-1`` are read).
        lo: first slot that may have been hit.
        hi: past-last slot that may have been hit.
        learning_own: share of the gap to certainty a household closes when it is hit.
        occupied: whether each slot holds a household.
        land: land per household, ha.
        work: work column (risk times land).
        at_risk: out, per region the sum of the new risk times land (read while it is in cache).

    """
    for b in range(len(starts)):
        start, end = starts[b], block_end(starts, b, len(risk))
        risk_b, land_b, work_b = risk[start:end], land[start:end], work[start:end]
        occupied_b = occupied[start:end]
        if added is None:
            for i in range(end - start):
                risk_b[i] *= keep
        else:
            add = added[b]
            for i in range(end - start):
                risk_b[i] = risk_b[i] * keep + (add if occupied_b[i] else 0.0)
        hit_lo, hit_hi = max(lo, start), min(hi, end)
        if hit_lo < hit_hi:
            risk_hit, hit_b = risk[hit_lo:hit_hi], hit[hit_lo:hit_hi]
            occupied_hit = occupied[hit_lo:hit_hi]
            for i in range(hit_hi - hit_lo):
                if hit_b[i] and occupied_hit[i]:
                    risk_hit[i] += learning_own * (1.0 - risk_hit[i])
        for i in range(end - start):
            work_b[i] = risk_b[i] * land_b[i]
        at_risk[b] = block_sum(work, start, end)
