import numpy as np
import pandas as pd
import pytest

from model.experiments import observed, observed_regions
from model.experiments.observed_regions import OTHER
from model.scenario.defaults import DEFAULT_REGIONS


@pytest.fixture(scope="module")
def data():
    return observed_regions.regional_cultivation()


@pytest.fixture(scope="module")
def mapping():
    return observed_regions.model_region_mapping()


@pytest.fixture(scope="module")
def groups():
    return observed_regions.observed_regions()


def _value(df, country, group, year, column="hectares"):
    row = df[(df["country"] == country) & (df["group"] == group) & (df["year"] == year)]
    assert len(row) == 1
    return float(row[column].iloc[0])


def test_regional_cultivation_schema_and_aggregates(data):
    assert list(data.columns) == [
        "year", "country", "region", "level", "aggregate", "hectares", "source_id", "approximate",
    ]  # fmt: skip
    assert data["year"].between(2001, 2012).all()
    assert set(data["country"]) == {"colombia", "peru", "bolivia"}
    assert data["approximate"].dtype == bool and data["aggregate"].dtype == bool
    aggregates = set(data.loc[data["aggregate"], "region"])
    assert aggregates == {
        "Meta-Guaviare region", "Pacific region", "Central region", "Putumayo-Caqueta region",
        "Elsewhere (rest of Colombia)",
    }  # fmt: skip
    departments = data[(data["country"] == "colombia") & ~data["aggregate"]]
    assert departments["region"].nunique() == 24
    assert (departments.groupby("region")["year"].nunique() == 12).all()
    by_year = departments.groupby("year")["hectares"].sum()
    assert by_year[2012] == 47_788 and by_year[2001] == 136_920


def test_mapping_assigns_every_observed_region_once(data, mapping):
    observed_names = set(
        zip(*data.loc[~data["aggregate"], ["country", "region"]].T.values, strict=True)
    )
    assigned = list(zip(mapping["country"], mapping["observed_region"], strict=True))
    assert len(assigned) == len(set(assigned))
    assert set(assigned) == observed_names
    # No aggregate is mapped (that would count its hectares twice).
    assert not set(mapping["observed_region"]) & set(data.loc[data["aggregate"], "region"])
    assert set(mapping["basis"]) <= {"named", "judgment", "residual", "no model region"}
    assert (mapping["note"].str.len() > 10).all()


def test_every_model_region_is_in_exactly_one_group(mapping):
    members = [r for regions in observed_regions.model_groups(mapping).values() for r in regions]
    assert sorted(members) == sorted(r["name"] for r in DEFAULT_REGIONS)
    country = {r["name"]: r["country"] for r in DEFAULT_REGIONS}
    for _, row in mapping.iterrows():
        assert all(country[r] == row["country"] for r in row["model_regions"])
    assert observed_regions.model_groups(mapping)["peru_rest"] == (
        "aguaytia", "pichis_palcazu", "inambari_tambopata", "putumayo_bajo_amazonas",
    )  # fmt: skip
    other = mapping[mapping["model_group"] == OTHER]
    assert set(other["country"]) == {"colombia"}
    assert (other["model_regions"] == ()).all()


def test_colombian_groups_sum_to_the_department_totals_every_year(data, groups):
    departments = data[(data["country"] == "colombia") & ~data["aggregate"]]
    totals = departments.groupby("year")["hectares"].sum()
    colombia = groups[groups["country"] == "colombia"]
    assert not colombia["hectares"].isna().any()
    sums = colombia.groupby("year")["hectares"].sum()
    pd.testing.assert_series_equal(sums, totals, check_names=False)
    national = observed.cultivation().query("country == 'colombia'").set_index("year")["hectares"]
    # The census sums reproduce UNODC's national totals 2002-2012 (rounded there to thousands).
    gap = (sums.loc[2002:2012] - national.loc[2002:2012]).abs() / national.loc[2002:2012]
    assert gap.max() < 0.01


def test_peru_and_bolivia_zones_sum_to_national_totals(groups):
    national = observed.cultivation().set_index(["country", "year"])["hectares"]
    for country in ("peru", "bolivia"):
        for year in (2004, 2005):
            rows = groups[(groups["country"] == country) & (groups["year"] == year)]
            assert rows["hectares"].sum() == national[(country, year)]
    assert _value(groups, "bolivia", "yungas", 2004) == 17_300 + 300  # Yungas + Apolo
    assert _value(groups, "peru", "peru_rest", 2005) == 4_200


def test_groups_reproduce_unodc_regions_2004_2005(data, groups):
    aggregate = data[data["aggregate"]].set_index(["region", "year"])["hectares"]
    vichada = data[data["region"] == "Vichada"].set_index("year")["hectares"]

    def total(names, year):
        return sum(_value(groups, "colombia", g, year) for g in names)

    for year in (2004, 2005):
        expected = {
            "Putumayo-Caqueta region": total(["putumayo_caqueta"], year),
            "Meta-Guaviare region": total(["guaviare_meta"], year) - vichada[year],
            "Pacific region": total(["narino", "cauca"], year),
            "Central region": total(["catatumbo", "antioquia_cordoba", "sur_de_bolivar"], year),
            "Elsewhere (rest of Colombia)": total([OTHER], year) + vichada[year],
        }
        for region, value in expected.items():
            assert abs(value - aggregate[(region, year)]) <= 30, (region, year)


def test_unknown_stays_nan_never_zero(groups):
    peru = groups[groups["country"] == "peru"].set_index(["group", "year"])["hectares"]
    assert peru.xs(2004, level="year").notna().all()
    unknown_years = [y for y in range(2001, 2013) if y not in (2004, 2005)]
    for year in unknown_years:
        assert peru.xs(year, level="year").isna().all()
    bolivia = groups[groups["country"] == "bolivia"]
    assert bolivia.loc[~bolivia["year"].isin([2004, 2005]), "hectares"].isna().all()
    assert (groups["hectares"].dropna() > 0).all()
    shares = observed_regions.regional_shares()
    assert shares.loc[shares["hectares"].isna(), "share"].isna().all()
    # Years the data lack entirely are NaN too.
    later = observed_regions.observed_regions(years=range(2012, 2015))
    assert later.loc[later["year"] > 2012, "hectares"].isna().all()


def test_a_missing_figure_makes_its_group_and_country_shares_unknown(monkeypatch, data):
    dropped = data[~((data["region"] == "Putumayo") & (data["year"] == 2005))]
    monkeypatch.setattr(observed_regions, "regional_cultivation", lambda: dropped)
    shares = observed_regions.regional_shares()
    colombia = shares[shares["country"] == "colombia"]
    assert np.isnan(_value(colombia, "colombia", "putumayo_caqueta", 2005))
    assert not np.isnan(_value(colombia, "colombia", "narino", 2005))
    assert colombia.loc[colombia["year"] == 2005, "share"].isna().all()
    assert colombia.loc[colombia["year"] == 2006, "share"].notna().all()


def test_shares_sum_to_one_and_other_is_small(groups):
    shares = observed_regions.regional_shares()
    sums = shares.dropna(subset=["share"]).groupby(["country", "year"])["share"].sum()
    assert np.allclose(sums, 1.0)
    assert len(sums) == 12 + 2 + 2
    other = observed_regions.unassigned_share()
    assert list(other.index) == list(range(2001, 2013))
    assert other.between(0.01, 0.07).all()
    assert other[2012] < other[2004]  # the frontier outside the model's regions shrank
    peru = observed_regions.unassigned_share(country="peru")
    assert peru[2004] == 0.0 and np.isnan(peru[2001])
    without = observed_regions.regional_shares(without_other=True)
    assert OTHER not in set(without["group"])
    assert np.allclose(
        without.dropna(subset=["share"]).groupby(["country", "year"])["share"].sum(), 1
    )
    narino = _value(without, "colombia", "narino", 2012, "share")
    assert narino > _value(shares, "colombia", "narino", 2012, "share")


def test_bad_mappings_are_refused(mapping):
    missing = mapping[mapping["observed_region"] != "Vichada"]
    with pytest.raises(ValueError, match="Vichada"):
        observed_regions.observed_regions(missing)
    invented = pd.concat(
        [mapping, mapping.iloc[[0]].assign(observed_region="Atlantida")], ignore_index=True
    )
    with pytest.raises(ValueError, match="Atlantida"):
        observed_regions.observed_regions(invented)
    split = mapping.copy()
    split.loc[split["observed_region"] == "Caquetá", "model_regions"] = [("cauca",)]
    with pytest.raises(ValueError, match="putumayo_caqueta"):
        observed_regions.check_mapping(split)
    other = mapping.copy()
    other.loc[other["observed_region"] == "Cesar", "model_regions"] = [("catatumbo",)]
    with pytest.raises(ValueError):
        observed_regions.check_mapping(other)


def test_to_model_groups_sums_model_regions_into_groups():
    rows = [
        {"year": year, "region": r["name"], "hectares": 1000.0 * (i + 1) + year}
        for i, r in enumerate(DEFAULT_REGIONS)
        for year in (2004, 2005)
    ]
    model = observed_regions.to_model_groups(pd.DataFrame(rows))
    members = observed_regions.model_groups()["peru_rest"]
    expected = sum(
        row["hectares"] for row in rows if row["region"] in members and row["year"] == 2004
    )
    assert _value(model, "peru", "peru_rest", 2004) == expected
    assert np.allclose(model.groupby(["country", "year"])["share"].sum(), 1.0)
    assert len(model) == 13 * 2
    # A world without Bolivia's regions has no Bolivian groups.
    peru_only = observed_regions.to_model_groups(
        pd.DataFrame([row for row in rows if row["region"] not in ("chapare", "yungas")])
    )
    assert "bolivia" not in set(peru_only["country"])


def test_country_outlines_are_lon_lat_polygons():
    outlines = observed_regions.country_outlines()
    names = {f["properties"]["name"] for f in outlines["features"]}
    assert names == {"Colombia", "Peru", "Bolivia", "Ecuador", "Venezuela"}
    for feature in outlines["features"]:
        coordinates = np.array(
            [p for ring in _rings(feature["geometry"]) for p in ring], dtype=float
        )
        assert coordinates[:, 0].min() > -82 and coordinates[:, 0].max() < -57
        assert coordinates[:, 1].min() > -25 and coordinates[:, 1].max() < 14


def _rings(geometry):
    if geometry["type"] == "Polygon":
        return geometry["coordinates"]
    return [ring for polygon in geometry["coordinates"] for ring in polygon]
