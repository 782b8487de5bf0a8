"""Parameter sweeps: many runs over a design of parameter values, resumable, on any executor.

A sweep varies dotted scenario paths (``households.profit_sensitivity``) between bounds, over a
Latin hypercube, a full grid or a scrambled Sobol sequence, and records one row per run: the
parameter values, the run's seed and its outcome metrics (:mod:`model.experiments.outcomes`).

Every design point runs the same replication seeds (common random numbers: replication ``r`` of
every point uses seed ``replication_seeds(seed, R)[r]``), so differences between points come from
the parameters, not from luck.

Resume: finished runs are written, at most a second after they finish, to parquet parts in
``runs/`` (atomically, by :mod:`model.files`), keyed by run index and seed, so a run is either
saved whole or not at all; runs already saved are never computed again, so none counts twice.
``resume=True`` reads what is there and computes only what is missing; an interrupted sweep
resumes to exactly the table an uninterrupted one writes.

A run that fails does not stop the sweep: its row keeps the parameters and the error, one line,
in the ``error`` column (empty for runs that succeeded; their metrics are missing), and the sweep
carries on. ``resume=True`` runs failed runs again; a run that succeeds replaces its failure.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd
from scipy.stats import qmc

from model.columns import SWEEP_KEYS, Column, columns_csv, describe, field_metadata
from model.compile_cache import announce_compiling
from model.experiments.outcomes import outcome_metrics
from model.experiments.posterior import Posterior
from model.experiments.runner import interrupted, map_jobs, replication_seeds
from model.experiments.sweep_store import (
    ERROR,
    KEY_COLUMNS,
    RUNS_DIR,
    RunLog,
    SweepError,
    completed_runs,
    read_runs,
)
from model.files import write_table_atomic, write_text_atomic
from model.leftovers import tidy
from model.scenario.loading import ScenarioError, with_parameters
from model.scenario.parameters import parameter_column
from model.scenario.paths import is_position
from model.scenario.schema import Scenario
from model.sim.model import BalloonModel

DESIGNS = ("lhs", "grid", "sobol")
SPEC_FILE = "sweep.json"
TABLE_FILE = "sweep.parquet"
COLUMNS_FILE = "columns.csv"


class FailedRuns(RuntimeError):
    """Runs of a design failed, so what needs every run (sensitivity indices) cannot be computed."""


# ----------------------------------------------------------------------------- parameters


@dataclass(frozen=True)
class Parameter:
    """A dotted scenario path varied between ``low`` and ``high`` (rounded if ``integer``)."""

    path: str
    low: float
    high: float
    integer: bool = False


def parse_parameter(text: str) -> tuple[str, float, float]:
    """Split ``path=low:high`` into its path and bounds.

    Raises:
        ScenarioError: if the text is not ``path=low:high`` with numbers and ``low < high``.

    """
    source = f"--param {text}"
    path, sep, bounds = text.partition("=")
    low_text, colon, high_text = bounds.partition(":")
    if not sep or not colon or not path.strip():
        raise ScenarioError(
            source, "", "write --param path=low:high, e.g. market.demand_elasticity=-0.9:-0.3"
        )
    try:
        low, high = float(low_text), float(high_text)
    except ValueError:
        raise ScenarioError(
            source, path.strip(), f"bounds {bounds!r} are not two numbers low:high"
        ) from None
    if not (np.isfinite(low) and np.isfinite(high)) or not low < high:
        raise ScenarioError(
            source, path.strip(), f"low {low_text} must be a number below high {high_text}"
        )
    return path.strip(), low, high


def scenario_parameters(scenario: Scenario, texts: list[str]) -> list[Parameter]:
    """Parse ``--param`` texts against a scenario, checking each path and both bounds.

    Raises:
        ScenarioError: naming the ``--param`` and the key path, for a path the scenario does not
            have or a bound its schema refuses (e.g. a share above 1).

    """
    if not texts:
        raise ScenarioError("--param", "", "give at least one --param path=low:high")
    parameters, problems, seen = [], [], set()
    for text in texts:  # every bad --param is reported, one line each
        try:
            path, low, high = parse_parameter(text)
            if path in seen:
                raise ScenarioError(f"--param {text}", path, "is given twice")
            seen.add(path)
            parameters.append(scenario_parameter(scenario, path, low, high, f"--param {text}"))
        except ScenarioError as error:
            problems += error.problems
    if problems:
        raise ScenarioError.of(problems)
    return parameters


def scenario_parameter(
    scenario: Scenario, path: str, low: float, high: float, source: str = "--param"
) -> Parameter:
    """A parameter of ``scenario`` between two bounds, whole-number if the scenario's value is.

    Raises:
        ScenarioError: naming ``source`` and the path, for a path the scenario does not have or a
            bound its schema refuses.

    """
    current = _value_at(scenario.model_dump(mode="json"), path.split("."))
    integer = isinstance(current, int) and not isinstance(current, bool)
    for bound in (low, high):
        with_parameters(scenario, {path: round(bound) if integer else bound}, source)
    return Parameter(path, float(low), float(high), integer)


def _value_at(data: Any, parts: list[str]) -> Any:
    for part in parts:
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list) and is_position(part) and -len(data) <= int(part) < len(data):
            data = data[int(part)]
        else:
            return None
    return data


# ----------------------------------------------------------------------------- designs


def design_points(parameters: list[Parameter], samples: int, design: str, seed: int) -> np.ndarray:
    """Parameter values of a design, one row per point, one column per parameter.

    Args:
        parameters: what varies and between which bounds.
        samples: points for ``lhs`` and ``sobol``; levels per parameter for ``grid`` (so a grid has
            ``samples ** len(parameters)`` points, bounds included).
        design: ``lhs`` (Latin hypercube), ``grid`` or ``sobol`` (scrambled; powers of two are
            best balanced).
        seed: seeds the scrambling of ``lhs`` and ``sobol``.

    """
    if samples < 1:
        raise SweepError(f"--samples must be at least 1, got {samples}")
    k = len(parameters)
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0x5EE9]))
    if design == "lhs":
        unit = qmc.LatinHypercube(d=k, rng=rng).random(samples)
    elif design == "sobol":
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*balance properties.*")
            unit = qmc.Sobol(d=k, scramble=True, rng=rng).random(samples)
    elif design == "grid":
        levels = np.linspace(0, 1, samples) if samples > 1 else np.array([0.5])
        unit = np.stack(np.meshgrid(*[levels] * k, indexing="ij"), axis=-1).reshape(-1, k)
    else:
        raise SweepError(f"unknown design {design!r}: use {', '.join(DESIGNS)}")
    return scale_points(parameters, unit)


def scale_points(parameters: list[Parameter], unit: np.ndarray) -> np.ndarray:
    """Map points of the unit cube to parameter bounds, rounding integer parameters."""
    low = np.array([p.low for p in parameters])
    high = np.array([p.high for p in parameters])
    points = low + np.asarray(unit, dtype=float) * (high - low)
    for j, parameter in enumerate(parameters):
        if parameter.integer:
            points[:, j] = np.round(points[:, j])
    return points


# ----------------------------------------------------------------------------- evaluators


class Evaluator(Protocol):
    """What a sweep runs at each point: picklable, so it can go to worker processes or Dask."""

    def __call__(self, values: dict[str, float], seed: int) -> dict[str, float]:
        """Outcome metrics at parameter values, for one seed."""

    def fingerprint(self) -> dict:
        """JSON-able identity: a sweep resumes only into a folder made by an equal evaluator."""


@dataclass(frozen=True)
class ModelEvaluator:
    """Runs the balloon model with parameter values set on a base scenario.

    With a ``posterior``, each run first takes the free parameters of the posterior sample its
    seed draws (:meth:`Posterior.draw`: replication ``r`` uses the same sample at every point),
    then the swept values on top: the sweep's spread then covers the parameters' uncertainty.
    """

    scenario: Scenario
    posterior: Posterior | None = None

    def __call__(self, values: dict[str, float], seed: int) -> dict[str, float]:
        """Run the scenario with ``values`` on ``seed`` and return its outcome metrics."""
        scenario = self.scenario
        if self.posterior is not None:
            scenario = self.posterior.scenario(scenario, self.posterior.draw(seed))
        scenario = with_parameters(scenario, values)
        model = BalloonModel(scenario, rng=seed).run()
        return outcome_metrics(
            {"regions": model.regions, "countries": model.countries, "system": model.system}
        )

    def fingerprint(self) -> dict:
        """The full scenario (and, if runs draw from a posterior, its file, size and digest)."""
        identity = {"scenario": self.scenario.model_dump(mode="json")}
        if self.posterior is not None:
            table = self.posterior.table
            digest = hashlib.sha256(pd.util.hash_pandas_object(table).to_numpy().tobytes())
            identity["posterior"] = {"file": self.posterior.source, "samples": len(table),
                                     "sha256": digest.hexdigest()}  # fmt: skip
        return identity


def _run_point(job: tuple) -> dict:
    evaluator, run, point, replication, seed, values = job
    row = {"run": run, "point": point, "replication": replication, "seed": seed, **values}
    try:
        row.update(evaluator(dict(values), seed))
    except Exception as error:  # noqa: BLE001 - one failed run is recorded; the sweep carries on
        if interrupted(error):  # a Ctrl-C, not a failure of the run
            raise KeyboardInterrupt from error
        row[ERROR] = " ".join(f"{type(error).__name__}: {error}".split())
    else:
        row[ERROR] = ""
    return row


def point_label(row: pd.Series, parameters: list[Parameter]) -> str:
    """``run 5 (households.scale=0.3, ...)``: a run and its parameter values, for messages."""
    values = ", ".join(f"{p.path}={row[p.path]:g}" for p in parameters)
    return f"run {int(row['run'])} ({values})"


# ----------------------------------------------------------------------------- running


@dataclass
class SweepResult:
    """A finished sweep: its table and how many runs were computed now or found done."""

    table: pd.DataFrame
    parameters: list[Parameter]
    folder: Path
    computed: int
    reused: int

    @property
    def metrics(self) -> list[str]:
        """Outcome metric columns of the table."""
        skip = {*KEY_COLUMNS, ERROR} | {p.path for p in self.parameters}
        return [c for c in self.table.columns if c not in skip]

    @property
    def failed(self) -> pd.DataFrame:
        """Rows of the runs that failed (their ``error`` says why)."""
        return self.table[self.table[ERROR] != ""]

    @property
    def succeeded(self) -> pd.DataFrame:
        """Rows of the runs that succeeded."""
        return self.table[self.table[ERROR] == ""]

    def failure_lines(self, most: int = 10) -> list[str]:
        """One line per failed run (at most ``most``, then how many more)."""
        failed = self.failed
        lines = [f"{point_label(row, self.parameters)}: {row[ERROR]}"
                 for _, row in failed.head(most).iterrows()]  # fmt: skip
        if len(failed) > most:
            lines.append(f"... and {len(failed) - most} more (see the error column)")
        return lines


def run_sweep(
    evaluator: Evaluator,
    parameters: list[Parameter],
    points: np.ndarray,
    out: str | Path,
    *,
    replications: int = 1,
    seed: int = 0,
    executor: str | Executor = "process",
    workers: int | None = None,
    resume: bool = False,
    progress: bool = False,
    description: str = "sweep",
) -> SweepResult:
    """Run every point of a design ``replications`` times and write the table to ``out``.

    Args:
        evaluator: what runs at a point (``ModelEvaluator(scenario)`` for the model).
        parameters: the varied parameters, in the column order of ``points``.
        points: parameter values, one row per design point.
        out: output folder; holds ``sweep.json`` (what the sweep is), ``runs/`` (finished runs),
            and ``sweep.parquet`` and ``sweep.csv`` (the table, once complete).
        replications: runs per point, on common seeds derived from ``seed``.
        seed: root seed of the replication seeds.
        executor: ``process``, ``thread``, ``inline``, ``dask``, a scheduler address or an
            ``Executor`` (see ``model.experiments.runner.make_executor``).
        workers: worker processes.
        resume: continue a sweep already in ``out`` (computing missing and failed runs); without
            it an existing sweep is an error.
        progress: show a progress bar with the time left.
        description: label of the progress bar.

    Returns:
        The table, failed runs included (see :attr:`SweepResult.failed`).

    Raises:
        SweepError: if ``out`` holds a different sweep, or a sweep and ``resume`` is false.

    """
    folder = Path(out)
    points = np.asarray(points, dtype=float).reshape(len(points), len(parameters))
    seeds = replication_seeds(seed, replications)
    spec = _normalise(
        {
            "evaluator": evaluator.fingerprint(),
            "parameters": [vars(p) for p in parameters],
            "points": points.tolist(),
            "replications": replications,
            "seed": seed,
            "seeds": seeds,
        }
    )
    _prepare_folder(folder, spec, resume)
    total = len(points) * replications
    done = completed_runs(folder, total, seeds, replications)
    jobs = []
    for run in range(total):
        if run in done:
            continue
        point, replication = divmod(run, replications)
        values = {p.path: _plain(points[point, j], p) for j, p in enumerate(parameters)}
        jobs.append((evaluator, run, point, replication, seeds[replication], values))

    bar = None
    if progress:
        from tqdm.auto import tqdm

        if jobs and isinstance(evaluator, ModelEvaluator):
            announce_compiling()
        bar = tqdm(total=total, initial=len(done), desc=description, unit="run", smoothing=0.1)
    log = RunLog(folder / RUNS_DIR)
    try:
        for row in map_jobs(_run_point, jobs, executor, workers):
            log.add(row)
            if bar:
                bar.update()
    finally:
        log.flush()  # also on Ctrl-C: every run finished so far is kept
        if bar:
            bar.close()
    table = read_runs(folder)
    if len(table) != total:  # cannot happen unless files were removed while running
        raise SweepError(f"{folder}: {len(table)} of {total} runs found after the sweep")
    columns = sweep_columns(table, parameters)
    write_table_atomic(table, folder / TABLE_FILE, field_metadata(columns))
    write_table_atomic(table, folder / "sweep.csv")
    write_table_atomic(
        columns_csv({TABLE_FILE: columns, "sweep.csv": columns}), folder / COLUMNS_FILE
    )
    return SweepResult(table, parameters, folder, computed=len(jobs), reused=len(done))


def sweep_columns(table: pd.DataFrame, parameters: list[Parameter]) -> list[Column]:
    """Unit and meaning of every column of a sweep's table: keys, parameters, outcomes."""
    varied = {p.path for p in parameters}
    return [
        SWEEP_KEYS.get(name) or (parameter_column(name) if name in varied else describe(name))
        for name in table.columns
    ]


def _plain(value: float, parameter: Parameter) -> float | int:
    return int(value) if parameter.integer else float(value)


def _normalise(spec: dict) -> dict:
    """The spec as it reads back from JSON, so a fresh spec compares equal to a saved one."""
    return json.loads(json.dumps(spec))


def _prepare_folder(folder: Path, spec: dict, resume: bool) -> None:
    spec_file = folder / SPEC_FILE
    if spec_file.exists():
        try:
            saved = json.loads(spec_file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise SweepError(f"{spec_file}: cannot read the saved sweep ({error})") from None
        if saved != spec:
            differing = next((k for k in spec if saved.get(k) != spec[k]), "format")
            raise SweepError(
                f"{folder}: holds a different sweep ({differing} differs): choose another --out"
            )
        if not resume:
            raise SweepError(
                f"{folder}: already holds this sweep: add --resume to continue it (only missing "
                "runs are computed) or choose another --out"
            )
    else:
        write_text_atomic(spec_file, json.dumps(spec, indent=1))
    (folder / RUNS_DIR).mkdir(parents=True, exist_ok=True)
    tidy(folder, depth=1)  # parts a killed sweep was writing (never one a live sweep holds)


def sweep_scenario(
    scenario: Scenario,
    parameters: list[Parameter],
    samples: int,
    design: str,
    out: str | Path,
    **options,
) -> SweepResult:
    """Sweep the model: a design over ``parameters`` run on ``scenario`` (see ``run_sweep``).

    ``posterior=`` (a :class:`Posterior`) draws each replication's free parameters from it.
    """
    points = design_points(parameters, samples, design, scenario.seed)
    posterior = options.pop("posterior", None)
    options.setdefault("seed", scenario.seed)
    options.setdefault("description", scenario.name)
    return run_sweep(ModelEvaluator(scenario, posterior), parameters, points, out, **options)
