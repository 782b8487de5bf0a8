"""Memory a run needs and memory the machine has: a world too big is refused before it starts.

A run's memory is dominated by its households: one slot (row) per household in numpy columns
(:data:`model.sim.households.slots.COLUMNS`), so the estimate is built from those columns, not from
a constant. It is an upper bound, the memory at the most households a run can reach:

- per slot: every column of the slot layout (float64 or bool, 74 bytes today), the layout's work
  buffers (two float columns, a bool column of households hit, eradication's six float rows),
  one column being copied while the layout grows, and a month's random draw (uint32);
- slots: the initial households plus every newcomer ``households.spare_capacity`` allows, with
  the layout's room (an eighth, and four per region) and the quarter it adds when it grows;
- per household and newcomer: its land and licit productivity, drawn up front, and the three
  index arrays (int64) used while the layout grows;
- the monthly tables (:mod:`model.columns`: columns x rows per month x months, 8 bytes a cell),
  twice (the arrays, then the data frames).

Measured (``benchmarks/full_scale.py --scenario NAME --scale S`` reports both), one run of
1990-2023: the process grows by 121-140 bytes per household without policies (250,000 to
10,000,000 households), 190-198 with ``plan_colombia`` and up to 370 with ``andes_history``, where
newcomers fill most of the spare room (203 at 10,000,000 households, where the allocator hands
freed columns back). The estimate, 366 bytes per household at the default ``spare_capacity`` of
0.8 plus the tables, was above every measurement: by 2-7% for ``andes_history`` at 125,000-500,000
households, by 1.8-3x for the others and at 10,000,000 households.

Runs in worker processes add each worker's own interpreter and libraries: that is taken as the
memory this process holds now. The memory available is what the system reports as available
(``MemAvailable``), capped by a container's memory limit (cgroup v2 or v1) when it sets one.
"""

from __future__ import annotations

import math
import os
import sys
from pathlib import Path

import numpy as np

from model.columns import TABLE_KEYS, TABLES
from model.experiments.runner import default_workers, is_scheduler_address
from model.scenario.loading import with_parameters
from model.scenario.schema import Scenario
from model.sim.households.slots import COLUMNS, FLOAT

#: Float64 columns per slot besides :data:`COLUMNS`: the layout's two work buffers, eradication's
#: six work rows, and one column being copied while the layout grows.
WORK_FLOATS = 2 + 6 + 1
#: Bool columns per slot besides :data:`COLUMNS`: the households hit by eradication this month.
WORK_BOOLS = 1
#: Bytes per slot of a month's random draws (one uint32 each).
DRAW_BYTES = 4
#: 8-byte values per household and newcomer: land and licit productivity (drawn up front), and
#: the three index arrays of a layout that grows (old slots, new slots, the map between them).
HOUSEHOLD_WORDS = 2 + 3
CELL_BYTES = 8
GIB = 2**30
#: Scenario keys that set how many households a run holds (more of each needs more memory).
SIZE_KEYS = ("households.scale", "households.full_scale_households", "households.spare_capacity")


class NotEnoughMemory(ValueError):
    """A run or a design of runs needs more memory than the machine has; the message is one line."""


def _itemsize(empty_value) -> int:
    return np.dtype(bool if isinstance(empty_value, bool) else FLOAT).itemsize


def slot_bytes() -> int:
    """Bytes of one household slot: the layout's columns, work buffers and draws."""
    floats = np.dtype(FLOAT).itemsize
    columns = sum(_itemsize(empty) for empty in COLUMNS.values())
    return columns + WORK_FLOATS * floats + WORK_BOOLS * np.dtype(bool).itemsize + DRAW_BYTES


def household_count(scenario: Scenario) -> int:
    """Households a run of ``scenario`` starts with (at most: counts are rounded per region)."""
    h = scenario.households
    regions = len(scenario.resolved_regions())
    return math.ceil(h.full_scale_households * h.scale) + regions


def households_bytes(scenario: Scenario) -> int:
    """Bytes of a run's households at the most slots it can reach (see the module docstring)."""
    regions = len(scenario.resolved_regions())
    most = math.ceil(household_count(scenario) * (1 + scenario.households.spare_capacity))
    slots = most + most // 8 + 4 * regions + most // 4
    return slots * slot_bytes() + most * HOUSEHOLD_WORDS * CELL_BYTES


def table_bytes(scenario: Scenario) -> int:
    """Bytes of one replication's four monthly tables (columns from :mod:`model.columns`).

    Numbers take 8 bytes a cell; a name (country, region, trafficker) its characters and an
    8-byte offset.
    """
    regions = scenario.resolved_regions()
    countries = sorted({r.country for r in regions})
    traffickers = [t.name for t in scenario.traffickers.organisations]
    rows = {
        "regions": len(regions),
        "countries": len(countries),
        "system": 1,
        "traffickers": len(traffickers) * len(countries),
    }
    names = {"country": countries, "region": [r.name for r in regions], "trafficker": traffickers}
    name_bytes = {key: CELL_BYTES + max(map(len, found), default=0) for key, found in names.items()}
    numbers = 2  # replication and date, in every table
    per_row = {
        table: (numbers + len(columns)) * CELL_BYTES + sum(name_bytes[k] for k in TABLE_KEYS[table])
        for table, columns in TABLES.items()
    }
    return sum(rows[table] * per_row[table] for table in TABLES) * scenario.months


def run_bytes(scenario: Scenario) -> int:
    """Bytes one run of ``scenario`` needs on top of the process running it."""
    return households_bytes(scenario) + 2 * table_bytes(scenario)


def largest_point(scenario: Scenario, parameters) -> Scenario:
    """``scenario`` with every swept :data:`SIZE_KEYS` parameter at its high bound.

    Args:
        scenario: the base scenario of a sweep or sensitivity analysis.
        parameters: its ``model.experiments.sweep.Parameter`` list (path, high, integer).

    """
    high = {p.path: round(p.high) if p.integer else p.high
            for p in parameters if p.path in SIZE_KEYS}  # fmt: skip
    return with_parameters(scenario, high) if high else scenario


# ----------------------------------------------------------------------------- the machine


def process_bytes() -> int:
    """Resident memory of this process now (what a worker process holds before its first run)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        pass
    try:
        import psutil

        return int(psutil.Process().memory_info().rss)
    except (ImportError, OSError):
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if sys.platform == "darwin" else peak * 1024


def _meminfo_available(meminfo: Path) -> int | None:
    try:
        for line in meminfo.read_text(encoding="ascii").splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def _cgroup_room(cgroup: Path) -> int | None:
    """Memory left under a container's limit (cgroup v2, else v1), if one is set."""
    for limit_file, usage_file in (
        ("memory.max", "memory.current"),
        ("memory/memory.limit_in_bytes", "memory/memory.usage_in_bytes"),
    ):
        try:
            limit = (cgroup / limit_file).read_text(encoding="ascii").strip()
            usage = int((cgroup / usage_file).read_text(encoding="ascii").strip())
        except (OSError, ValueError):
            continue
        if limit.isdigit() and int(limit) < 2**60:  # "max" or a huge number: no limit
            return max(int(limit) - usage, 0)
    return None


def available_bytes(
    meminfo: Path = Path("/proc/meminfo"), cgroup: Path = Path("/sys/fs/cgroup")
) -> int | None:
    """Memory available to new work, bytes; None if the system does not say.

    ``MemAvailable`` of ``/proc/meminfo`` (else psutil's, else free physical pages), capped by the
    room left under a container's memory limit.
    """
    found = _meminfo_available(meminfo)
    if found is None:
        try:
            import psutil

            found = int(psutil.virtual_memory().available)
        except (ImportError, OSError):
            try:
                found = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
            except (OSError, ValueError, AttributeError):
                found = None
    room = _cgroup_room(cgroup)
    if room is not None:
        found = room if found is None else min(found, room)
    return found


# ----------------------------------------------------------------------------- the check


def at_once(executor, workers: int | None, runs: int) -> tuple[int, bool]:
    """Runs held in memory at the same time on an executor, and whether each has its own process.

    A scheduler address runs on other machines: none here.
    """
    if runs <= 0 or is_scheduler_address(executor) or not isinstance(executor, str):
        return 0, False
    if executor == "inline" or (executor == "process" and runs <= 1):
        return 1, False
    default = 2 if executor == "dask" else default_workers()
    return min(workers or default, runs), executor in ("process", "dask")


def check_memory(
    scenarios: list[Scenario],
    runs: int,
    executor="process",
    workers: int | None = None,
    kept_tables: int = 0,
    available: int | None = None,
) -> None:
    """Refuse work that cannot fit in memory, before anything starts.

    Args:
        scenarios: what runs (the largest sets the memory of every run).
        runs: how many runs there are in all.
        executor: where they run (see :func:`model.experiments.runner.make_executor`).
        workers: worker processes or threads.
        kept_tables: replications whose tables this process gathers (an ensemble's), held twice
            while they are joined.
        available: memory available, bytes (default: :func:`available_bytes`).

    Raises:
        NotEnoughMemory: naming the memory needed and the memory available.

    """
    if not scenarios:
        return
    available = available_bytes() if available is None else available
    if available is None:
        return
    largest = max(scenarios, key=run_bytes)
    per_run = run_bytes(largest)
    parallel, own_process = at_once(executor, workers, runs)
    if own_process:
        per_run += process_bytes()
    gathered = 2 * kept_tables * max(table_bytes(s) for s in scenarios)
    needed = parallel * per_run + gathered
    if needed <= available:
        return
    how = f"{parallel} run(s) at once x {per_run / GIB:.2f} GiB" if parallel > 1 else (
        f"{per_run / GIB:.2f} GiB for a run")  # fmt: skip
    remedies = ["households.scale"] if parallel * per_run >= gathered else []
    if parallel > 1 and parallel * per_run >= gathered:
        remedies.append("--workers")
    if gathered >= 0.01 * needed:
        how += f" + {gathered / GIB:.2f} GiB of tables of {kept_tables} replication(s)"
        remedies.append("--replications")
    raise NotEnoughMemory(
        f"{largest.name}: needs about {needed / GIB:.1f} GiB of memory ({how}; "
        f"{household_count(largest):,} simulated households) but {available / GIB:.1f} GiB are "
        f"available: lower {' or '.join(remedies)}"
    )
