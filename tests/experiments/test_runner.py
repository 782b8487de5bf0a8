import pandas as pd
from conftest import eradication, small_scenario

from model.experiments.runner import replication_seeds, run_replications


def test_replication_seeds_are_stable_and_distinct():
    assert replication_seeds(7, 3) == replication_seeds(7, 5)[:3]
    assert len(set(replication_seeds(7, 50))) == 50
    assert replication_seeds(7, 2) != replication_seeds(8, 2)


def test_results_are_identical_inline_and_on_two_processes():
    scenario = small_scenario(end="1997-12", policies=[eradication("colombia", 50_000)])
    inline = run_replications(scenario, 3, executor="inline")
    parallel = run_replications(scenario, 3, executor="process", workers=2)
    assert inline.seeds == parallel.seeds
    for name in ("regions", "countries", "system", "traffickers"):
        pd.testing.assert_frame_equal(inline.tables[name], parallel.tables[name])
    assert sorted(inline.system.replication.unique()) == [0, 1, 2]
    by_rep = inline.countries.groupby("replication").hectares.sum()
    assert by_rep.nunique() == 3  # different seeds, different runs
