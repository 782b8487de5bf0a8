"""Market data shipped with the package: demand, yields, seizures and eradication effectiveness.

The four tables in ``model/data/market/`` share one long format, one row per published number:
``series`` (what was measured, e.g. ``US_cocaine_consumption_metric_tons_ONDCP2003``),
``country_or_market``, ``year`` (reference year; empty for undated technical ratios), ``value``,
``unit``, ``source_id`` (a section of ``model/data/market/SOURCES.md`` giving the public page) and
``approximate`` (derived, converted, rounded or secondary values). They are scattered points, not
complete yearly runs, with vintage breaks the SOURCES file describes: interpolate openly.
"""

from __future__ import annotations

import re

import pandas as pd

from model.experiments.data_files import read_csv, read_text, reading, yes_no

DEMAND_FILE = "market/demand.csv"
YIELDS_FILE = "market/yields.csv"
SEIZURES_FILE = "market/seizures.csv"
ERADICATION_EFFECTIVENESS_FILE = "market/eradication_effectiveness.csv"
SOURCES_FILE = "market/SOURCES.md"
MARKET_FILES = (DEMAND_FILE, YIELDS_FILE, SEIZURES_FILE, ERADICATION_EFFECTIVENESS_FILE)
MARKET_COLUMNS = [
    "series",
    "country_or_market",
    "year",
    "value",
    "unit",
    "source_id",
    "approximate",
]
# A source entry in SOURCES.md starts a line with its id, then an em dash.
_SOURCE_ENTRY = re.compile(r"^([A-Z][A-Z0-9_]+) \u2014 ", re.M)


def market_table(name: str) -> pd.DataFrame:
    """One of the market tables, tidy and typed.

    Args:
        name: Path inside ``model/data`` (one of :data:`MARKET_FILES`).

    Returns:
        DataFrame with columns ``series`` (str), ``country_or_market`` (str), ``year`` (pandas
        nullable ``Int64``; missing for undated ratios), ``value`` (float), ``unit`` (str),
        ``source_id`` (str) and ``approximate`` (bool), in file order.

    Raises:
        ValueError: if the file lacks a column, a value is not a number or a flag not yes/no.

    """
    with reading(name):
        return _market_table(name)


def _market_table(name: str) -> pd.DataFrame:
    df = read_csv(name, dtype=str, keep_default_na=False)
    missing = [c for c in MARKET_COLUMNS if c not in df.columns]
    if missing:
        raise ValueError(f"{name}: missing column(s) {missing}")
    df = df[MARKET_COLUMNS].copy()
    for column in ("series", "country_or_market", "unit", "source_id"):
        df[column] = df[column].str.strip()
    df["year"] = pd.to_numeric(df["year"].str.strip().replace("", None)).astype("Int64")
    df["value"] = pd.to_numeric(df["value"], errors="coerce").astype(float)
    if df["value"].isna().any():
        bad = [int(i) + 2 for i in df.index[df["value"].isna()]]
        raise ValueError(f"{name}: 'value' is not a number on line(s) {bad}")
    df["approximate"] = yes_no(df["approximate"], name)
    return df


def demand() -> pd.DataFrame:
    """Cocaine demand points: users, consumption in tonnes, spending and retail prices.

    US past-month/past-year use (household surveys 1979-2021 in non-comparable interview-method
    series; school surveys), US consumption in tonnes (ONDCP 1988-2000; RAND 2006 and 2010),
    European user counts (Western Europe 2001, EU 2005-2023) and market value, global user counts
    (1998-2023, several World Drug Report vintages), retail prices (US 1990-2002, Western Europe
    1990-2003). Columns as in :func:`market_table`.
    """
    return market_table(DEMAND_FILE)


def yields() -> pd.DataFrame:
    """Coca leaf and cocaine yields per hectare, and leaf-to-cocaine conversion ratios.

    Includes the yields implied by UNODC's 1990-2003 table (``*_implied_*``: dry leaf per ha,
    cocaine per ha, cocaine per tonne of dry leaf, per country and year), survey yields
    (Colombia fresh leaf 2005-2020, Peru sun-dried leaf 2004-2015, Bolivia by region 2004-2005)
    and undated conversion ratios (``year`` missing). Columns as in :func:`market_table`.
    """
    return market_table(YIELDS_FILE)


def seizures() -> pd.DataFrame:
    """Cocaine seizures in tonnes (world, Colombia, Bolivia, Peru, USA), scattered years to 2012.

    Columns as in :func:`market_table`.
    """
    return market_table(SEIZURES_FILE)


# The record's seizures inside each producing country, by series summed per country and year:
# Colombia's all-agency cocaine, Peru's and Bolivia's cocaine paste plus cocaine HCl (paste counted
# at its weight as cocaine, ASSUMPTION: the model has one product). Colombia's 2009 value is
# approximate in its source; the navy-only and police-only series are parts of the total.
IN_COUNTRY_SEIZURES = {
    "colombia": ("COL_cocaine_seizures_tons",),
    "peru": ("PER_cocaine_paste_seizures_tons", "PER_cocaine_HCl_seizures_tons"),
    "bolivia": ("BOL_cocaine_paste_seizures_tons", "BOL_cocaine_HCl_seizures_tons"),
}


def seizures_in_country() -> pd.Series:
    """Tonnes seized inside each producing country per year, where the record has them.

    Returns:
        Float Series indexed by (``country``, ``year``); a year counts only where every series of
        :data:`IN_COUNTRY_SEIZURES` for the country has it.

    """
    table = seizures()
    rows = {}
    for country, series in IN_COUNTRY_SEIZURES.items():
        parts = [points(table, name) for name in series]
        years = sorted(set.intersection(*(set(p.index) for p in parts)))
        rows.update({(country, int(y)): float(sum(p[y] for p in parts)) for y in years})
    out = pd.Series(rows, dtype=float)
    out.index.names = ["country", "year"]
    return out


def eradication_effectiveness() -> pd.DataFrame:
    """Replanting shares, net reduction per hectare sprayed, glyphosate trials, countermeasures.

    Replanting after forced eradication (about 50-67%, Colombia) and after voluntary substitution
    (0.6%), spraying's net effect per hectare, greenhouse kill and regrowth trials, and recorded
    eradication hectares by year. Columns as in :func:`market_table`.
    """
    return market_table(ERADICATION_EFFECTIVENESS_FILE)


def points(
    table: pd.DataFrame, series: str, place: str | None = None, source_id: str | None = None
) -> pd.Series:
    """The dated values of one series as a Series indexed by year.

    Args:
        table: A market table (e.g. :func:`demand`).
        series: Value of the ``series`` column.
        place: Value of ``country_or_market`` to keep (default: the series must have only one).
        source_id: Keep only rows from this source (where two sources give the same year).

    Returns:
        Float values indexed by ``year`` (int), sorted by year, named after the series.

    Raises:
        ValueError: if the series is unknown, has several places and none was chosen, or has two
            values for one year.

    """
    rows = table[(table["series"] == series) & table["year"].notna()]
    if place is not None:
        rows = rows[rows["country_or_market"] == place]
    if source_id is not None:
        rows = rows[rows["source_id"] == source_id]
    if rows.empty:
        raise ValueError(
            f"no dated values for series {series!r} (place {place}, source {source_id})"
        )
    if rows["country_or_market"].nunique() > 1:
        raise ValueError(f"series {series!r} covers several places: choose one with place=")
    if rows["year"].duplicated().any():
        years = sorted(set(rows.loc[rows["year"].duplicated(), "year"]))
        raise ValueError(f"series {series!r} has several values in {years}: choose a source_id")
    out = rows.set_index(rows["year"].astype(int))["value"].sort_index()
    out.index.name = "year"
    return out.rename(series)


def source_ids() -> set[str]:
    """The source ids described in ``model/data/market/SOURCES.md``."""
    return set(_SOURCE_ENTRY.findall(read_text(SOURCES_FILE)))
