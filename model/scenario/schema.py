"""The typed scenario: everything a run needs, validated by pydantic.

Every parameter carries its unit and meaning in its ``description``; ``balloon schema`` and the
generated docs page read them from here, so they are written once. Unknown keys are rejected.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from model.scenario.defaults import (
    DEFAULT_ARMED_GROUPS,
    DEFAULT_EDGES,
    DEFAULT_REGIONS,
    DEFAULT_TRAFFICKERS,
)

YEAR_MONTH = re.compile(r"^(\d{4})-(\d{2})(?:-\d{2})?$")
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
)


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


Month = Annotated[date, Field(json_schema_extra={"format": "YYYY-MM"})]
NonNeg = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Share = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
# Areas: at most a billion hectares (a tenth of the world's land), so sums of areas stay finite.
Hectares = Annotated[float, Field(ge=0, le=1e9, allow_inf_nan=False)]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_\-]*$", max_length=80)]


class _MonthFields(Strict):
    @field_validator("*", mode="before")
    @classmethod
    def _months(cls, value, info):
        if info.field_name in cls.month_fields and value is not None:
            return parse_month(value)
        return value

    month_fields: ClassVar[tuple[str, ...]] = ()


# ----------------------------------------------------------------------------- world


class RegionSpec(Strict):
    """A coca-growing region: a cell of the migration network."""

    name: Slug = Field(description="Identifier, lower case (e.g. upper_huallaga).")
    country: Slug = Field(description="Country the region belongs to.")
    label: str = Field("", description="Human-readable name for figures.")
    lon: float = Field(ge=-180, le=180, description="Longitude of the region's centre, degrees.")
    lat: float = Field(ge=-90, le=90, description="Latitude of the region's centre, degrees.")
    suitable_ha: Hectares = Field(
        description="Agro-ecologically suitable area for coca, hectares: a hard cap on coca there."
    )
    initial_coca_ha: Hectares = Field(0.0, description="Coca at the start date, hectares.")
    accessibility: Share = Field(0.5, description="Reach of the state, 0 (remote) to 1 (easy).")
    state_presence: Share = Field(0.5, description="Presence of state institutions, 0-1.")
    yield_kg_ha: Annotated[float, Field(gt=0, allow_inf_nan=False)] = Field(
        1500.0, description="Dry coca leaf yield of mature coca, kg per hectare per year."
    )
    licit_income_usd_ha: Annotated[float, Field(ge=1, allow_inf_nan=False)] = Field(
        900.0, description="Net income of the best licit crop, US$ per hectare per year."
    )
    legal_ha: Hectares = Field(0.0, description="Coca area legal under national law, hectares.")


class EdgeSpec(Strict):
    """A migration route between two regions."""

    source: Slug = Field(description="Region name at one end.")
    target: Slug = Field(description="Region name at the other end.")
    cost_usd: NonNeg = Field(
        1500.0, description="One-off cost of moving a household along this edge, US$."
    )


class WorldSpec(Strict):
    """Countries, regions and migration edges. Omit them for the default Andean world."""

    countries: list[Slug] | None = Field(
        None, description="Countries to keep from the regions (default: all of them)."
    )
    regions: list[RegionSpec] | None = Field(
        None, description="Regions; omit for the default Andean world (16 regions)."
    )
    edges: list[EdgeSpec] | None = Field(
        None, description="Migration edges; omit for the default network."
    )
    region_overrides: dict[Slug, dict[str, float]] = Field(
        default_factory=dict,
        description="Per-region attribute changes, e.g. {chapare: {suitable_ha: 30000}}.",
    )
    cross_border_cost_factor: Annotated[float, Field(ge=1, allow_inf_nan=False)] = Field(
        2.0, description="Multiplier on the migration cost of edges that cross a border."
    )


# ----------------------------------------------------------------------------- agents


class HouseholdParams(Strict):
    """Coca-farming households (array-backed) and their behaviour."""

    full_scale_households: Annotated[int, Field(ge=0, le=10_000_000)] = Field(
        250_000, description="Households (potential coca farmers) in the real system, count."
    )
    scale: Annotated[float, Field(gt=0, le=4, allow_inf_nan=False)] = Field(
        0.05,
        description="Simulated households per real household (1 = one agent per household).",
    )
    mean_land_ha: Annotated[float, Field(ge=0.01, allow_inf_nan=False)] = Field(
        2.5, description="Mean farm land per household that could carry coca, hectares."
    )
    max_coca_share: Share = Field(0.8, description="Largest share of its land a household plants.")
    maturity_months: Annotated[float, Field(ge=1, le=60, allow_inf_nan=False)] = Field(
        15.0, description="Mean delay from planting to first harvest, months."
    )
    production_cost_usd_ha: NonNeg = Field(
        900.0, description="Cost of growing coca (labour, inputs), US$ per hectare per year."
    )
    profit_sensitivity: Annotated[float, Field(gt=0, allow_inf_nan=False)] = Field(
        0.2, description="Steepness of the coca share against relative coca advantage (unitless)."
    )
    planting_rate: Share = Field(
        0.05, description="Share of the gap to the target area planted per month (inertia)."
    )
    abandon_rate: Share = Field(
        0.03, description="Share of the excess over the target area abandoned per month."
    )
    price_learning_rate: Share = Field(
        0.15, description="Weight of this month's farm-gate price in the expected price."
    )
    risk_learning_own: Share = Field(
        0.5, description="Weight of one's own eradication in the perceived risk (per event)."
    )
    risk_learning_region: Share = Field(
        0.08, description="Monthly weight of the region's eradication rate in perceived risk."
    )
    replant_forced: Share = Field(
        0.6, description="Share of forcibly eradicated coca replanted at once (Reyes 2014)."
    )
    replant_voluntary: Share = Field(
        0.006, description="Share replanted after voluntary substitution (UNODC Colombia: 0.6%)."
    )
    migration_rate: Share = Field(
        0.02, description="Monthly probability that a household with a better place moves there."
    )
    displaced_migration_boost: NonNeg = Field(
        4.0, description="Multiplier on migration probability in the month a household is hit."
    )
    entry_rate: Share = Field(
        0.004,
        description="New households per month per free household-plot where coca pays.",
    )
    # Bounded: room for new households is allocated up front.
    spare_capacity: Annotated[float, Field(ge=0, le=10, allow_inf_nan=False)] = Field(
        0.8, description="Room for new households, as a share of the initial number."
    )


class TraffickerSpec(Strict):
    """One trafficking organisation."""

    name: Slug = Field(description="Identifier, e.g. colombian_cartels.")
    regions: list[Slug] = Field(default_factory=list, description="Regions where it buys at start.")
    countries: list[Slug] | None = Field(None, description="Countries it may enter (default: any).")


class TraffickerParams(Strict):
    """Behaviour shared by trafficking organisations (NarcoLogic-style learning)."""

    organisations: list[TraffickerSpec] = Field(
        default_factory=lambda: [TraffickerSpec(**t) for t in DEFAULT_TRAFFICKERS],
        description="The organisations and where they buy at the start.",
    )
    learning_rate: Share = Field(
        0.6, description="Weight of the latest loss rate in perceived risk (Magliocca 2019: 0.65)."
    )
    leaf_per_kg_cocaine: Annotated[float, Field(ge=1, allow_inf_nan=False)] = Field(
        320.0, description="Dry coca leaf needed for one kilogram of cocaine, kg."
    )
    processing_cost_usd_kg: NonNeg = Field(
        150.0, description="Processing and local transport cost, US$ per kg of cocaine."
    )
    markdown: Share = Field(
        0.5,
        description="Buyer power: a lone trafficker pays (1-markdown) of leaf value; n pay 1-m/n.",
    )
    entry_cost_usd: NonNeg = Field(
        2.0e6, description="One-off cost of setting up buying and labs in a new region, US$."
    )
    payback_months: Annotated[float, Field(gt=0, allow_inf_nan=False)] = Field(
        24.0, description="Horizon over which an entry must pay back, months."
    )
    entry_probability: Share = Field(
        0.15, description="Monthly chance of acting on a profitable entry (search friction)."
    )
    operating_cost_usd_month: NonNeg = Field(
        40_000.0, description="Fixed cost of operating in one region, US$ per month."
    )
    exit_after_months: Annotated[int, Field(ge=1, le=240)] = Field(
        12, description="Months of losses in a region before leaving it."
    )
    frontier_uptake: Share = Field(
        0.15, description="Share of free suitable land traffickers expect farmers to plant."
    )


class ArmedGroupSpec(Strict):
    """An armed group present in some regions."""

    name: Slug = Field(description="Identifier, e.g. shining_path_huallaga.")
    regions: list[Slug] = Field(description="Regions where it is present.")
    strength: Share = Field(0.5, description="Initial strength, 0 (gone) to 1 (at its peak).")
    tax_rate: Share = Field(0.1, description="Share of coca revenue it takes from farmers.")


class ArmedGroupParams(Strict):
    """How armed groups grow, shrink and shield growers."""

    groups: list[ArmedGroupSpec] = Field(
        default_factory=lambda: [ArmedGroupSpec(**g) for g in DEFAULT_ARMED_GROUPS],
        description="The groups and where they are.",
    )
    revenue_growth: NonNeg = Field(
        0.02, description="Monthly strength gain at reference tax revenue (US$1M/month)."
    )
    decay: Share = Field(0.005, description="Monthly strength loss without revenue.")
    counterinsurgency_effect: Share = Field(
        0.04, description="Monthly strength loss per unit of counter-insurgency pressure."
    )
    protection: Share = Field(
        0.6, description="Share of eradication reach removed by a group at full strength."
    )
    danger_cost: NonNeg = Field(
        1.5, description="Extra eradication cost per ha at full strength, as a multiple of cost."
    )


class MarketParams(Strict):
    """Cocaine demand, source and wholesale prices."""

    demand_elasticity: Annotated[float, Field(ge=-3, le=0, allow_inf_nan=False)] = Field(
        -0.5, description="Price elasticity of cocaine demand (literature: -0.3 to -1.0)."
    )
    # The market keeps the source price within these bounds.
    source_price_usd_kg: Annotated[float, Field(ge=50, le=1e6, allow_inf_nan=False)] = Field(
        1200.0, description="Initial price of cocaine in producing countries, US$/kg."
    )
    smuggling_cost_usd_kg: NonNeg = Field(
        18_000.0, description="Cost of moving a kg to wholesale markets, US$/kg."
    )
    route_seizure_rate: Share = Field(
        0.25, description="Share of shipments seized on transit routes (NarcoLogic target: 25%)."
    )
    price_flexibility: Annotated[float, Field(ge=0, le=10, allow_inf_nan=False)] = Field(
        0.6, description="Rise of the source price, in %, for a 1% shortfall of supply at source."
    )
    price_adjustment: Share = Field(
        0.25, description="Monthly share of the gap to its target the source price closes."
    )
    max_monthly_price_change: Share = Field(
        0.15, description="Largest monthly change of the source price, as a share."
    )
    wholesale_stickiness: Share = Field(
        0.3,
        description="Share of the gap to its cost-based level the wholesale price closes monthly.",
    )
    demand_growth_per_year: Annotated[float, Field(ge=-0.5, le=0.5, allow_inf_nan=False)] = Field(
        0.0, description="Trend growth of cocaine demand, share per year."
    )


class GovernmentParams(Strict):
    """How producing governments eradicate, and how backlash stops them."""

    aerial_kill_rate: Share = Field(0.55, description="Share of a sprayed field that dies.")
    manual_kill_rate: Share = Field(
        0.95, description="Share of a manually eradicated field removed."
    )
    aerial_cost_usd_ha: NonNeg = Field(2500.0, description="Cost of spraying, US$ per ha.")
    manual_cost_usd_ha: NonNeg = Field(
        3500.0, description="Cost of manual eradication, US$ per ha."
    )
    alternative_development_cost_usd_ha: NonNeg = Field(
        6000.0, description="Cost of a voluntary substitution agreement, US$ per ha."
    )
    alternative_development_income_gain: NonNeg = Field(
        0.6, description="Rise of licit income of households that substitute, share."
    )
    interdiction_cost_usd_point: NonNeg = Field(
        30e6, description="Yearly cost of one percentage point of seizure rate, US$."
    )
    max_monthly_reach: Share = Field(
        0.25, description="Largest share of a region's reachable coca eradicated in a month."
    )
    accessibility_weight: NonNeg = Field(
        1.0, description="Exponent of accessibility in targeting (0 ignores it)."
    )
    danger_avoidance: Share = Field(
        0.5, description="How much governments shy away from armed-group regions, 0-1."
    )
    backlash_sensitivity: NonNeg = Field(
        2.0, description="Backlash gained per share of the country's coca income destroyed."
    )
    backlash_decay: Share = Field(0.05, description="Monthly decay of backlash.")
    backlash_threshold: NonNeg = Field(
        0.5, description="Backlash (0-1) above which the government cuts eradication."
    )
    backlash_cutback: Share = Field(
        0.6, description="Share of eradication cut while backlash is above the threshold."
    )


class SponsorParams(Strict):
    """The foreign sponsor's aid (the US in history)."""

    rule: Literal["fixed", "follow_production"] = Field(
        "fixed", description="Split aid by fixed shares, or by each country's lagged production."
    )
    shares: dict[Slug, Share] = Field(
        default_factory=dict, description="Fixed shares by country (rule fixed); default equal."
    )
    lag_months: Annotated[int, Field(ge=0, le=120)] = Field(
        12, description="Lag of the production the aid follows, months."
    )
    eradication_share: Share = Field(
        0.6, description="Share of aid spent on manual eradication; the rest on interdiction."
    )


class Channels(Strict):
    """Switches for each balloon channel."""

    price_response: bool = Field(True, description="Source price responds to scarcity.")
    trafficker_relocation: bool = Field(True, description="Traffickers enter and leave regions.")
    household_migration: bool = Field(True, description="Households migrate along edges.")
    household_entry: bool = Field(True, description="New households start growing coca.")


# ----------------------------------------------------------------------------- policies


class ScheduleEntry(_MonthFields):
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

    @model_validator(mode="after")
    def _check(self):
        if self.instrument == "aid_budget":
            if self.country or self.region:
                raise ValueError("aid_budget is the sponsor's: give no country or region")
        elif self.country is None and self.region is None:
            raise ValueError(f"{self.instrument} needs a country or a region")
        if self.region is not None and self.instrument in ("interdiction", "counterinsurgency"):
            raise ValueError(f"{self.instrument} applies to a whole country: give no region")
        if self.instrument == "interdiction":
            for entry in self.schedule:
                for v in (entry.value, entry.end_value):
                    if v is not None and v > 0.95:
                        raise ValueError(f"interdiction is a seized share: {v} is above 0.95")
        if self.instrument == "counterinsurgency":
            for entry in self.schedule:
                for v in (entry.value, entry.end_value):
                    if v is not None and v > 1:
                        raise ValueError(f"counterinsurgency is 0-1: {v} is above 1")
        entries = self.schedule
        for i, (a, b) in enumerate(zip(entries, entries[1:], strict=False)):
            last = a.end or a.start
            if b.start < last or b.start == a.start:
                raise ValueError(
                    f"schedule entries {i} and {i + 1} overlap ({b.start:%Y-%m} is before "
                    f"{last:%Y-%m}): list entries in date order without overlap"
                )
        return self


class Event(_MonthFields):
    """A dated one-off event."""

    month_fields: ClassVar[tuple[str, ...]] = ("date",)
    date: Month = Field(description="Month of the event (YYYY-MM).")
    kind: Literal[EVENT_KINDS] = Field(  # type: ignore[valid-type]
        description=(
            "leader_capture (group, factor = share of strength lost); trafficker_entry / "
            "trafficker_exit (trafficker, region); price_shock (country or region, factor = "
            "multiplier on farm-gate prices, months); policy_cut (country, instrument, factor "
            "kept, months); legal_area (region, value = legal hectares)"
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
        if self.kind == "price_shock" and self.country is None and self.region is None:
            raise ValueError("a price_shock event needs a country or a region")
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


# ----------------------------------------------------------------------------- scenario


def _known(names) -> str:
    names = sorted(names)
    shown = ", ".join(names[:8]) + (", ..." if len(names) > 8 else "")
    return f"known: {shown}" if names else "none defined"


class Scenario(_MonthFields):
    """A complete experiment: world, agents, market, policies, events and switches."""

    month_fields: ClassVar[tuple[str, ...]] = ("start", "end")
    name: Slug = Field("baseline", description="Name; results go to results/<name>/.")
    description: str = Field("", description="The question this scenario asks.")
    start: Month = Field(date(1990, 1, 1), description="First simulated month (YYYY-MM).")
    end: Month = Field(date(2023, 12, 1), description="Last simulated month (YYYY-MM).")
    seed: Annotated[int, Field(ge=0, lt=2**63)] = Field(12345, description="Root random seed.")
    replications: Annotated[int, Field(ge=1, le=100_000)] = Field(
        10, description="Runs with different seeds derived from `seed`."
    )
    world: WorldSpec = Field(default_factory=WorldSpec, description="Countries and regions.")
    households: HouseholdParams = Field(default_factory=HouseholdParams)
    traffickers: TraffickerParams = Field(default_factory=TraffickerParams)
    armed_groups: ArmedGroupParams = Field(default_factory=ArmedGroupParams)
    market: MarketParams = Field(default_factory=MarketParams)
    government: GovernmentParams = Field(default_factory=GovernmentParams)
    sponsor: SponsorParams = Field(default_factory=SponsorParams)
    channels: Channels = Field(default_factory=Channels)
    policies: list[Policy] = Field(default_factory=list, description="Policy schedules.")
    events: list[Event] = Field(default_factory=list, description="Dated events.")
    free_parameters: dict[str, FreeParameter] = Field(
        default_factory=dict,
        description="Dotted parameter paths calibration may change, with bounds.",
    )

    @model_validator(mode="after")
    def _dates(self):
        if self.end < self.start:
            raise ValueError(f"end {self.end:%Y-%m} is before start {self.start:%Y-%m}")
        return self

    @model_validator(mode="after")
    def _world(self):
        named = [
            ("world.regions", self.world.regions or []),
            ("traffickers.organisations", self.traffickers.organisations),
            ("armed_groups.groups", self.armed_groups.groups),
        ]
        for path, items in named:
            seen = set()
            for i, item in enumerate(items):
                if item.name in seen:
                    raise ValueError(f"{path}.{i}.name: {item.name!r} is given twice")
                seen.add(item.name)
        if self.world.regions == []:
            raise ValueError("world.regions: is empty: give at least one region, or omit the key")
        every = {
            r.country for r in (self.world.regions or [RegionSpec(**r) for r in DEFAULT_REGIONS])
        }
        for country in self.world.countries or []:
            if country not in every:
                raise ValueError(f"world.countries: unknown country {country!r} ({_known(every)})")
        if not self.resolved_regions():
            raise ValueError("world.countries: keeps no region: name at least one country")
        return self

    @model_validator(mode="after")
    def _references(self):
        regions = {r.name: r.country for r in self.resolved_regions()}
        countries = set(regions.values())
        problems = []

        def check(path, country=None, region=None):
            if country is not None and country not in countries:
                problems.append(
                    f"{path}.country: unknown country {country!r} ({_known(countries)})"
                )
            if region is not None and region not in regions:
                problems.append(f"{path}.region: unknown region {region!r} ({_known(regions)})")
            elif region is not None and country is not None and regions[region] != country:
                problems.append(f"{path}.region: {region!r} is in {regions[region]}, not {country}")

        for i, policy in enumerate(self.policies):
            check(f"policies.{i}", policy.country, policy.region)
        traffickers = {t.name for t in self.traffickers.organisations}
        groups = {g.name for g in self.armed_groups.groups}
        for i, event in enumerate(self.events):
            check(f"events.{i}", event.country, event.region)
            if event.trafficker is not None and event.trafficker not in traffickers:
                problems.append(
                    f"events.{i}.trafficker: unknown trafficker {event.trafficker!r} "
                    f"({_known(traffickers)})"
                )
            if event.group is not None and event.group not in groups:
                problems.append(
                    f"events.{i}.group: unknown armed group {event.group!r} ({_known(groups)})"
                )
        if "organisations" in self.traffickers.model_fields_set:
            for i, org in enumerate(self.traffickers.organisations):
                for region in org.regions:
                    check(f"traffickers.organisations.{i}.regions", region=region)
        if "groups" in self.armed_groups.model_fields_set:
            for i, group in enumerate(self.armed_groups.groups):
                for region in group.regions:
                    check(f"armed_groups.groups.{i}.regions", region=region)
        for name in self.world.region_overrides:
            check("world.region_overrides", region=name)
        for name in self.sponsor.shares:
            check("sponsor.shares", country=name)
        if self.world.edges is not None:
            for i, edge in enumerate(self.world.edges):
                check(f"world.edges.{i}.source", region=edge.source)
                check(f"world.edges.{i}.target", region=edge.target)
        if problems:
            raise ValueError(problems[0])
        return self

    def resolved_regions(self) -> list[RegionSpec]:
        """Regions of this scenario's world, with overrides applied and countries filtered."""
        if self.world.regions is not None:
            regions = list(self.world.regions)
        else:
            regions = [RegionSpec(**r) for r in DEFAULT_REGIONS]
        if self.world.countries is not None:
            regions = [r for r in regions if r.country in self.world.countries]
        by_name = {r.name: r for r in regions}
        for name, changes in self.world.region_overrides.items():
            if name in by_name:
                unknown = set(changes) - set(RegionSpec.model_fields) - {"name", "country"}
                if unknown:
                    raise ValueError(
                        f"world.region_overrides.{name}: unknown attribute {sorted(unknown)[0]!r}"
                    )
                by_name[name] = by_name[name].model_copy(update=changes)
                RegionSpec.model_validate(by_name[name].model_dump())
        return list(by_name.values())

    def resolved_edges(self) -> list[EdgeSpec]:
        """Migration edges between the scenario's regions."""
        names = {r.name for r in self.resolved_regions()}
        if self.world.edges is not None:
            edges = self.world.edges
        else:
            edges = [EdgeSpec(source=a, target=b) for a, b in DEFAULT_EDGES]
        return [e for e in edges if e.source in names and e.target in names]

    @property
    def months(self) -> int:
        """Number of simulated months, start and end included."""
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    def month_index(self, when: date) -> int:
        """Months from the start to ``when`` (negative before the start)."""
        return (when.year - self.start.year) * 12 + when.month - self.start.month
