"""A pyabc sampler whose posterior does not depend on the executor or the number of workers.

pyabc's parallel samplers accept whichever candidate finishes first and draw each candidate's
proposal from the random state of whichever worker runs it, so the same calibration gives a
different posterior on 2 workers than on 8. :class:`SeededSampler` instead numbers every
candidate of a generation, seeds each from (seed, generation, number) before pyabc draws its
proposal and the model its run, evaluates them in batches in that order on any executor, and
accepts them in that order until the population is full. Candidates of the last batch after the
population is full are run but discarded, so the result is the same as running them one by one.
"""

from __future__ import annotations

import math
import threading
from concurrent.futures import Executor

import cloudpickle
import numpy as np
from pyabc.sampler import Sampler

#: Candidates in the first batch of a generation, before its acceptance rate is known.
FIRST_BATCH = 16

# pyabc proposes from numpy's global random state, which threads of one process share: a thread
# pool runs candidates one at a time (processes and Dask workers each have their own state).
_GLOBAL_STATE = threading.Lock()


def seeded_candidate(payload: bytes, seed: int, generation: int, number: int):
    """Run one candidate: seed numpy's global state (pyabc's proposals, the model's seed)."""
    simulate_one = cloudpickle.loads(payload)
    words = np.random.SeedSequence(seed, spawn_key=(generation + 1, number)).generate_state(4)
    with _GLOBAL_STATE:
        np.random.seed(words)
        return simulate_one()


class SeededSampler(Sampler):
    """Evaluate numbered, seeded candidates in batches; accept them in their order.

    Args:
        executor: where candidates run (``None``: in this process).
        seed: the calibration's seed.

    Attributes:
        runs: model runs computed in all, also those discarded after a population was full.

    """

    def __init__(self, executor: Executor | None, seed: int):
        super().__init__()
        self.executor, self.seed, self.runs = executor, seed, 0
        self._rate = 1.0  # the last generation's acceptance rate sizes the next batches

    def sample_until_n_accepted(self, n, simulate_one, t, *, max_eval=np.inf,
                                all_accepted=False, ana_vars=None):  # fmt: skip
        """Candidates 0, 1, 2... of generation ``t`` until ``n`` are accepted (pyabc's API)."""
        payload = cloudpickle.dumps(simulate_one)
        sample = self._create_empty_sample()
        considered = 0
        while sample.n_accepted < n and considered < max_eval:
            wanted = (n - sample.n_accepted) / max(self._rate, 1e-3)
            # pyabc's max_eval may be fractional (population / minimum acceptance rate)
            left = math.ceil(max_eval - considered) if math.isfinite(max_eval) else 4 * n
            size = max(1, int(min(max(math.ceil(wanted), FIRST_BATCH), 4 * n, left)))
            numbers = range(considered, considered + size)
            for particle in self._evaluate(payload, t, numbers):
                self.runs += 1
                if sample.n_accepted < n and considered < max_eval:
                    sample.append(particle)
                    considered += 1
        self.nr_evaluations_ = considered
        self._rate = max(sample.n_accepted, 1) / max(considered, 1)
        if sample.n_accepted < n:
            sample.ok = False
        return sample

    def _evaluate(self, payload: bytes, t: int, numbers: range):
        jobs = [(payload, self.seed, t, number) for number in numbers]
        if self.executor is None:
            return [seeded_candidate(*job) for job in jobs]
        return list(self.executor.map(seeded_candidate, *zip(*jobs, strict=True)))
