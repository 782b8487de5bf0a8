"""The EMA workbench drives the balloon model: a scenario as an ``ema_workbench`` model object.

:func:`ema_model` turns a scenario, named parameter ranges and outcome names into a ``Model`` (or,
with several replications, a ``ReplicatorModel``), so that exploratory-modelling users run
``perform_experiments`` with the workbench's own samplers (Latin hypercube, Sobol, Morris ...) and
evaluators (``SequentialEvaluator``, ``MultiprocessingEvaluator``)::

    from ema_workbench import MultiprocessingEvaluator, perform_experiments
    from model import ema_model, load_scenario

    emm = ema_model(load_scenario("plan_colombia"),
                    {"market.demand_elasticity": (-1.0, -0.3)},
                    ["net_reduction_ha", "displacement_ratio_across"],
                    counterfactual=load_scenario("baseline"))
    with MultiprocessingEvaluator(emm, n_processes=2) as evaluator:
        experiments, outcomes = evaluator.perform_experiments(scenarios=50)

Without a counterfactual, outcomes are a run's own outcome metrics (``final_ha_total``,
``change_ha_peru`` ... see :data:`model.columns.OUTCOMES`); with one, they are the balloon metrics
of the policy against it (:data:`model.columns.BALLOON_METRICS`), both run on the same seed.

EMA names must be Python identifiers, so a dotted scenario path becomes an uncertainty named with
double underscores (``market__demand_elasticity``) whose ``variable_name`` is the path; the
experiments table has the former, the model receives the latter. Every experiment runs on the
same replication seeds (common random numbers), derived from the scenario's (or the
counterfactual's) seed as everywhere in the project.

``ema_workbench`` is in the ``explore`` extra: ``pip install 'balloon-effect[explore]'``.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import import_module
from types import ModuleType
from typing import Any

import numpy as np

from model.columns import BALLOON_METRICS, OUTCOMES
from model.experiments.paired import PairedEvaluator, pick_target
from model.experiments.pressure import Target, Window
from model.experiments.runner import replication_seeds
from model.experiments.sweep import Evaluator, ModelEvaluator, Parameter, scenario_parameter
from model.scenario.loading import ScenarioError
from model.scenario.schema import Scenario

SEED = "seed"


@contextmanager
def quiet_ema() -> Iterator[None]:
    """Silence the workbench's own deprecation notices (and its ipyparallel notice) in a block.

    ema_workbench 3.0 still uses pandas features that pandas 3 deprecates (``inplace=True``); those
    warnings come from the workbench's code, not ours, and ours stay errors in the tests.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="ipyparallel not installed")
        for category in (DeprecationWarning, FutureWarning):
            warnings.filterwarnings("ignore", category=category, module=r"ema_workbench(\.|$)")
        yield


def load_ema(module: str = "") -> ModuleType:
    """``ema_workbench`` (or its ``module``, e.g. ``analysis.prim``), imported quietly.

    Raises:
        ImportError: with the install command, if the ``explore`` extra is not installed.

    """
    try:
        with quiet_ema():
            # The workbench warns on import when ipyparallel (its cluster evaluator) is absent;
            # the project runs on its own executors and on EMA's multiprocessing evaluator.
            found = import_module(f"ema_workbench.{module}" if module else "ema_workbench")
    except ImportError as error:
        raise ImportError(
            f"the EMA workbench is not installed ({error}): pip install 'balloon-effect[explore]'"
        ) from None
    return found


def ema_name(path: str) -> str:
    """An EMA name (a Python identifier) for a dotted scenario path: ``a.b`` -> ``a__b``."""
    return path.replace(".", "__").replace("-", "_")


def known_outcomes(scenario: Scenario, paired: bool) -> list[str]:
    """Outcome names a model of ``scenario`` can report (balloon metrics if ``paired``)."""
    if paired:
        return list(BALLOON_METRICS)
    countries = sorted({region.country for region in scenario.resolved_regions()})
    per_country = [f"{prefix}_{c}" for prefix in ("final_ha", "change_ha") for c in countries]
    return list(OUTCOMES) + per_country


@dataclass(frozen=True)
class EmaFunction:
    """The callable an EMA model runs: keyword arguments in, a dict of outcomes out (picklable).

    EMA passes each uncertainty under its ``variable_name`` (the dotted scenario path) and the
    replication's ``seed``.
    """

    evaluator: Evaluator
    outcomes: tuple[str, ...]

    def __call__(self, **values: Any) -> dict[str, float]:
        """Run the evaluator at ``values`` on ``values['seed']``; keep the named outcomes."""
        seed = int(values.pop(SEED))
        metrics = self.evaluator(values, seed)
        return {name: metrics[name] for name in self.outcomes}


def _parameters(
    scenarios: list[Scenario], parameters: Mapping[str, tuple[float, float]] | Sequence[Parameter]
) -> list[Parameter]:
    if isinstance(parameters, Mapping):
        parameters = [Parameter(path, *bounds) for path, bounds in parameters.items()]
    if not parameters:
        raise ScenarioError("parameters", "", "give at least one parameter range")
    checked = []
    for parameter in parameters:
        source = f"parameter {parameter.path}={parameter.low}:{parameter.high}"
        if not parameter.low < parameter.high:
            raise ScenarioError(source, parameter.path, "low must be below high")
        each = [scenario_parameter(s, parameter.path, parameter.low, parameter.high, source)
                for s in scenarios]  # fmt: skip
        checked.append(each[0])
    return checked


def ema_model(
    scenario: Scenario,
    parameters: Mapping[str, tuple[float, float]] | Sequence[Parameter],
    outcomes: Sequence[str],
    *,
    counterfactual: Scenario | None = None,
    target: Target | str | None = None,
    window: Window | str | None = None,
    replications: int = 1,
    seed: int | None = None,
    name: str | None = None,
):
    """An ``ema_workbench`` model of a scenario (or of a policy against its counterfactual).

    Args:
        scenario: the scenario (the policy, if ``counterfactual`` is given).
        parameters: uncertainties: ``{dotted path: (low, high)}`` or sweep ``Parameter`` objects;
            whole-number keys become ``IntegerParameter``. Each is checked against the scenarios.
        outcomes: outcome names (see :func:`known_outcomes`).
        counterfactual: the scenario without the policy; outcomes are then balloon metrics and
            the parameters are set on both scenarios.
        target: with a counterfactual, where the policy pushes (``country[:region,...]``); default:
            the country that loses most coca in one paired run of the scenarios as they are.
        window: with a counterfactual, months to measure over (``YYYY-MM:YYYY-MM``); default: the
            policy's months of extra pressure.
        replications: runs per experiment on common seeds; above 1 the model is a
            ``ReplicatorModel`` whose outcomes are the mean over replications.
        seed: root of the replication seeds (default: the counterfactual's, else the scenario's).
        name: the EMA model name (an identifier; default from the scenario's name).

    Returns:
        An ``ema_workbench.Model`` or ``ReplicatorModel`` ready for ``perform_experiments``.

    Raises:
        ScenarioError: for a parameter path or bound the scenarios refuse, or an unknown outcome.
        ImportError: if ``ema_workbench`` is not installed.

    """
    ema = load_ema()
    scenarios = [scenario] if counterfactual is None else [scenario, counterfactual]
    checked = _parameters(scenarios, parameters)
    known = known_outcomes(scenario, counterfactual is not None)
    unknown = [o for o in outcomes if o not in known]
    if unknown or not outcomes:
        raise ScenarioError(
            "outcomes", unknown[0] if unknown else "", f"choose from {', '.join(known)}"
        )
    seed = seed if seed is not None else scenarios[-1].seed
    seeds = replication_seeds(seed, replications)
    if counterfactual is None:
        evaluator: Evaluator = ModelEvaluator(scenario)
    else:
        if isinstance(target, str):
            target = Target.parse(target)
        if isinstance(window, str):
            window = Window.parse(window)
        target = target or pick_target(scenario, counterfactual, seeds[0])
        evaluator = PairedEvaluator(scenario, counterfactual, target, window)
    function = EmaFunction(evaluator, tuple(outcomes))
    model_name = name or ema_name(scenario.name)
    if replications == 1:
        model = ema.Model(model_name, function=function)
        model.constants = [ema.Constant(SEED, seeds[0])]
    else:
        model = ema.ReplicatorModel(model_name, function=function)
        model.replications = [{SEED: s} for s in seeds]
    model.uncertainties = [_uncertainty(ema, p) for p in checked]
    aggregate = None if replications == 1 else np.nanmean
    model.outcomes = [ema.ScalarOutcome(o, function=aggregate) for o in outcomes]
    return model


def _uncertainty(ema: ModuleType, parameter: Parameter):
    if parameter.integer:
        return ema.IntegerParameter(
            ema_name(parameter.path),
            round(parameter.low),
            round(parameter.high),
            variable_name=parameter.path,
        )
    return ema.RealParameter(
        ema_name(parameter.path), parameter.low, parameter.high, variable_name=parameter.path
    )
