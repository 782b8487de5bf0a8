"""Bad input in a scenario file, as one line per problem: ``FILE: key.path: what is wrong``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

_LINE_BREAKS = {ord(c): repr(c)[1:-1] for c in "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"}


def one_line(text: object) -> str:
    r"""``text`` as one line: line breaks (also unicode ones) are shown escaped, e.g. ``\n``."""
    return str(text).translate(_LINE_BREAKS)


class Problem(NamedTuple):
    """One problem of bad input: where it was written, its key path, and what is wrong."""

    source: str
    path: str
    what: str

    def line(self) -> str:
        """``SOURCE: key.path: what is wrong`` on one line."""
        where = f"{one_line(self.source)}: " + (f"{one_line(self.path)}: " if self.path else "")
        return where + " ".join(self.what.split())


class ScenarioError(ValueError):
    """Bad user input in a scenario file or an override; the message is one line.

    An error may carry more problems (``more``, each with its own source): :attr:`lines` has one
    line per problem, which the command line prints; the message is the first, with how many
    follow.
    """

    def __init__(self, source: str | Path, path: str, problem: str, more: Iterable[Problem] = ()):
        self.source, self.path, self.problem = str(source), path, problem
        self.problems = [Problem(str(source), path, problem), *more]
        self.lines = [p.line() for p in self.problems]
        extra = len(self.lines) - 1
        super().__init__(self.lines[0] + (f" (and {extra} more problem(s))" if extra else ""))

    @classmethod
    def of(cls, problems: Sequence[Problem]) -> ScenarioError:
        """One error for several problems (at least one), in their order."""
        first, *more = problems
        return cls(*first, more)


def problem_lines(error: Exception) -> list[str]:
    """One line per problem of an error (a :class:`ScenarioError` may hold several)."""
    return list(getattr(error, "lines", None) or [one_line(error)])
