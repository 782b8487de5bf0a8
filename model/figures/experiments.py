"""Figures of sweeps and sensitivity analyses, written as PNG files."""

from __future__ import annotations

import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from model.columns import describe  # noqa: E402
from model.figures.plots import country_colour as shared_country_colour  # noqa: E402


def country_colour(country: str, others: list[str] | None = None) -> str:
    """The project's one colour per country (``model.plots``), so every figure agrees."""
    return shared_country_colour(country)


def _label(text: str, width: int = 34) -> str:
    return "\n".join(textwrap.wrap(text, width))


SHORT_LABELS = {
    "final_ha_total": "coca area in the last month,\nall countries, hectares",
    "regional_shift_ratio": "regional shift ratio: ha gained\nin growing regions per ha lost\n"
    "in shrinking ones",
    "cocaine_t_last_year": "cocaine produced in the\nlast 12 months, tonnes",
}


def _metric_label(metric: str) -> str:
    return SHORT_LABELS.get(metric) or _label(describe(metric).label)


def _binned_mean(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean of ``y`` per value of ``x`` (few distinct values) or per quantile bin of ``x``."""
    frame = pd.DataFrame({"x": x, "y": y}).dropna()
    bins = int(np.clip(len(frame) // 4, 2, 10))
    if frame.x.nunique() <= bins:
        means = frame.groupby("x").y.mean()
        return means.index.to_numpy(), means.to_numpy()
    groups = frame.groupby(pd.qcut(frame.x, bins, duplicates="drop"), observed=True)
    return groups.x.mean().to_numpy(), groups.y.mean().to_numpy()


def plot_sweep(
    table: pd.DataFrame,
    parameters: list[str],
    metrics: list[str],
    path: str | Path,
    title: str,
) -> Path:
    """Outcomes against each swept parameter: final coca area by country, then ``metrics``.

    One column per parameter; dots are runs, lines the mean per parameter value (or bin).
    """
    countries = sorted(c.removeprefix("final_ha_") for c in table.columns
                       if c.startswith("final_ha_") and c != "final_ha_total")  # fmt: skip
    rows = (["countries"] if countries else []) + list(metrics)
    fig, axes = plt.subplots(
        len(rows), len(parameters), figsize=(3.6 * len(parameters) + 1.2, 2.8 * len(rows) + 0.8),
        squeeze=False, sharex="col", sharey="row",
    )  # fmt: skip
    for j, parameter in enumerate(parameters):
        x = table[parameter].to_numpy(dtype=float)
        for i, row in enumerate(rows):
            ax = axes[i, j]
            series = (
                [
                    (c, table[f"final_ha_{c}"] / 1000, country_colour(c, countries))
                    for c in countries
                ]
                if row == "countries"
                else [(None, table[row], "#444444")]
            )
            for name, y, colour in series:
                y = y.to_numpy(dtype=float)
                ax.scatter(x, y, s=10, alpha=0.35, color=colour, linewidths=0)
                bx, by = _binned_mean(x, y)
                label = name.replace("_", " ").title() if name and j == 0 else None
                ax.plot(bx, by, color=colour, linewidth=2, label=label)
            if j == 0:
                ylabel = (
                    "coca area in the last month,\nthousand hectares"
                    if row == "countries"
                    else _metric_label(row)
                )
                ax.set_ylabel(ylabel, fontsize=8)
            if i == len(rows) - 1:
                ax.set_xlabel(parameter, fontsize=9)
            ax.grid(alpha=0.3)
            ax.tick_params(labelsize=8)
    if countries:
        axes[0, 0].legend(fontsize=8, title="country", title_fontsize=8, loc="best")
    fig.suptitle(
        title + "\n(dots: runs; lines: mean over runs in each part of the parameter range)",
        fontsize=10,
    )
    fig.tight_layout()
    return _save(fig, path)


def plot_indices(indices: pd.DataFrame, method: str, path: str | Path, title: str) -> Path:
    """Bar chart of sensitivity indices, one panel per metric, with confidence intervals.

    Sobol: first-order (S1) and total (ST) indices, 95% intervals. Morris: mu* with its 95%
    interval, and sigma (spread of the effects: interactions or non-linearity).
    """
    metrics = list(dict.fromkeys(indices.metric))
    bars = (
        [("S1", "S1_conf", "first order (S1)", "#1f77b4"), ("ST", "ST_conf", "total (ST)", "#ff7f0e")]
        if method == "sobol"
        else [("mu_star", "mu_star_conf", "mu* (mean |effect|)", "#1f77b4"),
              ("sigma", None, "sigma (spread of effects)", "#ff7f0e")]
    )  # fmt: skip
    n_parameters = indices.parameter.nunique()
    fig, axes = plt.subplots(
        1, len(metrics), figsize=(4.8 * len(metrics) + 0.8, 1.0 + 0.55 * n_parameters * 2),
        squeeze=False,
    )  # fmt: skip
    for ax, metric in zip(axes[0], metrics, strict=True):
        rows = indices[indices.metric == metric].reset_index(drop=True)
        y = np.arange(len(rows))
        height = 0.38
        for k, (column, conf, label, colour) in enumerate(bars):
            error = rows[conf] if conf else None
            ax.barh(y + (k - 0.5) * height, rows[column], height, xerr=error, color=colour,
                    label=label, capsize=3, error_kw={"linewidth": 1})  # fmt: skip
        ax.set_yticks(y, rows.parameter, fontsize=8)
        ax.invert_yaxis()
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_title(_label(describe(metric).label, 48), fontsize=9)
        ax.set_xlabel(
            "share of output variance"
            if method == "sobol"
            else f"change in {metric} over the parameter's range",
            fontsize=8,
        )
        ax.grid(axis="x", alpha=0.3)
        ax.legend(fontsize=8, loc="lower right")
    note = (
        "error bars: 95% confidence intervals" if method == "sobol" else "error bars: 95% CI of mu*"
    )
    fig.suptitle(f"{title}\n({note})", fontsize=10)
    fig.tight_layout()
    return _save(fig, path)


def _save(fig, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.stem}.tmp{path.suffix}")
    fig.savefig(temporary, dpi=120)
    plt.close(fig)
    temporary.replace(path)
    return path
