"""Read the data files shipped in ``model/data`` (package data), never from outside the package.

Provenance of every file is in ``model/data/README.md`` (and ``model/data/market/SOURCES.md``).
A file that is missing or damaged (unreadable, malformed, a column or value wrong) is reported as
a :class:`DataFileError`: one line naming the file and the problem, never a traceback; every loader
reads its file inside :func:`reading`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import files
from importlib.resources.abc import Traversable

import pandas as pd


class DataFileError(ValueError):
    """A data file shipped with the package is missing or damaged; the message is one line."""


@contextmanager
def reading(name: str) -> Iterator[None]:
    """Report any problem of the block with data file ``name`` as a :class:`DataFileError`.

    Also a decorator: ``@reading(FILE)`` on a loader that reads and checks ``FILE``.
    """
    try:
        yield
    except DataFileError:
        raise
    except FileNotFoundError:
        raise DataFileError(
            f"{data_path(name)}: file not found: the package's data are incomplete; reinstall "
            "balloon-effect (or restore the file with git)"
        ) from None
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError,
            ArithmeticError) as error:  # fmt: skip
        problem = " ".join(str(error).split()) or type(error).__name__
        raise DataFileError(
            f"{data_path(name)}: damaged ({type(error).__name__}: {problem}); reinstall "
            "balloon-effect (or restore the file with git)"
        ) from None


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
    with reading(name), data_path(name).open("r", encoding="utf-8") as handle:
        return pd.read_csv(handle, **kwargs)


def read_text(name: str) -> str:
    """The text of a file shipped in ``model/data`` (UTF-8)."""
    with reading(name):
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
