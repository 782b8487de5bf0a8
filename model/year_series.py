"""Dated inputs given as a few yearly points (year -> value), read at any month.

A point for year Y is that year's average level and sits in the middle of the year. Between two
points the value moves linearly; before the first point and after the last it is held flat. Month
k (1-12) of year Y sits at ``Y + (k - 6.5) / 12`` on that scale (the middle of the month): June
and July 1990 lie half a month either side of the 1990 point, so a year's months centre on its
point (where the series runs straight through it, they average to it exactly). A run reads a
series once, as a monthly array (:func:`series_by_month`), so the monthly loop only indexes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import numpy as np

YEAR_MIN = 1900
YEAR_MAX = 2200


def month_position(when: date) -> float:
    """Position of a month on the year scale of the points (its middle; year Y's point is at Y).

    Example: ``month_position(date(1990, 7, 1)) == 1990 + 0.5 / 12``.
    """
    return when.year + (when.month - 6.5) / 12.0


def _points(series: Mapping[int, float]) -> tuple[np.ndarray, np.ndarray]:
    if not series:
        raise ValueError("a dated series needs at least one point")
    years = np.array(sorted(series), dtype=float)
    values = np.array([series[int(y)] for y in years], dtype=float)
    return years, values


def value_at(series: Mapping[int, float], position: float) -> float:
    """The series at a position on the year scale (a year, or :func:`month_position` of a month).

    Args:
        series: Points ``{year: value}`` (at least one).
        position: Where to read, in years; year Y's point sits at ``Y``.

    Returns:
        The linear interpolation between the neighbouring points, or the nearest end point
        outside them.

    """
    years, values = _points(series)
    return float(np.interp(position, years, values))


def series_by_month(series: Mapping[int, float], start: date, months: int) -> np.ndarray:
    """The series at every month of a run, for the simulation to index cheaply.

    Args:
        series: Points ``{year: value}`` (at least one).
        start: First month of the run (its day is ignored).
        months: Number of months.

    Returns:
        Float array of length ``months``: element ``t`` is the value in month ``t`` after
        ``start`` (linear between the points, flat outside them).

    """
    years, values = _points(series)
    positions = start.year + (start.month - 6.5 + np.arange(months, dtype=float)) / 12.0
    return np.interp(positions, years, values)
