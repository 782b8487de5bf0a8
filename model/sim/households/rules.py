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
def pairwise_sum_upto(values, valid):
    """:func:`pairwise_sum` of ``values`` with those from index ``valid`` on taken as +0.0.

    Slots past a block's fill mark are empty (+0.0 in every summed column), so loops stop at the
    mark and sums add the zeros they would have read without reading them: the same tree of
    additions as numpy's over the whole block, so the same rounding.
    """
    n = len(values)
    if valid >= n:
        return pairwise_sum(values)
    if valid <= 0:
        return 0.0 if n > 0 else -0.0  # what a run of +0.0 sums to
    if n <= _PAIRWISE_BLOCK:
        leaf = np.zeros(n)
        leaf[:valid] = values[:valid]
        return pairwise_sum(leaf)
    half = n // 2
    half -= half % 8
    return pairwise_sum_upto(values[:half], valid) + pairwise_sum_upto(values[half:], valid - half)


@compiled
def block_sum_upto(values, lo, hi, fill):
    """:func:`block_sum` of ``values[lo:hi]`` with the values from slot ``fill`` on as +0.0."""
    if hi <= lo:
        return values[lo]
    first = values[lo] if lo < fill else 0.0
    return first + pairwise_sum_upto(values[lo + 1 : hi], fill - lo - 1)


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
def filled_block_sums(values, starts, fills, stale, out):
    """Per-block sums of ``values`` into ``out`` (see :func:`block_sum_upto`).

    Only the blocks where ``stale`` is set are summed (all of them if it is None).
    """
    for b in range(len(starts)):
        if stale is None or stale[b]:
            out[b] = block_sum_upto(values, starts[b], block_end(starts, b, len(values)), fills[b])
    return out


@compiled
def tend_fields(
    starts, fills, per_ha, base, risk, inv_licit, offset, half_cap, mature, immature, replanting,
    sprayed,
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
        fills: first slot of each block never used since the layout was made (empty from there).
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
        lo, hi, fill = starts[b], block_end(starts, b, capacity), fills[b]
        per_ha_b, base_b = per_ha[b], base[b]
        offset_b = offset[b]
        risk_b, inv_b = risk[lo:hi], inv_licit[lo:hi]
        cap_b, mature_b, immature_b = half_cap[lo:hi], mature[lo:hi], immature[lo:hi]
        replanting_b, sprayed_b = replanting[lo:hi], sprayed[lo:hi]
        gap_b, plant_b = gap[lo:hi], plant[lo:hi]
        waiting = 0.0
        for i in range(fill - lo):
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
        planted[b] = block_sum_upto(plant, lo, hi, fill) * weight
        room = min(free_left / planted[b], 1.0) if planted[b] > 0 else 1.0
        planted[b] *= room
        for i in range(fill - lo):
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
        area_mature[b] = block_sum_upto(mature, lo, hi, fill)
        area_immature[b] = block_sum_upto(immature, lo, hi, fill)


@compiled
def choose_moves(draws, lo, b0, b1, starts, fills, cut, cut_displaced, hit, occupied, best):
    """The households that move this month, and where, ordered by destination.

    A household of block ``b`` (``b0 <= b < b1``) moves to block ``best[b]`` if its draw is below
    its block's ``cut``, or below ``cut_displaced`` if it was hit by forced eradication this
    month; empty slots never move. ``draws`` are those of slots ``lo`` to ``starts[b1]``; blocks
    are visited up to their ``fills`` only.

    Returns:
        The movers' slots, their blocks and their destinations (in slot order within each
        destination), and the movers arriving per block.

    """
    chosen = np.empty(len(draws), np.int64)
    origin = np.empty(len(draws), np.int64)
    count = 0
    for b in range(b0, b1):
        c, c_displaced = cut[b], cut_displaced[b]
        c_any = max(c, c_displaced)
        if not c_any > 0:  # nobody leaves: the block's draws are not even read (nor drawn)
            continue
        for i in range(starts[b], min(starts[b + 1], fills[b])):
            u = draws[i - lo]
            if u < c_any and occupied[i] and (u < c or (u < c_displaced and hit[i])):
                chosen[count], origin[count] = i, b
                count += 1
    arrivals = np.zeros(len(best), np.int64)
    for k in range(count):
        arrivals[best[origin[k]]] += 1
    place = np.empty(len(best), np.int64)  # next place of each destination in the ordering
    first = 0
    for d in range(len(best)):
        place[d] = first
        first += arrivals[d]
    slots, origins = np.empty(count, np.int64), np.empty(count, np.int64)
    destination = np.empty(count, np.int64)
    for k in range(count):
        d = best[origin[k]]
        slots[place[d]], origins[place[d]], destination[place[d]] = chosen[k], origin[k], d
        place[d] += 1
    return slots, origins, destination, arrivals


@compiled
def idle_households(starts, fills, active, occupied, mature, immature, replanting):
    """Slots of the households without coca (none waiting to be replanted) in ``active`` blocks.

    Blocks are visited up to their fill marks (empty from there); the slots come out sorted.
    Areas are never negative, so a household with more mature coca than the threshold is not
    idle whatever its other columns hold: most households are passed over reading one column.
    """
    chosen = np.empty(0, np.int64)
    count = 0
    for b in range(len(starts)):
        if not active[b]:
            continue
        for i in range(starts[b], fills[b]):
            if mature[i] > 1e-9:
                continue
            if mature[i] + immature[i] + replanting[i] <= 1e-9 and occupied[i]:
                if count == len(chosen):  # such households are few: grow the list as they come
                    chosen = np.concatenate((chosen, np.empty(max(count, 64), np.int64)))
                chosen[count] = i
                count += 1
    return chosen[:count]


@compiled
def draws_below_cut(slots, draws, cut, starts):
    """The (sorted) ``slots`` whose draw is below their block's ``cut``, and their blocks."""
    kept, block = np.empty(len(slots), np.int64), np.empty(len(slots), np.int64)
    count, b = 0, 0
    for j in range(len(slots)):
        while b + 1 < len(starts) and starts[b + 1] <= slots[j]:
            b += 1
        if draws[j] < cut[b]:
            kept[count], block[count] = slots[j], b
            count += 1
    return kept[:count], block[:count]


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
def growing_and_risk(mature, immature, risk, starts, fills, growing, risk_total):
    """Per block: households with any coca (over 1e-6 simulated ha), and their summed risk.

    Args:
        mature: mature coca per household, simulated ha.
        immature: immature coca per household, simulated ha.
        risk: perceived risk per household (0 in empty slots, see ``learn_risk``).
        starts: first slot of each region's block.
        fills: first slot of each block never used (empty from there).
        growing: out, households with coca per block.
        risk_total: out, sum of risk per block.

    """
    for b in range(len(starts)):
        lo, hi, fill = starts[b], block_end(starts, b, len(mature)), fills[b]
        mature_b, immature_b = mature[lo:hi], immature[lo:hi]
        count = 0
        for i in range(fill - lo):
            count += 1 if mature_b[i] + immature_b[i] > 1e-6 else 0
        growing[b] = count
        risk_total[b] = block_sum_upto(risk, lo, hi, fill)


@compiled
def learn_risk(
    risk, keep, added, starts, fills, hit, lo, hi, learning_own, occupied, land, work, at_risk
):
    """Perceived risk decays by ``keep``, rises by each region's ``added``, and jumps where hit.

    Empty slots keep a risk of 0, so per-region sums of risk need no mask.

    Args:
        risk: perceived yearly eradication risk per household; updated in place.
        keep: share of last month's belief kept.
        added: per region, what the region's eradication adds (None when nothing was eradicated).
        starts: first slot of each region's block.
        fills: first slot of each block never used (empty from there).
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
        start, block_hi, end = starts[b], block_end(starts, b, len(risk)), fills[b]
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
        at_risk[b] = block_sum_upto(work, start, block_hi, end)
