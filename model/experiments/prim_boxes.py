"""Scenario discovery with PRIM: boxes of parameter space where an outcome of interest is common.

PRIM (the Patient Rule Induction Method, Friedman and Fisher 1999, as used for scenario discovery by
Bryant and Lempert 2010) starts from a box holding every sampled point and peels thin slices off
its sides, each time the slice whose removal most raises the share of points of interest left
inside. Each step of the peeling is a candidate box with a

* **coverage**: the share of all points of interest that lie inside the box (how much of the
  problem the box explains), and a
* **density**: the share of points inside the box that are of interest (how reliably the box's
  conditions lead to the outcome).

Peeling trades coverage for density. :func:`find_boxes` runs ``ema_workbench``'s PRIM and picks on
each peeling trajectory the box with the highest coverage whose density is at least
``min_density``, then looks for a further box among the points outside it, up to ``max_boxes``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from model.experiments.ema import load_ema, quiet_ema

TRAJECTORY_COLUMNS = ["coverage", "density", "mass", "res_dim", "n", "k"]


@dataclass
class Box:
    """One box PRIM found, at the step of its peeling trajectory that was chosen.

    Attributes:
        number: 1 for the first box found, 2 for the next (found among the points outside box 1)...
        limits: one row per parameter: ``low`` and ``high`` (the box), ``range_low`` and
            ``range_high`` (the sampled range), ``restricted`` (whether the box narrows it) and the
            quasi-p-values of a restricted lower and upper limit (one-sided binomial test, Bryant
            and Lempert 2010; NaN where the side is not restricted).
        coverage: share of all points of interest inside the box.
        density: share of points inside the box that are of interest.
        mass: share of all points inside the box.
        points: points inside the box (among those not in an earlier box).
        of_interest: of them, points of interest.
        trajectory: the peeling trajectory: one row per step (coverage, density, mass, res_dim, n,
            k), the chosen step included.
        chosen: the chosen step's row in ``trajectory``.

    """

    number: int
    limits: pd.DataFrame
    coverage: float
    density: float
    mass: float
    points: int
    of_interest: int
    trajectory: pd.DataFrame
    chosen: int

    @property
    def restricted(self) -> pd.DataFrame:
        """The limits of the parameters the box narrows."""
        return self.limits[self.limits.restricted]


def find_boxes(
    x: pd.DataFrame,
    of_interest: np.ndarray,
    *,
    min_density: float = 0.8,
    max_boxes: int = 3,
    mass_min: float = 0.05,
    peel_alpha: float = 0.05,
    max_p: float = 0.05,
) -> list[Box]:
    """Boxes of parameter space where points of interest are common (PRIM).

    Args:
        x: one row per point, one numeric column per parameter.
        of_interest: one boolean per point: whether the outcome of interest happened there.
        min_density: smallest density a chosen box may have (0-1).
        max_boxes: most boxes to find.
        mass_min: smallest share of all points a box may hold (PRIM stops peeling there).
        peel_alpha: share of the points in the box peeled off at each step.
        max_p: a limit whose quasi-p-value is above this is dropped (moved back to the edge of
            the sampled range) if the box stays at least ``min_density`` dense without it: such a
            limit is likely a fluke of the sample.

    Returns:
        The boxes in the order found; empty if no point or every point is of interest, or if no
        box reaches ``min_density`` while narrowing at least one parameter.

    """
    y = np.asarray(of_interest, dtype=bool)
    if len(y) != len(x):
        raise ValueError(f"{len(y)} outcomes for {len(x)} points")
    if not y.any() or y.all():  # nothing to find, or the whole space: no box says more
        return []
    prim_module = load_ema("analysis.prim")
    x = x.reset_index(drop=True)
    with quiet_ema():
        prim = prim_module.Prim(
            x, y.astype(int), peel_alpha=peel_alpha, paste_alpha=peel_alpha, mass_min=mass_min
        )
        boxes: list[Box] = []
        while len(boxes) < max_boxes:
            found = prim.find_box()
            if found is None:
                break
            trajectory = found.peeling_trajectory[TRAJECTORY_COLUMNS].astype(float)
            step = choose_step(trajectory, min_density)
            if step is None:
                break
            found.select(step)
            step = _drop_insignificant(found, step, min_density, max_p)
            trajectory = found.peeling_trajectory[TRAJECTORY_COLUMNS].astype(float)
            limits = _limits(found.box_lims[step], prim.box_init, found.p_values[step])
            row = trajectory.loc[step]
            stats = (
                float(row.coverage),
                float(row.density),
                float(row.mass),
                int(row.n),
                int(row.k),
            )
            boxes.append(Box(len(boxes) + 1, limits, *stats, trajectory, step))
    return boxes


def _drop_insignificant(found, step: int, min_density: float, max_p: float) -> int:
    """Widen the box over limits that are not significant; return the final step.

    Each limit (a side of a parameter's range) whose quasi-p-value is above ``max_p``, worst first,
    is moved back to the edge of the sampled range if the box stays ``min_density`` dense and
    still narrows some parameter; the widened box is a new step of the trajectory.
    """
    tried: set[tuple[str, int]] = set()
    while True:
        limits = _limits(found.box_lims[step], found.prim.box_init, found.p_values[step])
        sides = [
            (qp, name, side)
            for name, low_qp, high_qp in zip(
                limits.parameter, limits.qp_low, limits.qp_high, strict=True
            )  # fmt: skip
            for side, qp in ((0, low_qp), (1, high_qp))
            if qp > max_p and (name, side) not in tried
        ]
        narrowed = limits.qp_low.notna().sum() + limits.qp_high.notna().sum()
        if not sides or narrowed < 2:
            return step
        _, name, side = max(sides)
        tried.add((name, side))
        wider = found.box_lims[step].copy()
        column = wider.columns.get_loc(name)
        wider.iloc[side, column] = found.prim.box_init.iloc[side, column]
        found.update(wider, _inside(found.prim, wider))
        widened = len(found.peeling_trajectory) - 1
        if found.peeling_trajectory.density.iloc[widened] >= min_density:
            step = widened
        else:
            found.select(step)


def _inside(prim, limits: pd.DataFrame) -> np.ndarray:
    """Indices of the points not in an earlier box that lie within ``limits``."""
    remaining = prim.yi_remaining
    x = prim.x.loc[remaining, limits.columns]
    within = (x >= limits.iloc[0]) & (x <= limits.iloc[1])
    return remaining[within.all(axis=1).to_numpy()]


def choose_step(trajectory: pd.DataFrame, min_density: float) -> int | None:
    """The step with the highest coverage among those dense enough that narrow a parameter.

    Ties go to fewer narrowed parameters, then to the higher density. None if no step qualifies.
    """
    candidates = trajectory[
        (trajectory.density >= min_density) & (trajectory.res_dim >= 1) & (trajectory.k > 0)
    ]
    if candidates.empty:
        return None
    ranked = candidates.sort_values(
        ["coverage", "res_dim", "density"], ascending=[False, True, False], kind="stable"
    )
    return int(ranked.index[0])


def _limits(box: pd.DataFrame, initial: pd.DataFrame, p_values: dict) -> pd.DataFrame:
    rows = []
    for name in initial.columns:
        low, high = float(box[name].iloc[0]), float(box[name].iloc[1])
        range_low, range_high = float(initial[name].iloc[0]), float(initial[name].iloc[1])
        qp_low, qp_high = (p_values.get(name) or [np.nan, np.nan])[:2]
        rows.append(
            {
                "parameter": name,
                "low": low,
                "high": high,
                "range_low": range_low,
                "range_high": range_high,
                "restricted": low > range_low or high < range_high,
                "qp_low": float(qp_low) if low > range_low else np.nan,
                "qp_high": float(qp_high) if high < range_high else np.nan,
            }
        )
    return pd.DataFrame(rows)
