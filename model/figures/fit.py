"""The calibration figure: the model's coca by country against the UNODC series."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from model.figures.saving import save_figure
from model.figures.style import country_colour, country_label

FITTED_COUNTRIES = ("peru", "colombia", "bolivia")


def fit_to_data(
    countries: pd.DataFrame, data: pd.DataFrame, window: tuple[int, int], title: str
) -> Figure:
    """Model (mean and range over replications) against UNODC data, one colour per country.

    Args:
        countries: the model's countries table, with a ``replication`` column.
        data: observed hectares per year (rows) and country (columns).
        window: first and last year the fit is scored on; later years are shaded as a forecast.
        title: the figure title.

    """
    december = countries[countries["date"].dt.month == 12].copy()
    december["year"] = december["date"].dt.year
    grouped = december.groupby(["country", "year"])["hectares"]
    low, high, mean = grouped.min(), grouped.max(), grouped.mean()
    n = countries["replication"].nunique()
    fig = Figure(figsize=(8, 4.5), dpi=100)
    ax = fig.subplots()
    ax.axvspan(window[1] + 0.5, december["year"].max() + 0.5, color="0.93", zorder=0)
    ax.text(window[1] + 1, 0.02, "after the window: forecast", transform=ax.get_xaxis_transform(),
            va="bottom", fontsize=9, color="0.35")  # fmt: skip
    for country in FITTED_COUNTRIES:
        colour, name = country_colour(country), country_label(country)
        years = mean[country].index
        ax.fill_between(years, low[country] / 1e3, high[country] / 1e3, color=colour, alpha=0.25,
                        linewidth=0)  # fmt: skip
        ax.plot(years, mean[country] / 1e3, color=colour, linewidth=2, label=f"{name}: model")
        ax.plot(data.index, data[country] / 1e3, "o", color=colour, markersize=4,
                markeredgecolor="black", markeredgewidth=0.4, label=f"{name}: UNODC")  # fmt: skip
    ax.set_xlabel("year (model: December; data: UNODC yearly estimate)")
    ax.set_ylabel("coca cultivation, thousand hectares")
    ax.set_title(title, fontsize=11)
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    handles, labels = ax.get_legend_handles_labels()
    handles.append(Rectangle((0, 0), 1, 1, color="0.5", alpha=0.3))
    labels.append(f"range over {n} replications")
    ax.legend(handles, labels, fontsize=8, ncol=2, loc="upper right", framealpha=0.9)
    fig.tight_layout()
    return fig


def plot_fit(
    countries: pd.DataFrame,
    data: pd.DataFrame,
    window: tuple[int, int],
    path: str | Path,
    title: str,
) -> Path:
    """Save :func:`fit_to_data` as ``path`` (a PNG, with an SVG beside it); return the PNG."""
    path = Path(path)
    return save_figure(fit_to_data(countries, data, window, title), path.parent, path.stem)[0]
