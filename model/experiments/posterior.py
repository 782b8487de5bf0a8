"""A posterior sample of a scenario's free parameters, and runs that draw from it.

A posterior file (Parquet) has one row per sample: a column per parameter (a dotted scenario path,
policies by name, e.g. ``households.profit_sensitivity``), ``weight`` (the samples' weights, any
positive scale), and optionally ``distance`` and its components. ``balloon calibrate`` writes it;
a scenario names it under ``posterior:`` (a path relative to the scenario file), and
``balloon run --posterior`` (likewise ``compare`` and ``sweep``) draws one sample per
replication: replication ``i`` always draws the same sample (from its own seed), whatever the
executor, so a run with the posterior is as reproducible as one without.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from model.experiments.targets import WEIGHTS
from model.files import write_table_atomic
from model.scenario.loading import ScenarioError, with_parameters
from model.scenario.schema import Scenario

#: Columns of a posterior file that are not parameters: the weight, the distance and its parts
#: (every weighted part, and the spraying effect measured beside its gap).
NOT_PARAMETERS = ("weight", "distance", *WEIGHTS, "spraying_effect")


@dataclass(frozen=True)
class Posterior:
    """Posterior samples: ``table`` has one column per parameter path and a ``weight`` column.

    Attributes:
        table: the samples.
        source: where they were read from (for messages and the manifest).

    """

    table: pd.DataFrame
    source: str = ""

    @classmethod
    def read(cls, path: str | Path, scenario: Scenario | None = None) -> Posterior:
        """Read and check a posterior file; every problem is a one-line ``ScenarioError``.

        Args:
            path: the Parquet file.
            scenario: if given, every parameter must be a path this scenario has.

        """
        path = Path(path)
        try:
            table = pd.read_parquet(path)
        except FileNotFoundError:
            raise ScenarioError(path, "", "posterior file not found") from None
        except (OSError, ValueError) as error:
            first = str(error).splitlines()[0] if str(error) else type(error).__name__
            raise ScenarioError(path, "", f"not a readable Parquet posterior ({first})") from None
        posterior = cls(table, str(path))
        posterior.check(scenario)
        return posterior

    def check(self, scenario: Scenario | None = None) -> None:
        """Raise a one-line ``ScenarioError`` for a malformed posterior."""
        table, source = self.table, self.source
        if "weight" not in table.columns:
            raise ScenarioError(source, "weight", "the posterior has no weight column")
        if not self.parameters:
            raise ScenarioError(source, "", "the posterior has no parameter columns")
        if len(table) == 0:
            raise ScenarioError(source, "", "the posterior has no samples")
        for column in [*self.parameters, "weight"]:
            values = pd.to_numeric(table[column], errors="coerce").to_numpy(dtype=float)
            if not np.isfinite(values).all():
                raise ScenarioError(source, column, "holds missing, infinite or non-numeric values")
        weights = table["weight"].to_numpy(dtype=float)
        if (weights < 0).any() or weights.sum() <= 0:
            raise ScenarioError(source, "weight", "weights must be non-negative and not all 0")
        if scenario is not None:
            with_parameters(scenario, self.sample(0), f"{source} (posterior)")

    @property
    def parameters(self) -> list[str]:
        """The parameter paths."""
        return [c for c in self.table.columns if c not in NOT_PARAMETERS]

    @property
    def weights(self) -> np.ndarray:
        """The samples' weights, summing to 1."""
        weights = self.table["weight"].to_numpy(dtype=float)
        return weights / weights.sum()

    def __len__(self) -> int:
        """Number of samples."""
        return len(self.table)

    def sample(self, index: int) -> dict[str, float]:
        """The parameter values of sample ``index``."""
        row = self.table.iloc[index]
        return {path: float(row[path]) for path in self.parameters}

    def draw(self, seed: int) -> int:
        """The sample a replication with this seed uses: a weighted draw from its own stream."""
        rng = np.random.default_rng(np.random.SeedSequence([int(seed), 0x5EED]))
        return int(rng.choice(len(self), p=self.weights))

    def quantile(self, q: float) -> dict[str, float]:
        """The weighted ``q`` quantile of every parameter."""
        return {
            path: weighted_quantile(self.table[path], self.weights, q) for path in self.parameters
        }

    def medians(self) -> dict[str, float]:
        """The weighted posterior median of every parameter."""
        return self.quantile(0.5)

    def scenario(self, scenario: Scenario, index: int) -> Scenario:
        """``scenario`` with the parameters of sample ``index``."""
        return with_parameters(scenario, self.sample(index), f"{self.source} (posterior)")

    def write(self, path: str | Path) -> Path:
        """Write the samples as a Parquet file, atomically."""
        return write_table_atomic(self.table, path)


def weighted_quantile(values, weights, q: float) -> float:
    """The ``q`` quantile of weighted values (midpoint rule)."""
    values = np.asarray(values, dtype=float)
    weights = np.asarray(weights, dtype=float)
    order = np.argsort(values)
    values, weights = values[order], weights[order]
    cumulative = (np.cumsum(weights) - 0.5 * weights) / weights.sum()
    return float(np.interp(q, cumulative, values))


def scenario_posterior(scenario: Scenario) -> Posterior:
    """The posterior a scenario names (``posterior:``), checked against it.

    Raises:
        ScenarioError: if the scenario names none, or the file is missing or malformed.

    """
    if scenario.posterior is None:
        raise ScenarioError(
            scenario.name, "posterior", "the scenario names no posterior file (posterior: FILE)"
        )
    return Posterior.read(scenario.posterior, scenario)
