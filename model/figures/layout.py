"""Pieces the time-series figures share: medians over runs, year axes, pressure shading, legends."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from matplotlib.dates import DateFormatter, YearLocator
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.patheffects import withStroke

from model.figures.style import PRESSURE_COLOUR

#: The band drawn around medians: 5th to 95th percentile over replications (90% of runs).
BAND = (0.05, 0.95)


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


def year_axis(ax, dates, ticks: int = 6) -> None:
    """Label a date axis with whole years, at most about ``ticks`` of them."""
    dates = pd.DatetimeIndex(dates)
    span = max(dates.max().year - dates.min().year, 1)
    step = next((s for s in (1, 2, 5, 10, 20, 50) if s * ticks >= span), 100)
    ax.xaxis.set_major_locator(YearLocator(base=step))
    ax.xaxis.set_major_formatter(DateFormatter("%Y"))
    ax.margins(x=0)


def shade_pressure(ax, spans, label: str | None = "policy pressure", edges: bool = False) -> None:
    """Shade pressure spans behind the data; ``edges`` also draws dashed lines over the data."""
    for k, (start, end) in enumerate(spans or ()):
        first, last = pd.Timestamp(start), pd.Timestamp(end) + pd.DateOffset(months=1)
        ax.axvspan(first, last, color=PRESSURE_COLOUR, zorder=0, label=label if k == 0 else None)
        if edges:
            for x in (first, last):
                ax.axvline(x, color="black", ls="--", lw=1.0, zorder=5)


def label_windows(ax, spans, y: float = 0.985, va: str = "top", boxed: bool = False) -> None:
    """Name each pressure span at the top of the axes, so the shading never reads as data.

    ``boxed`` puts the name on a white box: for axes whose data fill them to the top (stacked
    shares), where the shading is hidden and the name would be lost in the filled areas.
    """
    for start, end in spans or ():
        first, last = pd.Timestamp(start), pd.Timestamp(end) + pd.DateOffset(months=1)
        middle = first + (last - first) / 2
        look = (
            {"bbox": {"boxstyle": "round,pad=0.25", "facecolor": "white", "edgecolor": "#3a3420",
                      "linewidth": 0.6, "alpha": 0.95}}
            if boxed
            else {"path_effects": [withStroke(linewidth=2.5, foreground="white")]}
        )  # fmt: skip
        ax.text(middle, y, "policy pressure", transform=ax.get_xaxis_transform(), ha="center",
                va=va, fontsize=8, color="#3a3420", zorder=6, **look)  # fmt: skip


def pressure_handle(edges: bool = False) -> Patch:
    """The legend entry of :func:`shade_pressure`'s shading."""
    if edges:
        return Patch(facecolor=PRESSURE_COLOUR, edgecolor="black", ls="--",
                     label="policy pressure window\n(between dashed lines)")  # fmt: skip
    return Patch(color=PRESSURE_COLOUR, label="policy pressure window")


def legend_right(fig: Figure, handles, title: str | None = None) -> None:
    """The figure's legend outside the axes, top right."""
    fig.legend(
        handles=handles,
        loc="outside right upper",
        frameon=False,
        title=title,
        alignment="left",
    )


def title_left(fig: Figure, text: str) -> None:
    """The figure's title, left-aligned so that it never runs into a legend outside on the right."""
    fig.suptitle(text, x=0.01, ha="left")
