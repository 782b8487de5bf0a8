"""Figures of sweeps and sensitivity analyses: outcomes against parameters, and indices.

:func:`sweep_outcomes` and :func:`sensitivity_indices` return a matplotlib ``Figure``;
:func:`plot_sweep` and :func:`plot_indices` draw one and save it (what ``balloon sweep`` and
``balloon sensitivity`` write).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from model.columns import describe
from model.figures.saving import save_figure
from model.figures.style import NEUTRAL_COLOUR, country_colour, country_label, thousands, wrapped
from model.scenario.parameters import parameter_column

#: Resolution these figures are saved at: their panels are small, so they are drawn finer than the
#: others.
DPI = 120
SHORT_LABELS = {
    "final_ha_total": "coca area in the last month,\nall countries, ha",
    "regional_shift_ratio": "regional shift ratio: ha gained\nin growing regions per ha lost\n"
    "in shrinking ones",
    "cocaine_t_last_year": "cocaine produced in the\nlast 12 months, t",
}
INDEX_BARS = {
    "sobol": [("S1", "S1_conf", "first order (S1)", "#1f77b4"),
              ("ST", "ST_conf", "total (ST)", "#ff7f0e")],
    "morris": [("mu_star", "mu_star_conf", "mu* (mean |effect|)", "#1f77b4"),
               ("sigma", None, "sigma (spread of effects)", "#ff7f0e")],
}  # fmt: skip


def metric_label(metric: str) -> str:
    """A metric's axis label with its unit: short where the registry's meaning is long."""
    return SHORT_LABELS.get(metric) or wrapped(describe(metric).label)


def parameter_label(path: str) -> str:
    """A swept parameter's axis label: its key, then its meaning and unit from the schema."""
    column = parameter_column(path)
    if column.meaning == path:
        return path
    return f"{path}\n" + wrapped(column.label, 44)


#: Tick labels in one style on every sweep axis: 1,500,000 or 0.25, never 1.5e+06.
readable_ticks = FuncFormatter(
    lambda value, _: f"{value:,.0f}" if abs(value) >= 1000 else f"{value:g}"
)


def binned_mean(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean of ``y`` per value of ``x`` (few distinct values) or per quantile bin of ``x``."""
    frame = pd.DataFrame({"x": x, "y": y}).dropna()
    bins = int(np.clip(len(frame) // 4, 2, 10))
    if frame.x.nunique() <= bins:
        means = frame.groupby("x").y.mean()
        return means.index.to_numpy(), means.to_numpy()
    groups = frame.groupby(pd.qcut(frame.x, bins, duplicates="drop"), observed=True)
    return groups.x.mean().to_numpy(), groups.y.mean().to_numpy()


def _series(table: pd.DataFrame, row: str, countries: list[str]) -> list[tuple]:
    """(country or None, values, colour) of one row of panels: a line per country, or the metric."""
    if row == "countries":
        return [(c, table[f"final_ha_{c}"] / 1000, country_colour(c)) for c in countries]
    return [(None, table[row], NEUTRAL_COLOUR)]


def sweep_outcomes(
    table: pd.DataFrame, parameters: list[str], metrics: list[str], title: str
) -> Figure:
    """Outcomes against each swept parameter: final coca area by country, then ``metrics``.

    One column per parameter; dots are runs, lines the mean per parameter value (or bin).

    Args:
        table: the sweep table (one row per run: parameter values and outcome metrics).
        parameters: the swept parameters' columns.
        metrics: outcome metrics drawn under the country areas, one row of panels each.
        title: the figure title.

    """
    countries = sorted(c.removeprefix("final_ha_") for c in table.columns
                       if c.startswith("final_ha_") and c != "final_ha_total")  # fmt: skip
    rows = (["countries"] if countries else []) + list(metrics)
    fig = Figure(figsize=(3.6 * len(parameters) + 1.2, 2.8 * len(rows) + 0.8))
    axes = fig.subplots(len(rows), len(parameters), squeeze=False, sharex="col", sharey="row")
    for j, parameter in enumerate(parameters):
        x = table[parameter].to_numpy(dtype=float)
        for i, row in enumerate(rows):
            ax = axes[i, j]
            for name, y, colour in _series(table, row, countries):
                y = y.to_numpy(dtype=float)
                ax.scatter(x, y, s=10, alpha=0.35, color=colour, linewidths=0)
                bx, by = binned_mean(x, y)
                label = country_label(name) if name and j == 0 else None
                ax.plot(bx, by, color=colour, linewidth=2, label=label)
            if j == 0:
                ylabel = (
                    "coca area in the last month,\nthousand ha"
                    if row == "countries"
                    else metric_label(row)
                )
                ax.set_ylabel(ylabel, fontsize=8)
            if i == len(rows) - 1:
                ax.set_xlabel(parameter_label(parameter), fontsize=8)
            ax.xaxis.set_major_locator(MaxNLocator(nbins=4))  # room for 1,500,000-wide labels
            ax.xaxis.set_major_formatter(readable_ticks)
            ax.yaxis.set_major_formatter(readable_ticks)
            ax.grid(alpha=0.3)
            ax.tick_params(labelsize=8)
    if countries:
        axes[0, 0].legend(fontsize=8, title="country", title_fontsize=8, loc="best")
    fig.suptitle(
        title + "\n(dots: runs; lines: mean over runs in each part of the parameter range)",
        fontsize=10,
    )
    fig.tight_layout()
    return fig


def sensitivity_indices(
    indices: pd.DataFrame, method: str, title: str, warnings: list[str] = ()
) -> Figure:
    """Bar chart of sensitivity indices, one panel per metric, with confidence intervals.

    Sobol: first-order (S1) and total (ST) indices, 95% intervals. Morris: mu* with its 95%
    interval, and sigma (spread of the effects: interactions or non-linearity).

    Args:
        indices: one row per metric and parameter (``model.experiments.sensitivity.analyse``).
        method: ``sobol`` or ``morris``.
        title: the figure title.
        warnings: stability warnings (``model.experiments.sensitivity.stability_warnings``);
            if any, the figure says the sample is too small.

    """
    metrics = list(dict.fromkeys(indices.metric))
    n_parameters = indices.parameter.nunique()
    fig = Figure(figsize=(4.8 * len(metrics) + 0.8, 1.0 + 0.55 * n_parameters * 2))
    axes = fig.subplots(1, len(metrics), squeeze=False)
    for ax, metric in zip(axes[0], metrics, strict=True):
        rows = indices[indices.metric == metric].reset_index(drop=True)
        y = np.arange(len(rows))
        height = 0.38
        for k, (column, conf, label, colour) in enumerate(INDEX_BARS[method]):
            error = rows[conf] if conf else None
            ax.barh(y + (k - 0.5) * height, rows[column], height, xerr=error, color=colour,
                    label=label, capsize=4, ecolor="black",
                    error_kw={"linewidth": 1.2, "zorder": 3})  # fmt: skip
        ax.set_yticks(y, [p.replace(".", ".\n", 1) if len(p) > 24 else p for p in rows.parameter],
                      fontsize=8)  # fmt: skip
        ax.invert_yaxis()
        ax.axvline(0, color="black", linewidth=0.8)
        column = describe(metric)
        ax.set_title(wrapped(column.label, 48), fontsize=9)
        if method == "sobol":
            ax.axvline(1, color="black", linewidth=0.8, linestyle="--")
            ax.set_xlabel("Sobol index: share of the metric's variance (0-1; dashed: all of it)",
                          fontsize=8)  # fmt: skip
        else:
            ax.xaxis.set_major_formatter(thousands if rows.mu_star.abs().max() >= 100 else
                                         FuncFormatter(lambda v, _: f"{v:,.3g}"))  # fmt: skip
            ax.set_xlabel(wrapped(f"change over the parameter's range, {column.unit or 'metric units'}",
                                  60), fontsize=8)  # fmt: skip
        ax.grid(axis="x", alpha=0.3)
        ax.legend(fontsize=8, loc="lower right")
    note = (
        "black bars: 95% confidence intervals"
        if method == "sobol"
        else "black bars: 95% confidence intervals of mu*"
    )
    fig.suptitle(f"{title}\n({note})", fontsize=10)
    if warnings:
        fig.text(0.5, 0.005, "Not stable: the sample is too small for these indices (see the "
                 "command's warning); raise --samples.", ha="center", va="bottom", fontsize=9,
                 color="#B00020", weight="bold")  # fmt: skip
    fig.tight_layout(rect=(0, 0.05 if warnings else 0, 1, 1))
    return fig


def plot_sweep(
    table: pd.DataFrame, parameters: list[str], metrics: list[str], path: str | Path, title: str
) -> Path:
    """Save :func:`sweep_outcomes` as ``path`` (a PNG, with an SVG beside it); return the PNG."""
    path = Path(path)
    figure = sweep_outcomes(table, parameters, metrics, title)
    return save_figure(figure, path.parent, path.stem, dpi=DPI)[0]


def plot_indices(
    indices: pd.DataFrame, method: str, path: str | Path, title: str, warnings: list[str] = ()
) -> Path:
    """Save :func:`sensitivity_indices` as ``path`` (a PNG, with an SVG beside it); return the PNG."""
    path = Path(path)
    figure = sensitivity_indices(indices, method, title, warnings)
    return save_figure(figure, path.parent, path.stem, dpi=DPI)[0]
