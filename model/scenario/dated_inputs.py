"""Dated scenario inputs: consumer markets with their own demand trends, and yields per country.

The schema sections (:class:`ConsumerMarket` in ``market.consumer_markets``, :class:`CountryYield`
in ``world.yields``) and the monthly arrays a run reads from them. A dated series is a mapping
``{year: value}`` of a few points, interpolated linearly and held flat outside them
(:mod:`model.year_series`). Defaults, with the source of every point, are in
:mod:`model.scenario.market_defaults`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Annotated

import numpy as np
from pydantic import Field

from model.scenario.fields import Share, Slug, Strict
from model.scenario.market_defaults import (
    GENERIC_COCAINE_PER_TONNE_LEAF_KG,
    GENERIC_LEAF_YIELD_INDEX,
)
from model.year_series import YEAR_MAX, YEAR_MIN, series_by_month, value_at

Year = Annotated[int, Field(ge=YEAR_MIN, le=YEAR_MAX)]
# Leaf holds 0.1-0.8% cocaine alkaloid (DEA 1991), so a tonne yields at most 8 kg.
MAX_COCAINE_PER_TONNE_LEAF_KG = 8.0


def _series(largest: float) -> object:
    """A dated series type: at least one ``year: value`` point, every value in (0, largest]."""
    value = Annotated[float, Field(gt=0, le=largest, allow_inf_nan=False)]
    return Annotated[dict[Year, value], Field(min_length=1)]


Index = _series(1000.0)
CocainePerTonne = _series(MAX_COCAINE_PER_TONNE_LEAF_KG)


class ConsumerMarket(Strict):
    """A consumer market (e.g. North America) with its own dated demand trend."""

    name: Slug = Field(description="Identifier, e.g. north_america.")
    share: Share = Field(
        description="Share of world consumption in market.consumer_share_year, 0-1 (all sum to 1)."
    )
    index: Index = Field(
        description="Demand at constant prices by year ({year: index}, any base, > 0); linear "
        "between years, flat outside them."
    )


class CountryYield(Strict):
    """Dated yields of one producing country: leaf per hectare and cocaine per tonne of leaf."""

    leaf_yield_index: Index = Field(
        default_factory=lambda: dict(GENERIC_LEAF_YIELD_INDEX),
        description="Multiplier of the regions' dry-leaf yield by year ({year: index}, any base); "
        "the regions' yield_kg_ha hold at the start month. Linear between years, flat outside.",
    )
    cocaine_per_tonne_leaf_kg: CocainePerTonne = Field(
        default_factory=lambda: dict(GENERIC_COCAINE_PER_TONNE_LEAF_KG),
        description="Cocaine made from a tonne of dry coca leaf by year, kg ({year: kg}; at most "
        "8: leaf holds 0.1-0.8% cocaine alkaloid). Linear between years, flat outside.",
    )


def market_shares(markets: Sequence[ConsumerMarket], share_year: int, year: float) -> np.ndarray:
    """Each market's share of world demand at constant prices in ``year``.

    Args:
        markets: The consumer markets (shares given for ``share_year``).
        share_year: The year their shares refer to.
        year: The year to read (a point's year, or a fractional position as in
            :func:`model.year_series.value_at`).

    Returns:
        Shares (summing to 1) in the order of ``markets``.

    """
    volumes = np.array(
        [m.share * value_at(m.index, year) / value_at(m.index, share_year) for m in markets]
    )
    return volumes / volumes.sum()


def demand_by_month(
    markets: Sequence[ConsumerMarket], share_year: int, start: date, months: int
) -> np.ndarray:
    """Each market's demand at constant prices per month, relative to world demand at the start.

    Args:
        markets: The consumer markets (``market.consumer_markets``).
        share_year: The year their shares refer to (``market.consumer_share_year``).
        start: First month of the run.
        months: Number of months.

    Returns:
        Array of shape ``(len(markets), months)``: market ``m``'s demand in month ``t`` as a
        share of the world's demand in the first month (the first column sums to 1).

    """
    volumes = np.array(
        [
            m.share * series_by_month(m.index, start, months) / value_at(m.index, share_year)
            for m in markets
        ]
    )
    return volumes / volumes[:, 0].sum()


def country_yield(yields: Mapping[str, CountryYield], country: str) -> CountryYield:
    """The dated yields of ``country``: its entry, or no trend and the generic conversion."""
    found = yields.get(country)
    return found if found is not None else CountryYield()


def leaf_yield_by_month(
    yields: Mapping[str, CountryYield], countries: Sequence[str], start: date, months: int
) -> np.ndarray:
    """Multiplier of each country's regional leaf yields per month, 1.0 in the first month.

    Returns:
        Array of shape ``(len(countries), months)``.

    """
    rows = []
    for country in countries:
        path = series_by_month(country_yield(yields, country).leaf_yield_index, start, months)
        rows.append(path / path[0] if months else path)
    return np.array(rows, dtype=float).reshape(len(countries), months)


def cocaine_per_tonne_by_month(
    yields: Mapping[str, CountryYield], countries: Sequence[str], start: date, months: int
) -> np.ndarray:
    """Cocaine per tonne of dry leaf (kg) of each country per month.

    Returns:
        Array of shape ``(len(countries), months)``.

    """
    rows = [
        series_by_month(country_yield(yields, c).cocaine_per_tonne_leaf_kg, start, months)
        for c in countries
    ]
    return np.array(rows, dtype=float).reshape(len(countries), months)
