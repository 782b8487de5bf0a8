import pandas as pd
import pytest

from model.experiments import observed


def _ha(df, year, country):
    row = df[(df["year"] == year) & (df["country"] == country)]
    assert len(row) == 1
    return float(row["hectares"].iloc[0])


def test_cultivation_schema_and_known_values():
    df = observed.cultivation()
    assert list(df.columns) == ["year", "country", "hectares", "approximate", "source"]
    assert df["year"].dtype.kind == "i"
    assert df["hectares"].dtype == float
    assert df["approximate"].dtype == bool
    assert set(df["country"]) == {"colombia", "peru", "bolivia"}
    assert df["year"].min() == 1990 and df["year"].max() == 2012
    assert len(df) == 23 * 3
    assert not df.duplicated(["year", "country"]).any()
    assert _ha(df, 1990, "peru") == 121_300.0
    assert _ha(df, 2000, "colombia") == 163_300.0
    assert _ha(df, 1990, "bolivia") == 50_300.0
    flagged = set(
        zip(df.loc[df["approximate"], "year"], df.loc[df["approximate"], "country"], strict=True)
    )
    assert flagged == {(2006, "peru"), (2010, "peru"), (2010, "colombia")}


def test_colombia_overtakes_peru_in_1997():
    df = observed.cultivation().pivot(index="year", columns="country", values="hectares")
    ahead = df["colombia"] > df["peru"]
    assert not ahead.loc[:1996].any()
    assert ahead.loc[1997:2011].all()
    assert ahead.idxmax() == 1997
    # Peru is back ahead of Colombia in 2012.
    assert not ahead.loc[2012]


def test_eradication_flags_estimates_as_assumptions():
    df = observed.eradication()
    assert set(df["method"]) == {"aerial", "manual"}
    assert set(df["status"]) == {"sourced", "estimate"}
    assert df["assumption"].dtype == bool
    assert (df["assumption"] == (df["status"] == "estimate")).all()
    assert df.loc[df["status"] == "estimate", "assumption"].all()
    assert not df.loc[df["status"] == "sourced", "assumption"].any()
    assert df["assumption"].sum() > 0
    assert not df.duplicated(["year", "country", "method"]).any()
    # Only Colombia sprayed from the air.
    assert set(df.loc[df["method"] == "aerial", "country"]) == {"colombia"}
    row = df[(df["year"] == 2005) & (df["country"] == "colombia") & (df["method"] == "aerial")]
    assert row["hectares"].iloc[0] == 138_775.0
    assert row["status"].iloc[0] == "sourced"


def test_no_negative_hectares_or_tonnes():
    assert (observed.cultivation()["hectares"] > 0).all()
    assert (observed.eradication()["hectares"] >= 0).all()
    assert (observed.cocaine_production()["tonnes"] > 0).all()


def test_events_sorted_and_contain_key_captures():
    df = observed.events()
    assert pd.api.types.is_datetime64_any_dtype(df["date"])
    assert df["date"].is_monotonic_increasing
    captures = df[df["kind"] == "leader_capture"]
    guzman = captures[captures["description"].str.contains("Guzman")]
    artemio = captures[captures["description"].str.contains("Artemio")]
    assert list(guzman["date"]) == [pd.Timestamp("1992-09-12")]
    assert list(artemio["date"]) == [pd.Timestamp("2012-02-12")]
    assert artemio["region"].iloc[0] == "upper_huallaga"
    assert guzman["region"].iloc[0] is None
    assert df["region"].map(lambda r: r is None or (isinstance(r, str) and r != "")).all()
    end_spray = df[df["description"].str.contains("ends aerial spraying")]
    assert list(end_spray["date"].dt.year) == [2015]


def test_cocaine_production_series():
    df = observed.cocaine_production()
    assert list(df.columns) == ["year", "country", "tonnes", "source"]
    assert len(df) == 14 * 3
    wide = df.pivot(index="year", columns="country", values="tonnes")
    assert list(wide.index) == list(range(1990, 2004))
    assert wide.loc[1990, "peru"] == 492.0
    assert wide.loc[2000, "colombia"] == 695.0
    assert wide.loc[2003, "bolivia"] == 60.0
    assert wide.loc[1990].sum() == 92 + 492 + 189


def test_eradication_schedule():
    aerial = observed.eradication_schedule("colombia", "aerial")
    assert isinstance(aerial, pd.Series)
    assert aerial.dtype == float
    assert list(aerial.index) == list(range(1990, 2024))
    assert aerial[2016] == 0.0
    assert aerial[1993] == 0.0  # missing year -> 0
    assert aerial[2002] == 130_364.0
    assert (aerial.loc[2016:] == 0.0).all()
    peru = observed.eradication_schedule("Peru", "manual", years=range(1995, 1998))
    assert peru.to_dict() == {1995: 0.0, 1996: 1259.0, 1997: 3462.0}
    assert observed.eradication_schedule("bolivia", "aerial").eq(0.0).all()


def test_eradication_schedule_rejects_unknown_inputs():
    with pytest.raises(ValueError):
        observed.eradication_schedule("ecuador", "manual")
    with pytest.raises(ValueError):
        observed.eradication_schedule("peru", "chemical")
