"""Render the scenario schema (``model.scenario.Scenario``) as text or Markdown.

``balloon schema`` prints it and ``docs/scenario-schema.md`` is generated from it
(``balloon schema --markdown --out docs/scenario-schema.md``), so every parameter's unit, meaning
and default are written once, in the pydantic model.
"""

from __future__ import annotations

import json
import types
import typing
from dataclasses import dataclass
from datetime import date

import annotated_types
from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from model.scenario.paths import is_position
from model.scenario.schema import Scenario

_BOUNDS = (
    (annotated_types.Ge, "ge", ">="),
    (annotated_types.Gt, "gt", ">"),
    (annotated_types.Le, "le", "<="),
    (annotated_types.Lt, "lt", "<"),
)


@dataclass
class Row:
    """One documented parameter."""

    key: str
    kind: str
    default: str
    allowed: str
    meaning: str


@dataclass
class Section:
    """The parameters of one part of a scenario (a pydantic model at a key path)."""

    path: str
    title: str
    doc: str
    rows: list[Row]


def _strip(annotation):
    """``(inner annotation, optional?, metadata)`` without Annotated and None."""
    metadata, optional = [], False
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation, *extra = typing.get_args(annotation)
            for item in extra:
                metadata.extend(getattr(item, "metadata", [item]))
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            optional = optional or len(args) < len(typing.get_args(annotation))
            if len(args) != 1:
                return annotation, optional, metadata
            annotation = args[0]
        else:
            return annotation, optional, metadata


def _is_model(annotation) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def kind_of(annotation, field_metadata: list | None = None) -> str:
    """A reader's name for a type: number, integer, YYYY-MM, list of ..., one of ..."""
    inner, optional, metadata = _strip(annotation)
    metadata = metadata + list(field_metadata or [])
    origin = typing.get_origin(inner)
    if origin is typing.Literal:
        name = "one of " + ", ".join(str(a) for a in typing.get_args(inner))
    elif origin is list:
        name = "list of " + kind_of(typing.get_args(inner)[0])
    elif origin is dict:
        key = "year" if _strip(typing.get_args(inner)[0])[0] is int else "name"
        name = f"mapping of {key} to " + kind_of(typing.get_args(inner)[1])
    elif _is_model(inner):
        name = f"`{inner.__name__}`"
    elif inner is date:
        name = "YYYY-MM"
    elif inner is str:
        patterned = any(getattr(m, "pattern", None) for m in metadata)
        name = "name (lower case, digits, _ and -)" if patterned else "text"
    else:
        name = {float: "number", int: "integer", bool: "true/false"}.get(inner, str(inner))
    return name + (" or null" if optional else "")


def _allowed(field) -> str:
    metadata = list(field.metadata) + _strip(field.annotation)[2]
    parts = []
    for cls, attribute, symbol in _BOUNDS:
        for item in metadata:
            if isinstance(item, cls):
                bound = getattr(item, attribute)
                parts.append(f"{symbol} {bound if isinstance(bound, int) else f'{bound:g}'}")
    return ", ".join(dict.fromkeys(parts))


def _default(field) -> str:
    if field.default_factory is not None:
        value = field.default_factory()
    elif field.default is PydanticUndefined:
        return "required"
    else:
        value = field.default
    if isinstance(value, BaseModel):
        return "see section"
    if isinstance(value, list) and value and isinstance(value[0], BaseModel):
        return f"{len(value)} defaults (model/scenario/defaults.py)"
    if isinstance(value, dict) and value and isinstance(next(iter(value.values())), BaseModel):
        return "defaults for " + ", ".join(value)
    if isinstance(value, date):
        return f"{value:%Y-%m}"
    return json.dumps(value)


def sections(model: type[BaseModel] = Scenario, path: str = "") -> list[Section]:
    """Every section of the schema, depth first, starting with ``model`` at ``path``."""
    rows, children = [], []
    for name, field in model.model_fields.items():
        inner, _, _ = _strip(field.annotation)
        item = typing.get_args(inner)[0] if typing.get_origin(inner) is list else None
        entry = typing.get_args(inner)[1] if typing.get_origin(inner) is dict else None
        description = field.description or (inner.__doc__ or "").strip().split("\n")[0]
        rows.append(
            Row(
                name,
                kind_of(field.annotation, field.metadata),
                _default(field),
                _allowed(field),
                description,
            )
        )
        key = f"{path}.{name}" if path else name
        if _is_model(inner):
            children.extend(sections(inner, key))
        elif item is not None and _is_model(_strip(item)[0]):
            children.extend(sections(_strip(item)[0], key + "[]"))
        elif entry is not None and _is_model(_strip(entry)[0]):
            children.extend(sections(_strip(entry)[0], key + ".<name>"))
    doc = (model.__doc__ or "").strip().split("\n\n")[0].replace("\n", " ")
    return [Section(path or "(top level)", model.__name__, doc, rows), *children]


def key_meaning(path: str, model: type[BaseModel] = Scenario) -> str:
    """The schema's description of the key at a dotted path (``market.demand_elasticity``).

    Integer parts index lists (``policies.0.schedule.0.value``) and other parts of a mapping name
    its entry (``countries.peru.aid_usd_yr``). Empty if the schema has no such key.
    """
    annotation: typing.Any = model
    meaning = ""
    for part in path.split("."):
        inner, _, _ = _strip(annotation)
        origin = typing.get_origin(inner)
        if _is_model(inner) and part in inner.model_fields:
            field = inner.model_fields[part]
            meaning = field.description or ""
            annotation = field.annotation
        elif origin is list and is_position(part):
            annotation = typing.get_args(inner)[0]
        elif origin is dict:
            annotation = typing.get_args(inner)[1]
        else:
            return ""
    return meaning


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown() -> str:
    """The schema as a Markdown page (the content of docs/scenario-schema.md)."""
    out = [
        "# Scenario files: every key, its unit, meaning and default",
        "",
        "<!-- Generated from model/scenario/schema.py by `balloon schema --markdown --out "
        "docs/scenario-schema.md`; do not edit by hand. -->",
        "",
        "A scenario is a YAML file under `scenarios/`. Unknown keys are errors. Dates are `YYYY-MM`.",
        "Besides the keys below, a file may start with `extends: other.yaml` (a path relative to",
        "the file): the other file is read first and this one is merged over it (mappings merge key",
        "by key, lists such as `policies` are replaced whole). A file that does not set `name` is",
        "named after the file. On the command line, `--set path.to.key=value` changes any key",
        "(e.g. `--set households.scale=0.05`, `--set policies.0.schedule.0.value=20000`).",
        "",
    ]
    for section in sections():
        out += [f"## `{section.path}` ({section.title})", "", section.doc, ""]
        out += ["| key | type | default | allowed | meaning |", "| --- | --- | --- | --- | --- |"]
        for row in section.rows:
            out.append(
                f"| `{row.key}` | {_cell(row.kind)} | `{_cell(row.default)}` | "
                f"{_cell(row.allowed)} | {_cell(row.meaning)} |"
            )
        out.append("")
    return "\n".join(out)


def text() -> str:
    """The schema as plain text for a terminal."""
    out = []
    for section in sections():
        out += [f"{section.path}  ({section.title}: {section.doc})"]
        for row in section.rows:
            allowed = f", {row.allowed}" if row.allowed else ""
            out.append(f"  {row.key}: {row.kind.replace('`', '')} = {row.default}{allowed}")
            out.append(f"      {row.meaning}")
        out.append("")
    return "\n".join(out)
