"""Every default market input is its data point (or the stated arithmetic on data points).

The recipe below is written independently of model/scenario/market_defaults.py: it recomputes each
point from the shipped data files, names the sources it used and says whether an assumption
(interpolation, chaining across a vintage break, holding a value) went in. The test then checks
the literal tables line by line: value (to the decimals written), cited source ids, ASSUMPTION.
"""

import ast
import inspect
import re

import numpy as np
import pytest

from model.experiments import observed_market
from model.scenario import market_defaults

SOURCE_ID = re.compile(r"^[A-Z][A-Z0-9_]+$")


def _interp(series, year):
    return float(np.interp(year, series.index.to_numpy(dtype=float), series.to_numpy()))


def _recipe():
    """{table: {key: (value, {source ids}, assumption?)}} recomputed from the data files."""
    demand, yields = observed_market.demand(), observed_market.yields()

    def pts(table, series, place=None, source_id=None):
        return observed_market.points(table, series, place, source_id)

    def src(table, series, place=None, source_id=None, year=None):
        rows = table[(table["series"] == series) & table["year"].notna()]
        if place is not None:
            rows = rows[rows["country_or_market"] == place]
        if source_id is not None:
            rows = rows[rows["source_id"] == source_id]
        if year is not None:
            rows = rows[rows["year"] == year]
        return set(rows["source_id"])

    out = {}
    # North America: US tonnes, then users.
    tonnes = pts(demand, "US_cocaine_consumption_metric_tons_ONDCP2003")
    rand = pts(demand, "US_pure_cocaine_consumed_metric_tons_RAND")
    past_month = pts(demand, "US_NSDUH_past_month_cocaine_users_millions_age12plus")
    past_year = pts(demand, "US_NSDUH_past_year_cocaine_users_millions_age12plus")
    ondcp = src(demand, "US_cocaine_consumption_metric_tons_ONDCP2003")
    rand_src = src(demand, "US_pure_cocaine_consumed_metric_tons_RAND")
    month_src = {
        y: src(demand, "US_NSDUH_past_month_cocaine_users_millions_age12plus", year=y)
        for y in (2008, 2012, 2017)
    }
    year_src = {
        y: src(demand, "US_NSDUH_past_year_cocaine_users_millions_age12plus", year=y)
        for y in (2008, 2017, 2021)
    }
    base = tonnes[1990]
    na = {int(y): (t / base, ondcp, False) for y, t in tonnes.items()}
    na[2006] = (rand[2006] / base, rand_src | ondcp, False)
    na[2010] = (rand[2010] / base, rand_src | ondcp, False)
    users_2010 = _interp(past_month.loc[2008:2012], 2010)
    interpolated = month_src[2008] | month_src[2012]
    na[2012] = (na[2010][0] * past_month[2012] / users_2010, month_src[2012] | interpolated, True)
    na[2017] = (na[2010][0] * past_month[2017] / users_2010, month_src[2017] | interpolated, True)
    na[2021] = (
        na[2017][0] * past_year[2021] / past_year[2017],
        year_src[2021] | year_src[2017],
        False,
    )
    out["NORTH_AMERICA_DEMAND_INDEX"] = na

    # Europe: users relative to Western Europe's 2001 count.
    west = pts(demand, "Cocaine_users_millions", "Western Europe")
    west_src = src(demand, "Cocaine_users_millions", "Western Europe")
    eu = pts(demand, "EU_cocaine_last_year_users_millions_age15to64")
    europe = {1990: (1.0, set(), True), 2001: (1.0, west_src, False)}
    for year, users in eu.items():
        used = src(demand, "EU_cocaine_last_year_users_millions_age15to64", year=year)
        europe[int(year)] = (users / west[2001], used | west_src, False)
    out["EUROPE_DEMAND_INDEX"] = europe

    # Rest of world: global users minus North America and Europe, relative to 2001.
    world = pts(demand, "Global_cocaine_users_millions")
    north = pts(demand, "Cocaine_users_millions", "North America")
    base_row = world[2001] - north[2001] - west[2001]
    rest = {
        1990: (1.0, set(), True),
        2001: (1.0, src(demand, "Global_cocaine_users_millions", year=2001), False),
    }

    def around(series_name, series, year, table=demand):
        """Value at ``year`` (interpolated or held) and the sources of the points used."""
        years = list(series.index)
        if year in years:
            return series[year], src(table, series_name, year=year), False
        before = [y for y in years if y < year]
        after = [y for y in years if y > year]
        used = {before[-1]} | ({after[0]} if after else set())
        value = _interp(series, year)
        return value, set().union(*(src(table, series_name, year=y) for y in used)), True

    for year in (2013, 2019, 2020, 2023):
        us, us_src, _ = around(
            "US_NSDUH_past_year_cocaine_users_millions_age12plus", past_year, year
        )
        europe_users, eu_src, _ = around("EU_cocaine_last_year_users_millions_age15to64", eu, year)
        value = (world[year] - us - europe_users) / base_row
        used = src(demand, "Global_cocaine_users_millions", year=year) | us_src | eu_src | west_src
        rest[year] = (value, used, True)
    out["REST_OF_WORLD_DEMAND_INDEX"] = rest

    shares_src = west_src
    out["CONSUMER_SHARES"] = {
        "north_america": (north[2001] / world[2001], shares_src, False),
        "europe": (west[2001] / world[2001], shares_src, False),
        "rest_of_world": (base_row / world[2001], shares_src, False),
    }

    # Yields: UNODC's implied 1990-2003 values chained across the method breaks (the first year
    # of UNODC's own survey), then survey yields chained at 2003.
    implied = "FDOKUMEN_WDR_TABLE5_1990_2003"
    breaks = {"PERU": 2000, "BOLIVIA": 2003}
    for country, prefix in (("COLOMBIA", "COL"), ("PERU", "PER"), ("BOLIVIA", "BOL")):
        leaf = pts(yields, f"{prefix}_implied_dry_leaf_yield_kg_per_ha_yr")
        ratio = pts(yields, f"{prefix}_implied_cocaine_per_tonne_dry_leaf_kg")
        at = breaks.get(country, 9999)
        leaf_step = leaf[at - 1] / leaf[at] if at in leaf else 1.0
        ratio_step = ratio[at - 1] / ratio[at] if at in ratio else 1.0
        out[f"{country}_LEAF_YIELD_INDEX"] = {
            int(y): (v / leaf[1990] * (leaf_step if y >= at else 1.0), {implied}, y >= at)
            for y, v in leaf.items()
        }
        out[f"{country}_COCAINE_PER_TONNE_LEAF_KG"] = {
            int(y): (v * (ratio_step if y >= at else 1.0), {implied}, y >= at)
            for y, v in ratio.items()
        }
    # Dated refinement changes (the data's dates are missing or approximate: ASSUMPTIONS).
    refinement = "ILLICITFLOWS_REFINEMENT"

    def undated(series):
        (value,) = yields.loc[yields["series"] == series, "value"]
        return float(value)

    before = undated("PER_dry_leaf_kg_per_kg_HCl_previous")
    now = (
        undated("PER_dry_leaf_kg_per_kg_HCl_new_low")
        + undated("PER_dry_leaf_kg_per_kg_HCl_new_high")
    ) / 2
    peru_ratio = out["PERU_COCAINE_PER_TONNE_LEAF_KG"]
    peru_ratio[2012] = (
        peru_ratio[2003][0] * before / now,
        {refinement, implied},
        True,
    )
    double = undated("BOL_cocaine_output_per_leaf_multiplier_after_process_change")
    bolivia_ratio = out["BOLIVIA_COCAINE_PER_TONNE_LEAF_KG"]
    bolivia_ratio[2008] = (bolivia_ratio[2003][0], {implied}, True)
    bolivia_ratio[2011] = (
        bolivia_ratio[2003][0] * double,
        {"INSIGHTCRIME_BOLIVIA_DOUBLE_OUTPUT", implied},
        True,
    )
    fresh = yields[yields["series"] == "COL_fresh_coca_leaf_yield_kg_per_ha_yr"]
    col = out["COLOMBIA_LEAF_YIELD_INDEX"]
    col_2003 = col[2003][0]
    base_rows = fresh[fresh["year"] == 2005]
    base_fresh, base_src = base_rows["value"].mean(), set(base_rows["source_id"])
    for year, rows in fresh.groupby("year"):
        col[int(year)] = (
            col_2003 * rows["value"].mean() / base_fresh,
            set(rows["source_id"]) | base_src,
            True,
        )
    # UNODC's press release rounds the 2014 monitoring figure (2,349 kg) to 2.4 t: not used.
    dried = yields[
        (yields["series"] == "PER_sun_dried_coca_leaf_yield_kg_per_ha_yr")
        & (yields["source_id"] != "UNODC_PERU_PRESS_2015_07")
    ]
    per = out["PERU_LEAF_YIELD_INDEX"]
    per_base = dried[dried["year"] == 2004]
    for year, rows in dried.groupby("year"):
        assert len(rows) == 1
        per[int(year)] = (
            per[2003][0] * rows["value"].iloc[0] / per_base["value"].iloc[0],
            set(rows["source_id"]) | set(per_base["source_id"]),
            True,
        )
    chapare = pts(yields, "BOL_sun_dried_coca_leaf_yield_kg_per_ha_yr_Chapare")
    bol = out["BOLIVIA_LEAF_YIELD_INDEX"]
    chapare_src = src(yields, "BOL_sun_dried_coca_leaf_yield_kg_per_ha_yr_Chapare")
    for year in (2004, 2005):
        bol[year] = (bol[2003][0] * chapare[year] / chapare[2004], chapare_src, True)

    out["GENERIC_LEAF_YIELD_INDEX"] = {1990: (1.0, set(), True)}
    out["GENERIC_COCAINE_PER_TONNE_LEAF_KG"] = {1990: (1000.0 / 320.0, set(), True)}
    return out


def _literal_tables(text=None):
    """{table: {key: (value, decimals written, comment)}} parsed from the module's source."""
    text = inspect.getsource(market_defaults) if text is None else text
    lines = text.splitlines()
    tables = {}
    for node in ast.parse(text).body:
        if not (isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict)):
            continue
        name = node.targets[0].id
        entries = {}
        for key, value in zip(node.value.keys, node.value.values, strict=True):
            if not isinstance(value, ast.Constant):
                break  # a table of tables (the DEFAULT_* assemblies), not points
            line = lines[key.lineno - 1]
            assert key.lineno == value.lineno, f"{name}: one line per point"
            written = ast.get_source_segment(text, value)
            decimals = len(written.split(".")[1]) if "." in written else 0
            comment = line.split("#", 1)[1].strip() if "#" in line else ""
            entries[key.value] = (value.value, decimals, comment)
        else:
            tables[name] = entries
    return tables


def _check(recipe, literal):
    """Assert that every literal point matches the recipe: value, cited sources, ASSUMPTION."""
    assert set(literal) == set(recipe)
    known_sources = observed_market.source_ids()
    for table, expected in recipe.items():
        written = literal[table]
        assert set(written) == set(expected), table
        for key, (value, sources, assumption) in expected.items():
            number, decimals, comment = written[key]
            where = f"{table}[{key}]"
            assert abs(number - value) <= 0.5 * 10.0**-decimals + 1e-12, (where, number, value)
            assert comment, f"{where}: no comment"
            if comment.startswith("ASSUMPTION:"):
                cited = set()
            else:
                cited = {part.strip() for part in comment.split(":")[0].split(",")}
            assert all(SOURCE_ID.match(s) for s in cited), (where, cited)
            assert cited <= known_sources, (where, cited - known_sources)
            assert cited == sources, (where, cited, sources)
            assert ("ASSUMPTION" in comment) == assumption, (where, comment)


def test_every_point_is_its_data_point_or_the_stated_arithmetic():
    _check(_recipe(), _literal_tables())


@pytest.mark.parametrize(
    ("written", "mistake"),
    [
        ("    1995: 0.9809,", "    1995: 0.9819,"),  # a mistyped number
        ("CONSUMPTION: 301 t / 447 t", "CONSUMPTION: 301 t / 447 t; ASSUMPTION: x"),  # a false flag
        ("    1999: 3.07,  # FDOKUMEN_WDR_TABLE5_1990_2003", "    1999: 3.07,  # OWJE_GIDT2003"),
        ("2003 x 2391 / 2200; ASSUMPTION: chained at the 2003 level", "2003 x 2391 / 2200"),
    ],
)
def test_the_check_catches_mistakes(written, mistake):
    text = inspect.getsource(market_defaults)
    assert text.count(written) == 1
    with pytest.raises(AssertionError):
        _check(_recipe(), _literal_tables(text.replace(written, mistake)))


def test_the_defaults_assemble_the_tables():
    markets = {m["name"]: m for m in market_defaults.DEFAULT_CONSUMER_MARKETS}
    assert markets["north_america"]["index"] is market_defaults.NORTH_AMERICA_DEMAND_INDEX
    assert markets["europe"]["index"] is market_defaults.EUROPE_DEMAND_INDEX
    assert markets["rest_of_world"]["index"] is market_defaults.REST_OF_WORLD_DEMAND_INDEX
    assert {n: m["share"] for n, m in markets.items()} == market_defaults.CONSUMER_SHARES
    assert sum(market_defaults.CONSUMER_SHARES.values()) == pytest.approx(1.0, abs=1e-6)
    yields = market_defaults.DEFAULT_YIELDS
    assert set(yields) == {"colombia", "peru", "bolivia"}
    assert yields["peru"]["leaf_yield_index"] is market_defaults.PERU_LEAF_YIELD_INDEX
    assert yields["bolivia"]["cocaine_per_tonne_leaf_kg"] is (
        market_defaults.BOLIVIA_COCAINE_PER_TONNE_LEAF_KG
    )
    # The share year is the one year with user counts for all three markets in the data.
    demand = observed_market.demand()
    users_2001 = demand[(demand["year"] == market_defaults.CONSUMER_SHARE_YEAR)]
    assert {"North America", "Western Europe", "World"} <= set(users_2001["country_or_market"])
