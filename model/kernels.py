"""Compiled per-slot loops for the household rules (numba).

A monthly household rule written with numpy makes one pass over every column per operation (the
area rule alone made about 25) and pays a call's overhead on each; these loops make one pass,
reading each column once. They do the same arithmetic in the same order as the numpy expressions
they replaced, and sum per region by numpy's pairwise summation (:func:`block_sums`), so outputs
did not change when they came in.

Slots are laid out in one block per region (see ``households.py``): block ``b`` covers slots
``starts[b]`` up to ``starts[b + 1]`` (the last block runs to the end of the columns). Compiled
code is cached on disk (``cache=True``): the first run on a machine compiles for a few seconds,
later processes load it in milliseconds.
"""

from __future__ import annotations

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
        total = 0.0
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
def block_sums(values, starts, out):
    """Per-block sums of ``values`` into ``out``: ``np.add.reduceat(values, starts)``, compiled."""
    for b in range(len(starts)):
        lo, hi = starts[b], block_end(starts, b, len(values))
        if hi <= lo:
            out[b] = values[lo]
        else:
            out[b] = values[lo] + pairwise_sum(values[lo + 1 : hi])
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
        offset: per household, its region's barrier term.
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
    for b in range(len(starts)):
        lo, hi = starts[b], block_end(starts, b, capacity)
        up, down = per_ha[b], base[b]
        risk_b, inv_b, offset_b = risk[lo:hi], inv_licit[lo:hi], offset[lo:hi]
        cap_b, mature_b, immature_b = half_cap[lo:hi], mature[lo:hi], immature[lo:hi]
        gap_b, plant_b = gap[lo:hi], plant[lo:hi]
        for i in range(hi - lo):
            z = (down - up * risk_b[i]) * inv_b[i] - offset_b[i]
            x = (z / (abs(z) + 1.0) + 1.0) * cap_b[i] - mature_b[i] - immature_b[i]
            gap_b[i] = x
            plant_b[i] = max(x, 0.0) * planting_rate
    block_sums(plant, starts, planted)
    for b in range(len(starts)):
        planted[b] *= weight
        room = min(free_ha[b] / planted[b], 1.0) if planted[b] > 0 else 1.0
        planted[b] *= room
        lo, hi = starts[b], block_end(starts, b, capacity)
        mature_b, immature_b = mature[lo:hi], immature[lo:hi]
        gap_b, plant_b = gap[lo:hi], plant[lo:hi]
        for i in range(hi - lo):
            # With d = mature - abandoned: mature becomes max(d, 0), immature loses max(-d, 0).
            d = mature_b[i] - min(gap_b[i], 0.0) * -abandon_rate
            young = max(immature_b[i] + min(d, 0.0), 0.0)
            matured = young * inv_maturity
            immature_b[i] = young - matured + plant_b[i] * room
            mature_b[i] = max(d, 0.0) + matured
    block_sums(mature, starts, area_mature)
    block_sums(immature, starts, area_immature)


@compiled
def product_block_sums(a, b, starts, work, out):
    """Per-block sums of ``a * b`` (``work`` holds the products)."""
    for i in range(len(a)):
        work[i] = a[i] * b[i]
    return block_sums(work, starts, out)


@compiled
def growing_and_risk(mature, immature, risk, occupancy, starts, work, growing, risk_total):
    """Per block: households with any coca (over 1e-6 simulated ha), and their summed risk.

    Args:
        mature: mature coca per household, simulated ha.
        immature: immature coca per household, simulated ha.
        risk: perceived risk per household.
        occupancy: 1.0 for an occupied slot, 0.0 for an empty one.
        starts: first slot of each region's block.
        work: work column (risk of occupied slots).
        growing: out, households with coca per block.
        risk_total: out, sum of occupied slots' risk per block.

    """
    for b in range(len(starts)):
        lo, hi = starts[b], block_end(starts, b, len(mature))
        mature_b, immature_b = mature[lo:hi], immature[lo:hi]
        risk_b, occupancy_b, work_b = risk[lo:hi], occupancy[lo:hi], work[lo:hi]
        count = 0
        for i in range(hi - lo):
            count += mature_b[i] + immature_b[i] > 1e-6
            work_b[i] = risk_b[i] * occupancy_b[i]
        growing[b] = count
    block_sums(work, starts, risk_total)


@compiled
def learn_risk(risk, keep, added, starts, hit, lo, hi, learning_own):
    """Perceived risk decays by ``keep``, rises by each region's ``added``, and jumps where hit.

    Args:
        risk: perceived yearly eradication risk per household; updated in place.
        keep: share of last month's belief kept.
        added: per region, what the region's eradication adds (None when nothing was eradicated).
        starts: first slot of each region's block.
        hit: households hit by forced eradication this month (only ``lo..hi-1`` are read).
        lo: first slot that may have been hit.
        hi: past-last slot that may have been hit.
        learning_own: share of the gap to certainty a household closes when it is hit.

    """
    if added is None:
        for i in range(len(risk)):
            risk[i] *= keep
    else:
        for b in range(len(starts)):
            risk_b = risk[starts[b] : block_end(starts, b, len(risk))]
            add = added[b]
            for i in range(len(risk_b)):
                risk_b[i] = risk_b[i] * keep + add
    risk_hit, hit_span = risk[lo:hi], hit[lo:hi]
    for i in range(hi - lo):
        if hit_span[i]:
            risk_hit[i] += learning_own * (1.0 - risk_hit[i])
