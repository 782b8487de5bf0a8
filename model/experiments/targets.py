"""What calibration compares: a run's 1990-2012 against the observed record, and how far apart.

Four kinds of target, all inside the fitting window (nothing after 2012 is ever a target):

* **national**: December hectares per country and year (UNODC), compared on a log scale;
* **regional**: each model region group's share of its country's coca, where the data give it
  (Colombia's departments 2001-2012; Peru's zones and Bolivia's regions 2004-2005), compared
  as shares so that the national fit and the regional fit do not count the same error twice;
* **turning points**: the years Colombia overtakes Peru, Bolivia falls fastest, and Peru
  overtakes Colombia again;
* **prices**: farm-gate leaf prices in Peru and Bolivia (2003-2005) and the price of cocaine at
  source (Peru 2004-2005), on a log scale.

:data:`WEIGHTS` also weighs two published effects measured on the run (``moments.py``: the
spraying effect and months with an empty inventory), which :func:`distance` takes as ``moments``.

:func:`summarise` turns a run's tables into a :class:`Summary`; :func:`distance` scores it against
:func:`observed` with the weights of :data:`WEIGHTS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from model.experiments.data_files import read_csv
from model.experiments.observed import cultivation
from model.experiments.observed_regions import model_groups, regional_shares
from model.sim.recorder import country_sums

WINDOW = (1990, 2012)
TURNING_POINTS = ("colombia_overtakes_peru", "bolivia_fall", "peru_overtakes_colombia")
# How much each kind of target weighs in the distance. National log hectares are the backbone;
# the regional shares and prices are fewer points and noisier. The turning points are what the
# history is about (who leads when), and a fit of levels alone let Peru return five years early:
# all three turning points 5 years off cost as much as a national error of 1.5 in log hectares. The
# published effects (``moments.py``): a spraying effect of 0.25 ha per ha (Rozo's upper end)
# costs 0.37, one of 0.5 costs 0.87, an inventory empty in a third of the months 0.33.
WEIGHTS = {
    "national": 1.0,
    "regional": 1.0,
    "turning_points": 0.3,
    "prices": 0.5,
    "spraying": 0.5,
    "market": 1.0,
}


@dataclass(frozen=True)
class Summary:
    """The numbers of a run (or of the record) that calibration compares.

    Attributes:
        national: December hectares, years (rows) x countries (columns).
        regional: share of its country's coca per (country, group) (rows) and year (columns).
        turning_points: the year of each turning point (None if it never happens).
        prices: US$/kg per (country, product, year).

    """

    national: pd.DataFrame
    regional: pd.DataFrame
    turning_points: dict[str, int | None]
    prices: pd.Series


def first_year_above(series_a: pd.Series, series_b: pd.Series, after: int | None = None):
    """First year (after ``after``) in which ``series_a`` exceeds ``series_b``, else ``None``."""
    above = series_a > series_b
    if after is not None:
        above = above[above.index > after]
    years = above.index[above.to_numpy()]
    return int(years[0]) if len(years) else None


def turning_points(table: pd.DataFrame, last_year: int | None = None) -> dict[str, int | None]:
    """Years of the three turning points of the Andean history in a hectares table.

    ``colombia_overtakes_peru``: first year Colombia grows more coca than Peru.
    ``bolivia_fall``: year of Bolivia's steepest one-year fall (up to ``last_year``).
    ``peru_overtakes_colombia``: first year after Colombia's lead that Peru leads again.
    """
    if last_year is not None:
        table = table.loc[:last_year]
    colombia_first = first_year_above(table["colombia"], table["peru"])
    again = None
    if colombia_first is not None:
        again = first_year_above(table["peru"], table["colombia"], after=colombia_first)
    change = table["bolivia"].diff()
    return {
        "colombia_overtakes_peru": colombia_first,
        "bolivia_fall": int(change.idxmin()) if change.notna().any() else None,
        "peru_overtakes_colombia": again,
    }


def december(table: pd.DataFrame, column: str, by: str) -> pd.DataFrame:
    """A column's December values, years (rows) x ``by`` (columns), mean over replications."""
    dec = table[table["date"].dt.month == 12]
    out = dec.groupby([dec["date"].dt.year, by])[column].mean().unstack()
    out.index.name = "year"
    return out


# ----------------------------------------------------------------------------- the record


@cache
def observed(window: tuple[int, int] = WINDOW) -> Summary:
    """The record's summary in the window: UNODC, regional shares, turning points, prices."""
    first, last = window
    national = cultivation().pivot(index="year", columns="country", values="hectares")
    national = national.loc[first:last]
    shares = regional_shares(without_other=True)
    shares = shares[shares.year.between(first, last)].dropna(subset=["share"])
    regional = shares.pivot_table(index=["country", "group"], columns="year", values="share")
    prices = read_csv("price_levels.csv")
    prices = prices[prices["product"].isin(["leaf", "cocaine"])]
    prices = prices[prices.year.between(first, last)]
    price = prices.groupby(["country", "product", "year"])["usd_per_kg"].mean()
    return Summary(national, regional, turning_points(national), price)


# ----------------------------------------------------------------------------- a run


def summarise(tables: dict[str, pd.DataFrame], window: tuple[int, int] = WINDOW) -> Summary:
    """The summary of a run (or the mean of stacked replications) in the window."""
    first, last = window
    national = december(tables["countries"], "hectares", "country").loc[first:last]
    regions = december(tables["regions"], "hectares", "region").loc[first:last]
    country_of = tables["regions"].drop_duplicates("region").set_index("region")["country"]
    regional = shares_of_groups(regions, country_of)
    return Summary(national, regional, turning_points(national), _prices(tables, window))


def summarise_model(model, window: tuple[int, int] = WINDOW) -> Summary:
    """The summary of a finished model, read from its recorder's arrays (no tidy tables).

    The same numbers as :func:`summarise` of the model's tables, about ten times faster: what a
    calibration needs thousands of times.
    """
    recorder, world = model.recorder, model.world
    T = recorder.months
    dates = recorder.dates[:T]
    keep = (dates.month == 12) & dates.year.isin(range(window[0], window[1] + 1))
    years = dates.year[keep]
    hectares = recorder.region["hectares"][:T][keep]
    regions = pd.DataFrame(hectares, index=pd.Index(years, name="year"), columns=world.names)
    national = pd.DataFrame(
        country_sums(hectares, world.country_of, world.n_countries),
        index=regions.index,
        columns=world.countries,
    )
    country_of = pd.Series(np.array(world.countries)[world.country_of], index=world.names)
    regional = shares_of_groups(regions, country_of)
    inside = dates.year.isin(range(window[0], window[1] + 1))
    leaf = recorder.region["leaf_t"][:T][inside] * (recorder.region["traffickers"][:T][inside] > 0)
    value = country_sums(recorder.region["farmgate_price"][:T][inside] * leaf, world.country_of,
                         world.n_countries)  # fmt: skip
    sold = country_sums(leaf, world.country_of, world.n_countries)
    price = np.divide(value, sold, out=np.zeros_like(value), where=sold > 0)
    year = dates.year[inside]
    leaf_price = pd.DataFrame(price, columns=world.countries).groupby(year.to_numpy()).mean()
    source = (
        pd.Series(recorder.system_column("source_price")[inside]).groupby(year.to_numpy()).mean()
    )
    rows = {
        (c, "leaf", int(y)): leaf_price.at[y, c] for y in leaf_price.index for c in world.countries
    }
    for country in world.countries:
        rows.update({(country, "cocaine", int(y)): v for y, v in source.items()})
    prices = pd.Series(rows, dtype=float)
    prices.index.names = ["country", "product", "year"]
    return Summary(national, regional, turning_points(national), prices)


def shares_of_groups(regions: pd.DataFrame, country_of: pd.Series) -> pd.DataFrame:
    """Each model region group's share of its country's coca, (country, group) x year."""
    rows = {}
    for group, members in model_groups().items():
        present = [r for r in members if r in regions.columns]
        if present:
            rows[(country_of[present[0]], group)] = regions[present].sum(axis=1)
    groups = pd.DataFrame(rows).T
    groups.index.names = ["country", "group"]
    totals = groups.groupby(level="country").transform("sum")
    return groups / totals.where(totals > 0)


def _prices(tables: dict[str, pd.DataFrame], window: tuple[int, int]) -> pd.Series:
    """Yearly mean farm-gate leaf price per country and source price of cocaine, US$/kg."""
    countries, system = tables["countries"], tables["system"]
    inside = countries["date"].dt.year.between(*window)
    leaf = countries[inside].groupby(["country", countries["date"].dt.year])["farmgate_price"]
    leaf = leaf.mean()
    rows = {(c, "leaf", int(y)): v for (c, y), v in leaf.items()}
    inside = system["date"].dt.year.between(*window)
    source = system[inside].groupby(system["date"].dt.year)["source_price"].mean()
    for country in countries["country"].unique():
        rows.update({(country, "cocaine", int(y)): v for y, v in source.items()})
    series = pd.Series(rows, dtype=float)
    series.index.names = ["country", "product", "year"]
    return series


# ----------------------------------------------------------------------------- the distance


def components(run: Summary, data: Summary) -> dict[str, float]:
    """How far a run is from the record, per kind of target (each about 0 to 1; 0 if none)."""
    known = data.regional.notna().to_numpy(dtype=bool)
    regional = (run.regional.reindex_like(data.regional) - data.regional).abs().to_numpy()[known]
    points = []
    for name in TURNING_POINTS:
        got, want = run.turning_points[name], data.turning_points[name]
        if want is not None:
            points.append(10.0 if got is None else min(abs(got - want), 10.0))
    prices = np.log(run.prices.reindex(data.prices.index).clip(lower=1e-9)) - np.log(data.prices)
    prices = prices.to_numpy()[data.prices.notna().to_numpy(dtype=bool)]
    return {
        "national": _log_rmse(run.national, data.national),
        "regional": _mean(regional, missing=1.0),
        "turning_points": float(np.mean(points)) if points else 0.0,
        "prices": float(np.sqrt(_mean(prices**2, missing=1.0))),
    }


def _mean(values: np.ndarray, missing: float) -> float:
    """Mean of the known values; ``missing`` where a run lacks what the record has; 0 if none."""
    values = np.asarray(values, dtype=float)
    if values.size == 0:
        return 0.0
    values = np.where(np.isnan(values), missing, values)
    return float(values.mean())


def distance(
    run: Summary,
    data: Summary,
    weights: dict[str, float] | None = None,
    moments: dict[str, float] | None = None,
) -> float:
    """Weighted sum of :func:`components` and of the published effects measured on the run.

    Args:
        run: the run's summary.
        data: the record's summary.
        weights: per component (default :data:`WEIGHTS`).
        moments: ``spraying`` and ``market`` gaps (``moments.py``), where they were measured.

    """
    weights = WEIGHTS if weights is None else weights
    parts = components(run, data) | (moments or {})
    return float(sum(weights[k] * parts[k] for k in weights if k in parts))


def _log_rmse(model: pd.DataFrame, data: pd.DataFrame) -> float:
    years = model.index.intersection(data.index)
    countries = [c for c in data.columns if c in model.columns]
    if not len(years) or not countries:
        return float("inf")
    error = np.log(np.maximum(model.loc[years, countries], 1.0)) - np.log(
        data.loc[years, countries]
    )
    return float(np.sqrt((error.to_numpy() ** 2).mean()))
