"""The changes a load makes by dotted path (``set:`` entries, ``--set`` options), remembered.

Each change is applied on its own, so a bad one is reported and the others still apply. A problem
that validation finds later in a value a change wrote is reported where the change was written and
with the key as written there (``policies.colombia_aerial.schedule.2001-01.value``), not with the
positions the data holds (``policies.0.schedule.8.value``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from model.scenario.errors import Problem, ScenarioError
from model.scenario.paths import apply_override, data_path, is_position

_ABSENT = object()


@dataclass(frozen=True)
class Change:
    """A value set at a dotted path: where it was written, and the key as written there."""

    order: int
    source: str
    parts: tuple[str, ...]
    value: Any  # the very object stored, to tell whether a later merge replaced it


class Changes:
    """The changes applied to one scenario's data, in order, and the problems of those refused."""

    def __init__(self) -> None:
        self.applied: list[Change] = []
        self.refused: list[tuple[int, Problem]] = []

    def apply(
        self, data: dict, parts: list[str], value: Any, source: str, in_file: bool = False
    ) -> None:
        """Set ``value`` at the dotted path ``parts`` of ``data``, or keep why it cannot be set.

        ``in_file``: the change is an entry of a file's ``set:`` block (hints are written so).
        """
        order = len(self.applied) + len(self.refused)
        try:
            apply_override(data, parts, value, source, in_file)
        except ScenarioError as error:
            self.refuse(error, ".".join(parts))
            return
        path = data_path(data, parts)
        # A null that removed a list item leaves the next item in its place: nothing of its own
        # to check there (a null set on a key stays, and is checked).
        removed = value is None and _at(data, path) is not None if path is not None else True
        if not removed:
            self.applied.append(Change(order, source, tuple(parts), _at(data, path)))

    def refuse(self, error: ScenarioError, key: str = "") -> None:
        """Keep the problems of a change that could not be made, named by its whole ``key``."""
        order = len(self.applied) + len(self.refused)
        problems = [problem._replace(path=key or problem.path) for problem in error.problems]
        self.refused += [(order, problem) for problem in problems]

    def report(self, data: Mapping, found: Iterable[Problem]) -> list[Problem]:
        """The problems ``found`` in ``data`` and those of refused changes, in the written order.

        A problem in a value a change wrote is reported as that change was written; the others
        (in the file's own keys) come first.
        """
        placed = [self._placed(data, problem) for problem in found] + self.refused
        return [problem for _, problem in sorted(placed, key=lambda pair: pair[0])]

    def _placed(self, data: Mapping, problem: Problem) -> tuple[int, Problem]:
        """A problem of ``data`` with the order and the key of the change that wrote its value."""
        loc = tuple(problem.path.split(".")) if problem.path else ()
        for change in reversed(self.applied):  # the last change of a value is the one it holds
            path = data_path(data, change.parts)
            if loc and path is not None and _wrote(change, data, path, loc):
                written = change.parts[: len(loc)] + loc[len(path) :]
                return change.order, Problem(change.source, ".".join(written), problem.what)
        return -1, problem


def _wrote(change: Change, data: Mapping, path: tuple[str, ...], loc: tuple[str, ...]) -> bool:
    """Whether a problem at ``loc`` is about the value ``change`` wrote (at ``path``), still there.

    A problem of an item the change is inside of counts too (an interdiction above 0.95 is the
    policy's problem); a value a later file replaced does not.
    """
    shared = min(len(path), len(loc))
    if path[:shared] != loc[:shared]:
        return False
    if len(loc) <= len(path):
        return _at(data, path) is change.value
    return _at(change.value, loc[len(path) :]) is _at(data, loc)


def _at(node: Any, parts: Iterable[str]) -> Any:
    """The value at a path of positions and keys (as :func:`data_path` gives), or ``_ABSENT``."""
    for part in parts:
        if isinstance(node, list) and is_position(part) and 0 <= int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, Mapping) and part in node:
            node = node[part]
        else:
            return _ABSENT
    return node
