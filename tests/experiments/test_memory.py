"""A world too big for the memory is refused before anything starts, for every multi-run command."""

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import small_scenario

import model.experiments.memory as memory
from model.cli import main
from model.experiments.memory import (
    GIB,
    NotEnoughMemory,
    available_bytes,
    check_memory,
    household_count,
    households_bytes,
    run_bytes,
    slot_bytes,
)
from model.sim.households.slots import COLUMNS

REPO = Path(__file__).resolve().parents[2]
# 40 million simulated households: the largest world the schema accepts.
HUGE = {"name": "huge", "households": {"full_scale_households": 10_000_000, "scale": 4}}


def test_a_slot_costs_what_its_columns_cost(monkeypatch):
    flags = sum(isinstance(empty, bool) for empty in COLUMNS.values())
    columns = 8 * (len(COLUMNS) - flags) + flags
    assert slot_bytes() == columns + memory.WORK_FLOATS * 8 + memory.WORK_BOOLS + 4
    monkeypatch.setitem(COLUMNS, "debt", 0.0)  # a new per-household column
    assert slot_bytes() == columns + 8 + memory.WORK_FLOATS * 8 + memory.WORK_BOOLS + 4


def test_the_estimate_grows_with_households_and_their_room_for_newcomers():
    small = small_scenario()
    assert household_count(small) == pytest.approx(250_000 * 0.01, abs=20)
    double = small_scenario(households={"scale": 0.02})
    assert households_bytes(double) == pytest.approx(2 * households_bytes(small), rel=0.01)
    roomy = small_scenario(households={"spare_capacity": 3.0})
    assert households_bytes(roomy) > 2 * households_bytes(small)
    longer = small_scenario(end="2023-12")
    assert run_bytes(longer) > run_bytes(small) > households_bytes(small)
    huge = small_scenario(**HUGE)
    assert 40e6 <= household_count(huge) < 40.1e6
    assert 10 * GIB < run_bytes(huge) < 20 * GIB


def test_the_estimate_is_above_the_memory_a_run_really_takes():
    """Measured in a fresh process: the peak memory a run adds, against the estimate.

    The peak is reset after the model's compiled loops are loaded (compiling them, if the cache
    is cold, takes more memory than the run), so it is the run's own.
    """
    script = """
import model.experiments.worker_start
from pathlib import Path
from model import BalloonModel
from model.experiments.memory import run_bytes
from model.scenario.loading import load_scenario

def status(key):
    line = next(l for l in Path("/proc/self/status").read_text().splitlines() if l.startswith(key))
    return int(line.split()[1]) * 1024

scenario = load_scenario("plan_colombia", ["households.scale=1", "end=2005-12"])
Path("/proc/self/clear_refs").write_text("5")  # reset the peak (VmHWM) to the current size
before = status("VmRSS:")
BalloonModel(scenario, rng=1).run()
print(status("VmHWM:") - before, run_bytes(scenario))
"""
    if not Path("/proc/self/clear_refs").exists():
        pytest.skip("needs Linux's /proc/self/clear_refs to measure a peak")
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True,
                          text=True, timeout=600, check=True)  # fmt: skip
    added, estimate = map(int, done.stdout.split())
    assert added > 20 * 2**20, "250,000 households take tens of MB"
    assert added <= estimate <= 3 * added


def test_available_memory_is_read_from_the_system_and_capped_by_a_container(tmp_path):
    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal: 16000000 kB\nMemFree: 1000 kB\nMemAvailable: 8000000 kB\n")
    cgroup = tmp_path / "cgroup"
    cgroup.mkdir()
    assert available_bytes(meminfo, cgroup) == 8_000_000 * 1024
    (cgroup / "memory.max").write_text("max\n")
    (cgroup / "memory.current").write_text("1000\n")
    assert available_bytes(meminfo, cgroup) == 8_000_000 * 1024
    (cgroup / "memory.max").write_text(f"{2 * GIB}\n")
    (cgroup / "memory.current").write_text(f"{GIB // 2}\n")
    assert available_bytes(meminfo, cgroup) == 2 * GIB - GIB // 2
    assert available_bytes(tmp_path / "none", tmp_path / "none") is None or sys.platform == "linux"
    assert available_bytes() > 0


def test_workers_multiply_the_memory_of_a_run():
    scenario = small_scenario(households={"scale": 1.0})
    one = run_bytes(scenario)
    check_memory([scenario], 8, "inline", available=int(1.5 * one))
    check_memory([scenario], 8, "thread", workers=1, available=int(1.5 * one))
    with pytest.raises(NotEnoughMemory, match=r"4 run\(s\) at once"):
        check_memory([scenario], 8, "thread", workers=4, available=int(1.5 * one))
    with pytest.raises(NotEnoughMemory):  # worker processes also hold their own libraries
        check_memory([scenario], 8, "process", workers=2, available=2 * one)
    check_memory([scenario], 8, "tcp://10.0.0.5:8786", available=1)  # other machines' memory
    with pytest.raises(NotEnoughMemory, match="of tables"):  # an ensemble's gathered tables
        check_memory([small_scenario()], 1, "inline", kept_tables=10**6, available=GIB)


@pytest.fixture
def machine_with(monkeypatch):
    """Pretend the machine has ``gib`` GiB available; building a model is then an error."""

    def pretend(gib: float):
        monkeypatch.setattr(memory, "available_bytes", lambda: int(gib * GIB))

    def no_model(*args, **kwargs):
        raise AssertionError("a model was built before the memory was checked")

    monkeypatch.setattr("model.experiments.runner.BalloonModel", no_model)
    monkeypatch.setattr("model.experiments.sweep.BalloonModel", no_model)
    return pretend


def one_line_refusal(capsys) -> str:
    out, err = capsys.readouterr()
    (line,) = err.strip().splitlines()
    assert line.startswith("balloon: error: ") and "needs about" in line, line
    assert "GiB are available" in line
    return line


def test_a_world_too_big_is_refused_before_anything_starts(tmp_path, capsys, machine_with):
    file = tmp_path / "huge.yaml"
    file.write_text(yaml.safe_dump(HUGE))
    machine_with(8)
    root = tmp_path / "results"
    assert main(["run", str(file), "--workers", "1", "--results-root", str(root)]) == 2
    line = one_line_refusal(capsys)
    assert "huge: needs about 1" in line and "8.0 GiB are available" in line
    assert "40,000,016 simulated households" in line
    assert not root.exists(), "nothing is written"


def test_sweeps_sensitivity_and_comparisons_count_workers_and_swept_sizes(
    tmp_path, capsys, machine_with
):
    file = tmp_path / "mid.yaml"
    file.write_text(yaml.safe_dump({"name": "mid", "households": {"scale": 4}}))  # 1,000,000
    per_run = run_bytes(small_scenario(households={"scale": 4}))
    machine_with(2.5 * per_run / GIB)
    common = ["--param", "households.profit_sensitivity=0.5:3", "--quiet"]
    for command in (
        ["sweep", str(file), *common, "--executor", "thread", "--workers", "4"],
        ["sensitivity", str(file), *common, "--executor", "thread", "--workers", "3",
         "--samples", "4"],
        ["compare", str(file), "--against", str(file), "--executor", "thread", "--workers", "4"],
    ):  # fmt: skip
        assert main([*command, "--out", str(tmp_path / command[0])]) == 2, command
        assert "run(s) at once" in one_line_refusal(capsys)
        assert not (tmp_path / command[0]).exists()

    small = tmp_path / "small.yaml"
    small.write_text(yaml.safe_dump({"name": "small", "households": {"scale": 0.5}}))
    machine_with(per_run / 2 / GIB)  # room for a run at scale 0.5, not at 4
    sized = ["sweep", str(small), "--param", "households.scale=0.5:4", "--executor", "inline",
             "--quiet", "--out", str(tmp_path / "sized")]  # fmt: skip
    assert main(sized) == 2, "the high bound of households.scale sets the memory of a run"
    assert "1,000,016 simulated households" in one_line_refusal(capsys)
