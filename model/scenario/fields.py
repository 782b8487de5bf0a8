"""Field types every scenario section shares: strict models, months, shares, hectares, names."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, ClassVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

YEAR_MONTH = re.compile(r"^(\d{4})-(\d{2})(?:-\d{2})?$")


class Strict(BaseModel):
    """Base for every scenario section: unknown keys are errors, values re-validated on set."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


def parse_month(value: str | date) -> date:
    """Parse ``YYYY-MM`` (or ``YYYY-MM-DD``, or a date) into the first day of that month."""
    if isinstance(value, date):
        return date(value.year, value.month, 1)
    match = YEAR_MONTH.match(str(value).strip())
    if not match:
        raise ValueError(f"{value!r} is not a month: write YYYY-MM, e.g. 1995-04")
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        raise ValueError(f"{value!r} has month {month}: months run 01-12")
    return date(year, month, 1)


def parse_scenario_month(value: str | date) -> date:
    """A month as a scenario writes it: ``YYYY-MM`` (or a date on the 1st), never another day.

    ``YYYY-MM-01`` and dates on the 1st are the month itself (that is how months serialise, e.g.
    in JSON), so nothing is lost; any other day would be silently dropped, so it is an error.
    """
    day = value.day if isinstance(value, date) else _day(value)
    if day not in (None, 1):
        month = parse_month(value)
        raise ValueError(
            f"{str(value).strip()!r} has a day: the model runs in months: write YYYY-MM, "
            f"e.g. {month:%Y-%m}"
        )
    return parse_month(value)


def _day(value: object) -> int | None:
    match = re.match(r"^\d{4}-\d{2}-(\d{2})$", str(value).strip())
    return int(match.group(1)) if match else None


Month = Annotated[date, Field(json_schema_extra={"format": "YYYY-MM"})]
NonNeg = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Share = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
# Areas: at most a billion hectares (a tenth of the world's land), so sums of areas stay finite.
Hectares = Annotated[float, Field(ge=0, le=1e9, allow_inf_nan=False)]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_\-]*$", max_length=80)]


class MonthFields(Strict):
    """Base for sections with month fields: ``YYYY-MM`` text is parsed into dates."""

    @field_validator("*", mode="before")
    @classmethod
    def _months(cls, value, info):
        if info.field_name in cls.month_fields and value is not None:
            return parse_scenario_month(value)
        return value

    month_fields: ClassVar[tuple[str, ...]] = ()
