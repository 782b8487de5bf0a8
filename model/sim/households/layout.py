"""Compiled loops that move the households' columns into a new layout of blocks (``slots.py``).

Block ``b`` of the new layout takes the households ``old[packed_starts[b]:packed_starts[b + 1]]``
(their old slots, in order) at its start ``new_starts[b]``; its other slots are empty.
"""

from __future__ import annotations

import numpy as np

from model.sim.compiled import compiled


@compiled
def out_of_room(fills, arrivals, starts):
    """Whether any block's ``arrivals`` would pass its end (``fills + arrivals > starts[1:]``)."""
    for b in range(len(fills)):
        if fills[b] + arrivals[b] > starts[b + 1]:
            return True
    return False


@compiled
def moved_runs(old, packed_starts, new_starts):
    """Runs of households in consecutive old slots, which stay consecutive in the new layout.

    Returns:
        Per run: its first old slot, its first new slot, and its length.

    """
    n = len(old)
    source, target, length = np.empty(n, np.int64), np.empty(n, np.int64), np.empty(n, np.int64)
    runs = 0
    for b in range(len(new_starts) - 1):
        k, end = packed_starts[b], packed_starts[b + 1]
        while k < end:
            first = k
            k += 1
            while k < end and old[k] == old[k - 1] + 1:
                k += 1
            source[runs], target[runs] = old[first], new_starts[b] + first - packed_starts[b]
            length[runs] = k - first
            runs += 1
    return source[:runs], target[:runs], length[:runs]


@compiled
def gather_runs(column, source, target, length, packed_starts, new_starts, empty, out):
    """Copy ``column`` into a new layout (runs from :func:`moved_runs`), into ``out``.

    Each block's households start the new block; its other slots are ``empty``. A run is copied
    as one slice: households leave few holes, so runs are long.
    """
    for r in range(len(source)):
        out[target[r] : target[r] + length[r]] = column[source[r] : source[r] + length[r]]
    for b in range(len(new_starts) - 1):
        first = new_starts[b] + packed_starts[b + 1] - packed_starts[b]
        out[first : new_starts[b + 1]] = empty


@compiled
def shift_runs(column, source, target, length, packed_starts, new_starts, empty):
    """:func:`gather_runs` within ``column`` itself (which spans both layouts).

    New slots keep the households' order, so runs moving to lower slots are moved first, in
    order and each from its front, then those moving higher, in reverse order and each from its
    back: no copy overwrites a household that has yet to move. Then the blocks' tails are emptied.
    """
    for r in range(len(source)):
        if target[r] < source[r]:
            for i in range(length[r]):
                column[target[r] + i] = column[source[r] + i]
    for r in range(len(source) - 1, -1, -1):
        if target[r] > source[r]:
            for i in range(length[r] - 1, -1, -1):
                column[target[r] + i] = column[source[r] + i]
    for b in range(len(new_starts) - 1):
        first = new_starts[b] + packed_starts[b + 1] - packed_starts[b]
        column[first : new_starts[b + 1]] = empty
