"""A disk that fills up, or a folder that cannot be written, during any write of any command.

The disk is made to fill up in the middle of the N-th file written (half of it is written, then
``OSError(ENOSPC)``), for every command that writes: ``run``, ``sweep``, ``compare``, ``plot`` and
``calibrate``. Each must say so in one line and exit 2, leave nothing half-written in sight, and
keep what was there before. A folder made read-only must give the same.
"""

import errno
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import matplotlib.figure
import pandas as pd
import pyarrow.parquet as pq
import pytest
import yaml
from conftest import eradication

from model.cli import main
from model.experiments.results import load_results

REPO = Path(__file__).resolve().parents[2]
QUICK = {
    "name": "quick",
    "start": "1995-01",
    "end": "1995-12",
    "seed": 5,
    "replications": 2,
    "households": {"scale": 0.003},
    "policies": [eradication("colombia", 40_000, "1995-03", "1995-10", "aerial")],
}


class DiskFull:
    """Writes of tables, text and figures that fill the disk from the ``after``-th write on."""

    def __init__(self, monkeypatch, after: int):
        self.after, self.writes = after, 0
        for owner, name, target in (
            (pd.DataFrame, "to_parquet", 1),
            (pd.DataFrame, "to_csv", 1),
            (Path, "write_text", 0),
            (matplotlib.figure.Figure, "savefig", 1),
            (pq, "write_table", 1),  # tables with column metadata (model/files.py)
        ):
            monkeypatch.setattr(owner, name, self.wrap(getattr(owner, name), target))

    def wrap(self, write, target: int):
        def filling(*args, **kwargs):
            if len(args) <= target:  # e.g. to_csv() into a string: not a file
                return write(*args, **kwargs)
            self.writes += 1
            if self.writes >= self.after:
                Path(args[target]).write_bytes(b"half a file")  # the disk fills up mid-write
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            return write(*args, **kwargs)

        return filling


def balloon(capsys, *args) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def assert_disk_full_reported(code: int, err: str) -> None:
    assert code == 2, err
    lines = err.strip().splitlines()
    assert lines[-1].startswith("balloon: error: cannot write "), err
    assert "No space left on device" in lines[-1] and "Traceback" not in err


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` and its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}  # fmt: skip


def visible_leftovers(folder: Path) -> list[Path]:
    """Hidden temporaries anywhere under ``folder`` (replications kept for --resume aside)."""
    return [p for p in folder.rglob(".*") if not p.name.startswith(".partial-")
            and ".partial-" not in str(p.relative_to(folder))]  # fmt: skip


@pytest.fixture
def quick(tmp_path) -> Path:
    file = tmp_path / "quick.yaml"
    file.write_text(yaml.safe_dump(QUICK), encoding="utf-8")
    return file


# ----------------------------------------------------------------------------- run


@pytest.mark.parametrize("after", [2, 9, 11, 15], ids=lambda n: f"write{n}")
def test_a_run_that_fills_the_disk_keeps_the_earlier_run_and_resumes(
    quick, tmp_path, capsys, monkeypatch, after
):
    root = tmp_path / "results"
    args = ["run", quick, "--workers", "1", "--quiet", "--results-root", root]
    code, out, _ = balloon(capsys, *args)
    assert code == 0
    earlier = Path(out.strip())
    before = snapshot(earlier)

    with monkeypatch.context() as patch:
        disk = DiskFull(patch, after)  # saves: 2 x 4 tables; then 4 tables, 3 text files
        code, out, err = balloon(capsys, *args)
    assert disk.writes >= after
    assert_disk_full_reported(code, err)
    assert out == ""
    assert sorted((root / "quick").iterdir()) == sorted(
        [earlier, *(root / "quick").glob(".partial-*")]
    )
    assert snapshot(earlier) == before
    assert visible_leftovers(root) == []

    code, out, err = balloon(capsys, *args, "--resume")  # the disk has room again
    assert code == 0, err
    again = load_results(Path(out.strip()))
    for name, table in load_results(earlier).tables.items():
        pd.testing.assert_frame_equal(again.tables[name], table)


# ----------------------------------------------------------------------------- sweep


def test_a_sweep_that_fills_the_disk_keeps_its_table_and_finished_runs(
    quick, tmp_path, capsys, monkeypatch
):
    out = tmp_path / "sweep"
    args = ["sweep", quick, "--param", "households.profit_sensitivity=0.5:3", "--samples", "3",
            "--executor", "inline", "--quiet", "--out", out]  # fmt: skip
    assert balloon(capsys, *args)[0] == 0
    table = pd.read_parquet(out / "sweep.parquet")
    before = snapshot(out)

    with monkeypatch.context() as patch:  # resuming rewrites the table: the disk fills up
        DiskFull(patch, after=1)
        code, _, err = balloon(capsys, *args, "--resume")
    assert_disk_full_reported(code, err)
    assert snapshot(out) == before
    assert visible_leftovers(out) == []

    fresh = tmp_path / "fresh"
    with monkeypatch.context() as patch:  # a new sweep: the first batch of runs cannot be saved
        DiskFull(patch, after=2)  # sweep.json, then the first part
        code, _, err = balloon(capsys, *args[:-1], fresh)
    assert_disk_full_reported(code, err)
    assert not (fresh / "sweep.parquet").exists() and visible_leftovers(fresh) == []
    assert balloon(capsys, *args[:-1], fresh, "--resume")[0] == 0
    pd.testing.assert_frame_equal(pd.read_parquet(fresh / "sweep.parquet"), table)


# ----------------------------------------------------------------------------- compare, plot


def test_compare_and_plot_that_fill_the_disk_leave_no_folder_and_keep_the_figures(
    quick, tmp_path, capsys, monkeypatch
):
    base = tmp_path / "base.yaml"
    base.write_text(yaml.safe_dump({**QUICK, "name": "base", "policies": []}), encoding="utf-8")
    out = tmp_path / "comparisons" / "cmp"
    args = ["compare", quick, "--against", base, "--workers", "1", "--quiet", "--out", out]
    with monkeypatch.context() as patch:
        DiskFull(patch, after=6)  # four tables and texts, then the first figure (PNG, SVG)
        code, stdout, err = balloon(capsys, *args)
    assert_disk_full_reported(code, err)
    assert stdout == "" and list(out.parent.iterdir()) == []

    assert balloon(capsys, *args)[0] == 0
    before = snapshot(out)
    with monkeypatch.context() as patch:
        DiskFull(patch, after=5)  # the third figure of balloon plot (PNG and SVG each)
        code, _, err = balloon(capsys, "plot", out)
    assert_disk_full_reported(code, err)
    assert snapshot(out) == before, "the earlier figures are kept, all of them"
    assert visible_leftovers(out) == []


# ----------------------------------------------------------------------------- calibrate


def test_calibrate_that_fills_the_disk_keeps_the_earlier_report(tmp_path, capsys, monkeypatch):
    scenario = {
        **QUICK, "name": "fit", "start": "1990-01", "end": "1992-12", "replications": 1,
        "policies": [{**eradication("peru", 60_000, "1990-06", "1992-06"), "scale": 0.5}],
        "free_parameters": {"policies.0.scale": {"low": 0.1, "high": 1.0}},
    }  # fmt: skip
    file = tmp_path / "fit.yaml"
    file.write_text(yaml.safe_dump(scenario), encoding="utf-8")
    out = tmp_path / "calibration"
    args = ["calibrate", file, "--window", "1990-1992", "--population", "3", "--simulations",
            "6", "--generations", "1", "--predictive", "2", "--executor", "inline", "--quiet",
            "--out", out]  # fmt: skip
    assert balloon(capsys, *args)[0] == 0
    before = snapshot(out)
    assert {"report.json", "report.md", "posterior.parquet", "fit_calibrated.yaml",
            "fit_posterior.parquet"} <= set(before)  # fmt: skip

    with monkeypatch.context() as patch:
        DiskFull(patch, after=3)  # the posterior and generations are written, then the report fails
        code, _, err = balloon(capsys, *args)
    assert_disk_full_reported(code, err)
    assert "report.json" in err
    assert snapshot(out) == before
    assert visible_leftovers(out) == []


# ----------------------------------------------------------------------------- read-only


def unprivileged() -> list[str]:
    """A command prefix under which folder permissions apply (root ignores them)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: permissions cannot be enforced")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search"]


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX permissions")
def test_a_read_only_results_folder_gives_one_line_and_keeps_what_is_there(quick):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "results"
        (root / "quick").mkdir(parents=True)
        (root / "quick" / "old-run").mkdir()
        (root / "quick" / "old-run" / "summary.md").write_text("kept")
        for path in (root / "quick", root):
            path.chmod(stat.S_IRUSR | stat.S_IXUSR | stat.S_IRGRP | stat.S_IXGRP)
        try:
            for command in (
                ["run", str(quick), "--workers", "1", "--quiet", "--results-root", str(root)],
                ["schema", "--out", str(root / "quick" / "schema.txt")],
            ):
                done = subprocess.run(
                    [*unprivileged(), sys.executable, "-m", "model.cli", *command],
                    cwd=REPO, capture_output=True, text=True, timeout=300,
                )  # fmt: skip
                assert done.returncode == 2, done.stderr
                (line,) = done.stderr.strip().splitlines()
                assert (
                    line.startswith("balloon: error: cannot write ") and "Permission denied" in line
                )
            assert sorted(p.name for p in (root / "quick").iterdir()) == ["old-run"]
            assert (root / "quick" / "old-run" / "summary.md").read_text() == "kept"
        finally:
            for path in (root, root / "quick"):
                path.chmod(0o755)
