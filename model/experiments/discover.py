"""Scenario discovery: find where in parameter space a policy backfires against its counterfactual.

:func:`run_discovery` samples the parameters over a Latin hypercube (the sweep's design), runs the
policy and the counterfactual with each point's values on common seeds (a resumable sweep of
:class:`~model.experiments.paired.PairedEvaluator` on any executor), averages each point's balloon
metrics over its replications, marks the points where a condition holds (by default
``net_reduction_ha < 0``: more coca in total with the policy than without it) and finds boxes of
parameter space where it mostly holds with PRIM (:mod:`model.experiments.prim_boxes`).
:func:`write_discovery` writes the points table, ``boxes.csv``, the figures and ``summary.md``.

The runs are the sweep's (``runs/``, ``sweep.parquet``), so a killed discovery resumes where it
stopped, and the same runs can be asked another question (another ``condition``) without running
the model again.
"""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from model.columns import BALLOON_METRICS
from model.experiments.compare import ComparisonError
from model.experiments.conditions import Condition, parse_condition
from model.experiments.paired import PairedEvaluator, pick_target
from model.experiments.pressure import Target, Window
from model.experiments.prim_boxes import Box, find_boxes
from model.experiments.runner import replication_seeds
from model.experiments.sweep import (
    ERROR,
    KEY_COLUMNS,
    FailedRuns,
    Parameter,
    SweepResult,
    design_points,
    run_sweep,
)
from model.scenario.schema import Scenario

#: The default question: where does the policy leave more coca in total than its counterfactual?
BACKFIRES = "net_reduction_ha < 0"


@dataclass
class Discovery:
    """A finished discovery: the points, the condition asked of them and the boxes found.

    Attributes:
        policy: the policy scenario's name.
        counterfactual: the counterfactual scenario's name.
        target: where the policy pushes (fixed over the design).
        window: the months measured over, or None for each point's months of extra pressure.
        parameters: the sampled parameters.
        condition: the condition asked of each point.
        points: one row per design point: ``point``, the parameter values, each balloon metric's
            mean over the point's replications, ``runs`` and ``condition_holds``.
        boxes: PRIM's boxes where the condition mostly holds.
        replications: runs per point (policy and counterfactual each).
        min_density: the smallest density a box was allowed.
        sweep: the runs, one row per point and replication (``None`` for a discovery built from points alone).

    """

    policy: str
    counterfactual: str
    target: Target
    window: Window | None
    parameters: list[Parameter]
    condition: Condition
    points: pd.DataFrame
    boxes: list[Box]
    replications: int
    min_density: float
    sweep: SweepResult | None = field(default=None, repr=False)

    def ask(self, condition: str | Condition, max_boxes: int = 3) -> Discovery:
        """The same points asked another question: a new discovery with its own boxes."""
        if not isinstance(condition, Condition):
            condition = balloon_condition(condition)
        points, boxes = analyse(self.points, self.parameters, condition, self.min_density,
                                max_boxes)  # fmt: skip
        return replace(self, condition=condition, points=points, boxes=boxes)

    @property
    def holds(self) -> int:
        """Points where the condition holds."""
        return int(self.points.condition_holds.sum())

    @property
    def undefined(self) -> int:
        """Points where a metric of the condition is undefined (NaN), so the condition is false."""
        metrics = list(self.condition.metrics)
        return int(self.points[metrics].isna().any(axis=1).sum())


def balloon_condition(text: str = BACKFIRES) -> Condition:
    """A condition on the balloon metrics (see :mod:`model.experiments.conditions`)."""
    return parse_condition(text, BALLOON_METRICS)


def points_table(runs: pd.DataFrame, parameters: list[Parameter]) -> pd.DataFrame:
    """One row per design point: parameter values and each metric's mean over replications.

    A metric undefined in some replications (NaN) is the mean of the others; undefined in all, NaN.
    """
    paths = [p.path for p in parameters]
    metrics = [c for c in runs.columns if c not in {*KEY_COLUMNS, ERROR, *paths}]
    grouped = runs.groupby("point", sort=True)
    points = grouped[paths].first()
    means = grouped[metrics].mean()  # pandas skips NaN
    counts = grouped.size().rename("runs")
    return pd.concat([points, means, counts], axis=1).reset_index()


def analyse(
    points: pd.DataFrame,
    parameters: list[Parameter],
    condition: Condition,
    min_density: float = 0.8,
    max_boxes: int = 3,
) -> tuple[pd.DataFrame, list[Box]]:
    """Mark where ``condition`` holds and find PRIM boxes of it; returns (points, boxes)."""
    points = points.drop(columns="condition_holds", errors="ignore")
    points["condition_holds"] = condition.holds(points)
    x = points[[p.path for p in parameters]]
    boxes = find_boxes(x, points.condition_holds.to_numpy(), min_density=min_density,
                       max_boxes=max_boxes)  # fmt: skip
    return points, boxes


def run_discovery(
    policy: Scenario,
    counterfactual: Scenario,
    parameters: list[Parameter],
    samples: int,
    out: str | Path,
    *,
    condition: str | Condition = BACKFIRES,
    replications: int = 1,
    target: Target | None = None,
    window: Window | None = None,
    min_density: float = 0.8,
    max_boxes: int = 3,
    executor: str | Executor = "process",
    workers: int | None = None,
    resume: bool = False,
    progress: bool = False,
) -> Discovery:
    """Sample parameters, run policy and counterfactual at each point, and find PRIM boxes.

    Args:
        policy: the policy scenario.
        counterfactual: the scenario without it; its ``seed`` seeds the design and replications.
        parameters: what varies, set on both scenarios (checked against both beforehand).
        samples: design points (Latin hypercube).
        out: the sweep folder (``runs/`` and ``sweep.parquet`` of the runs; see ``run_sweep``).
        condition: what to look for, e.g. ``displacement_ratio_across > 1`` (default: backfiring,
            ``net_reduction_ha < 0``).
        replications: paired runs per point, on common seeds.
        target: where the policy pushes; default: the country that loses most coca in one paired
            run of the scenarios as they are.
        window: months to measure over; default: the policy's months of extra pressure.
        min_density: smallest density of a box (0-1).
        max_boxes: most boxes to find.
        executor: ``process``, ``thread``, ``inline``, ``dask``, a scheduler address or an
            ``Executor``.
        workers: worker processes.
        resume: continue (or reread) a discovery already in ``out``.
        progress: show a progress bar.

    Raises:
        SweepError: if ``out`` holds other runs, or these runs and ``resume`` is false.
        ConditionError: for a condition that cannot be read.
        ComparisonError: for scenarios on different calendars or an unknown target.
        FailedRuns: if a run failed (the failures are in the sweep table).

    """
    if not isinstance(condition, Condition):
        condition = balloon_condition(condition)
    check_pair(policy, counterfactual, target)
    seed = counterfactual.seed
    target = target or pick_target(policy, counterfactual, replication_seeds(seed, 1)[0])
    evaluator = PairedEvaluator(policy, counterfactual, target, window)
    design = design_points(parameters, samples, "lhs", seed)
    sweep = run_sweep(
        evaluator, parameters, design, out, replications=replications, seed=seed,
        executor=executor, workers=workers, resume=resume, progress=progress,
        description=f"{policy.name} vs {counterfactual.name}",
    )  # fmt: skip
    if len(sweep.failed):  # a box drawn around missing points would mislead
        first = sweep.failure_lines(most=1)[0]
        raise FailedRuns(
            f"{out}: {len(sweep.failed)} of {len(sweep.table)} run(s) failed (first: {first}); "
            f"boxes need every point, so none were found: the failures are in "
            f"{Path(out) / 'sweep.parquet'} (column error); fix the cause and add --resume to "
            "run only those again"
        )
    points, boxes = analyse(
        points_table(sweep.table, parameters), parameters, condition, min_density, max_boxes
    )
    return Discovery(policy.name, counterfactual.name, target, window, parameters, condition,
                     points, boxes, replications, min_density, sweep)  # fmt: skip


def check_pair(policy: Scenario, counterfactual: Scenario, target: Target | None) -> None:
    """Refuse scenarios on different calendars, or a target without regions, before any run.

    Raises:
        ComparisonError: naming the problem.

    """
    if (policy.start, policy.end) != (counterfactual.start, counterfactual.end):
        raise ComparisonError(
            f"{policy.name} runs {policy.start:%Y-%m} to {policy.end:%Y-%m} but "
            f"{counterfactual.name} runs {counterfactual.start:%Y-%m} to {counterfactual.end:%Y-%m}"
            ": compare scenarios over the same months"
        )
    if target is None:
        return
    regions = [r.name for r in policy.resolved_regions() if r.country == target.country]
    if not regions:
        countries = sorted({r.country for r in policy.resolved_regions()})
        raise ComparisonError(
            f"target {target}: {policy.name} has no region in {target.country!r}: choose from "
            f"{', '.join(countries)}"
        )
    unknown = [r for r in target.regions if r not in regions]
    if unknown:
        raise ComparisonError(
            f"target {target}: {target.country} has no region {unknown[0]!r}: choose from "
            f"{', '.join(regions)}"
        )


def holding_share(points: pd.DataFrame) -> float:
    """Share of points where the condition holds (NaN for no points)."""
    return float(np.mean(points.condition_holds)) if len(points) else float("nan")
