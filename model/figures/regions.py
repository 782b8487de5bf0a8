"""Region by region: coca per region and year, and a schematic map of where coca moved.

Each function returns a matplotlib ``Figure``; :func:`model.figures.saving.save_figure` writes it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.colors import TwoSlopeNorm
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from model.figures.layout import legend_right
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


def _label_regions(ax, table: pd.DataFrame, line_deg: float = 0.75) -> None:
    """Label each region right of its centre, pushing labels down where they would overlap."""
    placed: list[tuple[float, float]] = []
    for _, row in table.sort_values("lat", ascending=False).iterrows():
        x, y = row.lon + 0.45, row.lat + 0.35
        while any(abs(x - px) < 3.0 and abs(y - py) < 2 * line_deg for px, py in placed):
            y -= line_deg / 2
        placed.append((x, y))
        change = row.after - row.before
        text = f"{row.label}\n{row.after:,.0f} ha ({change:+,.0f})"
        moved = abs(y - row.lat - 0.35) > 1e-9
        ax.annotate(text, (row.lon, row.lat), xytext=(x, y), textcoords="data", fontsize=7,
                    va="center", color="#222222", zorder=5,
                    arrowprops={"arrowstyle": "-", "color": "#999999", "lw": 0.6} if moved else None)  # fmt: skip


def shift_map(
    regions: pd.DataFrame,
    coordinates: pd.DataFrame,
    dates: tuple,
    title: str | None = None,
) -> Figure:
    """(g) Schematic map: coca per region at two dates, and each country's shift between them.

    Circle areas are proportional to hectares (mean over replications): an outline at the first
    date, a filled disc at the second. An arrow per country runs from its hectare-weighted centre
    of coca at the first date to the second. No borders are drawn: only region centres.

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

    fig = Figure(figsize=(10, 9), layout="constrained")
    ax = fig.add_subplot()
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
    _label_regions(ax, table)
    lat = table.lat.mean()
    ax.set_aspect(1.0 / max(math.cos(math.radians(lat)), 0.2))
    pad = 1.5
    ax.set_xlim(table.lon.min() - pad, table.lon.max() + 3.5)
    ax.set_ylim(table.lat.min() - pad, table.lat.max() + pad)
    ax.set_xlabel("longitude, degrees")
    ax.set_ylabel("latitude, degrees")
    ax.grid(color="#eeeeee", zorder=0)
    ax.set_title(title or f"Where coca grows: {first:%Y-%m} (dashed outline) and {second:%Y-%m} (filled)",
                 wrap=True)  # fmt: skip
    ax.text(0.01, 0.01, "schematic: circles at region centres, no borders drawn",
            transform=ax.transAxes, fontsize=7, color="#666666")  # fmt: skip
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
    legend_right(fig, handles, title="label: ha at second date\n(change since first)")
    return fig
