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
from model.experiments.observed_regions import model_groups
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
    return predictive_of(results)


def predictive_of(results: Results) -> Predictive:
    """The replications of a run, in the tables the fit against the record reads."""
    countries = results.countries
    return Predictive(
        results, _national(countries), _regional(results.regions), _seizures(countries)
    )


def covers_record(results: Results, window: tuple[int, int] = targets.WINDOW) -> bool:
    """Whether a run can be scored against the record.

    It must span every month of the window and hold the record's countries and every region
    that the record's region groups are made of.
    """
    dates = results.countries["date"]
    spans = dates.min() <= pd.Timestamp(window[0], 1, 1) and dates.max() >= pd.Timestamp(
        window[1], 12, 1
    )
    countries = set(targets.observed(window).national.columns)
    regions = {r for members in model_groups().values() for r in members}
    return (
        spans
        and countries <= set(results.countries["country"].unique())
        and regions <= set(results.regions["region"].unique())
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
    """December share of its country's coca per replication, year and region group (tidy)."""
    december = regions[regions["date"].dt.month == 12]
    year = december["date"].dt.year.rename("year")
    wide = december.set_index(["replication", year, "region"])["hectares"].unstack("region")
    country_of = regions.drop_duplicates("region").set_index("region")["country"]
    # Groups as columns, so the stack is over a dozen columns, not over every run and year.
    shares = targets.shares_of_groups(wide, country_of).T.stack(["country", "group"])
    tidy = shares.rename("share").reset_index()
    tidy = tidy.sort_values(["replication", "country", "group", "year"], kind="stable")
    return tidy[["country", "group", "year", "share", "replication"]].reset_index(drop=True)


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


def markdown_table(
    title: str, columns: dict[str, str], rows: list[list], level: int = 2
) -> list[str]:
    """A Markdown section: its title and a table (``columns``: header -> alignment rule)."""
    return ["", f"{'#' * level} {title}", "",
            "| " + " | ".join(columns) + " |",
            "| " + " | ".join(columns.values()) + " |",
            *("| " + " | ".join(map(str, row)) + " |" for row in rows)]  # fmt: skip


def timing_shares(data_year: int, years: list[int | None]) -> tuple[float, float, float]:
    """Shares of runs whose turning point is within two years of the record's, earlier, later."""
    close = [y is not None and abs(y - data_year) <= 2 for y in years]
    early = [y is not None and y < data_year - 2 for y in years]
    n = max(len(years), 1)
    return sum(close) / n, sum(early) / n, 1 - (sum(close) + sum(early)) / n


def fit_markdown(
    fit: dict, level: int = 2, forecast: str = "recorded inputs only; not fitted"
) -> list[str]:
    """The sections of :func:`fit_summary` as Markdown lines.

    Per country, per region group, the turning points run by run, seizures where the runs
    measured them, and the forecast after the window (``forecast`` says what drives it).
    """
    lines = markdown_table(
        "Fit in the window, per country (median run)",
        {"country": "---", "RMSE of log ha": "---:", "correlation": "---:",
         "data years inside the 90% band": "---:"},
        [[country, f"{row['rmse_log']:.2f}", f"{row['correlation']:.2f}",
          f"{100 * row['inside_band']:.0f}%"] for country, row in fit["countries"].items()],
        level,
    )  # fmt: skip
    lines += markdown_table(
        "Fit per region group (share of its country's coca)",
        {"group": "---", "country": "---", "mean absolute error of the share": "---:",
         "data points": "---:"},
        [[group, row["country"], f"{row['mae_share']:.3f}", row["points"]]
         for group, row in fit["regions"].items()],
        level,
    )  # fmt: skip
    points = []
    for name, row in fit["turning_points"].items():
        years = ", ".join("never" if y is None else str(y) for y in row["runs"][:20])
        more = " ..." if len(row["runs"]) > 20 else ""
        close, early, late = timing_shares(row["data"], row["runs"])
        points.append([name.replace("_", " "), row["data"], f"{100 * close:.0f}%",
                       f"{100 * early:.0f}%", f"{100 * late:.0f}%", f"{years}{more}"])  # fmt: skip
    lines += markdown_table(
        "Turning points, run by run",
        {"turning point": "---", "data": "---:", "runs within two years": "---:",
         "earlier": "---:", "later or never": "---:", "years in the runs": "---"},
        points,
        level,
    )  # fmt: skip
    if fit.get("seizures"):
        lines += markdown_table(
            "Seizures inside each country (t a year; shown, not a target)",
            {"country": "---", "year": "---:", "record": "---:", "runs: median (90%)": "---:"},
            [[row["country"], row["year"], f"{row['data']:,.1f}",
              f"{row['median']:,.1f} ({row['low']:,.1f}-{row['high']:,.1f})"]
             for row in fit["seizures"]],
            level,
        )  # fmt: skip
    forecast = fit["forecast"]
    years = sorted({y for rows in forecast.values() for y in rows}, key=int)
    if years:
        cells = [[year] + ["" if (r := rows.get(year)) is None else
                           f"{r['median'] / 1e3:,.0f}k ({r['low'] / 1e3:,.0f}-"
                           f"{r['high'] / 1e3:,.0f}k)" for rows in forecast.values()]
                 for year in years[::2]]  # fmt: skip
        lines += markdown_table(
            f"Forecast after the window ({forecast})",
            {"year": "---:", **dict.fromkeys(forecast, "---:")},
            cells,
            level,
        )
    return lines
