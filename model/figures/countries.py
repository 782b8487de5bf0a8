"""Each country over time: its coca, its prices and where traffickers buy from it.

Each function returns a matplotlib ``Figure``, with medians over replications and 5-95% bands
where there are several; :func:`model.figures.saving.save_figure` writes it.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import PercentFormatter

from model.columns import COUNTRIES, SYSTEM
from model.figures.layout import (
    label_windows,
    legend_right,
    median_band,
    pressure_handle,
    shade_pressure,
    title_left,
    year_axis,
)
from model.figures.style import (
    COUNTERFACTUAL_COLOUR,
    MONEY_NOTE,
    countries_in,
    country_colour,
    country_label,
    organisation_label,
    percent_change,
    thousands,
)

#: Stacked areas let the policy window's shading behind them show through as a tint.
STACK_ALPHA = 0.72


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
    order = countries_in(countries)
    wide = countries.groupby(["date", "country"])["hectares"].median().unstack("country")[order]
    shade_pressure(ax, spans, edges=True)
    ax.stackplot(
        wide.index,
        *[wide[c].to_numpy() for c in order],
        colors=[country_colour(c) for c in order],
        labels=[country_label(c) for c in order],
        alpha=STACK_ALPHA,
        zorder=2,
    )
    ax.set_title(title)
    ax.set_ylabel(f"coca area, {COUNTRIES['hectares'].unit} (countries stacked)")
    ax.set_xlabel("year (monthly values)")
    ax.yaxis.set_major_formatter(thousands)
    ax.set_ylim(0, wide.sum(axis=1).max() * 1.12)
    label_windows(ax, spans)
    year_axis(ax, wide.index, ticks=10)
    handles = [Patch(color=country_colour(c), label=country_label(c)) for c in reversed(order)]
    if spans:
        handles.append(pressure_handle(edges=True))
    n = countries["replication"].nunique() if "replication" in countries else 1
    legend_right(fig, handles, title=f"median of {n} run(s)")
    return fig


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
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=[1, 1.4])
    handles = []
    if counterfactual_system is not None:
        cf = median_band(counterfactual_system, "wholesale_price")
        top.plot(cf.index.get_level_values("date"), cf["median"], color=COUNTERFACTUAL_COLOUR,
                 ls="--", lw=1.2)  # fmt: skip
        handles.append(Line2D([], [], color=COUNTERFACTUAL_COLOUR, ls="--",
                              label="wholesale,\ncounterfactual"))  # fmt: skip
    band = median_band(system, "wholesale_price")
    dates = band.index.get_level_values("date")
    shade_pressure(top, spans)
    top.fill_between(dates, band.low, band.high, color="black", alpha=0.15)
    top.plot(dates, band["median"], color="black", lw=1.6)
    handles.insert(0, Line2D([], [], color="black", label="wholesale (consumer\nmarkets)"))
    top.set_ylabel(f"wholesale price,\n{SYSTEM['wholesale_price'].unit} of cocaine")
    top.yaxis.set_major_formatter(thousands)
    # From zero, so that a 1% move looks like one; the largest move is written out instead.
    top.set_ylim(0, band.high.max() * 1.15)
    lowest, highest = band["median"].min(), band["median"].max()
    first = band["median"].iloc[0]
    top.set_title(
        "Wholesale price of cocaine in consumer markets\n(axis from zero: the median stays within "
        f"{percent_change(lowest / first - 1, 1)} and {percent_change(highest / first - 1, 1)} of "
        "its first month)",
        fontsize=10,
    )
    shade_pressure(bottom, spans, label=None)
    farmgate = median_band(countries, "farmgate_price", ["country"])
    for country in countries_in(countries):
        line = farmgate.xs(country, level="country")
        colour = country_colour(country)
        bottom.fill_between(line.index, line.low, line.high, color=colour, alpha=0.2)
        bottom.plot(line.index, line["median"], color=colour, lw=1.6)
        handles.append(Line2D([], [], color=colour, label=f"farm gate, {country_label(country)}"))
    bottom.set_ylabel(f"farm-gate price,\n{COUNTRIES['farmgate_price'].unit} of dry coca leaf")
    bottom.set_ylim(bottom=0)
    bottom.set_xlabel("year (monthly values)")
    bottom.set_title("Price growers get for coca leaf (median and 90% of runs)")
    year_axis(bottom, line.index, ticks=10)
    if spans:
        handles.append(pressure_handle())
    # The model keeps no price index: say what its dollars are where they are shown.
    title_left(fig, f"{title}\n{MONEY_NOTE}")
    legend_right(fig, handles)
    return fig


def trafficker_sourcing(traffickers: pd.DataFrame, spans: Sequence[tuple] = ()) -> Figure:
    """(f) Where each trafficking organisation buys: share of its volume by source country.

    Args:
        traffickers: a traffickers table (``volume_t`` by date, trafficker and country).
        spans: pressure spans to shade.

    """
    names = list(dict.fromkeys(traffickers.trafficker))
    order = countries_in(traffickers)
    fig = Figure(figsize=(9, 1.9 * len(names) + 1.2), layout="constrained")
    axes = fig.subplots(len(names), 1, sharex=True, squeeze=False)[:, 0]
    volume = traffickers.groupby(["trafficker", "date", "country"])["volume_t"].mean()
    label_windows(axes[0], spans, y=0.95, boxed=True)  # the shares fill the axes to the top
    for ax, name in zip(axes, names, strict=True):
        wide = volume.xs(name, level="trafficker").unstack("country").reindex(columns=order)
        total = wide.sum(axis=1)
        shares = wide.div(total.where(total > 0), axis=0).fillna(0.0)
        shade_pressure(ax, spans, label=None, edges=True)
        ax.stackplot(shares.index, *[shares[c].to_numpy() for c in order],
                     colors=[country_colour(c) for c in order], alpha=STACK_ALPHA, zorder=2)  # fmt: skip
        ax.set_ylim(0, 1)
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
        ax.set_ylabel("share of its\ntonnes, %")
        ax.set_title(f"{organisation_label(name)} (mean {total.mean():,.1f} t per month)",
                     loc="left")  # fmt: skip
        year_axis(ax, shares.index, ticks=10)
    axes[-1].set_xlabel("year (monthly values)")
    title_left(fig, "Where traffickers buy: share of tonnes by source country (blank: not buying)")
    handles = [Patch(color=country_colour(c), label=country_label(c)) for c in reversed(order)]
    if spans:
        handles.append(pressure_handle(edges=True))
    legend_right(fig, handles, title="source country")
    return fig
