"""What killed writers leave: removed when provably abandoned, named when kept, never a result.

A real process writes (``model.files``) and is killed with SIGKILL: while it lives, nothing it
writes is touched; once it is dead, its temporaries are removed, a folder it was replacing is put
back, and replications kept for ``--resume`` are named.
"""

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from model.files import CAN_LOCK, held
from model.leftovers import is_leftover, tidy

REPO = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(not CAN_LOCK, reason="no file locks on this system")

WRITER = """
import sys, time
from pathlib import Path
from model.files import atomic_file, staged_folder
root = Path(sys.argv[1])
with staged_folder(root / "run", prefix=".incomplete-run-") as staging, \\
        atomic_file(root / "table.csv") as temporary:
    temporary.write_text("half a table")
    (staging / "regions.parquet").write_text("half a run")
    print(staging, temporary, flush=True)
    time.sleep(600)
"""

REPLACER = """
import sys, time
from pathlib import Path
import model.files as files
final = Path(sys.argv[1]) / "rep"
def stuck(source, target):
    print("stuck", flush=True)
    time.sleep(600)
with files.staged_folder(final) as staging:
    (staging / "new.txt").write_text("new")
    files.os.rename = stuck  # killed between moving the old copy aside and renaming the new one
    files.publish_folder(staging, final, replace=True)
"""

REMOVER = """
import sys, time
from pathlib import Path
import model.files as files
folder = Path(sys.argv[1]) / ".partial-0123456789ab"
def half(path, ignore_errors=False):
    min(p for p in Path(path).rglob("*") if p.is_file()).unlink()
    print("stuck", flush=True)
    time.sleep(600)
files.shutil.rmtree = half  # killed with part of the folder deleted
files.remove_folder(folder)
"""


def start(script: str, folder: Path) -> tuple[subprocess.Popen, str]:
    """Run ``script`` in a new process; its first line of output once it is writing."""
    process = subprocess.Popen(
        [sys.executable, "-c", script, str(folder)], cwd=REPO, stdout=subprocess.PIPE, text=True
    )
    line = process.stdout.readline().strip()
    assert line, "the writer did not start"
    return process, line


def kill(process: subprocess.Popen) -> None:
    process.kill()  # SIGKILL, this process only
    process.wait()
    process.stdout.close()


def hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_a_live_writer_is_left_alone_and_a_killed_ones_temporaries_are_removed(tmp_path):
    process, line = start(WRITER, tmp_path)
    staging, temporary = map(Path, line.split())
    try:
        found = tidy(tmp_path)
        assert found.removed == [] and found.notes == []
        assert staging.is_dir() and temporary.is_file(), "a live writer's files were touched"
    finally:
        kill(process)
    assert is_leftover(staging) and is_leftover(temporary)

    found = tidy(tmp_path)
    assert sorted(found.removed) == sorted([staging, temporary])
    assert list(tmp_path.iterdir()) == []
    assert "removed 2 unfinished" in found.lines(tmp_path)[0]


def test_a_folder_killed_while_being_replaced_is_put_back(tmp_path):
    final = tmp_path / "rep"
    final.mkdir()
    (final / "old.txt").write_text("old")
    process, line = start(REPLACER, tmp_path)
    assert line == "stuck"
    kill(process)
    assert not final.exists(), "the old copy was moved aside when the process was killed"
    assert len(hidden(tmp_path)) == 2  # the old copy, and the new one never renamed

    found = tidy(tmp_path)
    assert found.restored == [final]
    assert sorted(p.name for p in final.iterdir()) == ["old.txt"]
    assert hidden(tmp_path) == []
    assert any("put back" in line for line in found.lines(tmp_path))


def test_replications_kept_for_resume_are_named_not_removed(tmp_path):
    partial = tmp_path / "crash" / ".partial-0123456789ab"
    (partial / "rep-000000-7").mkdir(parents=True)
    empty = tmp_path / "other" / ".partial-ba9876543210"
    empty.mkdir(parents=True)
    in_use = tmp_path / "third" / ".partial-aaaaaaaaaaaa"
    (in_use / "rep-000001-9").mkdir(parents=True)

    with held(in_use):  # a live run holds its folder
        found = tidy(tmp_path)
    assert found.removed == [empty]
    assert partial.is_dir() and in_use.is_dir()
    (note,) = found.notes
    assert str(partial) in note and "1 finished replication(s)" in note and "--resume" in note


def test_leftovers_are_never_read_as_results(tmp_path, capsys):
    from conftest import small_scenario

    from model.cli import main
    from model.experiments.results import write_results
    from model.experiments.runner import run_replications

    scenario = small_scenario(end="1995-06", replications=1, households={"scale": 0.002})
    complete = write_results(run_replications(scenario, executor="inline"), out=tmp_path / "run")
    leftover = tmp_path / ".incomplete-run-abcd1234.tmp"
    complete.rename(leftover)  # a folder killed after its manifest, before its rename
    assert main(["plot", str(leftover)]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "unfinished folder left by a killed" in err
    assert main(["compare", "baseline", "--against", str(leftover), "--out",
                 str(tmp_path / "cmp")]) == 2  # fmt: skip
    assert "unfinished folder" in capsys.readouterr().err


def test_the_next_run_and_balloon_list_tidy_the_results_root(tmp_path, capsys):
    from conftest import small_scenario

    from model.cli import main

    root = tmp_path / "results"
    (root / "test").mkdir(parents=True)
    process, _ = start(WRITER, root / "test")
    kill(process)  # SIGKILL during the final write of a run
    assert len(hidden(root / "test")) == 2
    kept = root / "elsewhere" / ".partial-0123456789ab" / "rep-000000-1"
    kept.mkdir(parents=True)
    pd.DataFrame({"a": [1]}).to_parquet(kept / "regions.parquet")

    file = tmp_path / "test.yaml"
    file.write_text(small_scenario(end="1995-03", households={"scale": 0.002}).model_dump_json())
    args = ["run", str(file), "--workers", "1", "--results-root", str(root)]
    assert main(args) == 0
    err = capsys.readouterr().err
    assert "removed 2 unfinished file(s) or folder(s)" in err
    assert hidden(root / "test") == []
    assert [p.name for p in (root / "test").iterdir()] != []  # the new run

    assert main(["list", "--results-root", str(root)]) == 0
    out, err = capsys.readouterr()
    assert "baseline" in out
    (line,) = err.splitlines()
    assert str(kept.parent) in line and "--resume" in line


def test_without_working_locks_writes_go_on_and_leftovers_are_only_named(tmp_path, monkeypatch):
    import errno
    import fcntl

    from model.files import write_text_atomic

    def no_locks(handle, operation):
        raise OSError(errno.ENOLCK, "No locks available")  # e.g. some network file systems

    monkeypatch.setattr(fcntl, "flock", no_locks)
    assert write_text_atomic(tmp_path / "a.txt", "a").read_text() == "a"
    leftover = tmp_path / ".incomplete-run-abcd1234.tmp"
    leftover.mkdir()
    found = tidy(tmp_path)
    assert found.removed == [] and leftover.is_dir()
    (note,) = found.lines(tmp_path)
    assert "cannot tell whether they are still being written" in note and str(leftover) in note


def test_a_folder_killed_while_being_deleted_is_gone_from_its_name_then_removed(tmp_path):
    # A finished run deletes its saved replications; killed midway, it must not leave a
    # half-deleted replication that --resume would read as whole.
    replication = tmp_path / ".partial-0123456789ab" / "rep-000000-7"
    replication.mkdir(parents=True)
    for name in ("countries.parquet", "regions.parquet"):
        (replication / name).write_text("a table")
    process, line = start(REMOVER, tmp_path)
    assert line == "stuck"
    kill(process)
    assert not (tmp_path / ".partial-0123456789ab").exists()
    (leftover,) = tmp_path.iterdir()
    assert is_leftover(leftover)

    found = tidy(tmp_path)
    assert found.removed == [leftover]
    assert list(tmp_path.iterdir()) == []
