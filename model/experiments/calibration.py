"""Fit a scenario's free parameters to the observed UNODC country series.

The scenario lists the parameters calibration may change under ``free_parameters`` (dotted paths
into the scenario, e.g. ``households.profit_sensitivity`` or ``policies.0.scale``, with bounds).
:func:`calibrate` searches them with :func:`scipy.optimize.differential_evolution`, scoring each
candidate by the mean country series of a few replications that use the same seeds for every
candidate (common random numbers), so two candidates differ only by their parameters. Only the years
of the fitting window are scored; :mod:`model.experiments.fit_report` reports the years after it as
a forecast.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
from scipy.optimize import differential_evolution

from model.experiments.observed import cultivation
from model.experiments.runner import make_executor, replication_seeds
from model.scenario.loading import with_parameters
from model.scenario.schema import Scenario
from model.sim.model import BalloonModel

# ----------------------------------------------------------------------------- parameters


def current_values(scenario: Scenario) -> dict[str, float]:
    """The scenario's present value of each free parameter."""
    data = scenario.model_dump(mode="json")
    values = {}
    for path in scenario.free_parameters:
        node = data
        for part in path.split("."):
            node = node[int(part)] if isinstance(node, list) else node[part]
        values[path] = float(node)
    return values


# ----------------------------------------------------------------------------- series and loss


def yearly_hectares(countries: pd.DataFrame) -> pd.DataFrame:
    """December hectares per year (rows) and country (columns), averaged over replications.

    UNODC surveys measure the area standing at the end of the year, so December is compared.
    """
    december = countries[countries["date"].dt.month == 12]
    table = december.groupby([december["date"].dt.year, "country"])["hectares"].mean().unstack()
    table.index.name = "year"
    return table


def observed_hectares() -> pd.DataFrame:
    """UNODC hectares per year (rows) and country (columns)."""
    return cultivation().pivot(index="year", columns="country", values="hectares")


def fit_statistics(model: pd.DataFrame, data: pd.DataFrame) -> dict:
    """Per-country RMSE (log and hectares), correlation and share error on common years.

    Args:
        model: hectares per year and country from the model.
        data: observed hectares per year and country.

    Returns:
        ``{"countries": {country: {...}}, "rmse_log": float, "share_mae": float}``.

    """
    years = model.index.intersection(data.index)
    countries = [c for c in data.columns if c in model.columns]
    m, d = model.loc[years, countries], data.loc[years, countries]
    log_error = np.log(np.maximum(m, 1.0)) - np.log(d)
    model_share = m.div(m.sum(axis=1), axis=0)
    data_share = d.div(d.sum(axis=1), axis=0)
    share_error = (model_share - data_share).abs()
    per_country = {}
    for c in countries:
        corr = float(np.corrcoef(m[c], d[c])[0, 1]) if m[c].std() > 0 else float("nan")
        per_country[c] = {
            "rmse_log": float(np.sqrt((log_error[c] ** 2).mean())),
            "rmse_ha": float(np.sqrt(((m[c] - d[c]) ** 2).mean())),
            "correlation": corr,
            "share_mae": float(share_error[c].mean()),
        }
    return {
        "countries": per_country,
        "rmse_log": float(np.sqrt((log_error**2).to_numpy().mean())),
        "share_mae": float(share_error.to_numpy().mean()),
    }


def loss(model: pd.DataFrame, data: pd.DataFrame, share_weight: float = 2.0) -> float:
    """RMSE of log hectares over countries and years, plus ``share_weight`` x mean share error."""
    stats = fit_statistics(model, data)
    return stats["rmse_log"] + share_weight * stats["share_mae"]


# ----------------------------------------------------------------------------- objective


def run_mean_hectares(scenario: Scenario, seeds: list[int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run one replication per seed in this process.

    Returns:
        The mean yearly hectares table and the tidy per-replication country table.

    """
    tables = []
    for i, seed in enumerate(seeds):
        countries = BalloonModel(scenario, rng=seed).run().countries
        countries.insert(0, "replication", i)
        tables.append(countries)
    countries = pd.concat(tables, ignore_index=True)
    return yearly_hectares(countries), countries


@dataclass
class Objective:
    """Loss of a parameter vector (picklable, so process workers can evaluate it)."""

    scenario: Scenario
    paths: list[str]
    seeds: list[int]
    window: tuple[int, int]
    share_weight: float = 2.0
    data: pd.DataFrame = field(default_factory=observed_hectares)

    def __call__(self, x: np.ndarray) -> float:
        """Run the candidate's replications and score the window (inf if the run fails)."""
        try:
            values = dict(zip(self.paths, x, strict=True))
            scenario = with_parameters(self.scenario, values, "free_parameters")
            table, _ = run_mean_hectares(scenario, self.seeds)
        except (ValueError, FloatingPointError):
            return float("inf")
        first, last = self.window
        return loss(table.loc[first:last], self.data.loc[first:last], self.share_weight)


def fitting_scenario(scenario: Scenario, window: tuple[int, int]) -> Scenario:
    """The scenario cut to end with the window, so candidates do not simulate the forecast."""
    end = min(date(window[1], 12, 1), scenario.end)
    return scenario.model_copy(update={"end": end})


# ----------------------------------------------------------------------------- calibration


@dataclass
class Calibration:
    """Result of a calibration run."""

    scenario: Scenario
    values: dict[str, float]
    start_values: dict[str, float]
    loss: float
    start_loss: float
    evaluations: int
    window: tuple[int, int]
    replications: int
    settings: dict


def calibrate(
    scenario: Scenario,
    window: tuple[int, int] = (1990, 2012),
    replications: int = 2,
    maxiter: int = 10,
    popsize: int = 8,
    workers: int | None = None,
    executor: str = "process",
    seed: int = 0,
    share_weight: float = 2.0,
    progress: bool = True,
    data: pd.DataFrame | None = None,
) -> Calibration:
    """Fit the scenario's free parameters by differential evolution.

    Args:
        scenario: a scenario with ``free_parameters``.
        window: first and last year scored (inclusive).
        replications: runs per candidate, on the same seeds for every candidate.
        maxiter: generations of differential evolution.
        popsize: population size, as a multiple of the number of free parameters (scipy's rule).
        workers: worker processes (default: every core).
        executor: ``process``, ``thread`` or ``inline``.
        seed: seed of the optimiser's own draws.
        share_weight: weight of the country-share error in the loss.
        progress: show a progress bar over generations.
        data: hectares per year and country to fit (default: the UNODC series).

    Raises:
        ValueError: if the scenario has no free parameters or the window has no data.

    """
    if not scenario.free_parameters:
        raise ValueError("free_parameters: the scenario marks no parameter as free")
    data = observed_hectares() if data is None else data
    if not (data.index.min() <= window[0] <= window[1] <= data.index.max()):
        raise ValueError(
            f"window {window[0]}-{window[1]} is outside the data ({data.index.min()}-"
            f"{data.index.max()})"
        )
    paths = list(scenario.free_parameters)
    bounds = [(scenario.free_parameters[p].low, scenario.free_parameters[p].high) for p in paths]
    start = current_values(scenario)
    seeds = replication_seeds(scenario.seed, replications)
    objective = Objective(
        fitting_scenario(scenario, window), paths, seeds, window, share_weight, data
    )
    x0 = np.clip([start[p] for p in paths], [b[0] for b in bounds], [b[1] for b in bounds])
    start_loss = objective(x0)

    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=maxiter, desc=f"calibrating {scenario.name}", unit="generation")

    def report(intermediate_result):
        if bar is not None:
            bar.update()
            bar.set_postfix(loss=f"{intermediate_result.fun:.4f}")

    try:
        with make_executor(executor, workers) as pool:
            result = differential_evolution(
                objective,
                bounds,
                maxiter=maxiter,
                popsize=popsize,
                x0=x0,
                seed=seed,
                polish=False,
                updating="deferred",
                workers=pool.map if pool is not None else 1,
                callback=report,
            )
    finally:
        if bar is not None:
            bar.close()
    best, best_loss = result.x, float(result.fun)
    if start_loss <= best_loss:  # never hand back something worse than the start
        best, best_loss = x0, start_loss
    values = {p: float(f"{v:.4g}") for p, v in zip(paths, best, strict=True)}  # readable
    return Calibration(
        scenario=with_parameters(scenario, values),
        values=values,
        start_values=start,
        loss=best_loss,
        start_loss=float(start_loss),
        evaluations=int(result.nfev),
        window=window,
        replications=replications,
        settings={"maxiter": maxiter, "popsize": popsize, "seed": seed,
                  "share_weight": share_weight, "households.scale": scenario.households.scale},
    )  # fmt: skip
