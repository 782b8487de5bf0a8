"""Where inside each country coca was, 2001-2012, and how the model's regions map onto it.

The observed regions are Colombia's departments (2001-2012), Peru's growing zones and Bolivia's
regions (2004-2005 only); Colombia's five UNODC regions of 2004-2005 are sums of departments and
are flagged ``aggregate`` so they are never added to them.
``model/data/model_region_mapping.csv`` assigns every observed (non-aggregate) region to a *model
group*: one model region (e.g. ``narino``), several together (``peru_rest`` = the Peruvian model
regions without their own figures), or ``other`` (coca outside every model region; it still
counts in the country's total). Years and regions without figures are unknown (NaN), never zero.
There is no regional figure after 2012 and none may ever be used as a target.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from model.experiments.data_files import read_csv, read_text, reading, yes_no

REGIONAL_FILE = "regional_coca_cultivation_2001_2012.csv"
REGION_LEVELS_FILE = "region_mapping.csv"
MODEL_MAPPING_FILE = "model_region_mapping.csv"
OUTLINES_FILE = "andes_country_outlines.geojson"
OTHER = "other"
REGIONAL_YEARS = range(2001, 2013)
AGGREGATE_LEVEL = "UNODC regional aggregate"
GROUP_COLUMNS = ["country", "group", "regions", "year", "hectares", "approximate"]


@reading(REGION_LEVELS_FILE)
def region_levels() -> pd.DataFrame:
    """The level of each observed region name and the broader growing zone it belongs to.

    Returns:
        DataFrame with columns ``country`` (lower case), ``region``, ``level`` (e.g.
        ``department``, ``UNODC regional aggregate``), ``broader_growing_zone``,
        ``basis_of_mapping`` and ``notes`` (str, empty when none), in file order.

    """
    df = read_csv(REGION_LEVELS_FILE, dtype=str, keep_default_na=False)
    df = df.rename(columns={"region_as_in_csv": "region"})
    df["country"] = df["country"].str.strip().str.lower()
    return df


@reading(REGIONAL_FILE)
def regional_cultivation() -> pd.DataFrame:
    """Coca per department (Colombia) or growing zone (Peru, Bolivia) and year, 2001-2012.

    Colombia's departments are sums of the municipal census (SIMCI/ODC), +-1-2 ha from the
    published tables, for every year 2001-2012; Colombia's UNODC regions and Peru's and
    Bolivia's zones come from UNODC's 2005 fact sheets (2004 and 2005 only, rounded).

    Returns:
        DataFrame with columns ``year`` (int), ``country`` (lower case), ``region`` (name as
        published), ``level`` (str), ``aggregate`` (bool: a sum of other rows, never add it to
        them), ``hectares`` (float), ``source_id`` (str) and ``approximate`` (bool), sorted by
        country, region and year.

    Raises:
        ValueError: if a region has no level in ``region_mapping.csv`` or a row is repeated.

    """
    df = read_csv(REGIONAL_FILE, dtype={"country": str, "region": str, "source_id": str})
    df["country"] = df["country"].str.strip().str.lower()
    df["year"] = df["year"].astype(int)
    df["hectares"] = df["hectares"].astype(float)
    df["approximate"] = yes_no(df["approximate"], REGIONAL_FILE)
    levels = region_levels()[["country", "region", "level"]]
    df = df.merge(levels, on=["country", "region"], how="left", validate="many_to_one")
    if df["level"].isna().any():
        unknown = sorted(set(df.loc[df["level"].isna(), "region"]))
        raise ValueError(
            f"{REGIONAL_FILE}: region(s) without a level in {REGION_LEVELS_FILE}: {unknown}"
        )
    if df.duplicated(["country", "region", "year"]).any():
        raise ValueError(f"{REGIONAL_FILE}: a region has two rows for one year")
    df["aggregate"] = df["level"] == AGGREGATE_LEVEL
    columns = ["year", "country", "region", "level", "aggregate", "hectares", "source_id"]
    df = df[[*columns, "approximate"]]
    return df.sort_values(["country", "region", "year"], ignore_index=True)


@reading(MODEL_MAPPING_FILE)
def model_region_mapping() -> pd.DataFrame:
    """The shipped assignment of every observed region to a model group.

    Returns:
        DataFrame with columns ``country``, ``observed_region``, ``model_group``,
        ``model_regions`` (tuple of model region names; empty for ``other``), ``basis``
        (``named``, ``judgment``, ``residual`` or ``no model region``) and ``note``.

    Raises:
        ValueError: if the file is inconsistent (see :func:`check_mapping`).

    """
    df = read_csv(MODEL_MAPPING_FILE, dtype=str, keep_default_na=False)
    for column in df.columns:
        df[column] = df[column].str.strip()
    df["model_regions"] = df["model_regions"].map(
        lambda text: tuple(part.strip() for part in text.split(";") if part.strip())
    )
    check_mapping(df)
    return df


def check_mapping(mapping: pd.DataFrame) -> None:
    """Check a mapping: each observed region once, each group one country and one set of regions.

    Raises:
        ValueError: naming the first problem found.

    """
    if mapping.duplicated(["country", "observed_region"]).any():
        raise ValueError("model region mapping: an observed region is assigned twice")
    for (country, group), rows in mapping.groupby(["country", "model_group"]):
        regions = set(rows["model_regions"])
        if len(regions) > 1:
            raise ValueError(f"model region mapping: group {group!r} lists different regions")
        (members,) = regions
        if (group == OTHER) != (members == ()):
            raise ValueError(
                f"model region mapping: {country} group {group!r} must list model regions "
                f"unless it is {OTHER!r}, and {OTHER!r} must list none"
            )
    named = mapping[mapping["model_group"] != OTHER]
    if (named.groupby("model_group")["country"].nunique() > 1).any():
        raise ValueError("model region mapping: a model group spans two countries")
    members = named.drop_duplicates("model_group").explode("model_regions")
    if members["model_regions"].duplicated().any():
        raise ValueError("model region mapping: a model region belongs to two groups")


def model_groups(mapping: pd.DataFrame | None = None) -> dict[str, tuple[str, ...]]:
    """Model regions of each model group (``other`` excluded: it has none).

    Args:
        mapping: A mapping like :func:`model_region_mapping` (default: the shipped one).

    Returns:
        ``{group: (model region, ...)}``, e.g. ``{"peru_rest": ("aguaytia", ...), ...}``.

    """
    mapping = model_region_mapping() if mapping is None else mapping
    named = mapping[mapping["model_group"] != OTHER].drop_duplicates("model_group")
    return dict(zip(named["model_group"], named["model_regions"], strict=True))


def observed_regions(
    mapping: pd.DataFrame | None = None, years: range = REGIONAL_YEARS
) -> pd.DataFrame:
    """Observed hectares per model group and year, NaN where unknown.

    A group's hectares in a year are the sum of its observed regions, known only if every one of
    them has a figure that year; otherwise (e.g. Peru outside 2004-2005) they are NaN.

    Args:
        mapping: A mapping like :func:`model_region_mapping` (default: the shipped one). It must
            assign every non-aggregate observed region of the countries it covers.
        years: Years to cover (default 2001-2012; years without data come out NaN).

    Returns:
        DataFrame with one row per country, group and year: ``country``, ``group``, ``regions``
        (model regions, ``;``-separated, empty for ``other``), ``year`` (int), ``hectares``
        (float or NaN) and ``approximate`` (bool: some figure summed is approximate), sorted by
        country, group and year.

    Raises:
        ValueError: if an observed region of a covered country is not assigned, or the mapping
            names a region the data lack.

    """
    mapping = model_region_mapping() if mapping is None else mapping
    check_mapping(mapping)
    data = regional_cultivation()
    data = data[~data["aggregate"] & data["country"].isin(set(mapping["country"]))]
    observed = set(zip(data["country"], data["region"], strict=True))
    assigned = set(zip(mapping["country"], mapping["observed_region"], strict=True))
    if observed - assigned:
        raise ValueError(
            f"model region mapping: observed region(s) not assigned: {sorted(observed - assigned)}"
        )
    if assigned - observed:
        raise ValueError(
            f"model region mapping: region(s) not in the data: {sorted(assigned - observed)}"
        )
    rows = []
    for (country, group), members in mapping.groupby(["country", "model_group"], sort=True):
        regions = ";".join(members["model_regions"].iloc[0])
        names = set(members["observed_region"])
        for year in years:
            figures = data[
                (data["country"] == country) & (data["year"] == year) & data["region"].isin(names)
            ]
            known = len(figures) == len(names)
            hectares = float(figures["hectares"].sum()) if known else np.nan
            approximate = bool(known and figures["approximate"].any())
            rows.append((country, group, regions, year, hectares, approximate))
    return pd.DataFrame(rows, columns=GROUP_COLUMNS)


def regional_shares(
    mapping: pd.DataFrame | None = None,
    years: range = REGIONAL_YEARS,
    *,
    without_other: bool = False,
) -> pd.DataFrame:
    """Share of each country's coca per model group and year, NaN where unknown.

    The country's total is the sum of its groups, so the shares of a known country-year sum to 1
    (Colombia's department sums equal its national census totals; Peru's and Bolivia's 2004-2005
    zones equal theirs).

    Args:
        mapping: As in :func:`observed_regions`.
        years: As in :func:`observed_regions`.
        without_other: Leave group ``other`` out of the total (and the rows), to compare with
            shares of a model whose regions cover its groups (see :func:`to_model_groups`).

    Returns:
        The columns of :func:`observed_regions` plus ``country_hectares`` and ``share`` (float,
        NaN unless every group of the country is known that year).

    """
    df = observed_regions(mapping, years)
    if without_other:
        df = df[df["group"] != OTHER].reset_index(drop=True)
    # min_count: a country-year with any unknown group has an unknown total.
    total = df.groupby(["country", "year"])["hectares"].transform(lambda h: h.sum(min_count=len(h)))
    df["country_hectares"] = total
    df["share"] = df["hectares"] / total
    return df


def unassigned_share(mapping: pd.DataFrame | None = None, country: str = "colombia") -> pd.Series:
    """Share of a country's observed coca in no model region (group ``other``), per year.

    Returns:
        Series of shares indexed by year: NaN where the country's total is unknown, 0 where it is
        known and the country has no ``other`` group.

    """
    df = regional_shares(mapping)
    df = df[df["country"] == country]
    known = df.groupby("year")["country_hectares"].first().notna()
    other = df[df["group"] == OTHER].set_index("year")["share"].reindex(known.index)
    return other.fillna(0.0).where(known).rename("share")


def to_model_groups(hectares: pd.DataFrame, mapping: pd.DataFrame | None = None) -> pd.DataFrame:
    """Sum model output per region into the model groups, with each group's share of its country.

    Args:
        hectares: Model output with columns ``year``, ``region`` and ``hectares`` (one value per
            region and year, e.g. December coca, as the censuses measure).
        mapping: As in :func:`observed_regions`.

    Returns:
        DataFrame with columns ``country``, ``group``, ``year``, ``hectares`` and ``share`` (of
        the country's coca in its groups), for every group whose regions all appear in
        ``hectares``, sorted by country, group and year. ``other`` has no model counterpart:
        compare the shares with ``regional_shares(without_other=True)``.

    """
    mapping = model_region_mapping() if mapping is None else mapping
    country_of = dict(zip(mapping["model_group"], mapping["country"], strict=True))
    present = set(hectares["region"])
    rows = []
    for group, regions in model_groups(mapping).items():
        if not set(regions) <= present:
            continue
        sums = hectares[hectares["region"].isin(regions)].groupby("year")["hectares"].sum()
        rows.extend((country_of[group], group, int(y), float(h)) for y, h in sums.items())
    df = pd.DataFrame(rows, columns=["country", "group", "year", "hectares"])
    df["share"] = df["hectares"] / df.groupby(["country", "year"])["hectares"].transform("sum")
    return df.sort_values(["country", "group", "year"], ignore_index=True)


@reading(OUTLINES_FILE)
def country_outlines() -> dict:
    """Simplified outlines of Colombia, Peru, Bolivia, Ecuador and Venezuela (GeoJSON).

    Natural Earth 1:110m (public domain) via johan/world.geo.json (UNLICENSE); longitude and
    latitude in WGS84. Good enough to draw borders under the model's regions on a map.

    Returns:
        The parsed GeoJSON ``FeatureCollection`` (each feature has ``properties.name``).

    """
    return json.loads(read_text(OUTLINES_FILE))
