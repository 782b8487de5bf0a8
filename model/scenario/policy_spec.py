"""Policies (schedules of an instrument over dates), dated events, and free parameters."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field, field_validator, model_validator

from model.scenario.fields import Month, MonthFields, NonNeg, Share, Slug, Strict, parse_month

INSTRUMENTS = (
    "aerial_eradication",
    "manual_eradication",
    "interdiction",
    "alternative_development",
    "counterinsurgency",
    "aid_budget",
)
EVENT_KINDS = (
    "leader_capture",
    "trafficker_entry",
    "trafficker_exit",
    "price_shock",
    "policy_cut",
    "legal_area",
    "crop_loss",
)


class ScheduleEntry(MonthFields):
    """A value from ``start`` on; with ``end`` and ``end_value``, a linear ramp to it."""

    month_fields: ClassVar[tuple[str, ...]] = ("start", "end")
    start: Month = Field(description="First month the entry applies (YYYY-MM).")
    value: NonNeg = Field(description="Value from start on (units of the instrument).")
    end: Month | None = Field(None, description="End of a ramp (YYYY-MM).")
    end_value: NonNeg | None = Field(None, description="Value reached at `end`, kept after it.")

    @model_validator(mode="after")
    def _ramp(self):
        if (self.end is None) != (self.end_value is None):
            raise ValueError("a ramp needs both `end` and `end_value`")
        if self.end is not None and self.end <= self.start:
            raise ValueError(f"ramp end {self.end:%Y-%m} is not after its start {self.start:%Y-%m}")
        return self


KILLING = ("aerial_eradication", "manual_eradication")

INSTRUMENT_UNITS = {
    "aerial_eradication": "hectares per year",
    "manual_eradication": "hectares per year",
    "interdiction": "share of shipments seized at source, 0-1",
    "alternative_development": "hectares per year of voluntary substitution offered",
    "counterinsurgency": "pressure on armed groups, 0-1",
    "aid_budget": "US$ per year from the foreign sponsor",
}


class Policy(Strict):
    """One policy instrument over time, for a country or a single region."""

    name: Slug | None = Field(
        None,
        description=(
            "Name to address the policy by (`--set policies.NAME.scale=0.5`, sweeps, "
            "free_parameters), e.g. colombia_aerial."
        ),
    )
    recorded_until: Month | None = Field(
        None,
        description=(
            "Last month (YYYY-MM) whose values are recorded history: applied as recorded, never "
            "cut by backlash or policy_cut events. Later values are plans (cut by backlash)."
        ),
    )

    @field_validator("recorded_until", mode="before")
    @classmethod
    def _month(cls, value):
        return parse_month(value) if value is not None else value

    instrument: Literal[INSTRUMENTS] = Field(  # type: ignore[valid-type]
        description="; ".join(f"{k}: {v}" for k, v in INSTRUMENT_UNITS.items())
    )
    country: Slug | None = Field(None, description="Country it applies to.")
    region: Slug | None = Field(None, description="Region it is confined to (eradication, AD).")
    schedule: list[ScheduleEntry] = Field(min_length=1, description="Entries in date order.")
    note: str = Field("", description="Why this schedule: the source or the assumption.")
    scale: NonNeg = Field(
        1.0,
        description=(
            "Multiplier on every value of the schedule, e.g. the share of recorded sprayed "
            "hectares that counts as coca removed; lets calibration scale a recorded series."
        ),
    )

    kill_rate: Share | None = Field(
        None,
        description=(
            "Share of the coca on a treated hectare destroyed where this programme acts: its "
            "instrument (aerial or manual eradication only; aerial before farmers adapt) in its "
            "country, or in its region (which wins over the country's). Other programmes of the "
            "instrument there share it. Unset: the government's aerial_kill_rate or "
            "manual_kill_rate."
        ),
    )

    @model_validator(mode="after")
    def _check(self):
        self._check_target()
        if self.kill_rate is not None and self.instrument not in KILLING:
            raise ValueError(
                f"kill_rate applies to aerial_eradication and manual_eradication, not "
                f"{self.instrument}"
            )
        ceiling = {"interdiction": (0.95, "a seized share"), "counterinsurgency": (1.0, "0-1")}
        if self.instrument in ceiling:
            top, kind = ceiling[self.instrument]
            for entry in self.schedule:
                for v in (entry.value, entry.end_value):
                    if v is not None and v > top:
                        raise ValueError(f"{self.instrument} is {kind}: {v} is above {top:g}")
        entries = self.schedule
        for i, (a, b) in enumerate(zip(entries, entries[1:], strict=False)):
            last = a.end or a.start
            if b.start < last or b.start == a.start:
                raise ValueError(
                    f"schedule entries {i} and {i + 1} overlap ({b.start:%Y-%m} is before "
                    f"{last:%Y-%m}): list entries in date order without overlap"
                )
        return self

    def _check_target(self) -> None:
        if self.instrument == "aid_budget":
            if self.country or self.region:
                raise ValueError("aid_budget is the sponsor's: give no country or region")
        elif self.country is None and self.region is None:
            raise ValueError(f"{self.instrument} needs a country or a region")
        if self.region is not None and self.instrument in ("interdiction", "counterinsurgency"):
            raise ValueError(f"{self.instrument} applies to a whole country: give no region")


class Event(MonthFields):
    """A dated one-off event."""

    month_fields: ClassVar[tuple[str, ...]] = ("date",)
    name: Slug | None = Field(
        None, description="Name to address the event by (e.g. `set: {events.NAME: null}`)."
    )
    date: Month = Field(description="Month of the event (YYYY-MM).")
    kind: Literal[EVENT_KINDS] = Field(  # type: ignore[valid-type]
        description=(
            "leader_capture (group, factor = share of strength lost); trafficker_entry / "
            "trafficker_exit (trafficker, region); price_shock (country or region, factor = "
            "multiplier on farm-gate prices, months); policy_cut (country, instrument, factor "
            "kept, months); legal_area (region, value = legal hectares); crop_loss (country or "
            "region, factor = share of its coca lost at once: a blight, a drought, a campaign "
            "outside the schedules)"
        )
    )
    country: Slug | None = Field(None, description="Country concerned.")
    region: Slug | None = Field(None, description="Region concerned.")
    group: Slug | None = Field(None, description="Armed group concerned (leader_capture).")
    trafficker: Slug | None = Field(None, description="Trafficker concerned.")
    instrument: Literal[INSTRUMENTS] | None = Field(  # type: ignore[valid-type]
        None, description="Instrument concerned (policy_cut)."
    )
    factor: NonNeg = Field(0.5, description="Size of the event (see kind).")
    value: NonNeg = Field(0.0, description="Level set by the event (legal_area, ha).")
    months: Annotated[int, Field(ge=1, le=1200)] = Field(
        12, description="Duration of price shocks and policy cuts, months."
    )
    note: str = Field("", description="What happened, and the source.")

    @model_validator(mode="after")
    def _needs(self):
        need = {
            "leader_capture": ("group",),
            "trafficker_entry": ("trafficker", "region"),
            "trafficker_exit": ("trafficker", "region"),
            "policy_cut": ("country", "instrument"),
            "legal_area": ("region",),
        }.get(self.kind, ())
        missing = [k for k in need if getattr(self, k) is None]
        if missing:
            raise ValueError(f"a {self.kind} event needs {', '.join(missing)}")
        where = self.kind in ("price_shock", "crop_loss")
        if where and self.country is None and self.region is None:
            raise ValueError(f"a {self.kind} event needs a country or a region")
        if self.kind == "crop_loss" and self.factor > 1:
            raise ValueError(f"crop_loss is a share of the coca lost: {self.factor} is above 1")
        return self


class FreeParameter(Strict):
    """A parameter calibration may change, with its bounds."""

    low: float = Field(allow_inf_nan=False, description="Lower bound.")
    high: float = Field(allow_inf_nan=False, description="Upper bound.")

    @model_validator(mode="after")
    def _order(self):
        if not self.low < self.high:
            raise ValueError(f"low {self.low} must be below high {self.high}")
        return self
