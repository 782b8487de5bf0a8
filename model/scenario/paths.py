"""Dotted paths into a scenario: ``--set`` and ``set:`` overrides, checked against the schema.

A path names a key (``households.scale``), a list item by 0-based number, by name
(``policies.colombia_aerial``) or, for schedule entries, by start month
(``policies.peru_interdiction.schedule.2001-04.value``).
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, TypeAdapter

from model.scenario.errors import ScenarioError
from model.scenario.fields import parse_scenario_month
from model.scenario.schema import Scenario

SLUG = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")
MONTH_KEY = re.compile(r"^\d{4}-\d{2}$")  # a schedule entry addressed by its start month
# How alike a typo and a key must be for "did you mean" (difflib's ratio): a letter or two wrong in
# a word of 8 (plantng_rate: planting_rate 0.96, sacle: scale 0.8); strenght is not instrument (0.67).
CLOSE_ENOUGH = 0.75


_POSITION = re.compile(r"-?[0-9]+")


def is_position(part: str) -> bool:
    """Whether a path part is a list position (``0``, ``-1``; ASCII digits only, as int reads)."""
    return _POSITION.fullmatch(part) is not None


def parse_override(text: str, file: str | Path = "") -> tuple[list[str], Any]:
    """Split ``path.to.key=value``; the value is read with ``yaml.safe_load`` (``5`` is a number).

    Raises:
        ScenarioError: if there is no ``=``, the path is empty, or the value is not plain YAML.

    """
    source = f"{file}: --set {text}" if file else f"--set {text}"
    path, sep, raw = text.partition("=")
    parts = path.strip().split(".")
    if not sep or not all(p.strip() for p in parts):
        raise ScenarioError(source, "", "write --set path.to.key=value, e.g. households.scale=0.05")
    try:
        value = yaml.safe_load(raw) if raw.strip() else None
    except yaml.YAMLError as error:
        problem = getattr(error, "problem", None) or "not a plain YAML value"
        raise ScenarioError(source, path, f"cannot read the value {raw!r}: {problem}") from None
    return [p.strip() for p in parts], value


def apply_override(
    data: dict, parts: list[str], value: Any, source: str, in_file: bool = False
) -> dict:
    """Set ``value`` at the dotted path ``parts`` of ``data``, in place.

    List items are addressed by 0-based number or, for items with a ``name`` (policies, events,
    traffickers, groups, regions), by that name: ``policies.colombia_aerial.scale``. Setting a
    named item to ``null`` removes it; setting a name the list does not have to a mapping adds
    that item (with that name; a start month YYYY-MM adds a schedule entry starting then, in its
    place among the others, and setting an existing month's entry whole keeps its start). The path
    is checked against the scenario schema so a typo is reported as such, with the closest valid
    key, instead of silently adding a key. Hints are written as a file's ``set:`` block writes a
    change if ``in_file``, else as a ``--set`` option.
    """
    _check_schema_path(parts, source)
    node: Any = data
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        where = ".".join(parts[: depth + 1])
        if isinstance(node, list):
            if last:
                _set_item(node, parts, value, source, in_file)
                return data
            node = node[_list_index(node, part, source, where, in_file)]
        elif isinstance(node, dict):
            if last:
                node[part] = value
            else:
                if node.get(part) is None:
                    node[part] = _default_at(parts[: depth + 1])
                    if node[part] is None:
                        raise ScenarioError(
                            source, where, "is not set in the scenario: set the whole list instead"
                        )
                node = node[part]
        else:
            parent = ".".join(parts[:depth])
            raise ScenarioError(
                source, where, f"{parent} is a value ({node!r}), not a mapping or list"
            )
    return data


def _set_item(items: list, parts: list[str], value: Any, source: str, in_file: bool) -> None:
    """Set, add (a mapping under a new name or start month) or remove (``None``) a list item."""
    part, where = parts[-1], ".".join(parts)
    # A schedule entry is addressed by its start month, and keeps it when set whole.
    dated = len(parts) > 1 and parts[-2] == "schedule" and MONTH_KEY.match(part)
    if not is_position(part) and _named_index(items, part) is None:
        if not isinstance(value, Mapping):  # a new named item is a whole mapping
            _list_index(items, part, source, where, in_file)  # raises: no item named part
        if dated:  # a new schedule entry, in its place among the months
            later = [i for i, entry in enumerate(items)
                     if isinstance(entry, Mapping) and str(entry.get("start", "")) > part]  # fmt: skip
            items.insert(later[0] if later else len(items), {"start": part, **value})
        else:
            items.append({"name": part, **value})
        return
    index = _list_index(items, part, source, where)
    if value is None:  # ``null`` removes the item
        del items[index]
    elif dated and isinstance(value, Mapping) and "start" not in value:
        items[index] = {"start": items[index]["start"], **value}
    else:
        items[index] = value


def _named_index(items: list, name: str) -> int | None:
    """The index of the list item called ``name`` (schedule entries: by start month), or None."""
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        if item.get("name") == name or str(item.get("start", "")).startswith(f"{name}"):
            return index
    return None


def _item_name(item: dict) -> str:
    """What an item is addressed by: its name in full, else its start month (YYYY-MM)."""
    if item.get("name"):
        return str(item["name"])
    return str(item.get("start", ""))[:7]


def _position(items: list, part: str) -> int | None:
    """The 0-based position of list item ``part`` (a number, a name or a start month), or None."""
    if is_position(part):
        return int(part) % len(items) if -len(items) <= int(part) < len(items) else None
    return _named_index(items, part) if MONTH_KEY.match(part) or SLUG.match(part) else None


def _list_index(items: list, part: str, source: str, where: str, in_file: bool = False) -> int:
    """The index of list item ``part``: a 0-based number, a name, or a start month (YYYY-MM)."""
    index = _position(items, part)
    if index is None and is_position(part):
        raise ScenarioError(
            source, where, f"no item {part}: the list has {len(items)} item(s), 0-based"
        )
    if index is None:
        names = [_item_name(item) for item in items if isinstance(item, dict)]
        known = ", ".join(n for n in names if n)
        hint = f"items are named {known}" if known else "its items have no name"
        add = (
            f"; to add an entry starting then, set it whole: {_whole_entry(where, in_file)}"
            if MONTH_KEY.match(part)
            else ""
        )
        raise ScenarioError(
            source,
            where,
            f"no item named {part!r}: {hint}; address an item by its 0-based number, "
            f"its name or its start month (YYYY-MM){add}",
        )
    return index


def _whole_entry(where: str, in_file: bool) -> str:
    """A schedule entry set whole, as a file's ``set:`` block or a ``--set`` option writes it."""
    return f"set: {{{where}: {{value: ...}}}}" if in_file else f"{where}={{value: ...}}"


def value_at_path(data: Mapping, path: str) -> Any:
    """The value at a dotted path of a scenario mapping (list items by number or name)."""
    node: Any = data
    for part in path.split("."):
        node = node[_list_index(node, part, "", path)] if isinstance(node, list) else node[part]
    return node


def data_path(data: Mapping, parts: Iterable[str]) -> tuple[str, ...] | None:
    """A dotted path as ``data`` holds it, list items by position (``policies.0.scale``).

    None if ``data`` has nothing there.
    """
    node: Any = data
    path = []
    for part in parts:
        if isinstance(node, list) and (index := _position(node, part)) is not None:
            node, part = node[index], str(index)
        elif isinstance(node, Mapping) and part in node:
            node = node[part]
        else:
            return None
        path.append(part)
    return tuple(path)


def unwrap(annotation: Any) -> Any:
    """Strip ``Annotated`` and ``X | None`` from an annotation."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation
            annotation = args[0]
        else:
            return annotation


def schema_at(parts: Iterable[str]) -> Any:
    """Annotation at a path of the Scenario schema, or ``None`` if the path leaves the schema."""
    current: Any = Scenario
    for part in parts:
        current = unwrap(current)
        origin = typing.get_origin(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(part)
            if field is None:
                return None
            current = field.annotation
        elif origin is list:
            current = typing.get_args(current)[0]
        elif origin is dict:
            current = typing.get_args(current)[1]
        else:
            return Any
    return current


def _default_at(parts: list[str]) -> Any:
    """The schema's default at a path as plain data (so ``set:`` can change one item of it).

    A section without a default is an empty mapping (pydantic fills it); a list without a default
    is None (there is nothing to change one item of).
    """
    parent = unwrap(schema_at(parts[:-1]))
    here = unwrap(schema_at(parts))
    if isinstance(here, type) and issubclass(here, BaseModel):
        return {}
    field = None
    if isinstance(parent, type) and issubclass(parent, BaseModel):
        field = parent.model_fields.get(parts[-1])
    if field is not None and not field.is_required():
        default = field.get_default(call_default_factory=True)
        if default is not None:
            return TypeAdapter(field.annotation).dump_python(default, mode="json")
    return None if typing.get_origin(here) is list else {}


def _check_schema_path(parts: list[str], source: str) -> None:
    for depth in range(1, len(parts) + 1):
        parent = unwrap(schema_at(parts[: depth - 1]))
        where = ".".join(parts[:depth])
        part = parts[depth - 1]
        if typing.get_origin(parent) is list and not is_position(part):
            item = unwrap(typing.get_args(parent)[0])
            keyed = isinstance(item, type) and issubclass(item, BaseModel)
            if not (keyed and ("name" in item.model_fields or "start" in item.model_fields)):
                raise ScenarioError(
                    source, where, f"{'.'.join(parts[: depth - 1])} is a list: use a 0-based number"
                )
            if "name" not in item.model_fields and (why := _not_a_month(part)):
                raise ScenarioError(source, where, why)
        if schema_at(parts[:depth]) is None:
            raise ScenarioError(source, where, unknown_key(parts[depth - 1], parent))
        is_model = isinstance(parent, type) and issubclass(parent, BaseModel)
        if parent is not Any and not is_model and typing.get_origin(parent) not in (list, dict):
            raise ScenarioError(
                source, where, f"{'.'.join(parts[: depth - 1])} is a single value, not a mapping"
            )


def _not_a_month(part: str) -> str | None:
    """Why ``part`` cannot name a schedule entry by its start month, or None if it can."""
    try:
        parse_scenario_month(part)
    except ValueError as error:
        return str(error)
    if not MONTH_KEY.match(part):  # a day on the 1st: still the month, but entries go by YYYY-MM
        return f"address a schedule entry by its start month as YYYY-MM: {part[:7]}, not {part}"
    return None


def unknown_key(key: str, model: Any) -> str:
    """Why a key is unknown, with the closest valid key of ``model`` (or every valid key)."""
    fields = list(model.model_fields) if isinstance(model, type) else []
    close = difflib.get_close_matches(str(key), fields, n=1, cutoff=CLOSE_ENOUGH)
    hint = f"did you mean {close[0]!r}?" if close else f"valid keys: {', '.join(fields)}"
    if "." in str(key) and not close:  # a dotted path written as a key of the file
        hint = f"a dotted path goes under set:, e.g. set: {{{key}: ...}}"
    return f"unknown key {key!r} ({hint})"
