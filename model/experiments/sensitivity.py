"""Global sensitivity analysis with SALib: Sobol indices or Morris elementary effects.

The runs go through :func:`model.experiments.sweep.run_sweep` (any executor, resumable); SALib
samples the design and analyses the outcome of each point (the mean over its replications). The
same path analyses any ``Evaluator``: :class:`Ishigami` is the classic test function whose indices
are known exactly, so the tests check this code on it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from SALib.analyze import morris as morris_analyze
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample

from model.columns import SENSITIVITY, columns_csv, field_metadata
from model.experiments.sweep import (
    COLUMNS_FILE,
    TABLE_FILE,
    Evaluator,
    FailedRuns,
    ModelEvaluator,
    Parameter,
    SweepError,
    SweepResult,
    run_sweep,
    scale_points,
    sweep_columns,
)
from model.figures.style import format_number
from model.files import write_table_atomic

METHODS = ("sobol", "morris")
MORRIS_LEVELS = 4
INDICES_FILE = "indices.parquet"


@dataclass(frozen=True)
class Ishigami:
    """The Ishigami-Homma function, ``sin x1 + a sin^2 x2 + b x3^4 sin x1`` on ``[-pi, pi]^3``.

    Its Sobol indices are known in closed form (:meth:`exact_indices`).
    """

    a: float = 7.0
    b: float = 0.1

    def __call__(self, values: dict[str, float], seed: int) -> dict[str, float]:
        """The function at ``x1``, ``x2``, ``x3`` (the seed is unused: it is deterministic)."""
        x1, x2, x3 = values["x1"], values["x2"], values["x3"]
        y = math.sin(x1) + self.a * math.sin(x2) ** 2 + self.b * x3**4 * math.sin(x1)
        return {"y": y}

    def fingerprint(self) -> dict:
        """The function and its constants."""
        return {"function": "ishigami", "a": self.a, "b": self.b}

    @staticmethod
    def parameters() -> list[Parameter]:
        """The three inputs, each uniform on ``[-pi, pi]``."""
        return [Parameter(name, -math.pi, math.pi) for name in ("x1", "x2", "x3")]

    def exact_indices(self) -> pd.DataFrame:
        """First-order and total Sobol indices of ``x1..x3`` (Ishigami & Homma 1990)."""
        a, b, pi = self.a, self.b, math.pi
        v1 = 0.5 * (1 + b * pi**4 / 5) ** 2
        v2 = a**2 / 8
        v13 = b**2 * pi**8 * (1 / 18 - 1 / 50)
        variance = v1 + v2 + v13
        return pd.DataFrame(
            {"S1": [v1, v2, 0.0], "ST": [v1 + v13, v2, v13]}, index=["x1", "x2", "x3"]
        ).div(variance)


def problem(parameters: list[Parameter]) -> dict:
    """The SALib problem of a list of parameters."""
    return {
        "num_vars": len(parameters),
        "names": [p.path for p in parameters],
        "bounds": [[0.0, 1.0]] * len(parameters),
    }


def sample(parameters: list[Parameter], method: str, samples: int, seed: int) -> np.ndarray:
    """Design of a sensitivity analysis, in parameter units.

    ``sobol``: Saltelli/Sobol sampling, ``samples * (k + 2)`` points (``samples`` a power of 2).
    ``morris``: ``samples`` trajectories of ``k + 1`` points on a 4-level grid.

    SALib samples the unit cube; points are then scaled (and integer parameters rounded) here.
    """
    unit_problem = problem(parameters)
    if method == "sobol":
        if samples < 2 or samples & (samples - 1):
            raise SweepError(f"--samples for sobol must be a power of two (e.g. 64), got {samples}")
        unit = sobol_sample.sample(unit_problem, samples, calc_second_order=False, seed=seed)
    elif method == "morris":
        if samples < 2:
            raise SweepError(
                f"--samples for morris is the number of trajectories (>= 2), got {samples}"
            )
        unit = morris_sample.sample(unit_problem, samples, num_levels=MORRIS_LEVELS, seed=seed)
    else:
        raise SweepError(f"unknown method {method!r}: use {' or '.join(METHODS)}")
    return scale_points(parameters, unit)


def analyse(
    parameters: list[Parameter],
    method: str,
    points: np.ndarray,
    outputs: pd.DataFrame,
    seed: int,
    conf_level: float = 0.95,
) -> pd.DataFrame:
    """Sensitivity indices of each output column, one row per metric and parameter.

    Sobol gives ``S1``, ``S1_conf``, ``ST``, ``ST_conf`` (half-widths of ``conf_level`` intervals
    from bootstrap); Morris gives ``mu``, ``mu_star``, ``mu_star_conf``, ``sigma`` in the units of
    the metric per full range of the parameter.
    """
    low = np.array([p.low for p in parameters])
    span = np.array([p.high - p.low for p in parameters])
    unit_points = (np.asarray(points) - low) / span
    frames = []
    for metric in outputs.columns:
        y = outputs[metric].to_numpy(dtype=float)
        if not np.isfinite(y).all():
            bad = int((~np.isfinite(y)).sum())
            raise SweepError(
                f"metric {metric} is undefined (NaN) at {bad} of {len(y)} points: choose another --metric"
            )
        if method == "sobol":
            result = sobol_analyze.analyze(
                problem(parameters), y, calc_second_order=False, conf_level=conf_level, seed=seed
            )
            columns = ("S1", "S1_conf", "ST", "ST_conf")
        else:
            result = morris_analyze.analyze(
                problem(parameters), unit_points, y, conf_level=conf_level,
                num_levels=MORRIS_LEVELS, seed=seed,
            )  # fmt: skip
            columns = ("mu", "mu_star", "mu_star_conf", "sigma")
        frame = pd.DataFrame({c: np.asarray(result[c], dtype=float) for c in columns})
        frame.insert(0, "parameter", [p.path for p in parameters])
        frame.insert(0, "metric", metric)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


#: How far an estimate may stray from what indices can be (S1 <= ST, both in [0, 1]) before it is
#: taken as a sign of too small a sample rather than of sampling noise.
SOBOL_TOLERANCE = 0.05


def stability_warnings(indices: pd.DataFrame, method: str, samples: int) -> list[str]:
    """Signs that the sample is too small for stable indices, one line per metric.

    Sobol: a first-order index above the total index or outside [0, 1] (impossible for true
    indices), or a confidence interval wider than the largest index of the metric (the ranking
    is then noise). Morris: an interval of mu* wider than the largest mu*.
    """
    lines = []
    for metric, rows in indices.groupby("metric", sort=False):
        problems = _sobol_problems(rows) if method == "sobol" else _morris_problems(rows)
        if problems:
            lines.append(
                f"warning: {method} indices of {metric} are not stable: {'; '.join(problems)}: "
                f"the sample is too small (--samples {samples}): raise --samples "
                f"({'e.g. ' + str(max(256, samples * 4)) if method == 'sobol' else 'e.g. 20 or more'})"
            )
    return lines


def _sobol_problems(rows: pd.DataFrame) -> list[str]:
    problems, tol = [], SOBOL_TOLERANCE
    for row in rows.itertuples():
        if row.S1 > row.ST + tol:
            problems.append(f"S1 of {row.parameter} ({row.S1:.2f}) is above its ST ({row.ST:.2f})")
        for name in ("S1", "ST"):
            value = getattr(row, name)
            if not -tol <= value <= 1 + tol:
                problems.append(f"{name} of {row.parameter} ({value:.2f}) is outside [0, 1]")
    largest = max(rows.ST.max(), rows.S1.max())
    widest = 2 * max(rows.S1_conf.max(), rows.ST_conf.max())
    if widest > largest:
        problems.append(
            f"95% intervals up to {widest:.2f} wide, wider than the largest index ({largest:.2f})"
        )
    return problems


def _morris_problems(rows: pd.DataFrame) -> list[str]:
    largest, widest = rows.mu_star.max(), 2 * rows.mu_star_conf.max()
    if widest > largest:
        return [f"95% intervals of mu* up to {format_number(widest)} wide, wider than the "
                f"largest mu* ({format_number(largest)})"]  # fmt: skip
    return []


@dataclass
class SensitivityResult:
    """Indices (one row per metric and parameter), the sweep behind them, stability warnings."""

    method: str
    indices: pd.DataFrame
    sweep: SweepResult
    warnings: list[str] = field(default_factory=list)


def run_sensitivity(
    evaluator: Evaluator,
    parameters: list[Parameter],
    method: str,
    samples: int,
    metrics: list[str],
    out: str | Path,
    *,
    seed: int = 0,
    **options: Any,
) -> SensitivityResult:
    """Sample, run every point through ``run_sweep`` and analyse the chosen metrics.

    Args:
        evaluator: what runs at a point (``ModelEvaluator``, ``Ishigami``, ...).
        parameters: varied parameters and their bounds.
        method: ``sobol`` or ``morris``.
        samples: base samples (sobol, a power of 2) or trajectories (morris).
        metrics: outcome metrics to analyse (columns the evaluator returns).
        out: output folder (the sweep files plus ``indices.parquet``/``indices.csv``).
        seed: seeds the sampling, the bootstrap and the replication seeds.
        **options: passed to ``run_sweep`` (replications, executor, workers, resume, progress).

    Raises:
        FailedRuns: if a run failed: indices need every point (the failures are in the table).

    """
    points = sample(parameters, method, samples, seed)
    sweep = run_sweep(evaluator, parameters, points, out, seed=seed, **options)
    if len(sweep.failed):
        first = sweep.failure_lines(most=1)[0]
        raise FailedRuns(
            f"{out}: {len(sweep.failed)} of {len(sweep.table)} run(s) failed (first: {first}); "
            f"{method} indices need every point, so none were computed: the failures are in "
            f"{Path(out) / 'sweep.parquet'} (column error); fix the cause and add --resume to "
            "run only those again"
        )
    unknown = [m for m in metrics if m not in sweep.metrics]
    if unknown:
        raise SweepError(
            f"unknown --metric {unknown[0]!r}: the runs give {', '.join(sweep.metrics)}"
        )
    means = sweep.table.groupby("point")[list(metrics)].mean().sort_index()
    indices = analyse(parameters, method, points, means, seed)
    folder = Path(out)
    columns = [SENSITIVITY[c] for c in indices.columns]
    write_table_atomic(indices, folder / INDICES_FILE, field_metadata(columns))
    write_table_atomic(indices, folder / "indices.csv")
    described = {**dict.fromkeys((TABLE_FILE, "sweep.csv"), sweep_columns(sweep.table, parameters)),
                 **dict.fromkeys((INDICES_FILE, "indices.csv"), columns)}  # fmt: skip
    write_table_atomic(columns_csv(described), folder / COLUMNS_FILE)
    return SensitivityResult(method, indices, sweep, stability_warnings(indices, method, samples))


def scenario_sensitivity(scenario, parameters, method, samples, metrics, out, **options):
    """Sensitivity of the model's outcome metrics on ``scenario`` (see ``run_sensitivity``)."""
    options.setdefault("description", scenario.name)
    return run_sensitivity(
        ModelEvaluator(scenario), parameters, method, samples, metrics, out,
        seed=scenario.seed, **options,
    )  # fmt: skip
