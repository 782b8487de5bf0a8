"""The dashboard's live charts as Vega-Lite specs, filled cheaply from the recorder's arrays.

A chart is a spec template, built once per model with Altair, whose data are named datasets; each
month only the datasets (plain lists of rows, read from the recorder's preallocated arrays) and the
title change. Nothing here rebuilds the model's tidy tables or goes through pandas.

The model must be a :class:`model.sim.model.BalloonModel` that also keeps ``wholesale_price``,
``source_price`` (arrays per month), ``month_labels`` and ``current_month``, as
:class:`model.dashboard.app.DashboardModel` does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import altair as alt
import numpy as np

from model.experiments.observed_regions import country_outlines
from model.figures.regions import outer_rings
from model.figures.style import MONEY_NOTE, country_colour, country_label
from model.sim.recorder import country_sums

# Sized for the cells of Mesa's page grid (about 480 x 390 pixels each, legends included).
CHART_WIDTH = 300
MAP_WIDTH = 250
MAP_HEIGHT = 290
ARMED_COLOUR = "#6a1b9a"
VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
WAITING = "no month simulated yet: press Step or \u25b6"
MARKETS = ["wholesale", "at source"]  # consumer markets; producing countries


@dataclass(frozen=True)
class LiveChart:
    """A chart whose spec is built once per model and whose data are refilled every month."""

    template: Callable[[object], dict]
    data: Callable[[object], dict[str, list[dict]]]
    title: Callable[[object], str] | None = None
    waiting_title: str | None = None  # a time series: before the first month, say so instead

    def spec(self, model, template: dict | None = None) -> dict:
        """The full spec for the model's current month (pass a cached template to skip Altair)."""
        if self.waiting_title is not None and model.recorder.months == 0:
            return waiting_spec(self.waiting_title)
        spec = dict(template if template is not None else self.template(model))
        spec["datasets"] = {**spec.get("datasets", {}), **self.data(model)}
        if self.title is not None:
            spec["title"] = {**spec["title"], "text": self.title(model)}
        return spec


def vega_spec(chart: alt.TopLevelMixin) -> dict:
    """A chart's Vega-Lite spec for the browser (schema v5: the version Solara's assets ship)."""
    spec = chart.to_dict(validate=False)
    spec["$schema"] = VEGA_LITE_SCHEMA
    return spec


def waiting_spec(title: str) -> dict:
    """A placeholder chart asking for the first month."""
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "title": title,
        "data": {"values": [{"text": WAITING}]},
        "mark": {"type": "text", "fontSize": 14, "color": "#666666"},
        "encoding": {"text": {"field": "text", "type": "nominal"}},
        "width": CHART_WIDTH,
        "height": 200,
    }


def _colour(model, title: str = "country") -> alt.Color:
    countries = model.world.countries
    scale = alt.Scale(
        domain=[country_label(c) for c in countries], range=[country_colour(c) for c in countries]
    )
    return alt.Color("country:N", scale=scale, title=title)


def _by_country(model, values: np.ndarray) -> np.ndarray:
    """Sum a months x regions array into months x countries."""
    world = model.world
    return country_sums(values, world.country_of, world.n_countries)


def _rows(model, values: np.ndarray, column: str) -> list[dict]:
    """A months x countries array as rows: date, country, ``column`` (missing values dropped)."""
    names = [country_label(c) for c in model.world.countries]
    dates = model.month_labels[: len(values)].tolist()
    return [
        {"date": date, "country": name, column: value}
        for date, row in zip(dates, values.tolist(), strict=True)
        for name, value in zip(names, row, strict=True)
        if value == value  # drops NaN
    ]


# ----------------------------------------------------------------------------- coca area


def _country_lines(model, data: str, title, field: str, axis: str, number: str, height: int):
    """A line per country of the named dataset's ``field`` over time."""
    return (
        alt.Chart(alt.NamedData(data), title=title)
        .mark_line(strokeWidth=2)
        .encode(
            x=alt.X("date:T", title=None),
            y=alt.Y(f"{field}:Q", title=axis),
            color=_colour(model),
            tooltip=["date:T", "country:N", alt.Tooltip(f"{field}:Q", format=number)],
        )
        .properties(width=CHART_WIDTH, height=height)
    )


def _hectares_template(model) -> dict:
    title = alt.TitleParams("Coca area by country")
    return vega_spec(
        _country_lines(model, "hectares", title, "thousand_ha", "coca, thousand hectares",
                       ",.1f", 270)
    )  # fmt: skip


def _hectares_data(model) -> dict[str, list[dict]]:
    months = model.recorder.months
    thousand_ha = _by_country(model, model.recorder.region["hectares"][:months]) / 1000
    return {"hectares": _rows(model, np.round(thousand_ha, 2), "thousand_ha")}


HECTARES = LiveChart(_hectares_template, _hectares_data, waiting_title="Coca area by country")


# ----------------------------------------------------------------------------- prices


def farmgate_prices(model) -> np.ndarray:
    """Farm-gate leaf price per month and country, weighted by leaf sold, US$/kg (NaN: none)."""
    months = model.recorder.months
    region = model.recorder.region
    sold = region["leaf_t"][:months] * (region["traffickers"][:months] > 0)
    value = _by_country(model, region["farmgate_price"][:months] * sold)
    weight = _by_country(model, sold)
    return np.divide(value, weight, out=np.full_like(value, np.nan), where=weight > 0)


def _prices_template(model) -> dict:
    leaf_title = alt.TitleParams("Farm-gate price of coca leaf", subtitle=MONEY_NOTE)
    leaf = _country_lines(model, "leaf", leaf_title, "usd_kg", "US$ per kg of dry leaf", ",.2f",
                          115)  # fmt: skip
    cocaine = (
        alt.Chart(
            alt.NamedData("cocaine"),
            title=alt.TitleParams(
                "Cocaine: wholesale (consumer markets) and source prices", subtitle=MONEY_NOTE
            ),
        )
        .mark_line(strokeWidth=2)
        .encode(
            x=alt.X("date:T", title=None),
            y=alt.Y("usd_kg:Q", title="US$ per kg (log scale)", scale=alt.Scale(type="log")),
            color=alt.Color(
                "price:N",
                scale=alt.Scale(domain=MARKETS, range=["#222222", "#999999"]),
                title="cocaine price",
            ),
            tooltip=["date:T", "price:N", alt.Tooltip("usd_kg:Q", format=",.0f")],
        )
        .properties(width=CHART_WIDTH, height=115)
    )
    chart = alt.vconcat(leaf, cocaine, spacing=12).resolve_scale(color="independent")
    return vega_spec(chart)


def _prices_data(model) -> dict[str, list[dict]]:
    months = model.recorder.months
    dates = model.month_labels[:months].tolist()
    cocaine = [
        {"date": date, "price": market, "usd_kg": round(value, 1)}
        for market, series in zip(
            MARKETS, (model.wholesale_price[:months], model.source_price[:months]), strict=True
        )
        for date, value in zip(dates, series.tolist(), strict=True)
    ]
    leaf = _rows(model, np.round(farmgate_prices(model), 3), "usd_kg")
    return {"leaf": leaf, "cocaine": cocaine}


PRICES = LiveChart(_prices_template, _prices_data, waiting_title="Prices")


# ----------------------------------------------------------------------------- map


def region_rows(model) -> list[dict]:
    """The latest month per region: area, buyers, armed strength and farm-gate price."""
    world, recorder = model.world, model.recorder
    months = recorder.months
    if months:
        strength = recorder.region["armed_strength"][months - 1]
        traffickers = recorder.region["traffickers"][months - 1]
        price = recorder.region["farmgate_price"][months - 1]
    else:
        _, strength, _ = model.protection()
        traffickers, price = model.buyers(), model.farmgate_prices()
    columns = {
        "region": world.labels,
        "country": [country_label(world.countries[c]) for c in world.country_of],
        "lon": world.lon.tolist(),
        "lat": world.lat.tolist(),
        "hectares": np.round(model.households.region_hectares()).tolist(),
        "traffickers": traffickers.astype(int).tolist(),
        "armed_strength": np.round(strength, 2).tolist(),
        "farmgate_usd_kg": np.round(price, 2).tolist(),
    }
    return [dict(zip(columns, row, strict=True)) for row in zip(*columns.values(), strict=True)]


def border_points() -> list[dict]:
    """Country borders (``model/data``'s outlines) as points along each ring, for a line layer."""
    points = []
    for feature in country_outlines()["features"]:
        name = feature["properties"]["name"]
        for k, ring in enumerate(outer_rings(feature["geometry"])):
            points += [{"ring": f"{name}-{k}", "order": i, "lon": float(lon), "lat": float(lat)}
                       for i, (lon, lat) in enumerate(ring)]  # fmt: skip
    return points


def _round_steps(largest: float) -> list[float]:
    """Three round legend values up to ``largest``, e.g. 10,000, 30,000, 60,000."""
    top = float(f"{largest:.1g}")
    return [float(f"{top / 6:.1g}"), float(f"{top / 2:.1g}"), top]


def _map_template(model) -> dict:
    world = model.world
    a, b = np.nonzero(np.triu(np.isfinite(world.migration_cost)))
    routes = alt.Data(
        values=[
            {"lon": world.lon[i], "lat": world.lat[i], "lon2": world.lon[j], "lat2": world.lat[j]}
            for i, j in zip(a.tolist(), b.tolist(), strict=True)
        ]
    )
    pad = 1.0
    lon = [float(world.lon.min()) - pad, float(world.lon.max()) + pad]
    lat = [float(world.lat.min()) - pad, float(world.lat.max()) + pad]
    x = alt.X("lon:Q", title="longitude (\u00b0)", scale=alt.Scale(domain=lon))
    y = alt.Y("lat:Q", title="latitude (\u00b0)", scale=alt.Scale(domain=lat))
    largest = max(float(world.initial_coca_ha.max()), 1.0)
    regions = alt.NamedData("regions")
    route_layer = (
        alt.Chart(routes).mark_rule(color="#cccccc").encode(x=x, y=y, x2="lon2:Q", y2="lat2:Q")
    )
    borders = (
        alt.Chart(alt.Data(values=border_points()))
        .mark_line(color="#9a9a9a", strokeWidth=0.8, clip=True)
        .encode(x=x, y=y, detail="ring:N", order="order:Q")
    )
    coca = (
        alt.Chart(regions)
        .mark_circle(opacity=0.75, stroke="white", strokeWidth=0.5)
        .encode(
            x=x,
            y=y,
            size=alt.Size(
                "hectares:Q",
                title="coca (ha)",
                scale=alt.Scale(domain=[0, largest], range=[6, 900]),
                legend=alt.Legend(values=_round_steps(largest)),
            ),
            color=_colour(model),
            tooltip=[
                "region:N",
                "country:N",
                alt.Tooltip("hectares:Q", format=",.0f"),
                "traffickers:Q",
                "armed_strength:Q",
                alt.Tooltip("farmgate_usd_kg:Q", title="farm-gate US$/kg"),
            ],
        )
    )
    armed = (
        alt.Chart(regions)
        .transform_filter("datum.armed_strength > 0.02")
        .mark_point(shape="circle", filled=False, size=650, color=ARMED_COLOUR)
        .encode(
            x=x,
            y=y,
            strokeWidth=alt.StrokeWidth(
                "armed_strength:Q",
                title="armed group strength",
                scale=alt.Scale(domain=[0, 1], range=[0.5, 4]),
                legend=alt.Legend(values=[0.25, 0.5, 1.0], symbolSize=250),
            ),
            tooltip=["region:N", "armed_strength:Q"],
        )
    )
    buyers = (
        alt.Chart(regions)
        .mark_text(dx=10, dy=-9, fontSize=11, fontWeight="bold")
        .encode(
            x=x,
            y=y,
            text="traffickers:Q",
            color=alt.condition("datum.traffickers > 0", alt.value("black"), alt.value("#aaaaaa")),
        )
    )
    title = alt.TitleParams(
        "Coca by region",
        subtitle=[
            "number = trafficking organisations buying there",
            "grey lines = migration routes",
        ],
    )
    chart = (
        alt.layer(borders, route_layer, coca, armed, buyers, title=title)
        .resolve_scale(color="independent")
        .properties(width=MAP_WIDTH, height=MAP_HEIGHT)
    )
    return vega_spec(chart)


MAP = LiveChart(
    _map_template,
    lambda model: {"regions": region_rows(model)},
    title=lambda m: f"Coca by region, {m.current_month:%B %Y}",
)
