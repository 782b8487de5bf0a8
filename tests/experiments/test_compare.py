"""The comparison experiment end to end on small scenarios, and the compare and plot commands."""

import json

import pandas as pd
import pytest
from conftest import eradication, small_scenario

from model.cli import main
from model.experiments.channels import CHANNELS
from model.experiments.compare import (
    HEADLINE,
    ComparisonError,
    compare,
    console_table,
    interval_covers,
    load_comparison,
    write_comparison,
)
from model.experiments.pressure import Target, Window
from model.experiments.results import load_results, write_results
from model.experiments.runner import Results, run_replications
from model.scenario.loading import to_yaml

PUSH = small_scenario(name="push", policies=[eradication("colombia", 40_000, method="aerial")])
BASE = small_scenario(name="baseline", seed=7)


@pytest.fixture(scope="module")
def paired():
    return compare([PUSH], BASE, replications=2, executor="inline")


def test_policy_runs_on_the_counterfactual_seeds(paired):
    run = paired.policies["push"]
    assert run.seeds == paired.counterfactual.seeds
    assert run.scenario.seed == 7  # taken from the counterfactual, not the policy's own 12345
    assert len(run.seeds) == 2


def test_metrics_have_one_row_per_metric_with_intervals(paired):
    summary = paired.summary.set_index("metric")
    assert set(summary.target) == {"colombia"}  # the country that lost coca
    assert (summary.window_start.iloc[0], summary.window_end.iloc[0]) == ("1997-01", "2001-11")
    ratio = summary.loc["displacement_ratio"]
    assert ratio.low <= ratio["median"] <= ratio.high
    assert ratio.n == 2
    assert summary.loc["removed_ha", "median"] > 1000
    assert summary.loc["supply_change_t", "median"] < 0
    assert len(paired.per_replication) == 2


def test_same_scenario_against_itself_shows_no_effect():
    same = compare([BASE.model_copy(update={"name": "again"})], BASE, replications=1,
                   executor="inline", targets=[Target("colombia")])  # fmt: skip
    summary = same.summary.set_index("metric")
    assert summary.loc["net_reduction_ha", "median"] == 0
    assert summary.loc["removed_ha", "median"] == 0
    assert summary.loc["displacement_ratio", "n"] == 0  # nothing removed: undefined


def test_several_scenarios_give_one_table_with_explicit_targets_and_window():
    peru = small_scenario(name="push_peru", policies=[eradication("peru", 30_000)])
    result = compare(
        [PUSH, peru], BASE, replications=1, executor="inline",
        targets=[Target("colombia"), Target("peru")], window=Window.parse("1997-01:2002-12"),
    )  # fmt: skip
    table = result.summary
    assert set(table.scenario) == {"push", "push_peru"}
    assert set(table.target) == {"colombia", "peru"}
    assert set(table.window_end) == {"2002-12"}
    assert len(table) == 2 * 2 * table.metric.nunique()


def test_existing_results_set_the_seeds_and_other_seeds_are_refused():
    other = run_replications(PUSH.model_copy(update={"seed": 99}), 1, executor="inline")
    # The counterfactual scenario is run on the existing policy result's seeds...
    paired = compare([other], BASE, executor="inline")
    assert paired.counterfactual.seeds == other.seeds
    # ...but two results on different seeds cannot be paired.
    base = run_replications(BASE, 1, executor="inline")
    with pytest.raises(ComparisonError, match="different seeds"):
        compare([other], base, executor="inline")


def test_written_folder_reloads_and_holds_csv_json_markdown_figures(paired, tmp_path):
    out = write_comparison(paired, tmp_path / "cmp", figures=False)
    metrics = pd.read_csv(out / "metrics.csv")
    assert {"scenario", "target", "metric", "median", "low", "high", "n", "unit"} <= set(metrics)
    data = json.loads((out / "metrics.json").read_text())
    ratio = data["scenarios"]["push"]["colombia"]["metrics"]["displacement_ratio"]
    assert ratio["median"] == pytest.approx(
        metrics.set_index("metric").loc["displacement_ratio", "median"]
    )
    assert data["seeds"] == paired.counterfactual.seeds
    summary_md = (out / "summary.md").read_text()
    assert "| displacement_ratio |" in summary_md
    # Every metric is defined in a sentence, and every column of both tables is described.
    definitions = summary_md.split("## Definitions", 1)[1]
    for metric in set(metrics.metric):
        assert f"- **{metric}**" in definitions, metric
    assert "Extra coca elsewhere / coca removed in the target" in definitions
    described = pd.read_csv(out / "columns.csv", keep_default_na=False)
    for file in ("metrics.csv", "metrics_by_replication.csv"):
        table = pd.read_csv(out / file)
        rows = described[described.file == file]
        assert rows.column.tolist() == list(table.columns), file
        assert (rows.meaning.str.len() > 3).all(), file
    assert described.set_index("column").loc["removed_ha", "unit"].tolist()[-1] == "ha"
    assert (out / "runs" / "push" / "columns.csv").is_file()
    assert "one side of a comparison" in (out / "runs" / "push" / "summary.md").read_text()
    again = load_comparison(out)
    pd.testing.assert_frame_equal(
        again.policies["push"].regions, paired.policies["push"].regions, check_dtype=False
    )
    with pytest.raises(ComparisonError, match="already exists"):
        write_comparison(paired, out)


def scenario_files(folder):
    """PUSH and BASE written as scenario files in ``folder``, and a comparison folder's path."""
    policy, base = folder / "push.yaml", folder / "baseline.yaml"
    policy.write_text(to_yaml(PUSH))
    base.write_text(to_yaml(BASE))
    return policy, base, folder / "cmp"


def test_compare_and_plot_commands(tmp_path, capsys):
    policy, base, out = scenario_files(tmp_path)
    code = main(["compare", str(policy), "--against", str(base), "--replications", "1",
                 "--workers", "1", "--out", str(out), "--quiet"])  # fmt: skip
    assert code == 0
    printed = capsys.readouterr().out
    assert "displacement_ratio [ratio]" in printed and "push -> colombia" in printed
    figures = {p.name for p in (out / "figures").iterdir()}
    assert {"displacement.png", "displacement.svg", "policy_vs_counterfactual.png",
            "map_push.png", "regions_change_push.svg"} <= figures  # fmt: skip
    # A run folder made by balloon run, plotted into a new folder beside it.
    run_folder = write_results(run_replications(BASE, 1, executor="inline"), out=tmp_path / "run")
    assert main(["plot", str(run_folder)]) == 0
    (drawn,) = tmp_path.glob("run-figures-*")
    assert f"to {drawn}/" in capsys.readouterr().out
    assert (drawn / "hectares.png").is_file() and (drawn / "map.svg").is_file()
    assert not (run_folder / "figures").exists()


def snapshot(folder):
    return {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in folder.rglob("*") if p.is_file()}


def test_plot_never_writes_into_a_result_folder_nor_overwrites_figures(paired, tmp_path, capsys):
    comparison = write_comparison(paired, tmp_path / "cmp")
    before = snapshot(tmp_path)
    # Twice in a row: two new folders, the comparison and its own figures untouched.
    assert main(["plot", str(comparison)]) == 0
    assert main(["plot", str(comparison)]) == 0
    printed = capsys.readouterr().out.splitlines()
    drawn = sorted(tmp_path.glob("cmp-figures-*"))
    assert len(drawn) == 2
    assert all(f"to {d}/" in line for d, line in zip(drawn, printed, strict=True))
    assert {p.name for p in drawn[0].iterdir()} == {
        p.name for p in (comparison / "figures").iterdir()
    }
    assert snapshot(comparison) == {p: v for p, v in before.items() if comparison in p.parents}
    # --out: exactly there, and refused (exit 2, one line) once it exists.
    out = tmp_path / "mine"
    assert main(["plot", str(comparison), "--out", str(out)]) == 0
    assert (out / "displacement.png").is_file()
    again = snapshot(out)
    assert main(["plot", str(comparison), "--out", str(out)]) == 2
    error = capsys.readouterr().err
    assert "already exists" in error and len(error.strip().splitlines()) == 1
    assert snapshot(out) == again


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--window", "2001-01"], "START:END"),
        (["--target", "atlantis"], "atlantis"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path, capsys, extra, message):
    policy, base = tmp_path / "push.yaml", tmp_path / "baseline.yaml"
    policy.write_text(to_yaml(PUSH))
    base.write_text(to_yaml(BASE))
    with pytest.raises(SystemExit) if extra[0] == "--window" else _no_exit():
        code = main(["compare", str(policy), "--against", str(base), "--replications", "1",
                     "--workers", "1", "--no-figures", "--quiet", "--out", str(tmp_path / "o"),
                     *extra])  # fmt: skip
        assert code == 2
    error = capsys.readouterr().err
    assert message in error
    assert "Traceback" not in error


def test_bad_inputs_report_every_problem_of_every_file_one_line_each(tmp_path, capsys):
    base, policy = tmp_path / "baseline.yaml", tmp_path / "push.yaml"
    base.write_text(to_yaml(BASE) + "set:\n  households.plantng_rate: 0.1\n")
    policy.write_text(to_yaml(PUSH) + "set:\n  policies.0.schedule.1997-01.value: -5\n")
    out = tmp_path / "o"
    code = main(["compare", str(policy), "--against", str(base), "--set", "seed=-1",
                 "--out", str(out)])  # fmt: skip
    lines = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert [line.split(": ")[3:5] for line in lines] == [
        ["set", "households.plantng_rate"],
        ["--set seed=-1", "seed"],
        ["set", "policies.0.schedule.1997-01.value"],
        ["--set seed=-1", "seed"],
    ]
    assert [line.split(": ")[2] for line in lines] == [str(base)] * 2 + [str(policy)] * 2
    assert "Traceback" not in "".join(lines) and not out.exists()


def test_plot_refuses_a_folder_that_is_not_a_result(tmp_path, capsys):
    assert main(["plot", str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert "not a run folder" in error and len(error.strip().splitlines()) == 1


class _no_exit:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_intervals_on_fewer_than_ten_runs_say_they_are_rough(paired, tmp_path):
    out = write_comparison(paired, tmp_path / "few", figures=False)
    expected = "over 2 paired replication(s) (fewer than 10: read the intervals as rough)"
    assert expected in json.loads((out / "metrics.json").read_text())["interval"]
    assert "fewer than 10: read the intervals as rough" in (out / "summary.md").read_text()
    enough = compare([PUSH], BASE, replications=10, executor="inline")
    assert interval_covers(enough) == "10 paired replication(s)"


def test_a_comparison_over_a_posterior_keeps_it_in_each_run_that_then_repeats(tmp_path, capsys):
    samples = {"households.profit_sensitivity": [0.1, 0.5, 2.0], "weight": [1.0, 1.0, 1.0]}
    pd.DataFrame(samples).to_parquet(tmp_path / "drawn.parquet")
    base = BASE.model_copy(update={"posterior": str(tmp_path / "drawn.parquet")})
    drawn = compare([PUSH], base, replications=2, executor="inline", posterior=True)
    out = write_comparison(drawn, tmp_path / "cmp", figures=False)
    record = json.loads((out / "metrics.json").read_text())["posterior"]
    assert record["file"] == "runs/baseline/posterior.parquet"
    assert record["copied_from"] == "drawn.parquet"
    assert (out / record["file"]).is_file() and str(tmp_path) not in json.dumps(record)
    # The policy names no posterior of its own: its run folder keeps the one it drew from.
    assert PUSH.posterior is None
    again = tmp_path / "again"
    code = main(["run", str(out / "runs" / "push" / "scenario.yaml"), "--posterior",
                 "--executor", "inline", "--out", str(again), "--quiet"])  # fmt: skip
    assert code == 0
    pd.testing.assert_frame_equal(load_results(again).regions, drawn.policies["push"].regions)


def test_the_console_table_shows_n_where_a_metric_rests_on_fewer_runs():
    rows = [("recovery_months", "months", 2.5, 0.0, 23.2, 8),
            ("displacement_ratio", "ratio", 1.82, 0.36, 3.06, 20)]  # fmt: skip
    summary = pd.DataFrame(rows, columns=["metric", "unit", "median", "low", "high", "n"])
    summary = summary.assign(scenario="history", target="colombia")
    lines = console_table(summary, runs=20).splitlines()
    (recovery,) = [line for line in lines if line.startswith("recovery_months")]
    (ratio,) = [line for line in lines if line.startswith("displacement_ratio")]
    assert recovery.endswith("2.50 (0.000 to 23.20) n=8")
    assert ratio.endswith("1.82 (0.360 to 3.06)")  # all 20 runs: nothing to add
    assert lines[-1].startswith("n=K: the metric is defined in only K of the 20 runs")
    assert "n=" not in console_table(summary.assign(n=20), runs=20)


def test_compare_prints_n_as_metrics_csv_has_it(tmp_path, capsys):
    policy, base, out = scenario_files(tmp_path)
    code = main(["compare", str(policy), "--against", str(base), "--replications", "2",
                 "--executor", "inline", "--out", str(out), "--no-figures", "--quiet"])  # fmt: skip
    assert code == 0
    printed = capsys.readouterr().out
    metrics = pd.read_csv(out / "metrics.csv").set_index("metric")
    fewer = [m for m in HEADLINE if metrics.loc[m, "n"] < 2]
    assert fewer  # e.g. a cost per kg with no cocaine kept off the market in a run
    for metric in HEADLINE:
        (line,) = [row for row in printed.splitlines() if row.startswith(f"{metric} [")]
        n = metrics.loc[metric, "n"]
        assert line.endswith(f" n={n}") == (n < 2), line


def _history_draws(replications: int, posterior: bool) -> Results:
    from model.experiments.posterior import scenario_posterior
    from model.scenario.loading import load_scenario

    scenario = load_scenario(
        "andes_history_calibrated", ["households.scale=0.002", "end=1990-06", "seed=3"]
    )
    draws = scenario_posterior(scenario) if posterior else None
    return run_replications(scenario, replications, executor="inline", posterior=draws)


def test_cutting_a_result_to_fewer_runs_keeps_the_samples_they_drew():
    from model.experiments.compare import _on_seeds

    result = _history_draws(3, posterior=True)
    cut = _on_seeds(result, 2)
    assert cut.posterior["samples"] == result.posterior["samples"][:2]
    assert cut.scenario.replications == 2 and len(cut.seeds) == 2


def test_runs_that_took_their_parameters_differently_do_not_pair():
    from model.experiments.compare import _check_pair

    drew, did_not = _history_draws(2, posterior=True), _history_draws(2, posterior=False)
    with pytest.raises(ComparisonError, match="took their parameters differently"):
        _check_pair(did_not, drew)
    _check_pair(drew, _history_draws(2, posterior=True))  # the same draws pair


def test_by_channel_reruns_the_comparison_with_each_channel_off(tmp_path, capsys):
    policy, base, out = scenario_files(tmp_path)
    # A window and a target of its own (not the defaults), which every row must keep.
    code = main(["compare", str(policy), "--against", str(base), "--replications", "2",
                 "--window", "1997-06:2003-12", "--target", "colombia", "--executor", "inline",
                 "--by-channel", "--out", str(out), "--quiet"])  # fmt: skip
    assert code == 0
    printed = capsys.readouterr().out
    assert "Which channel carries it" in printed
    table = pd.read_csv(out / "channels.csv")
    labels = ["all channels on", *(f"{c} off" for c in CHANNELS)]
    assert list(dict.fromkeys(table.channels)) == labels
    keys = table[["target", "window_start", "window_end"]].drop_duplicates()
    assert keys.values.tolist() == [["colombia", "1997-06", "2003-12"]]
    assert set(table.loc[table.metric == "removed_ha", "n"]) == {2}  # every row: both pairs
    ratio = table[table.metric == "displacement_ratio"].set_index("channels")["median"]
    # Without the price channel nothing draws coca elsewhere (README: the world price carries
    # the balloon); with it the squeeze moves coca to other regions and countries.
    assert abs(ratio["price_response off"]) < 0.05
    assert ratio["all channels on"] > 0.1 + ratio["price_response off"]
    # The off rows are not the all-on comparison again: removed hectares differ.
    removed = table[table.metric == "removed_ha"].set_index("channels")["median"]
    assert removed["price_response off"] != removed["all channels on"]
    summary = (out / "summary.md").read_text(encoding="utf-8")
    assert "## Which channel carries it" in summary and "| price_response off |" in summary
    assert (out / "figures" / "channels.png").is_file()
    assert "channels.csv" in set(pd.read_csv(out / "columns.csv").iloc[:, 0])
    assert main(["plot", str(out), "--out", str(tmp_path / "drawn")]) == 0
    assert (tmp_path / "drawn" / "channels.png").is_file()


def _channels_stopped_by(stop, tmp_path, monkeypatch):
    """``compare --by-channel`` whose channel-off comparisons ``stop(out)`` ends; (exit, out)."""
    import model.experiments.channels as channels

    policy, base, out = scenario_files(tmp_path)
    monkeypatch.setattr(channels, "compare", lambda *args, **kwargs: stop(out))
    code = main(["compare", str(policy), "--against", str(base), "--replications", "1",
                 "--executor", "inline", "--by-channel", "--no-figures", "--out", str(out),
                 "--quiet"])  # fmt: skip
    return code, out


def _raise(error):
    raise error


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (ComparisonError("no pressure on the target"), 2),  # cannot be measured: one line
        (KeyboardInterrupt(), 130),  # Ctrl-C
        (RuntimeError("a worker died"), 1),  # a bug, a worker killed: reported as before
    ],
)
def test_by_channel_keeps_the_all_on_comparison_whatever_stops_it(
    error, code, tmp_path, capsys, monkeypatch
):
    exit_code, out = _channels_stopped_by(lambda out: _raise(error), tmp_path, monkeypatch)
    assert exit_code == code
    printed = capsys.readouterr().err.strip()
    assert f"saved in {out}/" in printed
    assert (out / "metrics.csv").is_file() and not (out / "channels.csv").exists()
    assert "Which channel carries it" not in (out / "summary.md").read_text(encoding="utf-8")
    if code == 2:
        assert len(printed.splitlines()) == 1
        assert f"with channels.{CHANNELS[0]} off: no pressure on the target" in printed


def test_by_channel_says_so_when_the_all_on_comparison_cannot_be_saved(
    tmp_path, capsys, monkeypatch
):
    def taken_meanwhile(out):
        out.mkdir()  # another command took the folder while the channels ran
        raise ComparisonError("no pressure on the target")

    code, out = _channels_stopped_by(taken_meanwhile, tmp_path, monkeypatch)
    assert code == 2
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1
    assert "no pressure on the target" in error and "could not be saved" in error
    assert "already exists" in error and list(out.iterdir()) == []


def test_by_channel_counts_both_comparisons_in_the_memory_check(tmp_path, monkeypatch):
    import model.experiments.memory as memory

    kept = []

    def record(*args, kept_tables=0, **kwargs):
        kept.append(kept_tables)
        raise memory.NotEnoughMemory("stop here")

    monkeypatch.setattr(memory, "check_memory", record)
    policy, base, out = scenario_files(tmp_path)
    for extra in ([], ["--by-channel"]):
        main(["compare", str(policy), "--against", str(base), "--replications", "3",
              "--executor", "inline", "--out", str(out), "--quiet", *extra])  # fmt: skip
    assert kept == [3 * 2, 3 * 2 * 2]  # 3 runs of 2 inputs; held twice with --by-channel
    assert not out.exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["{policy}"], "one policy scenario file"),
        (["--target", "colombia", "--target", "peru"], "at most one --target"),
        (["--set", "channels.household_entry=false"], "already has channels.household_entry off"),
    ],
)
def test_by_channel_refuses_what_would_not_make_one_table(tmp_path, capsys, extra, message):
    policy, base, out = scenario_files(tmp_path)
    policies = [str(policy)] + [str(policy) for e in extra if e == "{policy}"]  # positional
    extra = [e for e in extra if e != "{policy}"]
    code = main(["compare", *policies, "--against", str(base), "--by-channel",
                 "--replications", "1", "--executor", "inline", "--out", str(out), "--quiet",
                 *extra])  # fmt: skip
    assert code == 2
    error = capsys.readouterr().err
    assert message in error and len(error.strip().splitlines()) == 1
    assert not out.exists()
