import pandas as pd
import pytest

from model.experiments import observed_market

LOADERS = {
    "demand": observed_market.demand,
    "yields": observed_market.yields,
    "seizures": observed_market.seizures,
    "eradication_effectiveness": observed_market.eradication_effectiveness,
}


@pytest.mark.parametrize("name", sorted(LOADERS))
def test_market_tables_are_tidy_and_traced_to_sources(name):
    table = LOADERS[name]()
    assert list(table.columns) == observed_market.MARKET_COLUMNS
    assert str(table["year"].dtype) == "Int64"
    assert table["value"].dtype == float and table["approximate"].dtype == bool
    assert table["year"].dropna().between(1970, 2025).all()
    assert (table["series"].str.len() > 0).all() and (table["unit"].str.len() > 0).all()
    # Every number names a source that SOURCES.md describes.
    assert set(table["source_id"]) <= observed_market.source_ids()
    assert len(table) > 30


def test_known_values():
    consumption = observed_market.points(
        observed_market.demand(), "US_cocaine_consumption_metric_tons_ONDCP2003"
    )
    assert list(consumption.index) == list(range(1988, 2001))
    assert consumption[1990] == 447.0 and consumption[2000] == 259.0
    yields = observed_market.yields()
    ratio = observed_market.points(yields, "PER_implied_cocaine_per_tonne_dry_leaf_kg")
    assert ratio[1990] == 2.5 and len(ratio) == 14
    undated = yields[yields["year"].isna()]
    assert "Conversion_dry_leaf_kg_per_kg_HCl" in set(undated["series"])
    sprayed = observed_market.points(
        observed_market.eradication_effectiveness(), "COL_area_aerially_sprayed_ha"
    )
    assert sprayed[2005] == 138_775.0
    seized = observed_market.points(observed_market.seizures(), "COL_cocaine_seizures_tons")
    assert seized.max() <= 200 and seized[2005] == pytest.approx(173.265)


def test_points_refuses_ambiguous_requests():
    yields = observed_market.yields()
    series = "COL_fresh_coca_leaf_yield_kg_per_ha_yr"
    with pytest.raises(ValueError, match="source_id"):
        observed_market.points(yields, series)
    chosen = observed_market.points(yields, series, source_id="INFOREGION_SIMCI2011")
    assert chosen.to_dict() == {2005: 6600.0, 2011: 4200.0}
    with pytest.raises(ValueError, match="no dated values"):
        observed_market.points(yields, "no_such_series")
    users = observed_market.demand()
    with pytest.raises(ValueError, match="several places"):
        observed_market.points(users, "Cocaine_users_millions")
    assert observed_market.points(users, "Cocaine_users_millions", "North America")[2001] == 6.35


def test_bad_flags_and_numbers_are_refused(monkeypatch):
    table = pd.DataFrame(
        [["s", "USA", "1990", "1.5", "t", "X", "maybe"]], columns=observed_market.MARKET_COLUMNS
    )
    monkeypatch.setattr(observed_market, "read_csv", lambda name, **kw: table.copy())
    with pytest.raises(ValueError, match="approximate"):
        observed_market.market_table("market/demand.csv")
    table.loc[0, "approximate"], table.loc[0, "value"] = "no", "about 3"
    with pytest.raises(ValueError, match="line"):
        observed_market.market_table("market/demand.csv")
    with pytest.raises(ValueError, match="missing column"):
        monkeypatch.setattr(
            observed_market, "read_csv", lambda name, **kw: table.drop(columns="unit")
        )
        observed_market.market_table("market/demand.csv")
