"""A policy against its counterfactual: each country's path, and the balloon metrics per scenario.

Each function returns a matplotlib ``Figure``; :func:`model.figures.saving.save_figure` writes it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.figure import Figure
from matplotlib.legend_handler import HandlerTuple
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from model.columns import COUNTRIES, describe
from model.figures.layout import (
    legend_right,
    median_band,
    pressure_handle,
    shade_pressure,
    title_left,
    year_axis,
)
from model.figures.style import (
    COUNTERFACTUAL_COLOUR,
    countries_in,
    country_colour,
    country_label,
    format_number,
    percent_change,
    scenario_label,
    thousands,
    words,
    wrapped,
)


def policy_vs_counterfactual(
    policies: Mapping[str, pd.DataFrame],
    counterfactual: pd.DataFrame,
    spans: Mapping[str, Sequence[tuple]] | None = None,
    column: str = "hectares",
    unit: str | None = None,
    counterfactual_name: str = "counterfactual",
    headlines: Mapping[str, str] | None = None,
) -> Figure:
    """(b) Each policy against the counterfactual, one panel per scenario (row) and country.

    Every panel shares one y-axis starting at zero, so a country's change reads at its true size
    next to the others' (Peru's +20% does not look as large as Colombia's -80%).

    Args:
        policies: countries tables by scenario name.
        counterfactual: the counterfactual's countries table.
        spans: pressure spans to shade, by scenario name.
        column: the countries column to draw.
        unit: its unit, for the axis label (default: the column registry's).
        counterfactual_name: name of the counterfactual in the legend.
        headlines: a line per scenario to print over its row (e.g. the displacement ratio with
            its interval, :func:`headline`).

    """
    order = countries_in(counterfactual)
    rows, cols = len(policies), len(order)
    fig = Figure(figsize=(3.2 * cols + 2.4, 3.1 * rows + 0.6), layout="constrained")
    # A subfigure per scenario, so each row carries its own heading (and headline metric).
    rows_of = fig.subfigures(rows, 1, squeeze=False)[:, 0]
    axes = np.array([row.subplots(1, cols, sharex=True, sharey=True) for row in rows_of])
    axes = axes.reshape(rows, cols)
    described = describe(column, COUNTRIES)
    what = "coca area" if column == "hectares" else described.meaning
    against = scenario_label(counterfactual_name)
    base = median_band(counterfactual, column, ["country"])
    for i, (name, table) in enumerate(policies.items()):
        band = median_band(table, column, ["country"])
        for j, country in enumerate(order):
            ax = axes[i, j]
            shade_pressure(ax, (spans or {}).get(name, ()))
            cf = base.xs(country, level="country")
            ax.fill_between(cf.index, cf.low, cf.high, color=COUNTERFACTUAL_COLOUR, alpha=0.15)
            ax.plot(cf.index, cf["median"], color=COUNTERFACTUAL_COLOUR, ls="--", lw=1.2)
            own = band.xs(country, level="country")
            colour = country_colour(country)
            ax.fill_between(own.index, own.low, own.high, color=colour, alpha=0.25)
            ax.plot(own.index, own["median"], color=colour, lw=1.8)
            ax.yaxis.set_major_formatter(thousands)
            ax.grid(axis="y", alpha=0.3)
            year_axis(ax, own.index, ticks=4)
            ax.set_title(country_label(country) if i == 0 else "", color=colour, fontweight="bold")
            _label_change(ax, own["median"], cf["median"], (spans or {}).get(name, ()))
            if j == 0:
                ax.set_ylabel(f"{what}, {unit or described.unit}")
            if i == rows - 1:
                ax.set_xlabel("year")
        row_title = f"{scenario_label(name)} (solid) against {against} (dashed)"
        if headlines and headlines.get(name):
            row_title += f"\n{headlines[name]}"
        rows_of[i].suptitle(row_title, x=0.01, ha="left", fontsize=9.5)
    top = max(ax.get_ylim()[1] for ax in axes.flat) * 1.08  # room for the change labels
    for ax in axes.flat:  # one scale for every panel, from zero
        ax.set_ylim(0, top)
    # Wrapped: a long scenario name must not run into the legend on the right.
    title_left(fig, wrapped(f"Against the counterfactual {against}: same seeds, every panel on one "
                            "scale from zero", 95))  # fmt: skip
    # The policy's line and band are in each country's colour: their legend entries show them all.
    colours = [country_colour(c) for c in order]
    policy_line = tuple(Line2D([], [], color=c, lw=1.8) for c in colours)
    policy_band = tuple(Patch(color=c, alpha=0.25, lw=0) for c in colours)
    handles = [
        (policy_line, "with the policy: median\n(line in the country's colour)"),
        (policy_band, "with the policy: 90% of runs\n(band in the country's colour)"),
        (Line2D([], [], color=COUNTERFACTUAL_COLOUR, ls="--", lw=1.2), f"{against}: median"),
        (Patch(color=COUNTERFACTUAL_COLOUR, alpha=0.15, lw=0), f"{against}: 90% of runs"),
        (Line2D([], [], ls="none"), f"+x%: policy against\n{against} when pressure\nends (or at the end)"),
    ]  # fmt: skip
    if spans:
        shading = pressure_handle()
        handles.append((shading, shading.get_label()))
    fig.legend(
        [h for h, _ in handles],
        [text for _, text in handles],
        loc="outside right upper",
        frameon=False,
        alignment="left",
        handler_map={tuple: HandlerTuple(ndivide=None, pad=0)},
    )
    return fig


def _label_change(ax, policy: pd.Series, counterfactual: pd.Series, spans) -> None:
    """Write the change against the counterfactual at the end of the pressure (or of the run)."""
    when = pd.Timestamp(spans[-1][1]) if spans else policy.index[-1]
    when = policy.index[policy.index <= when][-1]
    base = counterfactual.get(when, float("nan"))
    if not base or pd.isna(base):
        return
    change = policy[when] / base - 1
    ax.annotate(percent_change(change), (when, policy[when]), xytext=(4, 6), textcoords="offset points",
                fontsize=9, fontweight="bold", ha="left",
                path_effects=[patheffects.withStroke(linewidth=2.5, foreground="white")])  # fmt: skip


def headline(summary: pd.DataFrame, scenario: str, metric: str = "displacement_ratio") -> str:
    """The headline metric of a scenario, with its interval: one line for a figure.

    Example: ``displacement ratio 0.84 (90% interval 0.70 to 0.96): extra coca elsewhere per
    hectare removed in Colombia``.
    """
    rows = summary[(summary.scenario == scenario) & (summary.metric == metric)]
    if rows.empty:
        return ""
    row = rows.iloc[0]
    target = country_label(str(row.target).split(":")[0])
    return (
        f"{words(metric)} {format_number(row['median'])} (90% interval "
        f"{format_number(row.low)} to {format_number(row.high)}, {int(row.n)} paired runs): "
        f"extra coca elsewhere per hectare removed in {target}"
    )


def channel_intervals(channels: pd.DataFrame) -> Figure:
    """Displacement and net reduction with every balloon channel on, then each one off in turn.

    Args:
        channels: ``channels.csv`` of ``balloon compare --by-channel``: the headline metrics per
            ``channels`` label.

    """
    first = channels.iloc[0]
    rows = channels.assign(scenario=channels["channels"])
    fig = effect_intervals(
        rows,
        title="Which channel carries the balloon: each switched off in turn, in both scenarios\n"
        f"{scenario_label(first.scenario)} against {scenario_label(first.counterfactual)}: "
        "median and 90% interval over paired runs",
        show_target=False,
    )
    return fig


def effect_intervals(
    summary: pd.DataFrame,
    title: str = "Balloon effect per scenario: median and 90% interval over paired runs",
    show_target: bool = True,
) -> Figure:
    """(d) Displacement ratios and net reduction per scenario, medians with 90% intervals.

    Args:
        summary: the comparison summary (``Comparison.summary`` of
            :mod:`model.experiments.compare`, or metrics.csv).
        title: the figure's title.
        show_target: name the target under each row's label (rows of one target need not).

    """
    keys = summary[["scenario", "target"]].drop_duplicates().to_records(index=False).tolist()
    fig = Figure(figsize=(11, 1.0 * len(keys) + 2.2), layout="constrained")
    left, right = fig.subplots(1, 2, sharey=True, width_ratios=[1.4, 1])
    by = summary.set_index(["scenario", "target", "metric"])
    ratios = [
        ("displacement_ratio", "anywhere else: the two\nbelow added up", "o", 0.0),
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
    # One line apart, so the two notes cannot run into each other on a wide axis.
    for k, (x, text) in enumerate(((0, "no displacement"), (1, "full displacement"))):
        left.axvline(x, color="black", lw=0.8, ls=":")
        left.annotate(text, (x, 1.0), xycoords=("data", "axes fraction"), xytext=(3, -2 - 11 * k),
                      textcoords="offset points", va="top", fontsize=8)  # fmt: skip
    right.axvline(0, color="black", lw=0.8, ls=":")
    low, high = right.get_xlim()
    on_right = 0 > (low + high) / 2  # zero in the right half: the note goes left of its line
    right.annotate("no net change", (0, 1.0), xycoords=("data", "axes fraction"),
                   xytext=(-3 if on_right else 3, -2), textcoords="offset points", va="top",
                   ha="right" if on_right else "left", fontsize=8)  # fmt: skip
    left.set_yticks(
        range(len(keys)),
        [f"{scenario_label(s)}\ntarget: {country_label(t)}" if show_target else scenario_label(s)
         for s, t in keys],
    )  # fmt: skip
    left.set_ylim(len(keys) - 0.5, -0.7)
    left.set_xlabel("extra coca elsewhere per hectare removed\nfrom the target (ratio)")
    left.set_title("Displacement (balloon) ratio")
    right.set_xlabel("less coca, all regions together,\nhectares (mean over the window;\n"
                     "below 0: more coca with the policy)")  # fmt: skip
    right.xaxis.set_major_formatter(thousands)
    right.xaxis.set_major_locator(MaxNLocator(nbins=4))  # wide labels: "-30,000" needs room
    right.set_title("Net reduction")
    title_left(fig, title)
    handles = [
        Patch(color=country_colour(c), label=f"target {country_label(c)}")
        for c in dict.fromkeys(t.split(":")[0] for _, t in keys)
    ]
    handles.append(
        Line2D([], [], ls="none", label="left panel: the extra coca\nper hectare removed went to:")
    )
    handles += [
        Line2D([], [], marker=marker, ls="none", color="black",
               mfc="black" if metric == "displacement_ratio" else "white", label=label)
        for metric, label, marker, _ in ratios
    ]  # fmt: skip
    legend_right(fig, handles)
    return fig
