"""Bad input in a scenario file, as one line per problem: ``FILE: key.path: what is wrong``."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

_LINE_BREAKS = {ord(c): repr(c)[1:-1] for c in "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"}


def one_line(text: object) -> str:
    r"""``text`` as one line: line breaks (also unicode ones) are shown escaped, e.g. ``\n``."""
    return str(text).translate(_LINE_BREAKS)


class ScenarioError(ValueError):
    """Bad user input in a scenario file or an override; the message is one line.

    An error may carry more problems of the same input (``more``): :attr:`lines` has one line per
    problem, which the command line prints; the message is the first, with how many follow.
    """

    def __init__(
        self, source: str | Path, path: str, problem: str, more: Iterable[tuple[str, str]] = ()
    ):
        self.source, self.path, self.problem = str(source), path, problem
        self.lines = [_problem_line(source, path, problem)]
        self.lines += [_problem_line(source, where, what) for where, what in more]
        extra = len(self.lines) - 1
        super().__init__(self.lines[0] + (f" (and {extra} more problem(s))" if extra else ""))


def _problem_line(source: str | Path, path: str, problem: str) -> str:
    where = f"{one_line(source)}: {one_line(path)}: " if path else f"{one_line(source)}: "
    return where + " ".join(problem.split())


def problem_lines(error: Exception) -> list[str]:
    """One line per problem of an error (a :class:`ScenarioError` may hold several)."""
    return list(getattr(error, "lines", None) or [one_line(error)])
