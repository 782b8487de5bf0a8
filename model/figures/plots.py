"""Figures for policy briefs and notebooks: each function returns a matplotlib ``Figure``.

Figures are built with ``matplotlib.figure.Figure`` (no pyplot state), so they are safe in
scripts, worker processes and notebooks (a Figure as the last value of a cell is displayed).
Every figure uses one colour per country (:data:`COUNTRY_COLOURS`), shows medians over replications
with 5-95% bands where there are several, has a title, axis labels with units and a legend outside
the data. :func:`save_figure` writes PNG and SVG.
"""

from __future__ import annotations

import math
import os
import tempfile
import zlib
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.colors import TwoSlopeNorm
from matplotlib.dates import DateFormatter, YearLocator
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, PercentFormatter

#: One colour per country, used by every figure (Okabe-Ito, safe for colour-blind readers).
COUNTRY_COLOURS = {
    "peru": "#D55E00",
    "colombia": "#0072B2",
    "bolivia": "#009E73",
    "ecuador": "#E69F00",
    "venezuela": "#CC79A7",
    "brazil": "#56B4E9",
}
_SPARE_COLOURS = ["#F0E442", "#8C564B", "#7F7F7F", "#17BECF", "#BCBD22", "#9467BD"]
COUNTERFACTUAL_COLOUR = "#555555"
PRESSURE_COLOUR = "#E8E0C8"
BAND = (0.05, 0.95)
thousands = FuncFormatter(lambda value, _: f"{value:,.0f}")


def country_colour(country: str) -> str:
    """The country's colour; countries outside the palette get a stable spare colour."""
    if country in COUNTRY_COLOURS:
        return COUNTRY_COLOURS[country]
    return _SPARE_COLOURS[zlib.crc32(country.encode()) % len(_SPARE_COLOURS)]


def country_label(country: str) -> str:
    """``colombia`` -> ``Colombia``."""
    return country.replace("_", " ").title()


def _label(name: str) -> str:
    return name.replace("_", " ")


def _countries_in(table: pd.DataFrame) -> list[str]:
    """Countries in palette order, then the others alphabetically."""
    present = set(table["country"])
    return [c for c in COUNTRY_COLOURS if c in present] + sorted(present - set(COUNTRY_COLOURS))


def median_band(table: pd.DataFrame, column: str, by: Sequence[str] = ()) -> pd.DataFrame:
    """Median and 5-95% band of ``column`` over replications, per date (and ``by``)."""
    keys = ["date", *by]
    grouped = table.groupby(keys, sort=True)[column]
    return pd.DataFrame(
        {
            "median": grouped.median(),
            "low": grouped.quantile(BAND[0]),
            "high": grouped.quantile(BAND[1]),
        }
    )


def _years(ax, dates, ticks: int = 6) -> None:
    """Label a date axis with whole years, at most about ``ticks`` of them."""
    dates = pd.DatetimeIndex(dates)
    span = max(dates.max().year - dates.min().year, 1)
    step = next((s for s in (1, 2, 5, 10, 20, 50) if s * ticks >= span), 100)
    ax.xaxis.set_major_locator(YearLocator(base=step))
    ax.xaxis.set_major_formatter(DateFormatter("%Y"))
    ax.margins(x=0)


def _shade(ax, spans, label: str | None = "policy pressure", edges: bool = False) -> None:
    """Shade pressure spans behind the data; ``edges`` also draws dashed lines over the data."""
    for k, (start, end) in enumerate(spans or ()):
        first, last = pd.Timestamp(start), pd.Timestamp(end) + pd.DateOffset(months=1)
        ax.axvspan(first, last, color=PRESSURE_COLOUR, zorder=0, label=label if k == 0 else None)
        if edges:
            for x in (first, last):
                ax.axvline(x, color="black", ls="--", lw=1.0, zorder=5)


def _legend_right(fig: Figure, handles, title: str | None = None) -> None:
    fig.legend(
        handles=handles,
        loc="outside right upper",
        frameon=False,
        title=title,
        alignment="left",
    )


def _suptitle(fig: Figure, text: str) -> None:
    # Left-aligned so that it never runs into a legend placed outside on the right.
    fig.suptitle(text, x=0.01, ha="left")


def _pressure_handle(edges: bool = False) -> Patch:
    if edges:
        return Patch(facecolor=PRESSURE_COLOUR, edgecolor="black", ls="--",
                     label="policy pressure window\n(between dashed lines)")  # fmt: skip
    return Patch(color=PRESSURE_COLOUR, label="policy pressure window")


# --------------------------------------------------------------------------- (a)


def hectares_by_country(
    countries: pd.DataFrame,
    spans: Sequence[tuple] = (),
    title: str = "Coca cultivation by country",
) -> Figure:
    """(a) Hectares by country over time, stacked (median over replications), pressure shaded.

    Args:
        countries: a countries table (one or more replications).
        spans: (first month, last month) pairs of policy pressure to shade.
        title: the figure title.

    """
    fig = Figure(figsize=(9, 4.5), layout="constrained")
    ax = fig.add_subplot()
    order = _countries_in(countries)
    wide = countries.groupby(["date", "country"])["hectares"].median().unstack("country")[order]
    _shade(ax, spans, edges=True)
    ax.stackplot(
        wide.index,
        *[wide[c].to_numpy() for c in order],
        colors=[country_colour(c) for c in order],
        labels=[country_label(c) for c in order],
        alpha=0.9,
    )
    ax.set_title(title)
    ax.set_ylabel("coca, hectares (stacked)")
    ax.set_xlabel("date (monthly)")
    ax.yaxis.set_major_formatter(thousands)
    _years(ax, wide.index, ticks=10)
    handles = [Patch(color=country_colour(c), label=country_label(c)) for c in reversed(order)]
    if spans:
        handles.append(_pressure_handle(edges=True))
    n = countries["replication"].nunique() if "replication" in countries else 1
    _legend_right(fig, handles, title=f"median of {n} run(s)")
    return fig


# --------------------------------------------------------------------------- (b)


def policy_vs_counterfactual(
    policies: Mapping[str, pd.DataFrame],
    counterfactual: pd.DataFrame,
    spans: Mapping[str, Sequence[tuple]] | None = None,
    column: str = "hectares",
    unit: str = "hectares",
    counterfactual_name: str = "counterfactual",
) -> Figure:
    """(b) Each policy against the counterfactual, one panel per scenario (row) and country.

    Args:
        policies: countries tables by scenario name.
        counterfactual: the counterfactual's countries table.
        spans: pressure spans to shade, by scenario name.
        column: the countries column to draw.
        unit: its unit, for the axis label.
        counterfactual_name: name of the counterfactual in the legend.

    """
    order = _countries_in(counterfactual)
    rows, cols = len(policies), len(order)
    fig = Figure(figsize=(3.2 * cols + 2.2, 2.6 * rows + 0.8), layout="constrained")
    axes = fig.subplots(rows, cols, sharex=True, squeeze=False)
    base = median_band(counterfactual, column, ["country"])
    for i, (name, table) in enumerate(policies.items()):
        band = median_band(table, column, ["country"])
        for j, country in enumerate(order):
            ax = axes[i, j]
            _shade(ax, (spans or {}).get(name, ()))
            cf = base.xs(country, level="country")
            ax.fill_between(cf.index, cf.low, cf.high, color=COUNTERFACTUAL_COLOUR, alpha=0.15)
            ax.plot(cf.index, cf["median"], color=COUNTERFACTUAL_COLOUR, ls="--", lw=1.2)
            own = band.xs(country, level="country")
            colour = country_colour(country)
            ax.fill_between(own.index, own.low, own.high, color=colour, alpha=0.25)
            ax.plot(own.index, own["median"], color=colour, lw=1.8)
            ax.yaxis.set_major_formatter(thousands)
            _years(ax, own.index, ticks=4)
            if i == 0:
                ax.set_title(country_label(country), color=colour, fontweight="bold")
            if j == 0:
                what = "coca" if column == "hectares" else column.replace("_", " ")
                ax.set_ylabel(f"{_label(name)}\n{what}, {unit}")
    _suptitle(fig, f"Policy scenarios against the {_label(counterfactual_name)} (same seeds)")
    handles = [
        Line2D(
            [],
            [],
            color="black",
            lw=1.8,
            label="with the policy\n(median, line in\ncountry colour)",
        ),
        Patch(color="black", alpha=0.25, label="90% of runs"),
        Line2D([], [], color=COUNTERFACTUAL_COLOUR, ls="--", label=_label(counterfactual_name)),
    ]
    if spans:
        handles.append(_pressure_handle())
    _legend_right(fig, handles)
    return fig


# --------------------------------------------------------------------------- (c)


def _region_order(regions: pd.DataFrame) -> list[str]:
    first = regions.drop_duplicates("region")
    rank = {c: k for k, c in enumerate(_countries_in(regions))}
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
    ax.set_yticks(range(len(order)), [labels.get(r, _label(r)) for r in order])
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
        Patch(color=country_colour(c), label=country_label(c)) for c in _countries_in(regions)
    ]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0, -0.09), ncols=len(handles),
              frameon=False)  # fmt: skip
    return fig


# --------------------------------------------------------------------------- (d)


def effect_intervals(summary: pd.DataFrame) -> Figure:
    """(d) Displacement ratios and net reduction per scenario, medians with 90% intervals.

    Args:
        summary: the comparison summary (``model.compare.Comparison.summary`` or metrics.csv).

    """
    keys = summary[["scenario", "target"]].drop_duplicates().to_records(index=False).tolist()
    fig = Figure(figsize=(11, 1.0 * len(keys) + 2.2), layout="constrained")
    left, right = fig.subplots(1, 2, sharey=True, width_ratios=[1.4, 1])
    by = summary.set_index(["scenario", "target", "metric"])
    ratios = [
        ("displacement_ratio", "all elsewhere", "o", 0.0),
        ("displacement_ratio_within", "other regions of\nthe target country", "^", -0.22),
        ("displacement_ratio_across", "other countries", "s", 0.22),
    ]
    for row, (scenario, target) in enumerate(keys):
        colour = country_colour(target.split(":")[0])
        for metric, _, marker, offset in ratios:
            if (scenario, target, metric) not in by.index:
                continue
            m = by.loc[(scenario, target, metric)]
            size = 9 if metric == "displacement_ratio" else 6
            left.errorbar(m["median"], row + offset, xerr=[[m["median"] - m["low"]],
                          [m["high"] - m["median"]]], fmt=marker, color=colour, ms=size,
                          capsize=3, mfc=colour if metric == "displacement_ratio" else "white")  # fmt: skip
        m = by.loc[(scenario, target, "net_reduction_ha")]
        right.errorbar(m["median"], row, xerr=[[m["median"] - m["low"]], [m["high"] - m["median"]]],
                       fmt="o", color=colour, ms=9, capsize=3)  # fmt: skip
    low, high = left.get_xlim()
    left.set_xlim(min(low, -0.1), max(high, 1.3))  # keep both reference lines inside
    for x, text in ((0, "no displacement"), (1, "full displacement")):
        left.axvline(x, color="black", lw=0.8, ls=":")
        left.annotate(text, (x, 1.0), xycoords=("data", "axes fraction"), xytext=(3, -2),
                      textcoords="offset points", va="top", fontsize=8)  # fmt: skip
    right.axvline(0, color="black", lw=0.8, ls=":")
    right.annotate("no net change", (0, 1.0), xycoords=("data", "axes fraction"),
                   xytext=(3, -2), textcoords="offset points", va="top", fontsize=8)  # fmt: skip
    left.set_yticks(range(len(keys)), [f"{_label(s)}\ntarget: {country_label(t)}" for s, t in keys])
    left.set_ylim(len(keys) - 0.5, -0.7)
    left.set_xlabel("extra coca elsewhere per hectare removed\nfrom the target (ratio)")
    left.set_title("Displacement (balloon) ratio")
    right.set_xlabel("coca fewer in all regions, hectares\n(mean over the window)")
    right.xaxis.set_major_formatter(thousands)
    right.set_title("Net reduction")
    _suptitle(fig, "Balloon effect per scenario: median and 90% interval over paired runs")
    handles = [
        Line2D([], [], marker=marker, ls="none", color="black",
               mfc="black" if metric == "displacement_ratio" else "white", label=label)
        for metric, label, marker, _ in ratios
    ]  # fmt: skip
    handles += [
        Patch(color=country_colour(c), label=f"target {country_label(c)}")
        for c in dict.fromkeys(t.split(":")[0] for _, t in keys)
    ]
    _legend_right(fig, handles, title="displacement to")
    return fig


# --------------------------------------------------------------------------- (e)


def prices(
    countries: pd.DataFrame,
    system: pd.DataFrame,
    counterfactual_system: pd.DataFrame | None = None,
    spans: Sequence[tuple] = (),
    title: str = "Farm-gate and wholesale prices",
) -> Figure:
    """(e) Wholesale cocaine price (top) against farm-gate leaf prices per country (bottom).

    Args:
        countries: a countries table (``farmgate_price``).
        system: the system table (``wholesale_price``).
        counterfactual_system: the counterfactual's system table, drawn dashed.
        spans: pressure spans to shade.
        title: the figure title.

    """
    fig = Figure(figsize=(9, 6), layout="constrained")
    top, bottom = fig.subplots(2, 1, sharex=True)
    handles = []
    if counterfactual_system is not None:
        cf = median_band(counterfactual_system, "wholesale_price")
        top.plot(cf.index.get_level_values("date"), cf["median"], color=COUNTERFACTUAL_COLOUR,
                 ls="--", lw=1.2)  # fmt: skip
        handles.append(Line2D([], [], color=COUNTERFACTUAL_COLOUR, ls="--",
                              label="wholesale,\ncounterfactual"))  # fmt: skip
    band = median_band(system, "wholesale_price")
    dates = band.index.get_level_values("date")
    _shade(top, spans)
    top.fill_between(dates, band.low, band.high, color="black", alpha=0.15)
    top.plot(dates, band["median"], color="black", lw=1.6)
    handles.insert(0, Line2D([], [], color="black", label="wholesale (consumer\nmarkets)"))
    top.set_ylabel("wholesale price,\nUS$ per kg cocaine")
    top.yaxis.set_major_formatter(thousands)
    top.set_title("Wholesale price of cocaine in consumer markets")
    _shade(bottom, spans, label=None)
    farmgate = median_band(countries, "farmgate_price", ["country"])
    for country in _countries_in(countries):
        line = farmgate.xs(country, level="country")
        colour = country_colour(country)
        bottom.fill_between(line.index, line.low, line.high, color=colour, alpha=0.2)
        bottom.plot(line.index, line["median"], color=colour, lw=1.6)
        handles.append(Line2D([], [], color=colour, label=f"farm gate, {country_label(country)}"))
    bottom.set_ylabel("farm-gate price,\nUS$ per kg dry coca leaf")
    bottom.set_xlabel("date (monthly)")
    bottom.set_title("Price growers get for coca leaf (median and 90% of runs)")
    _years(bottom, line.index, ticks=10)
    if spans:
        handles.append(_pressure_handle())
    _suptitle(fig, title)
    _legend_right(fig, handles)
    return fig


# --------------------------------------------------------------------------- (f)


def trafficker_sourcing(traffickers: pd.DataFrame, spans: Sequence[tuple] = ()) -> Figure:
    """(f) Where each trafficking organisation buys: share of its volume by source country.

    Args:
        traffickers: a traffickers table (``volume_t`` by date, trafficker and country).
        spans: pressure spans to shade.

    """
    names = list(dict.fromkeys(traffickers.trafficker))
    order = _countries_in(traffickers)
    fig = Figure(figsize=(9, 1.9 * len(names) + 1.2), layout="constrained")
    axes = fig.subplots(len(names), 1, sharex=True, squeeze=False)[:, 0]
    volume = traffickers.groupby(["trafficker", "date", "country"])["volume_t"].mean()
    for ax, name in zip(axes, names, strict=True):
        wide = volume.xs(name, level="trafficker").unstack("country").reindex(columns=order)
        total = wide.sum(axis=1)
        shares = wide.div(total.where(total > 0), axis=0).fillna(0.0)
        _shade(ax, spans, label=None, edges=True)
        ax.stackplot(shares.index, *[shares[c].to_numpy() for c in order],
                     colors=[country_colour(c) for c in order], alpha=0.9)  # fmt: skip
        ax.set_ylim(0, 1)
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
        ax.set_ylabel("share of\nvolume")
        ax.set_title(f"{_label(name)} (mean {total.mean():,.1f} t per month)", loc="left")
        _years(ax, shares.index, ticks=10)
    axes[-1].set_xlabel("date (monthly)")
    _suptitle(fig, "Where traffickers buy: share of tonnes by source country (blank: not buying)")
    handles = [Patch(color=country_colour(c), label=country_label(c)) for c in reversed(order)]
    if spans:
        handles.append(_pressure_handle(edges=True))
    _legend_right(fig, handles, title="source country")
    return fig


# --------------------------------------------------------------------------- (g)


def region_coordinates(scenario) -> pd.DataFrame:
    """Region, country, label, lon and lat of a scenario's regions."""
    return pd.DataFrame(
        [
            {
                "region": r.name,
                "country": r.country,
                "label": r.label or _label(r.name),
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
    handles = [Patch(color=country_colour(c), label=country_label(c)) for c in _countries_in(table)]
    handles.append(Line2D([], [], color="black", marker=r"$\rightarrow$", ms=14, ls="none",
                          label="shift of the centre of\ncoca in the country"))  # fmt: skip
    handles += [
        Line2D([], [], marker="o", ls="none", color="grey", alpha=0.55,
               ms=math.sqrt(s * scale), label=f"{s:,} ha")
        for s in sizes
    ]  # fmt: skip
    handles.append(Line2D([], [], marker="o", ls="none", mfc="none", mec="grey", ms=12,
                          label=f"dashed outline: {first:%Y-%m}\nfilled: {second:%Y-%m}"))  # fmt: skip
    _legend_right(fig, handles, title="label: ha at second date\n(change since first)")
    return fig


# --------------------------------------------------------------------------- tables, files


def format_number(value: float) -> str:
    """A number with as many digits as a table needs: 12,345, 1.23 or 0.123; n/a if undefined."""
    if value is None or not np.isfinite(value):
        return "n/a"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 1:
        return f"{value:,.2f}"
    return f"{value:.3f}"


def summary_markdown(summary: pd.DataFrame) -> str:
    """The comparison summary as Markdown: one table per scenario and target."""
    parts = ["# Balloon metrics\n"]
    parts.append(
        "Median and 90% interval (5th-95th percentile) over paired replications; `n` counts the "
        "replications where the metric is defined (e.g. a ratio needs coca removed from the "
        "target).\n"
    )
    for (scenario, target), rows in summary.groupby(["scenario", "target"], sort=False):
        first = rows.iloc[0]
        parts.append(
            f"\n## {scenario} against {first.counterfactual}, target {target}, "
            f"{first.window_start} to {first.window_end}\n"
        )
        parts.append("| metric | median | 90% interval | unit | n |")
        parts.append("| --- | ---: | ---: | --- | ---: |")
        for row in rows.itertuples():
            interval = f"{format_number(row.low)} to {format_number(row.high)}"
            parts.append(
                f"| {row.metric} | {format_number(row.median)} | {interval} | {row.unit} | {row.n} |"
            )
    return "\n".join(parts) + "\n"


def save_figure(fig: Figure, folder: str | Path, stem: str, dpi: int = 100) -> list[Path]:
    """Write ``stem.png`` and ``stem.svg`` into ``folder`` atomically; return both paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for suffix in ("png", "svg"):
        path = folder / f"{stem}.{suffix}"
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
        os.close(handle)
        try:
            fig.savefig(temporary, format=suffix, dpi=dpi)
            os.chmod(temporary, 0o644)  # mkstemp makes files private; figures are for sharing
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        paths.append(path)
    return paths


def comparison_figures(comparison, folder: str | Path) -> list[Path]:
    """Every figure of a :class:`model.compare.Comparison`, saved into ``folder``."""
    from model.experiments.metrics import policy_pressure, pressure_spans

    base = comparison.counterfactual
    name = base.scenario.name
    spans = {
        k: pressure_spans(policy_pressure(r.scenario, base.scenario))
        for k, r in comparison.policies.items()
    }
    paths = save_figure(effect_intervals(comparison.summary), folder, "displacement")
    paths += save_figure(
        policy_vs_counterfactual(
            {k: r.countries for k, r in comparison.policies.items()},
            base.countries,
            spans,
            counterfactual_name=name,
        ),
        folder,
        "policy_vs_counterfactual",
    )
    coordinates = region_coordinates(base.scenario)
    labels = dict(zip(coordinates.region, coordinates.label, strict=True))
    for key, result in comparison.policies.items():
        window, _ = comparison.windows[key]
        shaded = spans[key]
        figures = {
            "hectares": hectares_by_country(
                result.countries, shaded, title=f"Coca by country: {_label(key)}"
            ),
            "regions_change": region_heatmap(
                result.regions, base.regions, labels,
                title=f"{_label(key)}: coca against the {_label(name)}, by region",
            ),
            "prices": prices(result.countries, result.system, base.system, shaded,
                             title=f"Prices: {_label(key)}"),
            "sourcing": trafficker_sourcing(result.traffickers, shaded),
            "map": shift_map(result.regions, coordinates, (window.start, window.end),
                             title=f"{_label(key)}: coca where pressure starts ({window.start:%Y-%m}, "
                                   f"dashed)\nand where it ends ({window.end:%Y-%m}, filled)"),
        }  # fmt: skip
        for stem, fig in figures.items():
            paths += save_figure(fig, folder, f"{stem}_{key}")
    return paths


def results_figures(results, folder: str | Path) -> list[Path]:
    """The figures of one run (no counterfactual), saved into ``folder``."""
    from model.experiments.metrics import policy_pressure, pressure_spans

    scenario = results.scenario
    spans = pressure_spans(policy_pressure(scenario))
    coordinates = region_coordinates(scenario)
    labels = dict(zip(coordinates.region, coordinates.label, strict=True))
    dates = results.regions.date
    figures = {
        "hectares": hectares_by_country(
            results.countries, spans, title=f"Coca by country: {_label(scenario.name)}"
        ),
        "regions": region_heatmap(results.regions, labels=labels),
        "prices": prices(results.countries, results.system, spans=spans),
        "sourcing": trafficker_sourcing(results.traffickers, spans),
        "map": shift_map(results.regions, coordinates, (dates.min(), dates.max())),
    }
    paths: list[Path] = []
    for stem, fig in figures.items():
        paths += save_figure(fig, folder, stem)
    return paths
