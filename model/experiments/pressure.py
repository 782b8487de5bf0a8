"""Where and when a policy pushes: the months to measure over, the target, the months of pressure.

A :class:`Window` is the calendar months ``start`` to ``end``, both included; a :class:`Target` is a
country, optionally narrowed to some of its regions (see :mod:`model.experiments.metrics` for how
both enter the balloon metrics). :func:`policy_pressure` finds the months in which a policy scenario
adds pressure to its counterfactual, the default window of a comparison and the shading of figures.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from model.scenario.fields import parse_month
from model.sim.policies import schedule_values

REMOVAL_INSTRUMENTS = ("aerial_eradication", "manual_eradication", "alternative_development")


@dataclass(frozen=True)
class Window:
    """Calendar months ``start`` to ``end``, both included."""

    start: pd.Timestamp
    end: pd.Timestamp

    def __post_init__(self):
        """Normalise both ends to the first day of their month and check their order."""
        object.__setattr__(self, "start", pd.Timestamp(parse_month(pd.Timestamp(self.start))))
        object.__setattr__(self, "end", pd.Timestamp(parse_month(pd.Timestamp(self.end))))
        if self.end < self.start:
            raise ValueError(f"window end {self.end:%Y-%m} is before its start {self.start:%Y-%m}")

    @classmethod
    def parse(cls, text: str) -> Window:
        """Parse ``START:END`` written as ``YYYY-MM:YYYY-MM``."""
        start, sep, end = text.partition(":")
        if not sep:
            raise ValueError(f"window {text!r} is not START:END, e.g. 1997-01:2001-12")
        return cls(pd.Timestamp(parse_month(start)), pd.Timestamp(parse_month(end)))

    @property
    def months(self) -> int:
        """Number of months in the window."""
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    def mask(self, dates: pd.Series) -> pd.Series:
        """True for dates inside the window."""
        return (dates >= self.start) & (dates <= self.end)

    def __str__(self) -> str:
        """``YYYY-MM:YYYY-MM``."""
        return f"{self.start:%Y-%m}:{self.end:%Y-%m}"


@dataclass(frozen=True)
class Target:
    """Where the policy pushes: a country, optionally narrowed to some of its regions."""

    country: str
    regions: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str) -> Target:
        """Parse ``country`` or ``country:region,region``."""
        country, _, regions = text.partition(":")
        names = tuple(r.strip() for r in regions.split(",") if r.strip())
        if not country.strip():
            raise ValueError(f"target {text!r} names no country: write COUNTRY[:REGION,REGION]")
        return cls(country.strip(), names)

    def __str__(self) -> str:
        """``country`` or ``country:region,region``."""
        return self.country + (":" + ",".join(self.regions) if self.regions else "")


def _schedules(scenario) -> dict[tuple, np.ndarray]:
    """Monthly value of every instrument, per (instrument, country, region), summed."""
    out: dict[tuple, np.ndarray] = {}
    for policy in scenario.policies:
        key = (policy.instrument, policy.country, policy.region)
        values = schedule_values(policy.schedule, scenario)
        out[key] = out.get(key, 0.0) + values
    return out


def pressure_months(policy, counterfactual=None, instruments=None) -> pd.DatetimeIndex:
    """Months in which the policy scenario adds pressure to the counterfactual's.

    The model starts in equilibrium with each scenario's first month, so a difference in schedules
    that is already there in the first month is part of the starting state; pressure is where the
    difference departs from that first-month difference.

    Args:
        policy: the policy :class:`~model.scenario.Scenario`.
        counterfactual: the counterfactual scenario (default: one without any policy).
        instruments: instruments to look at (default: all).

    Returns:
        The months, on the policy scenario's calendar, where any instrument's scheduled value (per
        country or region) differs from the counterfactual's by another amount than in month one.

    """
    dates = pd.date_range(pd.Timestamp(policy.start), periods=policy.months, freq="MS")
    mine = _schedules(policy)
    theirs = {}
    if counterfactual is not None:
        shift = policy.month_index(counterfactual.start)
        for key, values in _schedules(counterfactual).items():
            aligned = np.zeros(policy.months)
            lo, hi = max(shift, 0), min(shift + len(values), policy.months)
            if hi > lo:
                aligned[lo:hi] = values[lo - shift : hi - shift]
            theirs[key] = aligned
    differs = np.zeros(policy.months, bool)
    for key in mine.keys() | theirs.keys():
        if instruments is not None and key[0] not in instruments:
            continue
        gap = np.asarray(mine.get(key, 0.0) - theirs.get(key, np.zeros(policy.months)))
        differs |= ~np.isclose(gap, gap[0])
    return dates[differs]


def policy_pressure(policy, counterfactual=None) -> pd.DatetimeIndex:
    """Months of extra removal pressure (eradication, substitution), else of any extra pressure.

    Removal instruments are what remove coca from a target; a scenario that only adds other
    instruments (interdiction) is measured over the months those differ.
    """
    months = pressure_months(policy, counterfactual, REMOVAL_INSTRUMENTS)
    return months if not months.empty else pressure_months(policy, counterfactual)


def pressure_spans(months: pd.DatetimeIndex) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """Contiguous runs of months as (first month, last month) pairs."""
    spans: list[tuple[pd.Timestamp, pd.Timestamp]] = []
    for month in sorted(months):
        if spans and month == spans[-1][1] + pd.DateOffset(months=1):
            spans[-1] = (spans[-1][0], month)
        else:
            spans.append((month, month))
    return spans
