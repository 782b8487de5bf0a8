"""Compiled loops (numba): the households' per-slot rules and the decision makers' small rules.

A monthly household rule written with numpy makes one pass over every column per operation (the
area rule alone made about 25) and pays a call's overhead on each; these loops make one pass,
reading each column once. They do the same arithmetic in the same order as the numpy expressions
they replaced, and sum per region by numpy's pairwise summation (:func:`block_sums`), so outputs
did not change when they came in (signed zeros aside: numba's ``max(-0.0, 0.0)`` is ``-0.0``).

Slots are laid out in one block per region (see ``households.py``): block ``b`` covers slots
``starts[b]`` up to ``starts[b + 1]`` (the last block runs to the end of the columns). The loops
do not check bounds: callers pass columns of the layout's length.

Compiled code is cached on disk next to this file (``cache=True``): the first run on a machine
compiles for 20-40 s, later processes load it in well under a second. The cache notices edits to
a function's own file only, so compiled functions that call each other stay in this file.
"""

from __future__ import annotations

import numpy as np
from numba import njit

# numpy's block size for pairwise summation (PW_BLOCKSIZE in numpy/_core/src/umath/loops_utils.h).
_PAIRWISE_BLOCK = 128
# Loops index slices from 0 (so LLVM can drop negative-index checks and use SIMD) and divide with
# numpy's error model (no ZeroDivisionError check in the loop): both keep loops vectorised.
compiled = njit(cache=True, error_model="numpy")


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
def tend_fields(
    starts, per_ha, base, risk, inv_licit, offset, half_cap, mature, immature, free_ha, weight,
    planting_rate, abandon_rate, inv_maturity, gap, plant, planted, area_mature, area_immature,
):  # fmt: skip
    """Plant toward or abandon down to each household's target area; then crops mature.

    The target is ``half_cap * (1 + z / (1 + |z|))`` with
    ``z = (base - per_ha * risk) * inv_licit - offset`` (the softsign sigmoid of the household's
    coca advantage over its region's barrier). Planting is a share of the gap, cut back pro rata
    where a region's planting would exceed its free suitable land; abandonment takes a share of a
    negative gap, from mature coca first.

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
        free_ha: free suitable land per region, real ha.
        weight: real households per simulated one.
        planting_rate: monthly share of a positive gap planted.
        abandon_rate: monthly share of a negative gap abandoned.
        inv_maturity: share of immature coca that matures in a month.
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
        gap_b, plant_b = gap[lo:hi], plant[lo:hi]
        for i in range(hi - lo):
            z = (base_b - per_ha_b * risk_b[i]) * inv_b[i] - offset_b
            x = (z / (abs(z) + 1.0) + 1.0) * cap_b[i] - mature_b[i] - immature_b[i]
            gap_b[i] = x
            plant_b[i] = max(x, 0.0) * planting_rate
        planted[b] = block_sum(plant, lo, hi) * weight
        room = min(free_ha[b] / planted[b], 1.0) if planted[b] > 0 else 1.0
        planted[b] *= room
        for i in range(hi - lo):
            # With d = mature - abandoned: mature becomes max(d, 0), immature loses max(-d, 0).
            d = mature_b[i] - min(gap_b[i], 0.0) * -abandon_rate
            young = max(immature_b[i] + min(d, 0.0), 0.0)
            matured = young * inv_maturity
            immature_b[i] = young - matured + plant_b[i] * room
            mature_b[i] = max(d, 0.0) + matured
        area_mature[b] = block_sum(mature, lo, hi)
        area_immature[b] = block_sum(immature, lo, hi)


@compiled
def eradicate_fields(
    draws, lo, starts, cut_aerial, cut_manual, cut_voluntary, eligible_share, kill_aerial,
    kill_manual, replant_forced, replant_voluntary, licit_gain, mature, immature, substituted,
    inv_licit, licit_factor, hit, removed_by, out,
):  # fmt: skip
    """Forced eradication and voluntary substitution on the slots ``lo..`` of a run of blocks.

    A slot is sprayed if its draw is below its region's ``cut_aerial``, eradicated by hand if
    between ``cut_aerial`` and ``cut_manual``, and substitutes voluntarily if between
    ``cut_manual`` and ``cut_voluntary``; each method removes its kill rate (voluntary: all) of the
    eligible share of the household's coca. Part of what is removed is replanted.

    Args:
        draws: one uniform draw per slot of the run (uint32 or float).
        lo: first slot of the run in the household columns.
        starts: first slot of each block of the run, relative to ``lo``.
        cut_aerial: per block, the draw below which a slot is sprayed.
        cut_manual: per block, the draw below which a slot is sprayed or eradicated by hand.
        cut_voluntary: per block, the draw below which any method hits.
        eligible_share: per block, share of coca above the legal area.
        kill_aerial: share of a sprayed field that dies.
        kill_manual: share of a manually eradicated field removed.
        replant_forced: share of forcibly removed coca replanted.
        replant_voluntary: share of voluntarily removed coca replanted.
        licit_gain: 1 + the rise of licit income after substitution.
        mature: mature coca per household; updated in place.
        immature: immature coca per household; updated in place.
        substituted: whether each household has substituted; updated in place.
        inv_licit: 1 / licit income factor per household; updated where a household substitutes.
        licit_factor: licit income factor per household.
        hit: out, whether each slot was hit by forced eradication.
        removed_by: work, 4 x slots of the run (aerial, manual, voluntary, mature removed).
        out: out, 4 x blocks: per-block sums of ``removed_by`` (simulated ha).

    """
    n = len(draws)
    # The numpy rule this replaced wrote the voluntary share as below; kept for identical rounding.
    replant_substituted = replant_forced + (replant_voluntary - replant_forced) * 1.0
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
            kill = kill_aerial if hit_aerial else kill_manual if hit_manual else 0.0
            if hit_voluntary:
                kill = 1.0
            kill *= share
            removed_mature = mature[i] * kill
            removed = immature[i] * kill + removed_mature
            mature[i] -= removed_mature
            immature[i] -= removed - removed_mature
            replant = replant_substituted if hit_voluntary else replant_forced
            immature[i] += removed * replant
            removed_by[0, j] = removed if hit_aerial else 0.0
            removed_by[1, j] = removed if hit_manual else 0.0
            removed_by[2, j] = removed if hit_voluntary else 0.0
            removed_by[3, j] = removed_mature
            if hit_voluntary:
                substituted[i] = True
                inv_licit[i] = 1.0 / (licit_factor[i] * licit_gain)
        for k in range(4):
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
def fit_barriers(advantage, cap, sensitivity, goal, starts, low, high, iterations, work):
    """Bisect each region's barrier so that its households' target areas add up to ``goal``.

    Args:
        advantage: each household's coca advantage at the start prices.
        cap: each household's coca ceiling, simulated ha.
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
        advantage_b, cap_b, area_b = advantage[lo:hi], cap[lo:hi], work[lo:hi]
        below, above = low[b], high[b]
        for _ in range(iterations):
            mid = (below + above) / 2
            for i in range(hi - lo):
                z = (advantage_b[i] - mid) * sensitivity
                area_b[i] = (z * 0.5 / (abs(z) + 1.0) + 0.5) * cap_b[i]
            if block_sum(work, lo, hi) > goal[b]:
                below = mid
            else:
                above = mid
        low[b], high[b] = below, above


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


# ------------------------------------------------------------------ region-level rules
# The decision makers' rules on arrays of a few regions, groups or countries, where numpy would
# spend its time on call overhead. They live here, beside ``pairwise_sum``, because numba's disk
# cache notices edits only in a compiled function's own file: a caller in another file would keep
# an old copy of a changed helper.


@compiled
def armed_group_rule(group_regions, strength_g, levy_g):
    """Per region: strength of the strongest group present (first listed on a tie), its tax rate.

    Args:
        group_regions: G x R, where each group is present.
        strength_g: each group's strength, 0-1.
        levy_g: each group's tax rate (0 for a group too weak to collect).

    """
    G, R = group_regions.shape
    strength, tax = np.zeros(R), np.zeros(R)
    for r in range(R):
        ruler, best = 0, strength_g[0] if group_regions[0, r] else 0.0
        for g in range(1, G):
            if group_regions[g, r] and strength_g[g] > best:
                ruler, best = g, strength_g[g]
        strength[r] = best
        tax[r] = levy_g[ruler] if best > 0 else 0.0
    return strength, tax


@compiled
def revenue_in_group_regions(group_regions, revenue_r):
    """Each group's sum of ``revenue_r`` over the regions where it is present."""
    G, R = group_regions.shape
    out, chosen = np.zeros(G), np.empty(R)
    for g in range(G):
        n = 0
        for r in range(R):
            if group_regions[g, r]:
                chosen[n] = revenue_r[r]
                n += 1
        out[g] = pairwise_sum(chosen[:n])
    return out


@compiled
def strongest_pressure(group_countries, pressure_c):
    """The strongest counterinsurgency each group faces across the countries it is in."""
    G, C = group_countries.shape
    out = np.full(G, -np.inf)
    for g in range(G):
        for c in range(C):
            if group_countries[g, c] and pressure_c[c] > out[g]:
                out[g] = pressure_c[c]
    return out


@compiled
def allocate(total, weight, room):
    """Split ``total`` in proportion to ``weight`` without exceeding ``room``, refilling twice."""
    R = len(room)
    plan, share, add = np.zeros(R), np.empty(R), np.empty(R)
    remaining = total
    for _ in range(3):
        any_open = False
        for r in range(R):
            is_open = room[r] - plan[r] > 1e-9 and weight[r] > 0
            share[r] = weight[r] if is_open else 0.0
            any_open = any_open or is_open
        if remaining <= 1e-9 or not any_open:
            break
        total_weight = pairwise_sum(share)
        for r in range(R):
            add[r] = min(remaining * share[r] / total_weight, room[r] - plan[r])
            plan[r] += add[r]
        remaining -= pairwise_sum(add)
    return plan


@compiled
def plan_regions(coca_r, legal_r, protection_r, danger_r, access, state_presence, in_country,
                  targeted, capacity, max_reach, access_weight, danger_avoidance):  # fmt: skip
    """A government's monthly plan per region, 3 x R: aerial, manual and voluntary hectares.

    Region targets (``targeted``: yearly hectares per region for each method) come first, up to
    what each method reaches in a month (armed groups shrink that reach); the country's monthly
    ``capacity`` of each method then goes to its regions by visible coca, weighed by accessibility
    and away from danger (voluntary substitution: by state presence).
    """
    R = len(coca_r)
    coca, shield = np.empty(R), np.empty(R)
    for r in range(R):
        coca[r] = max(coca_r[r] - legal_r[r], 0.0)
        shield[r] = 1.0 - protection_r[r]
    plans = np.zeros((3, R))
    room, weight = np.empty(R), np.zeros(R)
    for method in range(2):  # aerial, manual
        for r in range(R):
            if method == 0:
                reach = (0.5 + 0.5 * access[r]) * shield[r]  # planes reach remote valleys, not all
            else:
                reach = access[r] * shield[r]
            ceiling = max_reach * reach * coca[r]
            plans[method, r] = min(targeted[method][r] / 12.0 * in_country[r], ceiling)
            room[r] = ceiling - plans[method, r]
            if in_country[r] > 0:
                weight[r] = (
                    coca[r] * access[r] ** access_weight * (1.0 - danger_avoidance * danger_r[r])
                )
        plans[method] += allocate(capacity[method], weight, room)
    for r in range(R):
        weight[r] = coca[r] * state_presence[r] if in_country[r] > 0 else 0.0
        room[r] = max(coca[r] - plans[0, r] - plans[1, r], 0.0) * max_reach
        plans[2, r] = min(targeted[2][r] / 12.0 * in_country[r], room[r])
        room[r] -= plans[2, r]
    plans[2] += allocate(capacity[2], weight, room)
    return plans
