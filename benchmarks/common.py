"""Shared helpers for the benchmark scripts: the machine, medians, peak memory, a table."""

from __future__ import annotations

import gc
import os
import platform
import resource
import statistics
import sys
import time


def machine() -> str:
    """One line describing the machine and the software versions."""
    import mesa
    import numpy as np

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            names = [line.split(":", 1)[1].strip() for line in f if line.startswith("model name")]
        cpu = names[0] if names else cpu
    except OSError:
        pass
    try:
        load = f"load {os.getloadavg()[0]:.1f}"
    except OSError:
        load = "load n/a"
    return (
        f"{cpu}, {os.cpu_count()} cores, {load}; Python {platform.python_version()}, "
        f"numpy {np.__version__}, Mesa {mesa.__version__}, {platform.system()}"
    )


def median_time(function, repeats: int) -> tuple[float, list[float]]:
    """Median wall time of ``repeats`` calls of ``function``, seconds (and all the times).

    The process CPU time of each call is kept in ``LAST_CPU_TIMES``: on a busy machine it shows
    what the run costs when it has a core to itself.
    """
    times, cpu = [], []
    for _ in range(repeats):
        # A model holds reference cycles (Mesa agents and their model): without a collection the
        # last call's model is still alive during the next, and the peak memory counts two.
        gc.collect()
        start, start_cpu = time.perf_counter(), time.process_time()
        function()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    LAST_CPU_TIMES[:] = cpu
    return statistics.median(times), times


LAST_CPU_TIMES: list[float] = []


def cpu_median() -> float:
    """Median process CPU time of the last ``median_time`` calls, seconds."""
    return statistics.median(LAST_CPU_TIMES)


def peak_memory_mb() -> float:
    """Peak resident memory of this process so far, MB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 / 1024 if sys.platform == "darwin" else peak / 1024


def print_table(title: str, rows: list[tuple]) -> None:
    """Print ``(figure, value, target, verdict)`` rows as a small markdown table."""
    print(f"\n## {title}\n")
    print("| figure | measured | target | met |")
    print("| --- | --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(str(x) for x in row) + " |")
