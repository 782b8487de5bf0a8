"""``balloon discover`` end to end on a tiny design; bad input; a run interrupted and resumed."""

import re

import numpy as np
import pandas as pd
import pytest

from model.cli import main
from model.experiments.paired import PairedEvaluator

# Plan Colombia against the baseline, 1999-2003 at 1 simulated household per 200: 12 points, each
# a policy run and a counterfactual run of five years, in this process.
TINY = ["discover", "plan_colombia", "--against", "baseline", "--set", "start=1999-01",
        "--set", "end=2003-12", "--set", "households.scale=0.005", "--param",
        "households.migration_rate=0:0.06",
        "--param", "market.demand_elasticity=-1.2:-0.2", "--samples", "12", "--executor",
        "inline", "--quiet"]  # fmt: skip


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    out = tmp_path_factory.mktemp("discover") / "tiny"
    assert main([*TINY, "--out", str(out)]) == 0
    return out


def test_the_command_writes_points_boxes_figures_and_summary(finished, capsys):
    points = pd.read_parquet(finished / "points.parquet")
    assert len(points) == 12 and points.point.tolist() == list(range(12))
    assert points["households.migration_rate"].between(0, 0.06).all()
    assert points.condition_holds.tolist() == (points.net_reduction_ha < 0).tolist()
    assert (points.removed_ha > 0).all()  # the plan removes coca from Colombia at every point
    pd.testing.assert_frame_equal(pd.read_csv(finished / "points.csv"), points, check_dtype=False)
    runs = pd.read_parquet(finished / "sweep.parquet")
    assert len(runs) == 12 and runs.seed.nunique() == 1  # common seeds: one replication each
    summary = (finished / "summary.md").read_text()
    assert f"holds at {points.condition_holds.sum()} of 12 points" in summary
    assert (finished / "prim_boxes.png").stat().st_size > 10_000
    assert "boxes.csv" in {p.name for p in finished.iterdir()}


def test_the_same_runs_answer_another_question_without_running_again(finished, capsys):
    # Half the points reduce coca by more than the median: PRIM finds where they are.
    points = pd.read_parquet(finished / "points.parquet")
    median = float(np.median(points.net_reduction_ha))
    where = f"net_reduction_ha > {median:.6f}"
    assert main([*TINY, "--out", str(finished), "--resume", "--where", where]) == 0
    printed = capsys.readouterr().out
    assert "0 paired run(s) computed, 12 reused" in printed
    assert "holds at 6 of 12 points" in printed
    again = pd.read_parquet(finished / "points.parquet")
    assert again.condition_holds.sum() == 6
    boxes = pd.read_csv(finished / "boxes.csv")
    assert not boxes.empty
    first = boxes[boxes.box == 1]
    restricted = first[first.restricted]
    inside = np.ones(12, bool)
    for row in restricted.itertuples():
        inside &= again[row.parameter].between(row.low, row.high).to_numpy()
    # The box's density and coverage are what its points say.
    assert first.density.iloc[0] == pytest.approx(again.condition_holds[inside].mean())
    assert first.coverage.iloc[0] == pytest.approx(again.condition_holds[inside].sum() / 6)
    assert first.density.iloc[0] >= 0.8
    sentence = r"box 1: When .* the condition \(net_reduction_ha above [-\d.]+\) holds in \d+% of"
    assert re.search(sentence, printed)
    assert (finished / "prim_tradeoff.png").stat().st_size > 10_000


def test_an_interrupted_discovery_resumes_to_the_identical_table(finished, tmp_path, capsys,
                                                                 monkeypatch):  # fmt: skip
    calls = []
    run_pair = PairedEvaluator.__call__

    def interrupted_at_the_fifth(self, values, seed):
        calls.append(values)
        if len(calls) == 5:
            raise KeyboardInterrupt
        return run_pair(self, values, seed)

    out = tmp_path / "killed"
    with monkeypatch.context() as patch:
        patch.setattr(PairedEvaluator, "__call__", interrupted_at_the_fifth)
        assert main([*TINY, "--out", str(out)]) == 130
    assert "interrupted: 4 finished run(s) saved" in capsys.readouterr().err
    assert not (out / "points.parquet").exists()
    assert main([*TINY, "--out", str(out), "--resume"]) == 0
    assert "8 paired run(s) computed, 4 reused" in capsys.readouterr().out
    whole = pd.read_parquet(finished / "sweep.parquet")
    pd.testing.assert_frame_equal(pd.read_parquet(out / "sweep.parquet"), whole)
    resumed = pd.read_parquet(out / "points.parquet")
    expected = pd.read_parquet(finished / "points.parquet")
    columns = [c for c in expected if c != "condition_holds"]  # `finished` was asked again
    pd.testing.assert_frame_equal(resumed[columns], expected[columns])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (["--where", "hectares > 0"], "unknown metric 'hectares'"),
        (["--where", "net_reduction_ha <"], "cannot read"),
        (["--where", "__import__('os').system('exit 3') > 0"], "neither a metric nor a number"),
        (["--where", "net_reduction_ha"], "is not a comparison"),
        (["--param", "households.migration_rate=0.5:0.1"], "must be a number below high"),
        (["--param", "households.migration_rate=0:2"], "households.migration_rate"),
        (["--param", "households.nope=0:1"], "unknown key 'nope'"),
        (["--param", "market.demand_elasticity=a:b"], "are not two numbers"),
        (["--param", "market.demand_elasticity"], "write --param path=low:high"),
        (["--target", "atlantis"], "has no region in 'atlantis'"),
        (["--target", "colombia:atlantis"], "colombia has no region 'atlantis'"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(change, message, tmp_path, capsys):
    command = list(TINY)
    if change[0] == "--param":  # replace the second range
        command[command.index("market.demand_elasticity=-1.2:-0.2")] = change[1]
    else:
        command += change
    assert main([*command, "--out", str(tmp_path / "out")]) == 2
    error = capsys.readouterr().err
    assert message in error, error
    assert error.count("\n") == 1 and "Traceback" not in error
    assert not (tmp_path / "out" / "runs").exists() or not any(
        (tmp_path / "out" / "runs").iterdir()
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [(["--min-density", "1.5"], "not a share"), (["--window", "2001"], "START:END"),
     (["--samples", "0"], "not a positive whole number")],
)  # fmt: skip
def test_bad_options_are_usage_errors_on_one_line(change, message, capsys):
    with pytest.raises(SystemExit) as exited:
        main([*TINY, *change])
    assert exited.value.code == 2
    error = capsys.readouterr().err
    assert message in error and error.count("\n") == 1


def test_a_finished_discovery_is_not_run_again_without_resume(finished, capsys):
    assert main([*TINY, "--out", str(finished)]) == 2
    assert "add --resume" in capsys.readouterr().err


def test_a_failed_pair_stops_the_boxes_and_resume_runs_only_it(tmp_path, capsys, monkeypatch):
    out = tmp_path / "flaky"
    original = PairedEvaluator.__call__

    def flaky(self, values, seed):
        if values["households.migration_rate"] > 0.03:
            raise FloatingPointError("the pair broke")
        return original(self, values, seed)

    monkeypatch.setattr(PairedEvaluator, "__call__", flaky)
    capsys.readouterr()
    assert main([*TINY, "--out", str(out)]) == 1
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert "run(s) failed" in err and "FloatingPointError: the pair broke" in err
    assert "boxes need every point" in err and not (out / "points.parquet").exists()
    monkeypatch.setattr(PairedEvaluator, "__call__", original)
    assert main([*TINY, "--out", str(out), "--resume"]) == 0
    assert len(pd.read_parquet(out / "points.parquet")) == 12
