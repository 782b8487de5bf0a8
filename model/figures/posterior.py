"""Figures of a calibration: the posterior's marginals and pairs, and the posterior predictive.

Every drawing function returns a ``matplotlib.figure.Figure`` (no pyplot, no backend); save it with
:func:`model.figures.saving.save_figure`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from model.experiments.posterior import weighted_quantile
from model.figures.style import NEUTRAL_COLOUR, country_colour, country_label, thousands, wrapped

PREDICTIVE_BAND = "90% of posterior predictive runs"


def short_name(path: str) -> str:
    """A parameter path as a label: ``households.profit_sensitivity`` -> ``profit sensitivity``."""
    parts = path.split(".")
    if parts[0] == "policies" and len(parts) > 2:
        return f"{parts[1]} {' '.join(parts[2:])}".replace("_", " ")
    return parts[-1].replace("_", " ")


def plot_posterior_marginals(
    samples: pd.DataFrame, bounds: dict[str, tuple[float, float]], title: str
) -> Figure:
    """One weighted histogram per parameter over its prior range, with median and 90% interval."""
    names = list(bounds)
    columns = 4
    rows = int(np.ceil(len(names) / columns))
    fig = Figure(figsize=(3.2 * columns, 2.3 * rows + 0.8), layout="constrained")
    weights = samples["weight"].to_numpy(dtype=float)
    for k, path in enumerate(names):
        ax = fig.add_subplot(rows, columns, k + 1)
        low, high = bounds[path]
        ax.hist(samples[path], bins=20, range=(low, high), weights=weights, color=NEUTRAL_COLOUR,
                alpha=0.75)  # fmt: skip
        q05, q50, q95 = (weighted_quantile(samples[path], weights, q) for q in (0.05, 0.5, 0.95))
        ax.axvspan(q05, q95, color="#E8E0C8", zorder=0)
        ax.axvline(q50, color="black", lw=1.2)
        ax.set_xlim(low, high)
        ax.set_yticks([])
        ax.set_title(wrapped(short_name(path), 30), fontsize=9)
        ax.tick_params(labelsize=8)
    handles = [
        Patch(color=NEUTRAL_COLOUR, alpha=0.75, label="posterior (weighted samples)"),
        Patch(color="#E8E0C8", label="90% interval"),
        Line2D([], [], color="black", label="median"),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncols=3, frameon=False)
    fig.suptitle(f"{title}\nx axis: the prior's range (uniform)", x=0.01, ha="left")
    return fig


def most_narrowed(samples: pd.DataFrame, bounds: dict[str, tuple[float, float]], n: int = 6):
    """The ``n`` parameters whose 90% posterior interval is narrowest relative to the prior."""
    weights = samples["weight"].to_numpy(dtype=float)
    width = {
        path: (weighted_quantile(samples[path], weights, 0.95)
               - weighted_quantile(samples[path], weights, 0.05)) / (high - low)
        for path, (low, high) in bounds.items()
    }  # fmt: skip
    return sorted(width, key=width.get)[:n]


def plot_posterior_pairs(
    samples: pd.DataFrame, bounds: dict[str, tuple[float, float]], title: str, n: int = 6
) -> Figure:
    """Pairs of the parameters the data inform most: weighted samples, darker = more weight."""
    names = most_narrowed(samples, bounds, n)
    k = len(names)
    fig = Figure(figsize=(2.3 * k + 0.5, 2.3 * k + 0.8), layout="constrained")
    weights = samples["weight"].to_numpy(dtype=float)
    alpha = 0.15 + 0.85 * weights / weights.max()
    for i, row in enumerate(names):
        for j, column in enumerate(names):
            if j > i:
                continue
            ax = fig.add_subplot(k, k, i * k + j + 1)
            if i == j:
                ax.hist(samples[row], bins=20, range=bounds[row], weights=weights,
                        color=NEUTRAL_COLOUR, alpha=0.75)  # fmt: skip
                ax.set_yticks([])
            else:
                colours = np.zeros((len(samples), 4))
                colours[:, 3] = alpha
                ax.scatter(samples[column], samples[row], s=6, c=colours, linewidths=0)
                ax.set_ylim(bounds[row])
            ax.set_xlim(bounds[column])
            ax.tick_params(labelsize=7)
            if i == k - 1:
                ax.set_xlabel(wrapped(short_name(column), 22), fontsize=8)
            if j == 0 and i != j:
                ax.set_ylabel(wrapped(short_name(row), 22), fontsize=8)
    fig.suptitle(f"{title}\nthe {k} parameters whose interval narrowed most", x=0.01, ha="left")
    return fig


def plot_posterior_predictive(
    national: pd.DataFrame,
    observed: pd.DataFrame,
    window: tuple[int, int],
    title: str,
    band_label: str = PREDICTIVE_BAND,
    after_label: str = "forecast from recorded inputs",
) -> Figure:
    """Coca per country: predictive median and 90% band against UNODC; after the window, forecast.

    Args:
        national: December hectares per replication, year and country (tidy).
        observed: UNODC hectares, years x countries.
        window: the fitting window; later years are shaded as forecast.
        title: the figure's title.
        band_label: what the band is, for the legend.
        after_label: what the years after the window are, for the legend.

    """
    countries = [c for c in ("peru", "colombia", "bolivia") if c in set(national.country)]
    fig = Figure(figsize=(11, 3.6), layout="constrained")
    axes = fig.subplots(1, len(countries), sharey=True)
    grouped = national.groupby(["country", "year"])["hectares"]
    low, median, high = (grouped.quantile(0.05), grouped.median(), grouped.quantile(0.95))
    last_year = int(national.year.max())
    for ax, country in zip(np.atleast_1d(axes), countries, strict=True):
        colour = country_colour(country)
        years = median[country].index
        ax.axvspan(window[1] + 0.5, last_year + 0.5, color="#EEEEEE", zorder=0)
        ax.fill_between(years, low[country] / 1e3, high[country] / 1e3, color=colour, alpha=0.25,
                        lw=0)  # fmt: skip
        ax.plot(years, median[country] / 1e3, color=colour, lw=2)
        if country in observed:
            ax.plot(observed.index, observed[country] / 1e3, "o", color="black", ms=3.5)
        ax.set_title(country_label(country))
        ax.set_xlabel("year")
        ax.set_xlim(years.min() - 0.5, last_year + 0.5)
        ax.yaxis.set_major_formatter(thousands)
    # One scale from zero that holds every band and data point (a limit set on the first panel
    # alone would cut the others' bands).
    shown = [high.max(), *(observed[c].max() for c in countries if c in observed)]
    np.atleast_1d(axes)[0].set_ylim(0, 1.05 * max(shown) / 1e3)
    np.atleast_1d(axes)[0].set_ylabel("coca, thousand ha (December)")
    handles = [
        Line2D([], [], color=NEUTRAL_COLOUR, lw=2, label="model: median"),
        Patch(color=NEUTRAL_COLOUR, alpha=0.25, label=band_label),
        Line2D([], [], marker="o", color="black", ls="", ms=4, label="UNODC"),
        Patch(color="#EEEEEE", label=f"after {window[1]}: {after_label}"),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncols=4, frameon=False)
    fig.suptitle(title, x=0.01, ha="left")
    return fig


def plot_regional_predictive(
    regional: pd.DataFrame, observed: pd.DataFrame, country: str, title: str
) -> Figure:
    """A country's region groups: predictive share of the country's coca against the data.

    Args:
        regional: share per replication, year, country and group (tidy).
        observed: observed shares, (country, group) x year.
        country: the country to draw.
        title: the figure's title.

    """
    table = regional[regional.country == country]
    groups = list(dict.fromkeys(table.group))
    columns = min(4, len(groups))
    rows = int(np.ceil(len(groups) / columns))
    fig = Figure(figsize=(3.0 * columns, 2.3 * rows + 0.9), layout="constrained")
    grouped = table.groupby(["group", "year"])["share"]
    low, median, high = grouped.quantile(0.05), grouped.median(), grouped.quantile(0.95)
    colour = country_colour(country)
    for k, group in enumerate(groups):
        ax = fig.add_subplot(rows, columns, k + 1)
        years = median[group].index
        inside = (years >= 1995) & (years <= 2015)
        ax.fill_between(years[inside], 100 * low[group][inside], 100 * high[group][inside],
                        color=colour, alpha=0.25, lw=0)  # fmt: skip
        ax.plot(years[inside], 100 * median[group][inside], color=colour, lw=1.8)
        if (country, group) in observed.index:
            data = observed.loc[(country, group)].dropna()
            ax.plot(data.index, 100 * data.to_numpy(), "o", color="black", ms=3)
        ax.set_title(group.replace("_", " "), fontsize=9)
        ax.set_ylim(0, 100)
        ax.tick_params(labelsize=8)
        if k % columns == 0:
            ax.set_ylabel(f"% of {country_label(country)}'s coca", fontsize=8)
    handles = [
        Line2D([], [], color=colour, lw=2, label="model: median"),
        Patch(color=colour, alpha=0.25, label=PREDICTIVE_BAND),
        Line2D(
            [], [], marker="o", color="black", ls="", ms=4, label="observed (departments, zones)"
        ),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncols=3, frameon=False)
    fig.suptitle(title, x=0.01, ha="left")
    return fig
