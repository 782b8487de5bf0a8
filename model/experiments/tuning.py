"""Interactive tuning: a few behaviour parameters and extra eradication, re-run in well under a second.

The tuning notebook (``notebooks/02_tune_parameters.ipynb``) wires sliders to
:class:`model.experiments.tuning_session.TuningSession`; nothing here depends on widgets, so tests
call it directly. A :class:`Tuner` runs a base scenario cut to a short window at a small scale
(speed is what makes tuning interactive), and compares each tuned run with its counterfactual: the
same parameters without the extra eradication, on the same seed. Runs are cached, so moving only an
eradication slider costs one model run.

The figure of a re-run is :class:`model.figures.tuning.TuningFigure`;
:func:`model.experiments.tuned_scenario.save_tuned` writes what was tuned as a scenario file.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache

import pandas as pd

from model.columns import BALLOON_METRICS
from model.experiments import metrics
from model.experiments.pressure import Target, Window
from model.scenario.fields import parse_month
from model.scenario.loading import ScenarioError, with_parameters
from model.scenario.schema import Scenario
from model.sim.model import BalloonModel

#: The tuning notebook's window and scale: ten years around Plan Colombia's peak (pressure from
#: 2001 shows its displacement over several years: the 15-month maturity delay, migration and
#: trafficker entry), at about 2,500 simulated households; a run costs a few milliseconds a month
#: whatever the scale, so the window decides the time of a re-run.
WINDOW = ("2000-01", "2009-12")
SCALE = 0.01
METHODS = ("manual", "aerial")
SHOWN_METRICS = (
    "removed_ha",
    "displacement_ratio",
    "displacement_ratio_within",
    "displacement_ratio_across",
    "net_reduction_ha",
    "wholesale_price_change",
)


@dataclass(frozen=True)
class Knob:
    """A tunable scenario parameter and its slider.

    Attributes:
        path: dotted path in the scenario (``market.demand_elasticity``).
        label: slider label, with the unit the slider shows.
        low, high, step: slider range and step, in slider units.
        factor: scenario value = slider value x factor (e.g. US$ million -> US$).

    """

    path: str
    label: str
    low: float
    high: float
    step: float
    factor: float = 1.0

    def read(self, scenario: Scenario) -> float:
        """The scenario's value, in slider units."""
        node = scenario
        for part in self.path.split("."):
            node = getattr(node, part)
        return round(float(node) / self.factor, 9)


KNOBS = {
    "demand_elasticity": Knob(
        "market.demand_elasticity", "demand elasticity of cocaine", -1.5, 0.0, 0.05
    ),
    "replant_forced": Knob(
        "households.replant_forced", "replanted after forced eradication (share)", 0.0, 1.0, 0.05
    ),
    "migration_rate": Knob(
        "households.migration_rate", "migration (monthly chance to move)", 0.0, 0.1, 0.005
    ),
    "entry_cost_musd": Knob(
        "traffickers.entry_cost_usd", "trafficker entry cost (US$ million)", 0.0, 10.0, 0.25, 1e6
    ),
    "armed_protection": Knob(
        "armed_groups.protection", "armed protection (reach removed, share)", 0.0, 1.0, 0.05
    ),
}


@dataclass(frozen=True)
class Tuning:
    """What a user set: parameter values and extra eradication per country.

    Attributes:
        parameters: slider values by knob name (:data:`KNOBS`), in slider units.
        eradication_ha: extra eradication per country, hectares per year, on top of the base
            scenario's own policies.
        method: ``manual`` or ``aerial`` eradication.
        start: first month of the extra eradication.

    """

    parameters: dict[str, float] = field(default_factory=dict)
    eradication_ha: dict[str, float] = field(default_factory=dict)
    method: str = "manual"
    start: date | None = None

    def without_eradication(self) -> Tuning:
        """The same parameters without extra eradication: the counterfactual's tuning."""
        return replace(self, eradication_ha={})

    @property
    def extra(self) -> dict[str, float]:
        """Countries with extra eradication, and how much."""
        return {c: float(ha) for c, ha in self.eradication_ha.items() if ha > 0}


def knob_values(scenario: Scenario) -> dict[str, float]:
    """Every knob's value in a scenario, in slider units."""
    return {name: knob.read(scenario) for name, knob in KNOBS.items()}


def scenario_countries(scenario: Scenario) -> list[str]:
    """Countries of a scenario's world, in the order of its regions."""
    return list(dict.fromkeys(r.country for r in scenario.resolved_regions()))


def apply_tuning(base: Scenario, tuning: Tuning, source: str = "tuning") -> Scenario:
    """A copy of ``base`` with the tuned parameters and the extra eradication policies.

    Raises:
        ScenarioError: for an unknown knob or country, or a value the schema refuses.

    """
    values = {}
    for name, value in tuning.parameters.items():
        if name not in KNOBS:
            raise ScenarioError(source, name, f"unknown knob (known: {', '.join(KNOBS)})")
        values[KNOBS[name].path] = float(value) * KNOBS[name].factor
    scenario = with_parameters(base, values, source) if values else base
    extra = tuning.extra
    if not extra:
        return scenario
    if tuning.method not in METHODS:
        raise ScenarioError(source, "method", f"use {' or '.join(METHODS)}, not {tuning.method!r}")
    start = parse_month(tuning.start or base.start)
    policies = [p.model_dump(mode="json") for p in scenario.policies]
    for country, hectares in extra.items():
        policies.append(
            {
                "instrument": f"{tuning.method}_eradication",
                "country": country,
                "schedule": [{"start": f"{start:%Y-%m}", "value": hectares}],
                "note": f"extra {tuning.method} eradication set in the tuning notebook",
            }
        )
    return with_parameters(scenario, {"policies": policies}, source)


@lru_cache(maxsize=16)
def _run(scenario_json: str, seed: int) -> BalloonModel:
    return BalloonModel(Scenario.model_validate_json(scenario_json), rng=seed).run()


def run_cached(scenario: Scenario, seed: int) -> tuple[BalloonModel, bool]:
    """Run a scenario on a seed, reusing the run if the same scenario ran on it before.

    Returns:
        The finished model and whether it was computed now (False: taken from the cache).

    """
    text = scenario.model_dump_json()
    misses = _run.cache_info().misses
    model = _run(text, seed)
    return model, _run.cache_info().misses > misses


@dataclass
class TunedRun:
    """One re-run: the tuned model, its counterfactual, the metrics and how long it took."""

    tuning: Tuning
    scenario: Scenario
    model: BalloonModel
    counterfactual: BalloonModel
    untuned: BalloonModel
    metrics: pd.DataFrame | None
    target: str | None
    eradicated_ha_yr: dict[str, float]
    seed: int
    seconds: float
    runs_computed: int

    def timing(self) -> str:
        """One line: how long the re-run took and how many model runs it needed."""
        months = self.scenario.months
        return (
            f"re-ran {self.scenario.name} ({months} months, households.scale "
            f"{self.scenario.households.scale:g}) in {self.seconds:.2f} s: "
            f"{self.runs_computed} model run(s) computed, the others reused"
        )


def recorded_before(base: Scenario, month: date) -> bool:
    """Whether any policy or event of ``base`` acts before ``month`` (a recorded history does)."""
    acting = [entry.start for policy in base.policies for entry in policy.schedule if entry.value]
    acting += [event.date for event in base.events]
    return any(when < month for when in acting)


class Tuner:
    """Re-runs a base scenario, cut to a short window, with a user's tuning.

    Args:
        base: the base scenario (its own dates are kept in saved files).
        start: first month of the tuning window (the base's own start if its policies or events
            act earlier: a history is not cut from its past).
        end: last month of the tuning window.
        scale: simulated households per real one while tuning.
        seed: the seed of every run (default: the base scenario's), so runs differ only by tuning.

    """

    def __init__(self, base: Scenario, start: str, end: str, scale: float, seed: int | None = None):
        self.base = base
        self.window_start = parse_month(start)  # extra eradication starts here by default
        if recorded_before(base, self.window_start):
            start = f"{base.start:%Y-%m}"  # a history keeps its past: the window starts with it
        self.short = with_parameters(
            base, {"start": start, "end": end, "households.scale": scale}, "tuning window"
        )
        self.seed = base.seed if seed is None else seed

    def run(self, tuning: Tuning) -> TunedRun:
        """Run the tuned scenario, its counterfactual and the untuned base (cached) on one seed."""
        clock = time.perf_counter()
        tuning = replace(tuning, start=tuning.start or self.window_start)
        scenario = apply_tuning(self.short, tuning)
        computed = 0
        models = []
        for each in (scenario, apply_tuning(self.short, tuning.without_eradication()), self.short):
            model, fresh = run_cached(each, self.seed)
            models.append(model)
            computed += fresh
        model, counterfactual, untuned = models
        table, target, done = None, None, {}
        extra = tuning.extra
        if extra:
            target = max(extra, key=extra.get)
            start = max(pd.Timestamp(parse_month(tuning.start or self.short.start)),
                        pd.Timestamp(self.short.start))  # fmt: skip
            window = Window(start, pd.Timestamp(self.short.end))
            table = balloon_summary(model, counterfactual, Target(target), window)
            done = extra_eradication(model, counterfactual, window, list(extra))
        seconds = time.perf_counter() - clock
        return TunedRun(tuning, scenario, model, counterfactual, untuned, table, target, done,
                        self.seed, seconds, computed)  # fmt: skip


def balloon_summary(
    model: BalloonModel, counterfactual: BalloonModel, target: Target, window: Window
) -> pd.DataFrame:
    """The metrics of :data:`SHOWN_METRICS` for one pair of runs: value, unit and meaning.

    Only these few are computed (not every metric of ``balloon_metrics``): it keeps a re-run fast.
    """
    regions, base = model.regions, counterfactual.regions
    parts = metrics.displacement_components(regions, base, target, window)
    values = {
        "removed_ha": parts.removed_ha.iloc[0],
        **metrics.displacement_ratios(parts).iloc[0].to_dict(),
        "net_reduction_ha": metrics.net_reduction_ha(regions, base, window).iloc[0],
        "wholesale_price_change": metrics.wholesale_price_change(
            model.system, counterfactual.system, window
        ).iloc[0],
    }
    return pd.DataFrame(
        {
            "value": [float(values[name]) for name in SHOWN_METRICS],
            "unit": [BALLOON_METRICS[name].unit for name in SHOWN_METRICS],
            "meaning": [BALLOON_METRICS[name].meaning for name in SHOWN_METRICS],
        },
        index=pd.Index(SHOWN_METRICS, name="metric"),
    )


def extra_eradication(
    model: BalloonModel, counterfactual: BalloonModel, window: Window, countries: list[str]
) -> dict[str, float]:
    """Extra hectares eradicated per year over the window, per country, against the counterfactual.

    Backlash and the reach limit can keep it below what was asked for.
    """

    def yearly(table: pd.DataFrame) -> pd.Series:
        inside = table[window.mask(table.date) & table.country.isin(countries)]
        return inside.groupby("country").eradicated_ha.sum() * 12 / window.months

    return (yearly(model.countries) - yearly(counterfactual.countries)).to_dict()
