"""Draws at chosen slots equal the block draws of the same slots (fixed places in a stream)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.sim.households.draws import SlotStream


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), t=st.integers(0, 5000), lo=st.integers(0, 3000))
def test_draws_at_chosen_slots_equal_the_block_draw(seed, t, lo):
    stream = SlotStream(np.random.default_rng(seed).spawn(2)[1])
    draws = stream.month(t)
    block = draws(lo, lo + 999)
    slots = np.random.default_rng(seed + 1).choice(np.arange(lo, lo + 999), 50, replace=False)
    assert np.array_equal(draws.at(slots), block[slots - lo])
    assert draws.at(np.empty(0, np.int64)).dtype == np.uint32


def test_draws_are_fixed_by_month_and_slot_and_differ_between_them():
    rng = np.random.default_rng(3)
    stream = SlotStream(rng)
    first = stream.month(7)(0, 1000)
    rng.random(10)  # other use of the generator moves nothing: places are fixed from the start
    assert np.array_equal(stream.month(7)(500, 1000), first[500:])
    assert not np.array_equal(stream.month(8)(0, 1000), first)
    share_below = (first < 2**31).mean()  # uniform on 0..2**32-1
    assert 0.45 < share_below < 0.55


def test_slot_draws_need_a_pcg64_stream():
    with pytest.raises(TypeError, match="PCG64"):
        SlotStream(np.random.Generator(np.random.Philox(1)))


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), t=st.integers(0, 5000), lo=st.integers(0, 3000),
       n=st.integers(0, 3000))  # fmt: skip
def test_short_and_long_blocks_give_the_numbers_of_numpys_generator(seed, t, lo, n):
    stream = SlotStream(np.random.default_rng(seed).spawn(3)[2])
    bits = np.random.default_rng(seed).spawn(3)[2].bit_generator
    bits.advance((t << 40) + lo // 2)
    expected = bits.random_raw((lo + n + 1) // 2 - lo // 2).view(np.uint32)[lo % 2 : lo % 2 + n]
    assert np.array_equal(stream.month(t)(lo, lo + n), expected)


def test_draws_in_active_blocks_equal_the_block_draw_there():
    draws = SlotStream(np.random.default_rng(11)).month(40)
    firsts, ends = np.array([3, 100, 2500, 9000]), np.array([90, 100, 7001, 9100])
    active = np.array([True, True, True, False])
    block = draws(3, 9100)
    some = draws.in_blocks(3, 9100, firsts, ends, active)
    assert len(some) == len(block)
    for first, end in ((3, 90), (2500, 7001)):
        assert np.array_equal(some[first - 3 : end - 3], block[first - 3 : end - 3])
