"""How experiments are run: replications of a scenario on an executor, with derived seeds.

What an experiment is lives in ``scenario.py``; how its results are analysed lives in
``metrics.py``. Here: each replication's seed comes from the scenario seed and the replication index
through ``numpy.random.SeedSequence``, so results are identical whatever executor or number of
workers runs them.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import (
    Executor,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
    as_completed,
)
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from model.compile_cache import announce_compiling
from model.experiments.posterior import Posterior
from model.scenario.schema import Scenario
from model.sim.model import BalloonModel

TABLES = ("regions", "countries", "system", "traffickers")


def replication_seeds(seed: int, n: int) -> list[int]:
    """Seeds of replications ``0..n-1`` of a scenario seeded with ``seed``.

    Replication ``i`` always gets the same seed, however many replications are run.
    """
    children = np.random.SeedSequence(seed).spawn(n)
    return [int(child.generate_state(2, np.uint64)[0] >> np.uint64(1)) for child in children]


@dataclass
class Run:
    """The tables of one replication."""

    replication: int
    seed: int
    tables: dict[str, pd.DataFrame]


def interrupted(error: BaseException) -> bool:
    """Whether ``error`` is, or was caused by, a Ctrl-C (``KeyboardInterrupt``).

    A Ctrl-C that arrives while a compiled (numba) function hands its result back to Python
    surfaces as ``SystemError: ... returned a result with an exception set``, caused by the
    ``KeyboardInterrupt``: it is an interruption all the same.
    """
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, KeyboardInterrupt):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


@contextmanager
def interruptions_as_such() -> Iterator[None]:
    """Raise ``KeyboardInterrupt`` for an error of the block that a Ctrl-C caused."""
    try:
        yield
    except Exception as error:
        if interrupted(error):
            raise KeyboardInterrupt from error
        raise


def run_one(scenario: Scenario, replication: int, seed: int) -> Run:
    """Run one replication and return its tables, each with a ``replication`` column."""
    with interruptions_as_such():
        model = BalloonModel(scenario, rng=seed).run()
    tables = {
        "regions": model.regions,
        "countries": model.countries,
        "system": model.system,
        "traffickers": model.trafficker_table,
    }
    for table in tables.values():
        table.insert(0, "replication", replication)
    return Run(replication, seed, tables)


def _run_job(job: tuple[Scenario, int, int]) -> Run:
    return run_one(*job)


@dataclass
class Results:
    """All replications of a scenario: concatenated tidy tables with a ``replication`` column."""

    scenario: Scenario
    seeds: list[int]
    tables: dict[str, pd.DataFrame] = field(repr=False)
    # With --posterior: the file, its number of samples and the sample each replication drew
    # (replication order).
    posterior: dict | None = None

    @property
    def regions(self) -> pd.DataFrame:
        """Monthly outputs per replication and region."""
        return self.tables["regions"]

    @property
    def countries(self) -> pd.DataFrame:
        """Monthly outputs per replication and country."""
        return self.tables["countries"]

    @property
    def system(self) -> pd.DataFrame:
        """Monthly system-wide outputs per replication."""
        return self.tables["system"]

    @property
    def traffickers(self) -> pd.DataFrame:
        """Monthly trafficker volumes per replication, organisation and source country."""
        return self.tables["traffickers"]

    @classmethod
    def from_runs(
        cls, scenario: Scenario, runs: Iterable[Run], posterior: dict | None = None
    ) -> Results:
        """Gather runs (in any order) into one result, sorted by replication."""
        runs = sorted(runs, key=lambda r: r.replication)
        tables = {
            name: pd.concat([r.tables[name] for r in runs], ignore_index=True) for name in TABLES
        }
        return cls(scenario, [r.seed for r in runs], tables, posterior)


def default_workers() -> int:
    """Worker processes used by default: every core."""
    return max(os.cpu_count() or 1, 1)


EXECUTORS = ("process", "thread", "inline", "dask")


def is_scheduler_address(executor) -> bool:
    """Whether ``executor`` names a Dask scheduler (``tcp://host:8786`` and the like)."""
    return isinstance(executor, str) and "://" in executor


@contextmanager
def dask_executor(scheduler: str | None = None, workers: int | None = None):
    """Yield a ``concurrent.futures`` executor backed by a Dask cluster.

    Args:
        scheduler: address of a running scheduler (``tcp://host:8786``); ``None`` starts a
            ``LocalCluster`` of worker processes on the loopback interface.
        workers: worker processes of the local cluster (default 2); ignored with a scheduler.

    """
    from distributed import Client, LocalCluster

    if scheduler:
        with Client(scheduler, timeout="20s") as client:
            yield client.get_executor(pure=False)
        return
    with (
        LocalCluster(
            n_workers=workers or 2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client.get_executor(pure=False)


@contextmanager
def make_executor(executor: str | Executor = "process", workers: int | None = None):
    """Yield an executor by name or pass one through.

    ``executor`` is ``process`` (all cores), ``thread``, ``inline`` (yields ``None``), ``dask``
    (a local Dask cluster), a Dask scheduler address such as ``tcp://host:8786``, or an
    ``Executor``.
    """
    if isinstance(executor, Executor):
        yield executor
    elif executor == "inline":
        yield None
    elif executor == "process":
        # forkserver: forking a process that has threads (numpy, pandas) can deadlock; the
        # server imports the model and loads its compiled loops once (model/worker_start.py).
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["model.experiments.worker_start"])
        with ProcessPoolExecutor(
            max_workers=workers or default_workers(), mp_context=context
        ) as pool:
            yield pool
    elif executor == "thread":
        with ThreadPoolExecutor(max_workers=workers or default_workers()) as pool:
            yield pool
    elif executor == "dask" or is_scheduler_address(executor):
        with dask_executor(None if executor == "dask" else executor, workers) as pool:
            yield pool
    else:
        raise ValueError(
            f"unknown executor {executor!r}: use process, thread, inline, dask "
            "or a Dask scheduler address such as tcp://host:8786"
        )


def map_jobs(function, jobs: list, executor: str | Executor = "process", workers=None,
             progress: bool = False, description: str = "runs") -> Iterator:  # fmt: skip
    """Apply ``function`` to every job on an executor, yielding results as they complete."""
    bar = None
    if progress:
        from tqdm.auto import tqdm

        announce_compiling()
        bar = tqdm(total=len(jobs), desc=description, unit="run")
    try:
        if executor == "inline" or (executor == "process" and len(jobs) <= 1):
            for job in jobs:
                yield function(job)
                if bar:
                    bar.update()
            return
        with make_executor(executor, workers) as pool:
            futures = [pool.submit(function, job) for job in jobs]
            try:
                for future in as_completed(futures):
                    yield future.result()
                    if bar:
                        bar.update()
            finally:
                # On Ctrl-C, an error or an abandoned generator, drop the runs not yet started
                # instead of computing them all while shutting the pool down.
                for future in futures:
                    future.cancel()
    finally:
        if bar:
            bar.close()


def run_replications(
    scenario: Scenario,
    replications: int | None = None,
    executor: str | Executor = "process",
    workers: int | None = None,
    progress: bool = False,
    done: Iterable[Run] = (),
    on_run: Callable[[Run], None] | None = None,
    posterior: Posterior | None = None,
) -> Results:
    """Run a scenario's replications, in parallel by default, and gather their tables.

    Args:
        scenario: the scenario.
        replications: how many (default: the scenario's ``replications``).
        executor: ``process`` (all cores), ``thread``, ``inline``, ``dask`` (a local Dask
            cluster), a Dask scheduler address (``tcp://host:8786``) or any
            ``concurrent.futures.Executor``.
        workers: worker processes for ``process``, ``thread`` and ``dask``.
        progress: show a progress bar.
        done: replications already run (e.g. saved by an interrupted run); not run again.
        on_run: called with each replication as it finishes, in this process (to save it).
        posterior: draw each replication's free parameters from these samples (replication
            ``i`` draws from its own seed, so the draw is the same on every executor).

    """
    n = replications or scenario.replications
    seeds = replication_seeds(scenario.seed, n)
    runs = {run.replication: run for run in done}
    draws = [posterior.draw(seed) for seed in seeds] if posterior is not None else None
    jobs = [
        (posterior.scenario(scenario, draws[i]) if draws else scenario, i, seed)
        for i, seed in enumerate(seeds)
        if i not in runs
    ]
    for run in map_jobs(_run_job, jobs, executor, workers, progress, scenario.name):
        if on_run is not None:
            on_run(run)
        runs[run.replication] = run
    used = (
        {"file": posterior.source, "samples_in_file": len(posterior), "samples": draws}
        if posterior is not None
        else None
    )
    return Results.from_runs(scenario, runs.values(), used)
