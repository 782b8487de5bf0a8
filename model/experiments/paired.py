"""One policy run against its counterfactual at parameter values, on one seed: its balloon metrics.

:class:`PairedEvaluator` is what ``balloon discover`` runs at each design point and what the EMA
workbench connector (:mod:`model.experiments.ema`) runs for a policy experiment. The parameters
describe the uncertain world, so they are set on both scenarios; both then run on the same seed
(common random numbers), so their difference is the policy's effect at that point, not noise.

The target (the country the policy pushes on) is fixed for the whole design, so displacement
ratios at different points measure the same thing; :func:`pick_target` picks it as
``balloon compare`` does, from one paired run of the scenarios as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from model.experiments.compare import default_target, default_window
from model.experiments.metrics import balloon_metrics
from model.experiments.pressure import Target, Window
from model.scenario.loading import with_parameters
from model.scenario.schema import Scenario
from model.sim.model import BalloonModel


@dataclass(frozen=True)
class PairedEvaluator:
    """Runs a policy and its counterfactual with the same parameter values on the same seed.

    Attributes:
        policy: the policy scenario.
        counterfactual: the scenario without the policy.
        target: where the policy pushes (the same at every point).
        window: months to measure over; ``None`` for the policy's months of extra pressure at each
            point (what ``balloon compare`` uses by default).

    """

    policy: Scenario
    counterfactual: Scenario
    target: Target
    window: Window | None = None

    def __call__(self, values: dict[str, Any], seed: int) -> dict[str, float]:
        """The balloon metrics of the pair with ``values`` set on both scenarios, on ``seed``."""
        policy = with_parameters(self.policy, values)
        counterfactual = with_parameters(self.counterfactual, values)
        window, pressure_end = default_window(policy, counterfactual)
        if self.window is not None:
            window, pressure_end = self.window, min(pressure_end, self.window.end)
        table = balloon_metrics(
            BalloonModel(policy, rng=seed).run(),
            BalloonModel(counterfactual, rng=seed).run(),
            self.target,
            window,
            pressure_end,
        )
        return {name: float(value) for name, value in table.iloc[0].items()}

    def fingerprint(self) -> dict:
        """Both scenarios, the target and the window: what the metrics depend on."""
        return {
            "policy": self.policy.model_dump(mode="json"),
            "counterfactual": self.counterfactual.model_dump(mode="json"),
            "target": str(self.target),
            "window": str(self.window) if self.window else None,
        }


def pick_target(policy: Scenario, counterfactual: Scenario, seed: int) -> Target:
    """The country that loses most coca to the policy, from one paired run on ``seed``.

    This is ``balloon compare``'s default target, found once for the scenarios as they are (before
    any parameter is varied).
    """
    window, _ = default_window(policy, counterfactual)
    return default_target(
        BalloonModel(policy, rng=seed).run(), BalloonModel(counterfactual, rng=seed).run(), window
    )
