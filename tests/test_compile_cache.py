"""The first-run notice: a cold numba cache is detected without compiling, and announced once."""

import importlib
import io
import os
import sys

import numpy as np

from model import compile_cache

SOURCE = """
from numba import njit


@njit(cache=True)
def double(values):
    return values * 2.0
"""


def test_a_compiled_function_is_cold_until_run_and_cold_again_after_its_file_changes(
    tmp_path, monkeypatch
):
    (tmp_path / "tiny_loops.py").write_text(SOURCE)
    monkeypatch.syspath_prepend(str(tmp_path))
    module = importlib.import_module("tiny_loops")
    try:
        (function,) = compile_cache.compiled_functions(module)
        assert compile_cache.cold_functions(["tiny_loops"]) == ["tiny_loops.double"]
        assert function(np.ones(3)).tolist() == [2.0, 2.0, 2.0]  # compiles and caches
        assert compile_cache.cold_functions(["tiny_loops"]) == []
        source = tmp_path / "tiny_loops.py"
        source.write_text(SOURCE + "# an edit after the cache was written\n")
        newer = os.stat(source).st_mtime + 10
        os.utime(source, (newer, newer))
        sys.modules.pop("tiny_loops")  # the next process imports the edited file
        importlib.import_module("tiny_loops")
        assert compile_cache.cold_functions(["tiny_loops"]) == ["tiny_loops.double"]
    finally:
        sys.modules.pop("tiny_loops", None)


def test_functions_imported_from_another_module_are_not_its_own(tmp_path, monkeypatch):
    (tmp_path / "tiny_loops.py").write_text(SOURCE)
    (tmp_path / "tiny_user.py").write_text("from tiny_loops import double\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        user = importlib.import_module("tiny_user")
        assert compile_cache.compiled_functions(user) == []
    finally:
        sys.modules.pop("tiny_loops", None)
        sys.modules.pop("tiny_user", None)


def test_the_model_loops_are_warm_after_the_suite_compiled_them():
    # conftest imports model.experiments.worker_start, which runs every compiled loop once.
    assert compile_cache.cold_functions() == []


def test_the_notice_is_one_line_printed_once_per_process_and_only_when_cold(monkeypatch):
    monkeypatch.setattr(compile_cache, "_announced", False)
    monkeypatch.setattr(compile_cache, "cold_functions", lambda: [])
    quiet = io.StringIO()
    assert not compile_cache.announce_compiling(quiet)
    assert quiet.getvalue() == ""

    monkeypatch.setattr(compile_cache, "cold_functions", lambda: ["model.sim.x.loop"])
    first, second = io.StringIO(), io.StringIO()
    assert compile_cache.announce_compiling(first)
    assert not compile_cache.announce_compiling(second)
    lines = first.getvalue().splitlines()
    assert len(lines) == 1 and "compiling" in lines[0] and "20-40 s" in lines[0]
    assert second.getvalue() == ""
