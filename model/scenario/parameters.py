"""A scenario parameter as a described column: its dotted path, unit and meaning from the schema.

Sweeps and sensitivity analyses vary dotted paths (``households.profit_sensitivity``); their tables,
``columns.csv`` and figure axes describe each one from the field's ``description`` in the schema,
so a parameter's unit and meaning are written once, where the parameter is defined.
"""

from __future__ import annotations

import re
import types
import typing

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from model.columns import Column
from model.scenario.paths import unwrap
from model.scenario.schema import Scenario

# A description ends in its unit: "..., hectares.", "..., US$ per ha.", "... (unitless)."
_TRAILING_UNIT = re.compile(r"(?:,\s*|\()([^,()]{1,32}?)\)?\.?$")
# Otherwise the key's own suffix names the unit (the schema's naming rule).
_KEY_UNITS = (("_usd_kg", "US$/kg"), ("_usd_ha", "US$/ha"), ("_ha", "ha"), ("_usd", "US$"),
              ("_months", "months"), ("elasticity", "unitless"), ("_factor", "multiplier"),
              ("scale", "simulated per real household"))  # fmt: skip
_UNIT_WORDS = ("ha", "hectare", "US$", "month", "kg", "degree", "count", "share", "unitless", "0-1")


def schema_field(path: str) -> FieldInfo | None:
    """The schema field at a dotted path (list items by number), or ``None`` if there is none."""
    annotation: typing.Any = Scenario
    field = None
    for part in path.split("."):
        inner = unwrap(annotation)
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            field = inner.model_fields.get(part)
            if field is None:
                return None
            annotation = field.annotation
        elif typing.get_origin(inner) in (list, dict):
            annotation = typing.get_args(inner)[-1]  # the item, or the mapping's value
        else:
            return None
    return field


def parameter_column(path: str) -> Column:
    """The parameter at ``path`` described as a column: unit and meaning from its description.

    A share (bounded by 0 and 1) without a unit in its description gets ``0-1``; a path the
    schema does not have is described by itself.
    """
    field = schema_field(path)
    if field is None or not field.description:
        return Column(path, "", path)
    description = field.description.strip()
    unit, meaning = "", description.rstrip(".")
    match = _TRAILING_UNIT.search(description)
    if match and any(word in match.group(1) for word in _UNIT_WORDS):
        unit, meaning = match.group(1).strip(), description[: match.start()].rstrip(" ,(")
    elif _is_share(field):
        unit = "0-1"
    else:
        key = path.rsplit(".", 1)[-1]
        unit = next((u for suffix, u in _KEY_UNITS if key.endswith(suffix)), "")
    return Column(path, unit, meaning)


def _is_share(field: FieldInfo) -> bool:
    bounds = {type(m): m for m in [*field.metadata, *_metadata(field.annotation)]}
    low = bounds.get(annotated_types.Ge)
    high = bounds.get(annotated_types.Le)
    return bool(low and high and low.ge == 0 and high.le == 1)


def _metadata(annotation) -> list:
    found = []
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):  # Share | None
        options = [a for a in typing.get_args(annotation) if a is not type(None)]
        annotation = options[0] if len(options) == 1 else annotation
    while typing.get_origin(annotation) is typing.Annotated:
        annotation, *extra = typing.get_args(annotation)
        for item in extra:
            found.extend(getattr(item, "metadata", [item]))
    return found
