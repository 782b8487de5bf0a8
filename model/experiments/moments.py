"""Published effects the calibrated history must reproduce, measured on paired model runs.

The cultivation record says where coca was, not how strongly it answered each instrument; that
comes from studies of the instruments (``LITERATURE.md``). Two of them are cheap enough to measure
on every calibration candidate, and they constrain parameters the record alone leaves loose:

- **Spraying.** More recorded Colombian spraying in 2001-2012 lowers Colombian coca by 0.02 to
  0.065 ha per extra hectare sprayed a year (Mejia 2016, Brookings: 0.02-0.065; 32 ha sprayed
  per ha eliminated, 0.031; Mejia, Restrepo & Rozo 2017: 0.022-0.03 locally), about 0.25 at
  most (Rozo 2013). Outside the band a run is penalised in units of that upper end, so 0.25
  costs a little and 0.5 much more. Measured on a second run of the same candidate and seed
  with 20% more spraying (common random numbers keep the pair in step).
- **No lasting shortage.** Retail prices fell through the 1990s and stayed low (Kennedy, Reuter
  & Riley: destroying much of the production moves retail prices little), so traffickers'
  inventories never ran dry for long: a run whose inventory is empty in many months of the
  window is far from that record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from model.scenario.policy_spec import ScheduleEntry
from model.scenario.schema import Scenario
from model.sim.policies import schedule_values

SPRAYING_BAND = (0.02, 0.065)  # ha of coca less per extra ha sprayed a year (model/data/market)
SPRAYING_AT_MOST = 0.25  # Rozo (2013): the unit of the penalty outside the band


@dataclass(frozen=True)
class SprayingExperiment:
    """More recorded spraying by one policy over some years: the paired run of the moment."""

    policy: str = "colombia_aerial"
    country: str = "colombia"
    years: tuple[int, int] = (2001, 2012)
    extra: float = 0.2

    def applies_to(self, scenario: Scenario) -> bool:
        """Whether the scenario has the policy (the history scenarios do)."""
        return any(p.name == self.policy for p in scenario.policies)

    def scenario(self, scenario: Scenario) -> Scenario:
        """The scenario with the policy's values raised in the months of the years, and only there.

        Entries that start before the years and carry on into them, or ramps that run past
        them, are split at the years' edges: the raised schedule is written month by month
        where it changes, from the first month of the years on.
        """
        policies = []
        for policy in scenario.policies:
            if policy.name == self.policy:
                policy = policy.model_copy(update={"schedule": self._raised(policy, scenario)})
            policies.append(policy)
        return scenario.model_copy(update={"policies": policies})

    def _raised(self, policy, scenario: Scenario) -> list[ScheduleEntry]:
        first = scenario.month_index(date(self.years[0], 1, 1))
        last = scenario.month_index(date(self.years[1], 12, 1))
        values = schedule_values(policy.schedule, scenario)
        months = np.arange(len(values))
        values = np.where((months >= first) & (months <= last), values * (1 + self.extra), values)
        begin = max(first, 0)
        kept = [e for e in policy.schedule if scenario.month_index(e.start) < begin]
        changes = [t for t in range(begin, len(values)) if t == begin or values[t] != values[t - 1]]
        written = [
            ScheduleEntry(start=_month_date(scenario, t), value=float(values[t])) for t in changes
        ]
        return kept + written

    def effect(self, base, more) -> float:
        """Coca less per extra hectare sprayed a year, ha/ha, from two finished models.

        Mean hectares of the country over the years, base minus more, divided by the extra
        hectares actually sprayed per year (capacity and reach can keep a plan from being met).
        NaN if no extra hectare was sprayed.
        """
        (base_ha, base_sprayed), (more_ha, more_sprayed) = (
            self._country_years(m) for m in (base, more)
        )
        extra_per_year = (more_sprayed - base_sprayed) / (self.years[1] - self.years[0] + 1)
        if extra_per_year <= 0:
            return float("nan")
        return float((base_ha - more_ha) / extra_per_year)

    def _country_years(self, model) -> tuple[float, float]:
        recorder, world = model.recorder, model.world
        T = recorder.months
        years = recorder.dates[:T].year
        inside = (years >= self.years[0]) & (years <= self.years[1])
        regions = np.asarray(world.country_of) == list(world.countries).index(self.country)
        hectares = recorder.region["hectares"][:T][inside][:, regions].sum(axis=1).mean()
        sprayed = recorder.region["sprayed_area_ha"][:T][inside][:, regions].sum()
        return float(hectares), float(sprayed)


SPRAYING = SprayingExperiment()


def _month_date(scenario: Scenario, t: int) -> date:
    months = scenario.start.year * 12 + scenario.start.month - 1 + t
    return date(months // 12, months % 12 + 1, 1)


def outside_band(
    value: float, band: tuple[float, float] = SPRAYING_BAND, unit: float = SPRAYING_AT_MOST
) -> float:
    """How far ``value`` lies outside ``band``, in ``unit``s (0 inside).

    NaN (no measurable effect) counts as a whole unit.
    """
    if not np.isfinite(value):
        return 1.0
    low, high = band
    return float(max(low - value, value - high, 0.0) / unit)


def empty_inventory_share(model, window: tuple[int, int]) -> float:
    """Share of the window's months in which traffickers' inventory ran dry (0 to 1)."""
    recorder = model.recorder
    T = recorder.months
    years = recorder.dates[:T].year
    inside = (years >= window[0]) & (years <= window[1])
    stock = recorder.system_column("stock_t")[inside]
    return float((stock <= 1e-9).mean()) if len(stock) else 0.0
