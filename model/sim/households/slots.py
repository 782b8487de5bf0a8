"""Where households live in memory: one row (slot) per household, one block of slots per region.

Slots are laid out in one contiguous block per region, so a rule visits a region's households as
one slice, and a mechanism acting in a few regions (eradication, migration) visits only their
blocks. Each block keeps a few empty slots at its end for newcomers; an empty slot has no land, no
coca and no risk, so it adds nothing to any sum. A household that migrates moves to a free slot in
its new region's block; when a block runs out of room the layout is rebuilt with more room
(rarely). Slots from a block's fill mark on have never held a household since the layout was
built, so the monthly loops stop there and sums add their zeros without reading them.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from model.sim.households import layout, regional, rules

FLOAT = np.float64
UINT32_SCALE = 2.0**32
# Spans of slots at least this long are drawn run by run with numpy's generator (see
# ``draws_in_blocks``). Not ``draws.COMPILED_DRAWS_BELOW``: that one weighs one block's set-up
# against its draws; a span of many blocks in one compiled call saves a set-up per block, which
# pays up to about this length (measured at the default and full scales).
DRAWN_BY_RUNS = 50_000
# Per-slot columns moved together when a household changes slot (empty-slot value second).
COLUMNS = {
    "land": 0.0,
    "half_cap": 0.0,
    "licit_factor": 1.0,
    "inv_licit": 1.0,
    "mature": 0.0,
    "immature": 0.0,
    "risk": 0.0,
    "replanting": 0.0,
    "sprayed": 0.0,
    "substituted": False,
    "occupied": False,
}

#: One uniform draw per slot (floats in [0, 1) or uint32), or a function ``(lo, hi)`` giving the
#: draws of slots ``lo..hi-1``.
Uniforms = np.ndarray | Callable[[int, int], np.ndarray]


def draws_for(u: Uniforms, lo: int, hi: int) -> np.ndarray:
    """The draws of slots ``lo..hi-1``.

    The compiled loops take the slots' count from the draws and do not check bounds: too few draws
    would skip slots and sum uninitialised work memory without an error, so the length is checked.
    """
    draws = u(lo, hi) if callable(u) else u[lo:hi]
    if len(draws) != hi - lo:
        raise ValueError(f"need one draw per slot {lo}..{hi - 1} ({hi - lo}), got {len(draws)}")
    return draws


def draws_in_blocks(u: Uniforms, lo: int, hi: int, firsts, ends, active) -> np.ndarray:
    """Draws of slots ``lo..hi-1`` of which only ``firsts[b]..ends[b]-1`` of active blocks are used.

    A long span is drawn run by run with numpy's generator (the other slots' draws are left
    unset), fastest per draw; a shorter one run by run in one compiled call where the draws can
    be made so (``draws.SlotDraws.in_blocks``: no per-run cost of setting up numpy's generator),
    else at once. The draws of the runs' slots are the same. Slots outside the runs may hold
    anything: callers read only ``firsts[b]..ends[b]-1`` of active blocks (``rules.choose_moves``
    skips blocks whose cut-off is 0 and stops at the fill marks).
    """
    if hi - lo < DRAWN_BY_RUNS and hasattr(u, "in_blocks"):
        return u.in_blocks(lo, hi, firsts, ends, active)
    if not callable(u) or hi - lo < DRAWN_BY_RUNS:
        return draws_for(u, lo, hi)
    draws = np.empty(hi - lo, np.uint32)
    for b in np.flatnonzero(active):
        first, end = int(firsts[b]), int(ends[b])
        draws[first - lo : end - lo] = draws_for(u, first, end)
    return draws


def thresholds(u: np.ndarray, probability: np.ndarray) -> np.ndarray:
    """Per-region cut-offs such that ``u < cut-off`` happens with ``probability``.

    For uint32 draws (uniform on 0..2**32-1) the cut-off is converted once per region, not once
    per household.
    """
    if u.dtype == np.uint32:
        return np.minimum(probability * UINT32_SCALE, UINT32_SCALE - 1).astype(np.uint32)
    return probability


def slack(counts: np.ndarray) -> np.ndarray:
    """Empty slots kept at the end of each region's block for migrants and newcomers."""
    return (counts // 8 + 4).astype(np.int64)


class SlotBlocks:
    """Per-slot columns in one block per region, and the bookkeeping of who lives where.

    Attributes:
        count: households per region.
        start: first slot of each block, then the number of slots (length regions + 1).
        fill: per block, the first slot never used yet.
        capacity: slots in all blocks.

    """

    def __init__(self, counts: np.ndarray):
        """Lay out blocks for ``counts`` households per region, every column at its empty value."""
        self.n_regions = len(counts)
        self.count = counts.astype(np.int64).copy()
        self._buffers: dict[str, np.ndarray] = {}  # the memory under each column, once relaid
        self._set_layout(self.count + slack(self.count))
        for name, empty in COLUMNS.items():
            dtype = bool if isinstance(empty, bool) else FLOAT
            setattr(self, name, np.full(self.capacity, empty, dtype=dtype))
        self.fill = self.start[:-1] + self.count
        self._hit = np.zeros(self.capacity, bool)
        self._hit_span = (0, 0)
        self._area_r: tuple[np.ndarray, np.ndarray] | None = None  # cached mature, immature sums
        self._area_stale = np.zeros(self.n_regions, bool)  # blocks whose cached sums are stale
        self._maybe_stale = False  # whether any block may have gone stale since the last check
        self._area_real = None  # the cached sums in real hectares, and the sums they came from
        self._moved_columns = None  # the columns, grouped for moving households (migration.py)
        self._at_risk: np.ndarray | None = None  # per region: sum of risk * land, if fresh

    def _set_layout(self, lengths: np.ndarray) -> None:
        self.lengths = lengths.astype(np.int64)
        self.start = np.concatenate([[0], np.cumsum(self.lengths)])
        self._block_starts = self.start[:-1].copy()
        self.capacity = int(self.start[-1])
        # Work buffers, one column each, reused by the monthly rules (their contents never carry,
        # so a new layout keeps them where they are large enough).
        for name in ("_work", "_work2"):
            work = getattr(self, name, None)
            if work is None or len(work) < self.capacity:
                work = np.empty(self.capacity)
            setattr(self, name, work[: self.capacity])
        if not hasattr(self, "_removed_by"):
            self._removed_by = np.empty((4, 0))  # eradication's work rows, sized on first use

    def occupied_slots(self) -> np.ndarray:
        """Slots of the first ``count[r]`` households of each block (fresh layout only)."""
        n = int(self.count.sum())
        offset = np.arange(n) - np.repeat(np.cumsum(self.count) - self.count, self.count)
        return np.repeat(self.start[:-1], self.count) + offset

    def _relayout(self, extra: np.ndarray, slots: np.ndarray | None = None) -> np.ndarray | None:
        """Rebuild the blocks without holes and with room for ``extra`` more per region.

        Returns:
            The new slots of the (occupied) ``slots``, if given.

        """
        old = np.flatnonzero(self.occupied)  # households keep their order
        old_capacity = self.capacity
        lengths = self.count + extra + slack(self.count + extra) + self.count // 4
        self._set_layout(lengths)
        # Each block's households, in order, start the new block: runs of them are copied whole.
        # A column is relaid within its own memory where that holds both layouts: new memory costs
        # a page fault per page on first touch, most of a relayout's time at full scale. Otherwise
        # it is copied into new memory with room to spare, which the next layouts will fit in.
        packed_start = np.concatenate([[0], np.cumsum(self.count)])
        runs = layout.moved_runs(old, packed_start, self.start)
        span = max(old_capacity, self.capacity)
        self._moved_columns = None  # holds the old columns
        for name, empty in COLUMNS.items():
            column = getattr(self, name)
            buffer = self._buffers.get(name, column)
            empty_value = column.dtype.type(empty)
            if len(buffer) >= span:
                layout.shift_runs(buffer[:span], *runs, packed_start, self.start, empty_value)
            else:
                buffer = np.empty(self.capacity + self.capacity // 8, dtype=column.dtype)
                layout.gather_runs(column, *runs, packed_start, self.start, empty_value,
                                  buffer[: self.capacity])  # fmt: skip
            self._buffers[name] = buffer
            setattr(self, name, buffer[: self.capacity])
        self._moved_columns = None
        if slots is not None:  # a household's rank among all households gives its new slot
            rank = np.searchsorted(old, slots)
            region = np.searchsorted(packed_start, rank, side="right") - 1
            slots = self.start[region] + rank - packed_start[region]
        self.fill = self.start[:-1] + self.count
        self._hit = np.zeros(self.capacity, bool)
        self._hit_span = (0, 0)
        self._at_risk = None
        self._area_r = None
        return slots

    def make_room(self, arrivals: np.ndarray, slots: np.ndarray | None = None):
        """Ensure each block has room for ``arrivals``; returns ``slots`` renumbered if moved."""
        if layout.out_of_room(self.fill, np.asarray(arrivals, dtype=np.int64), self.start):
            slots = self._relayout(arrivals, slots)
        return slots

    def per_slot(self, values_r: np.ndarray) -> np.ndarray:
        """A per-region value for every slot."""
        return np.repeat(values_r, self.lengths)

    def sum(self, values: np.ndarray) -> np.ndarray:
        """Per-region sums of a per-slot column (empty past the fill marks, as every column is)."""
        out = np.empty(self.n_regions)
        return rules.filled_block_sums(values, self._block_starts, self.fill, None, out)

    def mean(self, total: np.ndarray) -> np.ndarray:
        """Per-region ``total`` divided among the region's households (0 where none live)."""
        out = np.empty(self.n_regions)
        regional.per_household(total, self.count, out)
        return out

    def span(self, active_r: np.ndarray) -> tuple[int, int, int, int]:
        """First and past-last active block, and the slots they cover."""
        blocks = np.flatnonzero(active_r)
        if len(blocks) == 0:
            return 0, 0, 0, 0
        b0, b1 = int(blocks[0]), int(blocks[-1]) + 1
        return b0, b1, int(self.start[b0]), int(self.start[b1])

    def region_of_slots(self) -> np.ndarray:
        """Region of each slot, -1 for empty slots."""
        region = np.repeat(np.arange(self.n_regions), self.lengths)
        region[~self.occupied] = -1
        return region
