"""Region by region: coca per region and year, and a schematic map of where coca moved.

Each function returns a matplotlib ``Figure``; :func:`model.figures.saving.save_figure` writes it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
from adjustText import adjust_text
from matplotlib import patheffects
from matplotlib.colors import TwoSlopeNorm
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Polygon

from model.experiments.observed_regions import country_outlines
from model.figures.style import countries_in, country_colour, country_label, thousands, words


def _region_order(regions: pd.DataFrame) -> list[str]:
    first = regions.drop_duplicates("region")
    rank = {c: k for k, c in enumerate(countries_in(regions))}
    first = first.assign(rank=first.country.map(rank))
    return first.sort_values(["rank", "region"]).region.tolist()


def region_heatmap(
    regions: pd.DataFrame,
    counterfactual: pd.DataFrame | None = None,
    labels: Mapping[str, str] | None = None,
    title: str | None = None,
) -> Figure:
    """(c) Region by year heatmap of coca (yearly mean), or of its change against a counterfactual.

    Args:
        regions: a regions table (one or more replications; their mean is shown).
        counterfactual: a regions table on the same seeds; if given, the map shows the difference.
        labels: readable region names.
        title: the figure title.

    """
    order = _region_order(regions)
    labels = labels or {}

    def yearly(table: pd.DataFrame) -> pd.DataFrame:
        year = table.date.dt.year.rename("year")
        return table.groupby([table.region, year])["hectares"].mean().unstack("year").loc[order]

    values = yearly(regions)
    if counterfactual is not None:
        values = values - yearly(counterfactual)
        limit = max(float(np.nanmax(np.abs(values.to_numpy()))), 1.0)
        norm, cmap = TwoSlopeNorm(0.0, -limit, limit), "RdBu_r"
        bar_label = "change against the counterfactual,\nhectares (yearly mean; red = more coca)"
        title = title or "Where coca rose and fell against the counterfactual"
    else:
        norm, cmap = None, "YlOrBr"
        bar_label = "coca, hectares (yearly mean)"
        title = title or "Coca by region and year"
    fig = Figure(figsize=(10, 0.32 * len(order) + 1.8), layout="constrained")
    ax = fig.add_subplot()
    image = ax.imshow(values.to_numpy(), aspect="auto", cmap=cmap, norm=norm, interpolation="none")
    years = values.columns.to_numpy()
    step = max(1, math.ceil(len(years) / 12))
    ax.set_xticks(range(0, len(years), step), [str(y) for y in years[::step]])
    country_of = regions.drop_duplicates("region").set_index("region").country
    ax.set_yticks(range(len(order)), [labels.get(r, words(r)) for r in order])
    for tick, region in zip(ax.get_yticklabels(), order, strict=True):
        tick.set_color(country_colour(country_of[region]))
    previous = None
    for k, region in enumerate(order):
        if previous is not None and country_of[region] != previous:
            ax.axhline(k - 0.5, color="black", lw=0.8)
        previous = country_of[region]
    ax.set_xlabel("year")
    ax.set_ylabel("region (label colour = country)")
    ax.set_title(title)
    bar = fig.colorbar(image, ax=ax, format=thousands)
    bar.set_label(bar_label)
    handles = [
        Patch(color=country_colour(c), label=country_label(c)) for c in countries_in(regions)
    ]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0, -0.09), ncols=len(handles),
              frameon=False)  # fmt: skip
    return fig


def region_coordinates(scenario) -> pd.DataFrame:
    """Region, country, label, lon and lat of a scenario's regions."""
    return pd.DataFrame(
        [
            {
                "region": r.name,
                "country": r.country,
                "label": r.label or words(r.name),
                "lon": r.lon,
                "lat": r.lat,
            }
            for r in scenario.resolved_regions()
        ]  # fmt: skip
    )


def _label_regions(ax, table: pd.DataFrame) -> None:
    """Label each region beside its circle; adjustText moves labels until none overlap.

    adjustText (a well-kept library for exactly this) pushes labels apart from each other and
    from the circles and draws a leader line where a label had to move away from its region.
    """
    texts = []
    for _, row in table.iterrows():
        change = row.after - row.before
        texts.append(ax.text(row.lon, row.lat, f"{row.label}\n{row.after:,.0f} ha ({change:+,.0f})",
                             fontsize=7, color="#222222", zorder=6,
                             path_effects=[patheffects.withStroke(linewidth=2.5, foreground="white")]))  # fmt: skip
    adjust_text(
        texts,
        x=table.lon.to_numpy(),
        y=table.lat.to_numpy(),
        ax=ax,
        expand=(1.15, 1.35),
        force_text=(0.3, 0.5),
        arrowprops={"arrowstyle": "-", "color": "#888888", "lw": 0.6},
    )


def outer_rings(geometry: dict) -> list[np.ndarray]:
    """The outer ring (lon, lat rows) of each polygon of a GeoJSON Polygon or MultiPolygon."""
    polygons = (
        [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    )
    return [np.asarray(polygon[0], dtype=float) for polygon in polygons]


def draw_country_borders(ax, countries: list[str]) -> None:
    """Country borders (Natural Earth, ``model/data``) under the data, as plain patches.

    The model's countries are tinted in their colour; their neighbours are outlined and named.
    """
    for feature in country_outlines()["features"]:
        name = feature["properties"]["name"].lower()
        ours = name in countries
        rings = outer_rings(feature["geometry"])
        for ring in rings:
            ax.add_patch(Polygon(ring, closed=True, zorder=0.5, edgecolor="none",
                                 facecolor=country_colour(name) if ours else "#f4f4f4",
                                 alpha=0.10 if ours else 1.0))  # fmt: skip
            ax.add_patch(Polygon(ring, closed=True, zorder=0.6, facecolor="none",
                                 edgecolor="#8a8a8a", linewidth=0.8))  # fmt: skip
        if not ours:
            lon, lat = max(rings, key=len).mean(axis=0)
            ax.text(lon, lat, country_label(name), fontsize=8, color="#9a9a9a", ha="center",
                    va="center", zorder=0.7, clip_on=True)  # fmt: skip


def shift_map(
    regions: pd.DataFrame,
    coordinates: pd.DataFrame,
    dates: tuple,
    title: str | None = None,
) -> Figure:
    """(g) Schematic map: coca per region at two dates, and each country's shift between them.

    Circle areas are proportional to hectares (mean over replications): an outline at the first
    date, a filled disc at the second, over the countries' borders. An arrow per country runs from
    its hectare-weighted centre of coca at the first date to the second. Labels never overlap.

    Args:
        regions: a regions table.
        coordinates: :func:`region_coordinates` of the scenario.
        dates: the two months to compare.
        title: the figure title.

    """
    first, second = (pd.Timestamp(d) for d in dates)
    at = regions.groupby(["date", "region"])["hectares"].mean()
    for when in (first, second):
        if when not in at.index.get_level_values("date"):
            raise ValueError(f"no month {when:%Y-%m} in the regions table")
    table = (
        coordinates.set_index("region")
        .assign(before=at.xs(first, level="date"), after=at.xs(second, level="date"))
        .fillna({"before": 0.0, "after": 0.0})
    )
    biggest = max(table[["before", "after"]].to_numpy().max(), 1.0)
    scale = 1400.0 / biggest  # marker area in points^2 per hectare

    fig = Figure(figsize=(7.5, 9), layout="constrained")
    ax = fig.add_subplot()
    draw_country_borders(ax, list(table.country.unique()))
    for country, rows in table.groupby("country"):
        colour = country_colour(country)
        ax.scatter(rows.lon, rows.lat, s=rows.before * scale, facecolors="none",
                   edgecolors=colour, linewidths=1.3, linestyles="--", zorder=3)  # fmt: skip
        ax.scatter(rows.lon, rows.lat, s=rows.after * scale, color=colour, alpha=0.55,
                   edgecolors="none", zorder=2)  # fmt: skip
        centres = []
        for column in ("before", "after"):
            weight = rows[column].sum()
            if weight <= 0:
                break
            centres.append(((rows.lon * rows[column]).sum() / weight,
                            (rows.lat * rows[column]).sum() / weight))  # fmt: skip
        if len(centres) == 2 and np.hypot(*np.subtract(centres[1], centres[0])) > 0.05:
            ax.annotate("", xy=centres[1], xytext=centres[0], zorder=4,
                        arrowprops={"arrowstyle": "-|>", "color": colour, "lw": 2.6,
                                    "mutation_scale": 22, "path_effects": [
                                        patheffects.withStroke(linewidth=4.5, foreground="white")
                                    ]})  # fmt: skip
    lat = table.lat.mean()
    ax.set_aspect(1.0 / max(math.cos(math.radians(lat)), 0.2))
    pad = 2.0
    ax.set_xlim(table.lon.min() - pad - 1.0, table.lon.max() + pad + 1.0)
    ax.set_ylim(table.lat.min() - pad, table.lat.max() + pad)
    ax.set_xlabel("longitude, degrees")
    ax.set_ylabel("latitude, degrees")
    ax.grid(color="#eeeeee", zorder=0)
    ax.set_title(title or f"Where coca grows: {first:%Y-%m} (dashed outline) and {second:%Y-%m} (filled)",
                 wrap=True)  # fmt: skip
    ax.text(0.01, 0.01, "circles at region centres; borders: Natural Earth 1:110m",
            transform=ax.transAxes, fontsize=7, color="#666666")  # fmt: skip
    _label_regions(ax, table)  # last: adjustText moves labels around what is already drawn
    sizes = [s for s in (5_000, 20_000, 50_000) if s <= biggest * 1.2] or [round(biggest)]
    handles = [Patch(color=country_colour(c), label=country_label(c)) for c in countries_in(table)]
    handles.append(Line2D([], [], color="black", marker=r"$\rightarrow$", ms=14, ls="none",
                          label="shift of the centre of\ncoca in the country"))  # fmt: skip
    handles += [
        Line2D([], [], marker="o", ls="none", color="grey", alpha=0.55,
               ms=math.sqrt(s * scale), label=f"{s:,} ha")
        for s in sizes
    ]  # fmt: skip
    handles.append(Line2D([], [], marker="o", ls="none", mfc="none", mec="grey", ms=12,
                          label=f"dashed outline: {first:%Y-%m}\nfilled: {second:%Y-%m}"))  # fmt: skip
    # Inside, top right: the corner the Andean regions leave empty, so the map fills the figure.
    ax.legend(handles=handles, loc="upper right", title="label: ha at second date\n(change since first)",
              fontsize=8, title_fontsize=8, framealpha=0.92, borderpad=0.8, labelspacing=0.9)  # fmt: skip
    return fig
