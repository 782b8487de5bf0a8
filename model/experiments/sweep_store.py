"""Where a sweep keeps its finished runs: parquet parts under ``runs/``, written atomically.

A part is written at most every second (and when the sweep ends or is interrupted), one row per
finished run: its keys (:data:`KEY_COLUMNS`), parameter values, outcome metrics and ``error``
(empty for a run that succeeded). :func:`read_runs` reads a run's latest outcome, so a failed run
that succeeds on ``--resume`` is read as its success.
"""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd

from model.files import write_table_atomic

RUNS_DIR = "runs"
KEY_COLUMNS = ("run", "point", "replication", "seed")
#: The column with a failed run's error (one line); empty for a run that succeeded.
ERROR = "error"


class SweepError(ValueError):
    """Bad sweep input or an output folder that holds something else; the message is one line."""


class RunLog:
    """Finished runs, saved in batches as parquet parts under atomic names.

    A part is written at most every ``interval`` seconds (and when the sweep ends or is interrupted),
    so a killed sweep loses at most that much work, and thousands of fast runs do not make
    thousands of files.
    """

    def __init__(self, folder: Path, interval: float = 1.0):
        self.folder, self.interval = folder, interval
        self.rows: list[dict] = []
        self.last_flush = time.monotonic()

    def add(self, row: dict) -> None:
        """Keep a finished run; write the batch if the last write is ``interval`` old."""
        self.rows.append(row)
        if time.monotonic() - self.last_flush >= self.interval:
            self.flush()

    def flush(self) -> None:
        """Write the runs kept since the last flush as one part."""
        if self.rows:
            first = min(row["run"] for row in self.rows)
            name = f"part-{first:07d}-{time.time_ns():x}.parquet"
            write_table_atomic(pd.DataFrame(self.rows), self.folder / name)
            self.rows = []
        self.last_flush = time.monotonic()


def completed_runs(folder: Path, total: int, seeds: list[int], replications: int) -> set[int]:
    """Run indices already saved and not failed, each checked against the spec's seed."""
    keys = read_runs(folder, columns=["run", "seed", ERROR])
    keys = keys[keys[ERROR] == ""]
    for run, seed in zip(keys.run, keys.seed, strict=True):
        if not 0 <= run < total or seed != seeds[run % replications]:
            raise SweepError(
                f"{folder / RUNS_DIR}: run {run} with seed {seed} does not belong to this sweep"
            )
    if keys.run.duplicated().any():  # only if someone copied parts around by hand
        raise SweepError(
            f"{folder / RUNS_DIR}: holds run {keys.run[keys.run.duplicated()].iloc[0]} twice"
        )
    return set(int(run) for run in keys.run)


def read_runs(folder: str | Path, columns: list[str] | None = None) -> pd.DataFrame:
    """All saved runs of a sweep folder, one row per run, sorted by run index.

    A run that failed and was run again later is read as its latest outcome: a success if it
    had one, else its last failure.
    """
    parts = sorted((Path(folder) / RUNS_DIR).glob("part-*.parquet"), key=_written)
    if not parts:
        return pd.DataFrame(columns=columns or [*KEY_COLUMNS, ERROR])
    table = pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True)
    # Parts of sweeps made before failures were recorded have no error column.
    table[ERROR] = table[ERROR].fillna("") if ERROR in table else ""
    ok = table[ERROR] == ""
    stale = ~ok & (table.run.isin(table.run[ok]) | table.duplicated("run", keep="last"))
    table = table[~stale].sort_values("run", kind="stable", ignore_index=True)
    table = table[[c for c in table.columns if c != ERROR] + [ERROR]]
    return table if columns is None else table[columns]


def _written(part: Path) -> tuple[int, str]:
    """When a part was written (its name: ``part-FIRSTRUN-NANOSECONDS.parquet``, hexadecimal)."""
    try:
        return int(part.stem.rsplit("-", 1)[1], 16), part.name
    except (IndexError, ValueError):
        return 0, part.name
