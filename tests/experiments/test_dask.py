"""A real Dask cluster: a scheduler and two worker processes on loopback."""

import pandas as pd
import pytest
from conftest import eradication, small_scenario

distributed = pytest.importorskip("distributed")

from model.cli import main  # noqa: E402
from model.experiments.runner import run_replications  # noqa: E402
from model.experiments.sweep import scenario_parameters, sweep_scenario  # noqa: E402

PARAMS = ["households.profit_sensitivity=0.5:3", "market.demand_elasticity=-0.9:-0.3"]


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:  # fmt: skip
        yield cluster


def quick_scenario():
    return small_scenario(
        start="1995-01", end="1996-06", households={"scale": 0.005},
        policies=[eradication("colombia", 40_000, "1995-03", "1996-03")],
    )  # fmt: skip


def test_a_sweep_on_the_cluster_equals_the_local_sweep_exactly(cluster, tmp_path):
    scenario = quick_scenario()
    parameters = scenario_parameters(scenario, PARAMS)
    local = sweep_scenario(scenario, parameters, 6, "lhs", tmp_path / "local", executor="inline")
    remote = sweep_scenario(scenario, parameters, 6, "lhs", tmp_path / "dask",
                            executor=cluster.scheduler_address)  # fmt: skip
    pd.testing.assert_frame_equal(local.table, remote.table, check_exact=True)
    assert remote.computed == 6
    # the runs really went to the two worker processes
    assert len(cluster.scheduler.workers) == 2
    assert "run_point" in cluster.scheduler.task_prefixes  # dask strips the underscore


def test_replications_on_the_cluster_equal_inline(cluster):
    scenario = quick_scenario()
    inline = run_replications(scenario, 2, executor="inline")
    remote = run_replications(scenario, 2, executor=cluster.scheduler_address)
    assert inline.seeds == remote.seeds
    for name in ("regions", "countries", "system", "traffickers"):
        pd.testing.assert_frame_equal(inline.tables[name], remote.tables[name], check_exact=True)


def test_the_command_line_points_at_a_running_scheduler(cluster, tmp_path, capsys):
    file = tmp_path / "quick.yaml"
    file.write_text(quick_scenario().model_dump_json())
    out = tmp_path / "out"
    args = [
        "sweep",
        str(file),
        "--param",
        PARAMS[0],
        "--samples",
        "3",
        "--quiet",
        "--out",
        str(out),
    ]
    assert main([*args, "--scheduler", cluster.scheduler_address]) == 0
    assert "3 run(s) computed" in capsys.readouterr().out
    table = pd.read_parquet(out / "sweep.parquet")
    assert main([*args, "--executor", "inline", "--out", str(tmp_path / "inline")]) == 0
    pd.testing.assert_frame_equal(table, pd.read_parquet(tmp_path / "inline" / "sweep.parquet"))


def test_balloon_compare_gives_the_same_metrics_on_every_executor(cluster, tmp_path, capsys):
    scenario = quick_scenario()
    policy, base = tmp_path / "policy.yaml", tmp_path / "base.yaml"
    policy.write_text(scenario.model_copy(update={"name": "policy"}).model_dump_json())
    base.write_text(scenario.model_copy(update={"name": "base", "policies": []}).model_dump_json())
    command = ["compare", str(policy), "--against", str(base), "--replications", "3",
               "--no-figures", "--quiet"]  # fmt: skip
    executors = {
        "inline": ["--executor", "inline"],
        "process": ["--executor", "process", "--workers", "2"],
        "dask": ["--scheduler", cluster.scheduler_address],
    }

    def runs_on_the_cluster() -> int:
        prefix = cluster.scheduler.task_prefixes.get("run_job")  # dask strips the underscore
        return 0 if prefix is None else prefix.state_counts["memory"]  # runs finished there

    tables, before = {}, None
    for name, options in executors.items():
        if name == "dask":
            before = runs_on_the_cluster()
        out = tmp_path / name
        assert main([*command, *options, "--out", str(out)]) == 0, capsys.readouterr().err
        tables[name] = pd.read_csv(out / "metrics_by_replication.csv")
    assert len(tables["inline"]) >= 3 and tables["inline"].displacement_ratio.notna().any()
    for name in ("process", "dask"):
        pd.testing.assert_frame_equal(tables[name], tables["inline"], check_exact=True)
    assert runs_on_the_cluster() >= before + 6, "the dask comparison ran its 6 runs on the cluster"
