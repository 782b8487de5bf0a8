"""Per-slot uniform draws from fixed places in a PCG64 stream, for a block or for chosen slots.

A mechanism's draw for household slot ``i`` in month ``t`` is the ``i % 2``-th 32-bit half of
output number ``(t << 40) + i // 2`` of its stream (numpy's PCG64). Fixed places mean a run draws
only for the slots a mechanism visits, and skipping a mechanism never shifts later draws: a policy
run and its counterfactual see the same numbers (common random numbers).

A long block of slots is drawn with numpy (``SlotDraws.__call__``); a short one (the regions'
counts of entrants, say) by a compiled loop that jumps to the block's first output and steps from
there, which skips numpy's per-call cost of setting and advancing the generator. A few scattered
slots (the households without coca that might leave, say) are drawn by jumping the generator
straight to each one (``SlotDraws.at``). Every way gives the same numbers.
"""

from __future__ import annotations

import numpy as np

from model.sim.compiled import compiled

# numpy's PCG64 (PCG XSL-RR 128/64): state <- state * MULTIPLIER + increment, 128-bit.
MULTIPLIER = (2549297995355413924 << 64) + 4865540595714422341
MASK64 = (1 << 64) - 1
MASK128 = (1 << 128) - 1
JUMPS = 64  # jumps of 2**k steps, k < 64: any output number of a month fits
# Blocks of fewer slots are drawn by the compiled loop: numpy's own generator is faster per draw
# but costs some microseconds a call to set up.
COMPILED_DRAWS_BELOW = 2048


def _halves(value: int) -> tuple[int, int]:
    return (value >> 64) & MASK64, value & MASK64


def jump_table(increment: int) -> np.ndarray:
    """The affine maps ``state -> a * state + c`` of ``2**k`` steps, for k = 0..63.

    Each row holds ``a`` and ``c`` as uint64 halves: (a_hi, a_lo, c_hi, c_lo).
    """
    table = np.empty((JUMPS, 4), np.uint64)
    a, c = MULTIPLIER, increment
    for k in range(JUMPS):
        table[k] = (*_halves(a), *_halves(c))
        a, c = a * a & MASK128, (a + 1) * c & MASK128
    return table


class SlotStream:
    """One mechanism's stream of per-slot draws, from its start state (see the module's doc).

    Args:
        rng: the mechanism's own generator (PCG64); its state is moved by block draws.

    """

    def __init__(self, rng: np.random.Generator):
        self.bits = rng.bit_generator
        if not isinstance(self.bits, np.random.PCG64):
            raise TypeError(f"slot draws need a PCG64 stream, got {type(self.bits).__name__}")
        self.state = self.bits.state
        self._jumps: np.ndarray | None = None  # worked out on first use

    def month(self, t: int) -> SlotDraws:
        """The draws of month ``t``."""
        return SlotDraws(self, t)

    def jumps(self) -> np.ndarray:
        """The stream's jump table (see :func:`jump_table`)."""
        if self._jumps is None:
            self._jumps = jump_table(self.state["state"]["inc"])
        return self._jumps


class SlotDraws:
    """Uniform uint32 draws of household slots in month ``t`` from one stream."""

    def __init__(self, stream: SlotStream, t: int):
        self.stream, self.t = stream, t

    def __call__(self, lo: int, hi: int) -> np.ndarray:
        """The draws of slots ``lo..hi-1``."""
        if hi - lo < COMPILED_DRAWS_BELOW:
            state = self.stream.state["state"]["state"]
            return draws_from(
                np.uint64(state >> 64), np.uint64(state & MASK64), self.stream.jumps(),
                (self.t << 40) + lo // 2, lo % 2, hi - lo,
            )  # fmt: skip
        bits = self.stream.bits
        bits.state = self.stream.state
        bits.advance((self.t << 40) + lo // 2)
        raw = bits.random_raw((hi + 1) // 2 - lo // 2)
        return raw.view(np.uint32)[lo % 2 : lo % 2 + hi - lo]

    def in_blocks(self, lo: int, hi: int, firsts, ends, active) -> np.ndarray:
        """Draws of slots ``lo..hi-1`` set only for slots ``firsts[b]..ends[b]-1`` of ``active`` b.

        Each run of slots is drawn by the compiled loop (see :func:`draws_from`); the other
        slots' draws are left unset.
        """
        state = self.stream.state["state"]["state"]
        return draws_in_runs(
            np.uint64(state >> 64), np.uint64(state & MASK64), self.stream.jumps(), self.t << 40,
            lo, hi, firsts, ends, active,
        )  # fmt: skip

    def at(self, slots: np.ndarray) -> np.ndarray:
        """The draws of the given slots (any order), as ``__call__`` would give them."""
        state = self.stream.state["state"]["state"]
        return draws_at(
            np.uint64(state >> 64), np.uint64(state & MASK64), self.stream.jumps(),
            np.asarray(slots, np.int64), self.t << 40,
        )  # fmt: skip


@compiled
def multiply_128(a_hi, a_lo, b_hi, b_lo):
    """``a * b`` modulo 2**128, halves as uint64."""
    m32 = np.uint64(0xFFFFFFFF)
    s32 = np.uint64(32)
    a0, a1, b0, b1 = a_lo & m32, a_lo >> s32, b_lo & m32, b_lo >> s32
    p00, p01, p10, p11 = a0 * b0, a0 * b1, a1 * b0, a1 * b1
    middle = (p00 >> s32) + (p01 & m32) + (p10 & m32)
    lo = (middle << s32) | (p00 & m32)
    hi = p11 + (p01 >> s32) + (p10 >> s32) + (middle >> s32) + a_hi * b_lo + a_lo * b_hi
    return hi, lo


@compiled
def jump(state_hi, state_lo, table, steps):
    """The state ``steps`` steps after ``state``, composing the jumps of ``table``."""
    one = np.uint64(1)
    hi, lo = state_hi, state_lo
    k = 0
    while steps > 0:
        if steps & 1:
            hi, lo = multiply_128(table[k, 0], table[k, 1], hi, lo)
            c_lo = table[k, 3]
            lo = lo + c_lo
            hi = hi + table[k, 2] + (one if lo < c_lo else np.uint64(0))
        steps >>= 1
        k += 1
    return hi, lo


@compiled
def output(hi, lo):
    """PCG64's output (XSL-RR) of a state."""
    x = hi ^ lo
    rotation = hi >> np.uint64(58)
    return (x >> rotation) | (x << ((np.uint64(64) - rotation) & np.uint64(63)))


@compiled
def draws_in_runs(state_hi, state_lo, table, first_output, lo, hi, firsts, ends, active):
    """uint32 draws of slots ``lo..hi-1`` set for the runs of active blocks (see ``in_blocks``)."""
    draws = np.empty(hi - lo, np.uint32)
    for k in range(len(firsts)):
        first, end = firsts[k], ends[k]
        if active[k] and end > first:
            draws[first - lo : end - lo] = draws_from(
                state_hi, state_lo, table, first_output + first // 2, first % 2, end - first
            )
    return draws


@compiled
def draws_from(state_hi, state_lo, table, first_output, first_half, n):
    """``n`` uint32 draws from half ``first_half`` (0 low, 1 high) of output ``first_output`` on.

    The stream jumps to the state of its first output (see :func:`draws_at`) and then steps one
    output at a time (``table[0]`` is a single step), taking the low half and then the high half
    of each output, as numpy's ``random_raw(...).view(np.uint32)`` gives them.
    """
    draws = np.empty(n, np.uint32)
    if n == 0:
        return draws
    one = np.uint64(1)
    hi, lo = jump(state_hi, state_lo, table, first_output + 1)
    value = output(hi, lo)
    half = first_half
    for j in range(n):
        if half == 2:
            hi, lo = multiply_128(table[0, 0], table[0, 1], hi, lo)
            c_lo = table[0, 3]
            lo = lo + c_lo
            hi = hi + table[0, 2] + (one if lo < c_lo else np.uint64(0))
            value = output(hi, lo)
            half = 0
        draws[j] = np.uint32(value >> np.uint64(32) if half else value & np.uint64(0xFFFFFFFF))
        half += 1
    return draws


@compiled
def draws_at(state_hi, state_lo, table, slots, first_output):
    """uint32 draws of ``slots``: halves of outputs ``first_output + slot // 2`` of the stream.

    Output ``n`` comes from the state after ``n + 1`` steps from ``state``, reached by composing
    the jumps of ``table`` for the set bits of ``n + 1`` (for a slot after the previous one, of
    the steps between them); the output is PCG's XSL-RR.
    """
    draws = np.empty(len(slots), np.uint32)
    hi, lo, done = state_hi, state_lo, 0  # the state after ``done`` steps
    for j in range(len(slots)):
        steps = first_output + slots[j] // 2 + 1
        if steps < done:  # slots in any order: from the start again
            hi, lo, done = state_hi, state_lo, 0
        # From the last slot's state (sorted slots lie close: a short jump).
        hi, lo = jump(hi, lo, table, steps - done)
        done = steps
        value = output(hi, lo)
        half = value >> np.uint64(32) if slots[j] % 2 else value & np.uint64(0xFFFFFFFF)
        draws[j] = np.uint32(half)
    return draws
