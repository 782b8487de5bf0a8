"""Read the data files shipped in ``model/data`` (package data), never from outside the package.

Provenance of every file is in ``model/data/README.md`` (and ``model/data/market/SOURCES.md``).
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable

import pandas as pd


def data_path(name: str) -> Traversable:
    """The shipped data file ``name`` (a path inside ``model/data``, e.g. ``market/demand.csv``)."""
    node = files("model") / "data"
    for part in name.split("/"):
        node = node / part
    return node


def read_csv(name: str, **kwargs) -> pd.DataFrame:
    """Read a CSV file shipped in ``model/data``.

    Args:
        name: Path inside ``model/data``, with ``/`` between folders (``market/demand.csv``).
        **kwargs: Passed on to :func:`pandas.read_csv`.

    Returns:
        The parsed table.

    """
    with data_path(name).open("r", encoding="utf-8") as handle:
        return pd.read_csv(handle, **kwargs)


def read_text(name: str) -> str:
    """The text of a file shipped in ``model/data`` (UTF-8)."""
    return data_path(name).read_text(encoding="utf-8")


def yes_no(column: pd.Series, file: str, name: str = "approximate") -> pd.Series:
    """A ``yes``/``no`` column as booleans.

    Raises:
        ValueError: naming the file and column if any value is neither ``yes`` nor ``no``.

    """
    flags = column.astype(str).str.strip().str.lower().map({"yes": True, "no": False})
    if flags.isna().any():
        raise ValueError(f"{file}: '{name}' must be yes or no")
    return flags.astype(bool)
