"""The one style every figure and chart shares: colours, country names and number formats."""

from __future__ import annotations

import textwrap
import zlib

import numpy as np
import pandas as pd
from matplotlib.ticker import FuncFormatter, StrMethodFormatter

#: One colour per country, used by every figure (Okabe-Ito, safe for colour-blind readers).
COUNTRY_COLOURS = {
    "peru": "#D55E00",
    "colombia": "#0072B2",
    "bolivia": "#009E73",
    "ecuador": "#E69F00",
    "venezuela": "#CC79A7",
    "brazil": "#56B4E9",
}
SPARE_COLOURS = ["#F0E442", "#8C564B", "#7F7F7F", "#17BECF", "#BCBD22", "#9467BD"]
COUNTERFACTUAL_COLOUR = "#555555"
PRESSURE_COLOUR = "#E8E0C8"
#: A single series without a country (a metric of a sweep).
NEUTRAL_COLOUR = "#444444"

#: What a dollar is in every figure that shows money: the model sets prices and costs in US$ and
#: keeps no price index, so nothing is adjusted for inflation (a dollar counts the same in 1990 and
#: in 2023). The reported price levels it is compared with are US$ of 2003-2005 (model/data/README.md).
MONEY_NOTE = "US$ as the model sets them: no price index, not adjusted for inflation"

#: Axis formats: whole numbers with thousands separators, and US$ with cents.
thousands = FuncFormatter(lambda value, _: f"{value:,.0f}")
dollars = StrMethodFormatter("{x:,.2f}")


def country_colour(country: str) -> str:
    """The country's colour; countries outside the palette get a stable spare colour."""
    if country in COUNTRY_COLOURS:
        return COUNTRY_COLOURS[country]
    return SPARE_COLOURS[zlib.crc32(country.encode()) % len(SPARE_COLOURS)]


def country_label(country: str) -> str:
    """``colombia`` -> ``Colombia``."""
    return country.replace("_", " ").title()


def words(name: str) -> str:
    """A name as words: ``plan_colombia`` -> ``plan colombia``."""
    return name.replace("_", " ")


def scenario_label(name: str) -> str:
    """A scenario's name as a figure shows it.

    Scenarios have no title, only a file-style name: shown in quotes (``"plan_colombia"``), it
    reads as a name and matches the file and results folder. A readable name given by a caller
    (``Plan Colombia``: capitals or spaces) is shown as it is.
    """
    if name and name == name.lower() and " " not in name:
        return f'"{name}"'
    return name


def organisation_label(name: str) -> str:
    """A trafficking organisation's name: ``colombian_cartels`` -> ``Colombian cartels``."""
    text = words(name)
    return text[:1].upper() + text[1:]


def percent_change(change: float, digits: int = 0) -> str:
    """A relative change as a signed percentage: +369%, -25%, +0.4%, and 0% (never -0%).

    A change that rounds to zero at ``digits`` decimals gets one more so that a small move still
    shows its sign; one that still rounds to zero is written 0%.
    """
    if not np.isfinite(change):
        return "n/a"
    for places in (digits, digits + 1):
        text = f"{change:+.{places}%}"
        if float(text[1:-1]) != 0:
            return text
    return "0%"


def wrapped(text: str, width: int = 34) -> str:
    """``text`` broken into lines of at most ``width`` characters."""
    return "\n".join(textwrap.wrap(text, width))


def countries_in(table: pd.DataFrame) -> list[str]:
    """Countries of a table's ``country`` column in palette order, then the others by name."""
    present = set(table["country"])
    return [c for c in COUNTRY_COLOURS if c in present] + sorted(present - set(COUNTRY_COLOURS))


def format_number(value: float) -> str:
    """A number with as many digits as a table needs: 12,345, 1.23 or 0.123; n/a if undefined."""
    if value is None or not np.isfinite(value):
        return "n/a"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 1:
        return f"{value:,.2f}"
    return f"{value:.3f}"
