"""Observed data shipped with the package: cultivation, eradication, events and production.

The CSV files live in ``model/data`` and are read with :mod:`importlib.resources`, so the loaders
work from an installed package. Provenance, method breaks and which values are assumptions are
documented in ``model/data/README.md``. Regional cultivation and its mapping onto the model's
regions are in :mod:`model.experiments.observed_regions`; demand, yields, seizures and eradication
effectiveness in :mod:`model.experiments.observed_market`.
"""

from __future__ import annotations

import pandas as pd

from model.experiments.data_files import read_csv, reading, yes_no

CULTIVATION_FILE = "unodc_coca_cultivation_1990_2012.csv"
ERADICATION_FILE = "eradication_1990_2023.csv"
EVENTS_FILE = "events_1990_2023.csv"
PRODUCTION_FILE = "unodc_cocaine_production_1990_2003.csv"

COUNTRIES = ("colombia", "peru", "bolivia")
METHODS = ("aerial", "manual")


@reading(CULTIVATION_FILE)
def cultivation() -> pd.DataFrame:
    """Net coca cultivation per country and year, 1990-2012 (UNODC).

    Years before each national survey (Colombia < 1999, Peru < 2000, Bolivia < 2003) are US
    government/CICAD estimates; Bolivia includes its 12,000 ha legal area.

    Returns:
        DataFrame with columns ``year`` (int), ``country`` (str), ``hectares`` (float),
        ``approximate`` (bool) and ``source`` (str), sorted by year and country.

    """
    df = read_csv(CULTIVATION_FILE, dtype={"country": str, "approximate": str, "source": str})
    df["year"] = df["year"].astype(int)
    df["hectares"] = df["hectares"].astype(float)
    df["approximate"] = yes_no(df["approximate"], CULTIVATION_FILE)
    if df.duplicated(["country", "year"]).any():
        twice = df.loc[df.duplicated(["country", "year"]), ["country", "year"]].iloc[0]
        raise ValueError(f"{twice.country} has two rows for {twice.year}")
    return df.sort_values(["year", "country"], ignore_index=True)


@reading(ERADICATION_FILE)
def eradication() -> pd.DataFrame:
    """Hectares eradicated per year, country and method, 1990-2023.

    Rows with ``status == "estimate"`` are not sourced: they are assumptions that scenarios must
    flag and users may replace.

    Returns:
        DataFrame with columns ``year`` (int), ``country`` (str), ``method`` (``aerial`` or
        ``manual``), ``hectares`` (float), ``status`` (``sourced`` or ``estimate``), ``note``
        (str) and ``assumption`` (bool, true for ``estimate`` rows).

    """
    df = read_csv(
        ERADICATION_FILE, dtype={"country": str, "method": str, "status": str, "note": str}
    )
    df["year"] = df["year"].astype(int)
    df["hectares"] = df["hectares"].astype(float)
    df["note"] = df["note"].fillna("")
    bad_method = set(df["method"]) - set(METHODS)
    bad_status = set(df["status"]) - {"sourced", "estimate"}
    if bad_method or bad_status:
        raise ValueError(f"{ERADICATION_FILE}: unexpected values {bad_method | bad_status}")
    df["assumption"] = df["status"] == "estimate"
    return df.sort_values(["country", "method", "year"], ignore_index=True)


@reading(EVENTS_FILE)
def events() -> pd.DataFrame:
    """Dated events a historical scenario can encode (captures, policies, interdiction).

    Returns:
        DataFrame with columns ``date`` (pandas Timestamp), ``country`` (str), ``region`` (str,
        or None for country-wide events), ``kind``, ``description`` and ``status`` (str),
        sorted by date.

    """
    df = read_csv(
        EVENTS_FILE,
        dtype={"country": str, "region": str, "kind": str, "description": str, "status": str},
        keep_default_na=False,
    )
    df["date"] = pd.to_datetime(df["date"], format="%Y-%m-%d")
    region = df["region"].str.strip()
    df["region"] = region.astype(object).where(region != "", None)
    return df.sort_values("date", kind="stable", ignore_index=True)


@reading(PRODUCTION_FILE)
def cocaine_production() -> pd.DataFrame:
    """Potential pure cocaine production per country and year, 1990-2003 (UNODC).

    Returns:
        DataFrame with columns ``year`` (int), ``country`` (str), ``tonnes`` (float) and
        ``source`` (str), sorted by year and country.

    """
    df = read_csv(PRODUCTION_FILE, dtype={"country": str, "source": str})
    df["year"] = df["year"].astype(int)
    df["tonnes"] = df["tonnes"].astype(float)
    return df.sort_values(["year", "country"], ignore_index=True)


def eradication_schedule(country: str, method: str, years: range | None = None) -> pd.Series:
    """Hectares eradicated per year for one country and method, with gaps filled by zero.

    Zero-filling missing years is itself an assumption (see ``model/data/README.md``); use
    :func:`eradication` to see which values are estimates.

    Args:
        country: ``colombia``, ``peru`` or ``bolivia`` (case-insensitive).
        method: ``aerial`` or ``manual`` (case-insensitive).
        years: Years to cover; defaults to 1990-2023.

    Returns:
        Series of hectares (float) indexed by year, named ``hectares``.

    Raises:
        ValueError: If the country or method is unknown.

    """
    country = country.strip().lower()
    method = method.strip().lower()
    if country not in COUNTRIES:
        raise ValueError(f"unknown country {country!r}; expected one of {COUNTRIES}")
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; expected one of {METHODS}")
    if years is None:
        years = range(1990, 2024)
    df = eradication()
    rows = df[(df["country"] == country) & (df["method"] == method)]
    series = rows.set_index("year")["hectares"].reindex(list(years), fill_value=0.0)
    series.index.name = "year"
    return series.astype(float).rename("hectares")
