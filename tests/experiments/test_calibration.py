"""The calibration machinery: a toy problem with a known posterior, and a short real calibration."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from model import Scenario, load_scenario
from model.experiments.posterior import Posterior
from model.experiments.posterior_fit import fit_posterior


class NormalMean:
    """A toy simulator: one draw of x ~ Normal(theta, 0.5), scored against x = 4."""

    def __call__(self, parameters: dict) -> dict:
        x = np.random.normal(parameters["p0"], 0.5)
        return {"distance": abs(x - 4.0)}


def test_abc_recovers_a_known_posterior():
    # With a flat prior on 0-10 the posterior of theta is about Normal(4, 0.5): ABC should find
    # its centre and (slightly wider, for its tolerance) its spread.
    toy = Scenario(free_parameters={"households.profit_sensitivity": {"low": 0.0, "high": 10.0}})
    fit = fit_posterior(toy, population=300, simulations=6000, generations=10,
                        executor="inline", simulator=NormalMean(), progress=False)  # fmt: skip
    posterior = Posterior(fit.samples)
    median = posterior.medians()["households.profit_sensitivity"]
    low = posterior.quantile(0.05)["households.profit_sensitivity"]
    high = posterior.quantile(0.95)["households.profit_sensitivity"]
    assert median == pytest.approx(4.0, abs=0.15)
    assert 1.3 < high - low < 2.6  # the exact 90% interval is 1.64 wide
    assert fit.generations["threshold"].is_monotonic_decreasing
    assert (fit.generations["acceptance_rate"] <= 1).all()
    # Every run counts: the prior sample that set the first threshold (one population), and the
    # few run in a generation's last batch after its population was full.
    considered = fit.generations["simulations"].sum() + 300
    assert considered <= fit.simulations < 1.05 * considered
    assert pytest.approx(1.0) == fit.samples["weight"].sum()


def test_a_short_calibration_writes_a_posterior_that_runs_reproduce(tmp_path):
    from model.cli import main
    from model.experiments.results import load_results

    out, shipped = tmp_path / "calibration", tmp_path / "scenarios" / "history_calibrated.yaml"
    command = ["calibrate", "scenarios/andes_history.yaml", "--set", "households.scale=0.002",
               "--window", "1990-1994", "--population", "6", "--simulations", "12",
               "--generations", "2", "--predictive", "3", "--executor", "inline",
               "--out", str(out), "--scenario-file", str(shipped), "--quiet"]  # fmt: skip
    assert main(command) == 0
    for name in (
        "posterior.parquet",
        "generations.csv",
        "report.md",
        "report.json",
        "figures/posterior_marginals.png",
        "figures/posterior_predictive.png",
    ):
        assert (out / name).is_file(), name
    report = json.loads((out / "report.json").read_text())
    assert set(report["posterior"]) == set(
        load_scenario("scenarios/andes_history.yaml").free_parameters
    )
    assert report["inference"]["simulations"] >= 12
    share = report["published_effects"]["market"]  # months with an empty inventory
    assert 0.0 <= share["q5"] <= share["q50"] <= share["q95"] <= 1.0
    assert "spraying_effect" not in report["published_effects"]  # 1990-1994 has no 2001-2012
    posterior = pd.read_parquet(shipped.with_name("history_posterior.parquet"))
    assert {"weight", "distance"} <= set(posterior.columns) and len(posterior) == 6
    calibrated = load_scenario(shipped)
    medians = Posterior(posterior).medians()
    assert calibrated.households.planting_rate == pytest.approx(
        medians["households.planting_rate"], rel=1e-3
    )
    runs = []
    for executor in ("inline", "process"):
        folder = tmp_path / f"run-{executor}"
        args = ["run", str(shipped), "--posterior", "--replications", "3", "--set",
                "end=1992-12", "--out", str(folder), "--executor", executor, "--quiet"]  # fmt: skip
        assert main(args) == 0
        manifest = json.loads((folder / "manifest.json").read_text())
        runs.append((manifest["posterior"]["samples"], load_results(folder).countries))
    assert runs[0][0] == runs[1][0] and len(runs[0][0]) == 3
    pd.testing.assert_frame_equal(runs[0][1], runs[1][1])


def test_the_posterior_is_the_same_on_every_executor_and_worker_count():
    toy = Scenario(free_parameters={"households.profit_sensitivity": {"low": 0.0, "high": 10.0}})
    fits = [
        fit_posterior(toy, population=40, simulations=400, generations=3, executor=executor,
                      workers=workers, simulator=NormalMean(), seed=7, progress=False)
        for executor, workers in (("inline", None), ("thread", 3), ("process", 2))
    ]  # fmt: skip
    for fit in fits[1:]:
        pd.testing.assert_frame_equal(fit.samples, fits[0].samples)
        assert fit.simulations == fits[0].simulations
    other = fit_posterior(toy, population=40, simulations=400, generations=3, executor="inline",
                          simulator=NormalMean(), seed=8, progress=False)  # fmt: skip
    assert not other.samples.equals(fits[0].samples)


def test_the_sampler_stops_at_a_fractional_evaluation_budget():
    # pyabc passes max_eval = population / minimum acceptance rate, often not a whole number.
    from pyabc.population import Particle

    from model.experiments.abc_sampler import SeededSampler

    def never_accepted():
        return Particle(m=0, parameter={}, weight=1.0, sum_stat={}, distance=1.0, accepted=False)

    sampler = SeededSampler(None, seed=0)
    sample = sampler.sample_until_n_accepted(5, never_accepted, 0, max_eval=20 / 0.3)
    assert not sample.ok and sample.n_accepted == 0
    assert sampler.nr_evaluations_ == 67 and sampler.runs == 67
