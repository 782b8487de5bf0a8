"""The compiled household loops agree with numpy and keep the columns' invariants."""

import numpy as np
import pytest
from conftest import eradication, small_scenario
from hypothesis import given, settings
from hypothesis import strategies as st

from model import BalloonModel
from model.sim.households import layout
from model.sim.households import rules as kernels


@settings(max_examples=200, deadline=None)
@given(
    n=st.integers(1, 3000),
    blocks=st.integers(1, 20),
    seed=st.integers(0, 2**32 - 1),
    zeros=st.sampled_from(["none", "some", "all"]),
)
def test_block_sums_equal_numpy_reduceat_bit_for_bit(n, blocks, seed, zeros):
    rng = np.random.default_rng(seed)
    values = rng.normal(size=n) * rng.lognormal(0.0, 3.0, size=n)
    if zeros != "none":  # signed zeros: numpy keeps a sum of -0.0 negative
        chosen = rng.random(n) < (1.0 if zeros == "all" else 0.5)
        values[chosen] = rng.choice([-0.0, 0.0], size=chosen.sum())
    starts = np.sort(rng.choice(n, size=min(blocks, n), replace=False)).astype(np.int64)
    starts[0] = 0
    got = kernels.block_sums(values, starts, np.empty(len(starts)))
    expected = np.add.reduceat(values, starts)
    assert np.array_equal(got, expected)
    assert np.array_equal(np.signbit(got), np.signbit(expected))
    assert kernels.pairwise_sum(values) == values.sum()


@settings(max_examples=200, deadline=None)
@given(n=st.integers(1, 3000), blocks=st.integers(1, 20), seed=st.integers(0, 2**32 - 1))
def test_sums_up_to_the_fill_marks_equal_numpy_over_whole_blocks_of_trailing_zeros(n, blocks, seed):
    rng = np.random.default_rng(seed)
    starts = np.sort(rng.choice(n, size=min(blocks, n), replace=False)).astype(np.int64)
    starts[0] = 0
    ends = np.append(starts[1:], n)
    fills = starts + rng.integers(0, ends - starts + 1)  # some blocks empty, some full
    values = rng.normal(size=n) * rng.lognormal(0.0, 3.0, size=n)
    values[rng.random(n) < 0.2] = 0.0
    garbage = values.copy()  # what loops that stop at the fill mark leave behind it
    for fill, end in zip(fills, ends, strict=True):
        values[fill:end] = 0.0
        garbage[fill:end] = rng.normal(size=end - fill) * 1e6
    got = kernels.filled_block_sums(garbage, starts, fills, None, np.empty(len(starts)))
    expected = np.add.reduceat(values, starts)
    assert np.array_equal(got, expected)
    assert np.array_equal(np.signbit(got), np.signbit(expected))
    stale = rng.random(len(starts)) < 0.5
    partly = kernels.filled_block_sums(garbage, starts, fills, stale, np.full(len(starts), 7.0))
    assert np.array_equal(partly, np.where(stale, expected, 7.0))


def test_idle_households_are_the_occupied_slots_without_coca_of_active_blocks_below_the_fill():
    starts, fills = np.array([0, 4, 8], dtype=np.int64), np.array([3, 8, 8], dtype=np.int64)
    mature = np.array([0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 2e-10, 0.0, 0.0, 0.0])
    immature, replanting = np.zeros(10), np.zeros(10)
    replanting[5] = 0.5  # waiting to replant: not idle
    occupied = np.array([1, 1, 1, 0, 1, 1, 1, 0, 1, 1], dtype=bool)  # 9: past the fill mark
    everywhere = np.ones(3, bool)
    got = kernels.idle_households(starts, fills, everywhere, occupied, mature, immature, replanting)
    assert list(got) == [0, 2, 4, 6]
    only_first = np.array([True, False, True])
    got = kernels.idle_households(starts, fills, only_first, occupied, mature, immature, replanting)
    assert list(got) == [0, 2]
    many = np.zeros(300)  # more than the list's first allocation
    got = kernels.idle_households(np.array([0]), np.array([300]), np.ones(1, bool),
                                  np.ones(300, bool), many, many, many)  # fmt: skip
    assert np.array_equal(got, np.arange(300))


def test_tend_fields_plants_toward_the_target_and_respects_free_land():
    starts = np.array([0, 3], dtype=np.int64)
    n = 5
    fills = np.array([3, 5], dtype=np.int64)
    half_cap = np.full(n, 1.0)
    mature, immature = np.zeros(n), np.zeros(n)
    risk, inv_licit = np.zeros(n), np.ones(n)
    planted, area_m, area_i = np.empty(2), np.empty(2), np.empty(2)
    # z = base - offset = 0 -> target = half_cap = 1 ha; gap 1, planting 10% of it.
    kernels.tend_fields(
        starts, fills, np.zeros(2), np.zeros(2), risk, inv_licit, np.zeros(2), half_cap, mature,
        immature, np.zeros(n), np.zeros(n), np.array([1e9, 0.15]), 1.0, 0.1, 0.2, 1 / 15,
        1 / 4, 0.9, np.empty(n), np.empty(n), planted, area_m, area_i,
    )  # fmt: skip
    assert planted[0] == 3 * 0.1  # free land plenty: 0.1 ha on each of 3 farms
    assert np.isclose(planted[1], 0.15)  # 0.2 ha wanted, only 0.15 ha free
    assert np.allclose(immature[:3], 0.1) and np.allclose(immature[3:], 0.075)
    assert np.allclose(area_i, [0.3, 0.15]) and np.all(area_m == 0)


def test_tend_fields_abandons_mature_coca_first_and_never_goes_negative():
    starts, fills = np.array([0], dtype=np.int64), np.array([2], dtype=np.int64)
    mature, immature = np.array([0.05, 2.0]), np.array([1.0, 0.0])
    planted, area_m, area_i = np.empty(1), np.empty(1), np.empty(1)
    # A barrier far above the advantage: targets are ~0, every farm abandons.
    kernels.tend_fields(
        starts, fills, np.zeros(1), np.zeros(1), np.zeros(2), np.ones(2), np.array([1e6]),
        np.ones(2), mature, immature, np.zeros(2), np.zeros(2), np.array([1e9]), 1.0, 0.1, 0.5,
        1 / 15, 1 / 4, 0.9, np.empty(2), np.empty(2), planted, area_m, area_i,
    )  # fmt: skip
    assert planted[0] == 0
    assert np.all(mature >= 0) and np.all(immature >= 0)
    assert mature[0] < 0.05 and immature[0] < 1.0  # first farm: mature gone, then immature
    assert 0 < mature[1] < 2.0


def test_tend_fields_replants_a_share_a_month_counts_it_toward_the_target_and_fades_spraying():
    starts, fills = np.array([0], dtype=np.int64), np.array([2], dtype=np.int64)
    # Target 1 ha (z = 0, half_cap 1): the first farm's 0.4 ha plus 0.6 ha to replant meet it.
    mature, immature = np.array([0.4, 0.4]), np.zeros(2)
    replanting, sprayed = np.array([0.6, 0.0]), np.array([2.0, 0.0])
    planted, area_m, area_i = np.empty(1), np.empty(1), np.empty(1)
    kernels.tend_fields(
        starts, fills, np.zeros(1), np.zeros(1), np.zeros(2), np.ones(2), np.zeros(1), np.ones(2),
        mature, immature, replanting, sprayed, np.array([1e9]), 1.0, 0.1, 0.5, 1 / 15, 1 / 4,
        0.9, np.empty(2), np.empty(2), planted, area_m, area_i,
    )  # fmt: skip
    assert planted[0] == pytest.approx(0.1 * 0.6)  # only the second farm plants (10% of its gap)
    assert np.allclose(replanting, [0.45, 0.0])  # a quarter of what waits is replanted
    assert np.allclose(immature, [0.15, 0.06])  # replanted fields are young again
    assert np.allclose(mature, [0.4, 0.4])
    assert np.allclose(sprayed, [1.8, 0.0])  # the memory of spraying fades
    assert area_i[0] == pytest.approx(0.21)


def test_empty_slots_never_carry_risk_so_region_means_need_no_mask():
    scenario = small_scenario(
        policies=[eradication("colombia", 60_000, method="aerial"), eradication("peru", 30_000)]
    )
    model = BalloonModel(scenario)
    hh = model.households
    for _ in range(scenario.months):  # month by month: a relayout would wipe empty slots
        model.step()
        assert (hh.risk[~hh.occupied] == 0).all()
    assert (hh.risk[hh.occupied] > 0).any()
    occupied = hh.occupied
    counted = np.bincount(
        hh.region_of_slots()[occupied], weights=hh.risk[occupied], minlength=hh.n_regions
    )
    mean = np.divide(counted, hh.count, out=np.zeros(hh.n_regions), where=hh.count > 0)
    assert np.allclose(hh.region_mean_risk(), mean)


def test_too_few_draws_is_an_error_not_a_silent_shortfall():
    model = BalloonModel(small_scenario())
    hh, R = model.households, model.world.n_regions
    r = int(np.argmax(hh.region_hectares()))
    planned, zeros = np.zeros((3, R)), np.zeros(R)
    planned[1, r] = 5_000.0  # by hand
    legal = model.world.legal_ha
    end = int(hh.start[r + 1])  # eradication visits slots start[r]..end-1
    short = np.random.default_rng(0).random(end - 1)
    with pytest.raises(ValueError, match="one draw per slot"):
        hh.eradicate(planned, 0.5, 0.95, 0.5, legal, zeros, short)
    with pytest.raises(ValueError, match="one draw per slot"):
        hh.eradicate(planned, 0.5, 0.95, 0.5, legal, zeros, lambda lo, hi: short[lo : hi - 1])
    enough = np.random.default_rng(0).random(end)
    assert hh.eradicate(planned, 0.5, 0.95, 0.5, legal, zeros, enough).manual_ha[r] > 0


@settings(max_examples=200, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    blocks=st.integers(1, 8),
    grow=st.floats(0.5, 2.0),
)
def test_relaid_columns_hold_each_block_households_in_order_then_empty_slots(seed, blocks, grow):
    # Copied into new memory or moved within the old (households moving both ways), a new
    # layout holds the same columns as a plain gather does, and its tails are empty.
    rng = np.random.default_rng(seed)
    old_lengths = rng.integers(0, 40, blocks)
    capacity = int(old_lengths.sum())
    occupied = rng.random(capacity) < rng.choice([0.3, 0.9, 1.0])
    old = np.flatnonzero(occupied)
    block_of = np.repeat(np.arange(blocks), old_lengths)[old]
    count = np.bincount(block_of, minlength=blocks)
    packed = np.concatenate([[0], np.cumsum(count)])
    new_lengths = count + rng.integers(0, 1 + int(grow * 20), blocks)
    new_starts = np.concatenate([[0], np.cumsum(new_lengths)])
    column = rng.normal(size=capacity)
    expected = np.full(new_starts[-1], -1.0)
    for b in range(blocks):
        expected[new_starts[b] : new_starts[b] + count[b]] = column[old[packed[b] : packed[b + 1]]]
    runs = layout.moved_runs(old, packed, new_starts)
    assert runs[2].sum() == len(old) and (runs[2] > 0).all()
    copied = np.empty(new_starts[-1])
    layout.gather_runs(column, *runs, packed, new_starts, -1.0, copied)
    span = max(capacity, int(new_starts[-1]))
    in_place = np.concatenate([column, np.full(span - capacity, np.nan)])
    layout.shift_runs(in_place, *runs, packed, new_starts, -1.0)
    assert np.array_equal(copied, expected)
    assert np.array_equal(in_place[: new_starts[-1]], expected)


@settings(max_examples=200, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), blocks=st.integers(1, 8))
def test_movers_are_the_draws_under_their_cut_ordered_stably_by_destination(seed, blocks):
    rng = np.random.default_rng(seed)
    starts = np.concatenate([[0], np.cumsum(rng.integers(0, 60, blocks))])
    fills = starts[:-1] + rng.integers(0, 61, blocks).clip(max=np.diff(starts))
    b0 = int(rng.integers(0, blocks))
    b1 = int(rng.integers(b0 + 1, blocks + 1))
    lo, hi = int(starts[b0]), int(starts[b1])
    draws = rng.integers(0, 2**32, hi - lo, dtype=np.uint32)
    cut = rng.integers(0, 2**31, blocks).astype(np.uint32)
    cut_displaced = (cut * rng.uniform(1.0, 2.0, blocks)).astype(np.uint32)
    hit, occupied = rng.random(starts[-1]) < 0.3, rng.random(starts[-1]) < 0.8
    best = rng.integers(0, blocks, blocks)
    slots, origin, destination, arrivals = kernels.choose_moves(
        draws, lo, b0, b1, starts, fills, cut, cut_displaced, hit, occupied, best
    )
    block = np.searchsorted(starts, np.arange(lo, hi), side="right") - 1
    below_fill = np.arange(lo, hi) < fills[block]
    u, h = draws, hit[lo:hi]
    moves = occupied[lo:hi] & below_fill & ((u < cut[block]) | ((u < cut_displaced[block]) & h))
    expected = np.arange(lo, hi)[moves]
    order = np.argsort(best[block[moves]], kind="stable")
    assert np.array_equal(slots, expected[order])
    assert np.array_equal(origin, block[moves][order])
    assert np.array_equal(destination, best[block[moves]][order])
    assert np.array_equal(arrivals, np.bincount(destination, minlength=blocks))


@settings(max_examples=100, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), blocks=st.integers(1, 8))
def test_slots_kept_are_those_drawn_below_their_own_block_cut(seed, blocks):
    rng = np.random.default_rng(seed)
    starts = np.concatenate([[0], np.cumsum(rng.integers(0, 30, blocks))])
    slots = np.flatnonzero(rng.random(starts[-1]) < 0.5)
    draws = rng.random(len(slots))
    cut = rng.random(blocks)
    block = np.searchsorted(starts, slots, side="right") - 1
    kept, kept_block = kernels.draws_below_cut(slots, draws, cut, starts)
    below = draws < cut[block]
    assert np.array_equal(kept, slots[below]) and np.array_equal(kept_block, block[below])
