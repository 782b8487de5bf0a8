"""Forced eradication and voluntary substitution on household slots, as a compiled loop (numba).

The loop visits only the blocks of the regions with a plan (see ``Households.eradicate``, which
sums what it removed per region with ``rules.block_sums``).
"""

from __future__ import annotations

from model.sim.compiled import compiled


@compiled
def eradicate_fields(
    draws, lo, starts, cut_aerial, cut_manual, cut_voluntary, eligible_share, kill_aerial,
    kill_manual, adaptation, replant_forced, replant_voluntary, licit_gain, mature, immature,
    replanting, sprayed, substituted, inv_licit, licit_factor, hit, removed_by,
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
        kill_aerial: per block, share of the coca on a sprayed hectare that dies, before
            adaptation.
        kill_manual: per block, share of the coca on a manually eradicated hectare removed.
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
        removed_by: out, 6 x slots of the run (destroyed by aerial, manual, voluntary; mature
            destroyed; area sprayed; area eradicated by hand), simulated ha; the caller sums them
            per block.

    """
    n = len(draws)
    for b in range(len(starts)):
        start, end = starts[b], starts[b + 1] if b + 1 < len(starts) else n
        a, m, v, share = cut_aerial[b], cut_manual[b], cut_voluntary[b], eligible_share[b]
        aerial_b, manual_b = kill_aerial[b], kill_manual[b]
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
                kill = aerial_b / (1.0 + adaptation * sprayed[i])
                if treated > 0.0:  # farmers learn from spraying of their own coca only
                    sprayed[i] += 1.0
            elif hit_manual:
                kill = manual_b
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
