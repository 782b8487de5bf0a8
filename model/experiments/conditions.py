"""Conditions on metrics, such as ``displacement_ratio_across > 1``, read safely from text.

A condition is one or more comparisons of a metric with a number (``<``, ``<=``, ``>``, ``>=``,
``==``, ``!=``; chained as in ``0 < displacement_ratio < 1``), joined with ``and``, ``or`` and
``not`` and grouped with parentheses. The text is parsed into Python's syntax tree and only those
nodes are accepted, so nothing in it is ever executed; :meth:`Condition.holds` evaluates it on a
table, one answer per row. A comparison with an undefined (NaN) metric is false.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

COMPARISONS = {
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
}
WORDS = {ast.Lt: "below", ast.LtE: "at most", ast.Gt: "above", ast.GtE: "at least",
         ast.Eq: "equal to", ast.NotEq: "not equal to"}  # fmt: skip
FLIPPED = {ast.Lt: ast.Gt, ast.LtE: ast.GtE, ast.Gt: ast.Lt, ast.GtE: ast.LtE, ast.Eq: ast.Eq,
           ast.NotEq: ast.NotEq}  # fmt: skip
HELP = "write METRIC OP NUMBER with OP one of < <= > >= == !=, joined by and/or, e.g. " + (
    "'displacement_ratio_across > 1'"
)


class ConditionError(ValueError):
    """A condition that cannot be read; the message is one line naming what is wrong."""


@dataclass(frozen=True)
class Condition:
    """A parsed condition on metrics.

    Attributes:
        text: the condition as written.
        metrics: the metrics it names, in order of appearance.

    """

    text: str
    metrics: tuple[str, ...]
    tree: ast.expr

    def holds(self, table: pd.DataFrame) -> np.ndarray:
        """Whether the condition holds on each row of ``table`` (NaN compares false)."""
        return np.asarray(_evaluate(self.tree, table), dtype=bool)

    def words(self) -> str:
        """The condition in words: ``net_reduction_ha below 0``."""
        return _words(self.tree)

    def __str__(self) -> str:
        """The condition as written."""
        return self.text


def parse_condition(text: str, metrics: Iterable[str]) -> Condition:
    """Read a condition on the named ``metrics``.

    Raises:
        ConditionError: for anything but comparisons of known metrics with numbers, joined by
            ``and``, ``or`` and ``not``; the message names the offending part.

    """
    known = list(metrics)
    if not text or not text.strip():
        raise ConditionError(f"the condition is empty: {HELP}")
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except SyntaxError:
        raise ConditionError(f"cannot read {text!r}: {HELP}") from None
    names: list[str] = []
    _check(tree, text, known, names)
    return Condition(text.strip(), tuple(dict.fromkeys(names)), tree)


def _check(node: ast.AST, text: str, known: list[str], names: list[str]) -> None:
    if isinstance(node, ast.BoolOp):
        for value in node.values:
            _check(value, text, known, names)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        _check(node.operand, text, known, names)
    elif isinstance(node, ast.Compare):
        if not all(type(op) in COMPARISONS for op in node.ops):
            raise ConditionError(f"{text!r}: compare with < <= > >= == or != only")
        sides = [node.left, *node.comparators]
        for side in sides:
            _check_side(side, text, known, names)
        if not any(isinstance(side, ast.Name) for side in sides):
            raise ConditionError(f"{text!r}: {ast.unparse(node)!r} compares no metric")
    else:
        raise ConditionError(f"{text!r}: {ast.unparse(node)!r} is not a comparison: {HELP}")


def _check_side(node: ast.AST, text: str, known: list[str], names: list[str]) -> None:
    if isinstance(node, ast.Name):
        if node.id not in known:
            raise ConditionError(
                f"{text!r}: unknown metric {node.id!r}: choose from {', '.join(known)}"
            )
        names.append(node.id)
    elif _number(node) is None:
        raise ConditionError(
            f"{text!r}: {ast.unparse(node)!r} is neither a metric nor a number: {HELP}"
        )


def _number(node: ast.AST) -> float | None:
    """The value of a number literal (``1``, ``-0.5``, ``1e3``), else None."""
    sign = 1.0
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        sign = -1.0 if isinstance(node.op, ast.USub) else 1.0
        node = node.operand
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        value = sign * float(node.value)
        return value if np.isfinite(value) else None
    return None


def _value(node: ast.AST, table: pd.DataFrame):
    if isinstance(node, ast.Name):
        return table[node.id].to_numpy(dtype=float)
    return _number(node)


def _evaluate(node: ast.AST, table: pd.DataFrame) -> np.ndarray:
    if isinstance(node, ast.BoolOp):
        parts = [_evaluate(value, table) for value in node.values]
        combine = np.logical_and if isinstance(node.op, ast.And) else np.logical_or
        return combine.reduce(parts)
    if isinstance(node, ast.UnaryOp):
        return ~_evaluate(node.operand, table)
    result = np.ones(len(table), dtype=bool)
    sides = [node.left, *node.comparators]
    for op, left, right in zip(node.ops, sides, sides[1:], strict=False):
        a, b = _value(left, table), _value(right, table)
        with np.errstate(invalid="ignore"):
            defined = ~np.isnan(a - b)  # NaN on either side: the comparison is false
            result &= COMPARISONS[type(op)](a, b) & defined
    return result


def _words(node: ast.AST) -> str:
    if isinstance(node, ast.BoolOp):
        joiner = " and " if isinstance(node.op, ast.And) else " or "
        return joiner.join(_words(value) for value in node.values)
    if isinstance(node, ast.UnaryOp):
        return f"not ({_words(node.operand)})"
    sides = [node.left, *node.comparators]
    parts = []
    for op, left, right in zip(node.ops, sides, sides[1:], strict=False):
        if isinstance(right, ast.Name) and not isinstance(left, ast.Name):
            left, right, op = right, left, FLIPPED[type(op)]()  # 0 < x reads "x above 0"
        parts.append(f"{ast.unparse(left)} {WORDS[type(op)]} {ast.unparse(right)}")
    return " and ".join(parts)
