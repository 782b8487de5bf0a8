"""Likelihood-free Bayesian calibration of a scenario's free parameters (ABC-SMC with pyabc).

The scenario lists the parameters calibration may change under ``free_parameters`` (dotted paths,
policies by name, with bounds: the prior is uniform between them). :func:`fit_posterior` runs
pyabc's sequential Monte Carlo approximate Bayesian computation: each generation proposes
parameter vectors around the last generation's particles, runs the model for each proposal (a
seed of its own, so the posterior carries the model's own randomness), and keeps proposals
whose run is closer to the record than the generation's threshold
(:func:`model.experiments.targets.distance`). Thresholds shrink generation by generation until
the simulation budget is spent. Runs go through the project's executor: local processes or a
Dask cluster; candidates are numbered and seeded (:mod:`model.experiments.abc_sampler`), so the
posterior does not depend on which executor or how many workers ran them.

Why pyabc: it is a maintained ABC-SMC library with adaptive thresholds, adaptive perturbation
kernels and a sampler that takes any ``concurrent.futures`` executor; the model's likelihood is
not available in closed form, so likelihood-free inference is the honest choice.
"""

from __future__ import annotations

import logging
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from model.experiments import targets
from model.experiments.abc_sampler import SeededSampler
from model.experiments.moments import SPRAYING, empty_inventory_share, outside_band
from model.experiments.runner import make_executor
from model.scenario.loading import with_parameters
from model.scenario.schema import Scenario
from model.sim.model import BalloonModel


@dataclass
class Simulator:
    """One candidate's model runs, scored against the record (picklable for workers).

    Returns pyabc's summary: the distance and its components, so that workers ship a few numbers
    back instead of tables. Where the scenario has the policy of the spraying experiment
    (``moments.SPRAYING``) and the window covers its years, a second run of the same candidate
    and seed with more spraying measures the published spraying effect.

    With ``replicates`` above 1 the candidate runs on that many seeds and its distance and
    components are their means. One run's turning points are noisy (the same parameters can put
    Peru back ahead in 2008 on one seed and in 2012 on the next), so a single run accepts
    parameters that match the record by luck; the mean keeps those that match it on most seeds.
    """

    scenario: Scenario
    window: tuple[int, int]
    replicates: int = 1

    @property
    def runs_per_candidate(self) -> int:
        """Model runs per candidate: 2 per replicate where the spraying effect is measured."""
        return self.replicates * (2 if self._measures_spraying() else 1)

    def _measures_spraying(self) -> bool:
        first, last = SPRAYING.years
        inside = self.window[0] <= first and last <= self.window[1]
        return inside and SPRAYING.applies_to(self.scenario)

    def __call__(self, parameters: dict) -> dict:
        """Run the scenario with ``parameters`` on this candidate's seeds; score the window."""
        values = {path: float(parameters[name]) for name, path in _names(self.scenario).items()}
        # numpy's global state is seeded per candidate, so its replicates' seeds are too.
        seeds = [int(np.random.randint(2**62)) for _ in range(self.replicates)]
        try:
            scenario = with_parameters(self.scenario, values, "free_parameters")
            scores = [self._score(scenario, seed) for seed in seeds]
        except (ValueError, FloatingPointError):
            return {"distance": float("inf")}
        return {key: float(np.mean([score[key] for score in scores])) for key in scores[0]}

    def _score(self, scenario: Scenario, seed: int) -> dict:
        """One replicate: the distance of a run on ``seed`` and its components."""
        model = BalloonModel(scenario, rng=seed).run()
        gaps = {"market": empty_inventory_share(model, self.window)}
        if self._measures_spraying():
            more = BalloonModel(SPRAYING.scenario(scenario), rng=seed).run()
            effect = SPRAYING.effect(model, more)
            gaps |= {"spraying": outside_band(effect), "spraying_effect": effect}
        run = targets.summarise_model(model, self.window)
        data = targets.observed(self.window)
        parts = targets.components(run, data)
        return {"distance": targets.distance(run, data, moments=gaps), **parts, **gaps}


def _summary_distance(x: dict, x0: dict) -> float:
    """Pyabc's distance between a run and the record: the run already scored itself."""
    return float(x["distance"])


def _names(scenario: Scenario) -> dict[str, str]:
    """Pyabc parameter names (identifiers) for the scenario's free parameter paths."""
    return {f"p{i}": path for i, path in enumerate(scenario.free_parameters)}


@dataclass
class PosteriorFit:
    """What a calibration found.

    Attributes:
        samples: one row per posterior particle: a column per free parameter path, ``weight``,
            ``distance`` and the distance's components.
        generations: one row per generation: threshold, simulations, accepted, acceptance rate,
            effective sample size.
        simulations: model runs in all.
        seconds: wall time of the inference.
        settings: the inference settings (for the report).

    """

    samples: pd.DataFrame
    generations: pd.DataFrame
    simulations: int
    seconds: float
    settings: dict

    @property
    def runs_per_second(self) -> float:
        """Model runs per second of wall time."""
        return self.simulations / self.seconds if self.seconds > 0 else float("nan")

    def medians(self) -> dict[str, float]:
        """Weighted posterior median of every parameter."""
        return {path: weighted_quantile(self.samples, path, 0.5) for path in self.parameters}

    @property
    def parameters(self) -> list[str]:
        """The free parameter paths."""
        return self.settings["parameters"]


def weighted_quantile(samples: pd.DataFrame, column: str, q: float) -> float:
    """The ``q`` quantile of a column of weighted samples."""
    order = np.argsort(samples[column].to_numpy())
    values = samples[column].to_numpy()[order]
    weights = samples["weight"].to_numpy()[order]
    cumulative = (np.cumsum(weights) - 0.5 * weights) / weights.sum()
    return float(np.interp(q, cumulative, values))


def fitting_scenario(scenario: Scenario, window: tuple[int, int]) -> Scenario:
    """The scenario cut to end with the window, so candidates do not simulate the forecast."""
    end = min(date(window[1], 12, 1), scenario.end)
    return scenario.model_copy(update={"end": end})


def fit_posterior(
    scenario: Scenario,
    window: tuple[int, int] = targets.WINDOW,
    population: int = 200,
    simulations: int = 5000,
    generations: int = 20,
    executor: str = "process",
    workers: int | None = None,
    seed: int = 0,
    simulator=None,
    progress: bool = True,
    replicates: int = 1,
) -> PosteriorFit:
    """Infer the posterior of the scenario's free parameters by ABC-SMC.

    Args:
        scenario: a scenario with ``free_parameters`` (uniform priors between the bounds).
        window: first and last year scored (inclusive); never beyond 2012 for the history.
        population: particles per generation.
        simulations: model runs to spend at most (the inference stops after the generation that
            reaches it).
        generations: generations at most.
        executor: ``process``, ``inline``, ``dask`` or a Dask scheduler address.
        workers: worker processes (default: every core).
        seed: seeds every candidate's proposal and run (:class:`SeededSampler`): the same seed
            gives the same posterior on every executor and worker count.
        simulator: a callable ``parameters -> {"distance": ...}`` replacing the model (tests).
        progress: let pyabc log each generation (threshold, acceptance) on stderr.
        replicates: seeds each candidate runs on; its distance is their mean (see
            :class:`Simulator`).

    Raises:
        ValueError: if the scenario has no free parameters.

    """
    import pyabc

    logging.getLogger("ABC").setLevel(logging.INFO if progress else logging.WARNING)
    if not scenario.free_parameters:
        raise ValueError("free_parameters: the scenario marks no parameter as free")
    names = _names(scenario)
    prior = pyabc.Distribution(
        **{
            name: pyabc.RV("uniform", bound.low, bound.high - bound.low)
            for name, bound in zip(names, scenario.free_parameters.values(), strict=True)
        }
    )
    if simulator is None:
        targets.observed(window)  # a missing or damaged data file stops here, not in every run
    simulate = simulator or Simulator(fitting_scenario(scenario, window), window, replicates)
    np.random.seed(seed)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder, make_executor(executor, workers) as pool:
        sampler = SeededSampler(pool, seed)  # the same posterior on any executor
        # A kernel twice pyabc's default width keeps the importance weights from collapsing onto
        # a few particles (effective sample size 20-50% instead of 1-10% with about 15 parameters).
        transition = pyabc.MultivariateNormalTransition(scaling=2.0)
        abc = pyabc.ABCSMC(simulate, prior, _summary_distance, population_size=population,
                           sampler=sampler, transitions=transition)  # fmt: skip
        abc.new(f"sqlite:///{Path(folder) / 'abc.db'}", {"distance": 0.0})
        per_candidate = getattr(simulate, "runs_per_candidate", 1)
        candidates = max(simulations // per_candidate, 1)
        history = abc.run(max_nr_populations=generations, max_total_nr_simulations=candidates)
        samples = _samples(history, names)
        table = _generations(history)
        # The prior sample that sets the first threshold counts too: those runs were spent.
        runs = sampler.runs * per_candidate
    seconds = time.perf_counter() - started
    settings = {
        "parameters": list(scenario.free_parameters),
        "bounds": {p: [b.low, b.high] for p, b in scenario.free_parameters.items()},
        "window": list(window),
        "population": population,
        "simulation_budget": simulations,
        "max_generations": generations,
        "households.scale": scenario.households.scale,
        "seed": seed,
        "replicates": replicates,
        "weights": dict(targets.WEIGHTS),
    }
    return PosteriorFit(samples, table, runs, seconds, settings)


def _samples(history, names: dict[str, str]) -> pd.DataFrame:
    """The last generation's particles: parameters by path, weight, distance and components."""
    frame, weights = history.get_distribution(m=0, t=history.max_t)
    frame = frame.rename(columns=names)[list(names.values())].reset_index(drop=True)
    frame["weight"] = np.asarray(weights, dtype=float) / np.sum(weights)
    stats = history.get_weighted_sum_stats_for_model(m=0, t=history.max_t)[1]
    frame["distance"] = [s["distance"] for s in stats]
    for key in [*targets.WEIGHTS, "spraying_effect"]:
        frame[key] = [s.get(key, np.nan) for s in stats]
    return frame


def _generations(history) -> pd.DataFrame:
    """Threshold, simulations, acceptance rate and effective sample size per generation."""
    from pyabc.weighted_statistics import effective_sample_size

    populations = history.get_all_populations()
    populations = populations[populations.t >= 0].reset_index(drop=True)
    rows = []
    for _, row in populations.iterrows():
        _, weights = history.get_distribution(m=0, t=int(row.t))
        rows.append(
            {
                "generation": int(row.t),
                "threshold": float(row.epsilon),
                "simulations": int(row.samples),
                "accepted": int(row.particles),
                "acceptance_rate": float(row.particles / max(row.samples, 1)),
                "effective_sample_size": float(effective_sample_size(np.asarray(weights))),
            }
        )
    return pd.DataFrame(rows)
