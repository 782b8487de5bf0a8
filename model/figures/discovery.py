"""Figures of scenario discovery: PRIM's peeling trade-off, and the boxes over the sampled points.

:func:`prim_tradeoff` shows, for each box, every candidate box of its peeling trajectory by
coverage and density, with the one chosen; :func:`prim_boxes` shows, for each parameter on its own
axis and in its own units, where the condition held among the sampled points and each box's
limits. Both return a matplotlib ``Figure``; :func:`model.figures.saving.save_figure` writes it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from model.figures.layout import title_left
from model.figures.style import wrapped
from model.scenario.schema_docs import key_meaning

#: Points where the condition holds, and where it does not.
HOLDS_COLOUR, NOT_COLOUR = "#CC3311", "#BBBBBB"
#: One colour per box (Paul Tol's muted scheme: none is a country's colour).
BOX_COLOURS = ("#332288", "#117733", "#882255", "#44AA99", "#999933")
#: Number of narrowed parameters on the trade-off, light to dark.
RESTRICTED_COLOURS = ("#d9d9d9", "#9ecae1", "#4292c6", "#08519c", "#08306b", "#000000")


def box_colour(number: int) -> str:
    """The colour of box ``number`` (1, 2 ...)."""
    return BOX_COLOURS[(number - 1) % len(BOX_COLOURS)]


def prim_tradeoff(boxes: Sequence, base_rate: float, min_density: float, title: str) -> Figure:
    """Coverage against density along each box's peeling trajectory, the chosen box ringed.

    Args:
        boxes: :class:`~model.experiments.prim_boxes.Box` objects (at least one).
        base_rate: share of all points where the condition holds (the density of the whole space).
        min_density: the smallest density a box was allowed.
        title: the figure title.

    """
    fig = Figure(figsize=(4.2 * len(boxes) + 3.6, 5.0), layout="constrained")
    axes = fig.subplots(1, len(boxes), squeeze=False, sharey=True)[0]
    top = int(max(box.trajectory.res_dim.max() for box in boxes))
    colours = ListedColormap(RESTRICTED_COLOURS[: top + 1] if top < 6 else RESTRICTED_COLOURS)
    norm = BoundaryNorm(np.arange(-0.5, len(colours.colors) + 0.5), len(colours.colors))
    for ax, box in zip(axes, boxes, strict=True):
        steps = box.trajectory
        ax.plot(100 * steps.coverage, 100 * steps.density, color="#999999", lw=0.8, zorder=1)
        ax.scatter(
            100 * steps.coverage, 100 * steps.density, c=steps.res_dim.clip(upper=5), cmap=colours,
            norm=norm, s=28, edgecolors="#555555", linewidths=0.4, zorder=2,
        )  # fmt: skip
        chosen = steps.loc[box.chosen]
        ax.scatter([100 * chosen.coverage], [100 * chosen.density], s=220, facecolors="none",
                   edgecolors=box_colour(box.number), linewidths=2.2, zorder=3)  # fmt: skip
        ax.annotate(
            f"box {box.number}: coverage {chosen.coverage:.0%},\ndensity {chosen.density:.0%}",
            (100 * chosen.coverage, 100 * chosen.density), xytext=(-8, -30),
            textcoords="offset points", ha="right", fontsize=8, color=box_colour(box.number),
        )  # fmt: skip
        ax.axhline(100 * base_rate, color="black", ls="--", lw=1)
        ax.axhline(100 * min_density, color="black", ls=":", lw=1)
        ax.set(xlim=(0, 105), ylim=(0, 105), title=f"Box {box.number}")
        ax.set_xlabel("coverage: % of all points where it holds\nthat lie inside the box")
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("density: % of points inside the box\nwhere it holds")
    handles = [
        *[Line2D([], [], marker="o", ls="", color=RESTRICTED_COLOURS[k], markeredgecolor="#555555",
                 label=f"{k} parameter{'s' if k != 1 else ''} narrowed")
          for k in range(min(top, 5) + 1)],
        Line2D([], [], marker="o", ls="", markerfacecolor="none", markeredgecolor="black",
               markersize=11, label="box chosen: most coverage\nat the density threshold"),
        Line2D([], [], color="black", ls="--", label=f"all points: {base_rate:.0%} hold"),
        Line2D([], [], color="black", ls=":", label=f"density threshold {min_density:.0%}"),
    ]  # fmt: skip
    # Lower right: the two-line title takes the top of the figure.
    steps_title = (
        "steps of the peeling, from\nthe whole space (bottom right)\nto small boxes (top left)"
    )
    fig.legend(handles=handles, loc="outside right lower", frameon=False, alignment="left",
               title=steps_title)  # fmt: skip
    title_left(fig, title)
    return fig


def prim_boxes(
    points: pd.DataFrame,
    parameters: Sequence[str],
    boxes: Sequence,
    title: str,
    holds_label: str,
) -> Figure:
    """Each parameter on its own axis: sampled points (red where the condition holds) and boxes.

    Args:
        points: one row per point, with the parameters' columns and ``condition_holds``.
        parameters: the sampled parameters (dotted scenario paths), one panel each.
        boxes: :class:`~model.experiments.prim_boxes.Box` objects (may be empty).
        title: the figure title.
        holds_label: the legend's words for a point where the condition holds.

    """
    fig = Figure(figsize=(9.5, 1.25 + 1.35 * len(parameters) + 0.22 * len(boxes) * len(parameters)),
                 layout="constrained")  # fmt: skip
    axes = fig.subplots(len(parameters), 1, squeeze=False)[:, 0]
    jitter = np.random.default_rng(0).uniform(0.1, 0.9, len(points))  # fixed: the same every time
    holds = points.condition_holds.to_numpy(dtype=bool)
    for ax, parameter in zip(axes, parameters, strict=True):
        x = points[parameter].to_numpy(dtype=float)
        ax.scatter(x[~holds], jitter[~holds], s=14, color=NOT_COLOUR, linewidths=0)
        ax.scatter(x[holds], jitter[holds], s=16, color=HOLDS_COLOUR, linewidths=0)
        for k, box in enumerate(boxes):
            limit = box.limits.set_index("parameter").loc[parameter]
            y = -0.25 - 0.3 * k
            colour = box_colour(box.number)
            if limit.restricted:
                ax.plot([limit.low, limit.high], [y, y], color=colour, lw=5, solid_capstyle="butt")
                ax.axvspan(limit.low, limit.high, color=colour, alpha=0.07, lw=0)
                ax.annotate(f"box {box.number}", (limit.low, y), xytext=(2, 4), va="bottom",
                            textcoords="offset points", fontsize=8, color=colour)  # fmt: skip
            else:
                ax.plot([limit.range_low, limit.range_high], [y, y], color=colour, lw=1,
                        ls=(0, (2, 3)))  # fmt: skip
        meaning = key_meaning(parameter).rstrip(".")
        ax.set_title(wrapped(f"{parameter}: {meaning}" if meaning else parameter, 110),
                     loc="left", fontsize=9)  # fmt: skip
        ax.set_yticks([])
        ax.set_ylim(-0.25 - 0.3 * len(boxes), 1.0)
        ax.grid(axis="x", alpha=0.3)
        ax.tick_params(labelsize=8)
    handles = [
        Line2D([], [], marker="o", ls="", color=HOLDS_COLOUR, label=holds_label),
        Line2D([], [], marker="o", ls="", color=NOT_COLOUR, label="it does not"),
        *[
            Patch(
                color=box_colour(b.number),
                label=f"box {b.number}: density {b.density:.0%},\ncoverage {b.coverage:.0%}",
            )
            for b in boxes
        ],  # fmt: skip
    ]
    if boxes:
        handles.append(Line2D([], [], color="#555555", lw=1, ls=(0, (2, 3)),
                              label="box leaves this\nparameter free"))  # fmt: skip
    # Centred on the right: a short figure's title would run into a legend at the top.
    fig.legend(handles=handles, loc="outside right center", frameon=False, alignment="left",
               title="each dot: one sampled\npoint (mean over its\nreplications)")  # fmt: skip
    title_left(fig, title)
    return fig
