"""Tell the user, once, when the model's compiled loops must be compiled before a run.

numba compiles the simulation's loops on the first run on a machine (or after their file changed)
and caches them on disk; that first run then sits silent for 20-40 s. A cold cache is detected
cheaply, without compiling: a compiled function whose cache index (``*.nbi``) is missing or older
than its source file will be compiled. numba's own check also compares its version; a cache left
by another numba version is not noticed here, and the run is merely slower than announced.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType
from typing import TextIO

from numba.core.registry import CPUDispatcher

#: Modules that define the simulation's compiled loops (``model.sim.compiled.compiled``).
COMPILED_MODULES = (
    "model.sim.households.rules",
    "model.sim.households.layout",
    "model.sim.households.eradication",
    "model.sim.households.moves",
    "model.sim.households.draws",
    "model.sim.households.poisson",
    "model.sim.traffickers",
    "model.sim.governments",
    "model.sim.armed_groups",
)
NOTICE = (
    "note: compiling the model's loops for this machine (numba, once: about 20-40 s); "
    "later runs load them from disk in about a second"
)
_announced = False


def compiled_functions(module: ModuleType) -> list[CPUDispatcher]:
    """The numba-compiled functions a module defines (not those it imports)."""
    return [
        value
        for value in vars(module).values()
        if isinstance(value, CPUDispatcher) and value.py_func.__module__ == module.__name__
    ]


def is_cached(function: CPUDispatcher) -> bool:
    """Whether numba will load this compiled function from its disk cache instead of compiling.

    numba decides by a stamp of the source file kept in the cache index: a hash of its content in
    recent numba, its modification time in older ones. Asking numba's own index check keeps this
    answer right for both; the file-time comparison is the fallback for a numba without it.
    """
    cache = getattr(function, "_cache", None)  # numba's per-function cache (cache=True)
    index = getattr(cache, "_cache_file", None)
    if index is not None and hasattr(index, "_load_index"):
        try:
            return bool(index._load_index())  # empty when missing, stale or of another numba
        except Exception:  # noqa: BLE001  (an unreadable index is a cold cache)
            return False
    source = Path(function.py_func.__code__.co_filename)
    folder = Path(getattr(cache, "cache_path", source.parent / "__pycache__"))
    code = function.py_func.__code__
    name = f"{source.stem}.{function.py_func.__qualname__}-{code.co_firstlineno}.py*.nbi"
    try:
        newest = max((index.stat().st_mtime for index in folder.glob(name)), default=None)
        return newest is not None and newest >= source.stat().st_mtime
    except OSError:
        return False


def cold_functions(modules: Iterable[str] = COMPILED_MODULES) -> list[str]:
    """Names (``module.function``) of compiled functions that the next run has to compile."""
    cold = []
    for name in modules:
        module = importlib.import_module(name)
        cold += [f"{name}.{f.__name__}" for f in compiled_functions(module) if not is_cached(f)]
    return cold


def announce_compiling(stream: TextIO | None = None) -> bool:
    """Print :data:`NOTICE` on ``stream`` (stderr) if loops must be compiled; once per process.

    Returns:
        Whether the notice was printed.

    """
    global _announced
    if _announced or not cold_functions():
        return False
    _announced = True
    print(NOTICE, file=stream or sys.stderr, flush=True)
    return True
