"""The calibrated history against the record: posterior predictive runs, fit, turning points, forecast.

:func:`predictive` runs the scenario over its whole horizon once per posterior draw (each on its
own seed), so its spread carries both the parameters' uncertainty and the model's own randomness.
:func:`fit_summary` scores those runs against the record in the fitting window (per country and per
region group), counts the turning points run by run, and gives the bands of the years after the
window: a forecast from recorded inputs only, never a fitting target.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from model.experiments import targets
from model.experiments.observed_market import seizures_in_country
from model.experiments.posterior import Posterior
from model.experiments.runner import Results, run_replications
from model.scenario.schema import Scenario

BAND = (0.05, 0.95)  # a 90% band over the predictive runs


@dataclass
class Predictive:
    """Posterior predictive runs of a scenario.

    Attributes:
        results: the runs (one replication per draw, tidy tables with ``replication``).
        national: December hectares per replication, year and country (tidy).
        regional: December share of its country's coca per replication, year and region group.
        seizures: tonnes seized inside each country per replication, year and country (tidy);
            None where not measured.

    """

    results: Results
    national: pd.DataFrame
    regional: pd.DataFrame
    seizures: pd.DataFrame | None = None

    @property
    def runs(self) -> int:
        """Number of predictive runs."""
        return len(self.results.seeds)


def predictive(
    scenario: Scenario,
    posterior: Posterior | None,
    runs: int,
    executor: str = "process",
    workers: int | None = None,
    progress: bool = False,
) -> Predictive:
    """Run the scenario ``runs`` times, each replication drawing its parameters from ``posterior``."""
    results = run_replications(
        scenario, runs, executor=executor, workers=workers, progress=progress, posterior=posterior
    )
    countries = results.countries
    return Predictive(
        results, _national(countries), _regional(results.regions), _seizures(countries)
    )


def _seizures(countries: pd.DataFrame) -> pd.DataFrame:
    year = countries["date"].dt.year.rename("year")
    yearly = countries.groupby(["replication", year, "country"])["seizures_t"].sum()
    return yearly.reset_index()


def _national(countries: pd.DataFrame) -> pd.DataFrame:
    december = countries[countries["date"].dt.month == 12]
    return pd.DataFrame(
        {
            "replication": december["replication"].to_numpy(),
            "year": december["date"].dt.year.to_numpy(),
            "country": december["country"].to_numpy(),
            "hectares": december["hectares"].to_numpy(),
        }
    )


def _regional(regions: pd.DataFrame) -> pd.DataFrame:
    frames = []
    for replication, table in regions.groupby("replication"):
        hectares = targets.december(table, "hectares", "region")
        country_of = table.drop_duplicates("region").set_index("region")["country"]
        shares = targets.shares_of_groups(hectares, country_of).stack().rename("share")
        frames.append(shares.reset_index().assign(replication=replication))
    return pd.concat(frames, ignore_index=True)


def bands(table: pd.DataFrame, keys: list[str], value: str) -> pd.DataFrame:
    """Median and 90% band of ``value`` over replications, per ``keys``."""
    grouped = table.groupby(keys)[value]
    return pd.DataFrame(
        {
            "low": grouped.quantile(BAND[0]),
            "median": grouped.median(),
            "high": grouped.quantile(BAND[1]),
        }
    )


def fit_summary(run: Predictive, window: tuple[int, int] = targets.WINDOW) -> dict:
    """In-sample fit per country and region group, turning points per run, and the forecast.

    Returns:
        A JSON-ready dict: ``countries`` (RMSE of log hectares of the median run, correlation,
        share of data years inside the 90% band), ``regions`` (mean absolute error of the median
        share, data points), ``turning_points`` (data year, each run's year, share of runs within
        two years), ``forecast`` (median and band per country and year after the window) and,
        where the runs measured them, ``seizures``: tonnes seized inside each country in the
        record's years, the record against the runs' median and band (not a calibration target).

    """
    data = targets.observed(window)
    first, last = window
    national = bands(run.national, ["year", "country"], "hectares")
    countries = {}
    for country in data.national.columns:
        years = data.national.index
        band = national.xs(country, level="country").reindex(years)
        observed = data.national[country]
        log_error = np.log(band["median"].clip(lower=1.0)) - np.log(observed)
        inside = (observed >= band["low"]) & (observed <= band["high"])
        countries[country] = {
            "rmse_log": float(np.sqrt((log_error**2).mean())),
            "correlation": float(np.corrcoef(band["median"], observed)[0, 1]),
            "inside_band": float(inside.mean()),
        }
    regional = bands(run.regional, ["country", "group", "year"], "share")
    regions = {}
    for (country, group), row in data.regional.iterrows():
        known = row.dropna()
        median = regional["median"].reindex(
            pd.MultiIndex.from_product([[country], [group], known.index])
        )
        regions[group] = {
            "country": country,
            "mae_share": float(np.abs(median.to_numpy() - known.to_numpy()).mean()),
            "points": int(len(known)),
        }
    wide = run.national.pivot_table(
        index=["replication", "year"], columns="country", values="hectares"
    )
    # A run's turning point counts up to two years after the window (so "within two years" of a
    # turning point in the window's last years can be judged), never later: a steeper fall of
    # Bolivia's coca in the forecast is not its 1990s fall.
    per_run = [
        targets.turning_points(table.droplevel(0), last_year=last + 2)
        for _, table in wide.groupby(level=0)
    ]
    turning = {}
    for name, year in data.turning_points.items():
        years = [p[name] for p in per_run]
        if year is None:  # the record has no such turning point in the window
            continue
        close = [y is not None and abs(y - year) <= 2 for y in years]
        turning[name] = {"data": year, "runs": years, "within_two_years": float(np.mean(close))}
    after = national[national.index.get_level_values("year") > last]
    forecast = {
        country: {
            int(year): {k: float(v) for k, v in row.items()}
            for (year, _), row in after.xs(country, level="country", drop_level=False).iterrows()
        }
        for country in data.national.columns
        if country in after.index.get_level_values("country")  # none if the run ends in the window
    }
    return {
        "window": [first, last],
        "runs": run.runs,
        "countries": countries,
        "regions": regions,
        "turning_points": turning,
        "forecast": forecast,
    } | ({} if run.seizures is None else {"seizures": _seizure_fit(run.seizures, window)})


def _seizure_fit(seizures: pd.DataFrame, window: tuple[int, int]) -> list[dict]:
    """The record's in-country seizures in the window beside the runs' median and 90% band."""
    record = seizures_in_country()
    runs = bands(seizures, ["country", "year"], "seizures_t")
    rows = []
    for (country, year), tonnes in record.items():
        if window[0] <= year <= window[1] and (country, year) in runs.index:
            band = runs.loc[(country, year)]
            rows.append({"country": country, "year": int(year), "data": float(tonnes)}
                        | {k: float(band[k]) for k in ("median", "low", "high")})  # fmt: skip
    return rows
