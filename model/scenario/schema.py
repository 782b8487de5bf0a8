"""The typed scenario: everything a run needs, validated by pydantic.

Its sections live beside it (``world_spec``, ``behaviour``, ``policy_spec``); every parameter carries
its unit and meaning in its ``description``, which ``balloon schema`` and the generated docs page
read. Unknown keys are rejected.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Annotated, ClassVar

from pydantic import Field, ValidationError, ValidationInfo, model_validator

from model.scenario.behaviour import (
    ArmedGroupParams,
    Channels,
    GovernmentParams,
    HouseholdParams,
    MarketParams,
    SponsorParams,
    TraffickerParams,
)
from model.scenario.defaults import DEFAULT_EDGES, DEFAULT_REGIONS
from model.scenario.fields import Month, MonthFields, Slug
from model.scenario.policy_spec import Event, FreeParameter, Policy
from model.scenario.world_spec import EdgeSpec, RegionSpec, WorldSpec


def _known(names) -> str:
    names = sorted(names)
    shown = ", ".join(names[:8]) + (", ..." if len(names) > 8 else "")
    return f"known: {shown}" if names else "none defined"


# Validation context key: validate the fields only (``loading`` checks references apart).
SKIP_CROSS_CHECKS = "skip_cross_checks"


class Scenario(MonthFields):
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
        description="Dotted parameter paths calibration may change, with bounds (the prior).",
    )
    hold_dated_inputs: bool = Field(
        False,
        description=(
            "Hold consumers' demand and yields at their values of the first month instead of "
            "following their dated series (a world held still, for teaching examples and tests)."
        ),
    )
    score_against_record: bool = Field(
        False,
        description=(
            "Score the runs against the 1990-2012 record (UNODC hectares per country and region "
            "group, the turning points) in summary.md and in balloon plot's record.png: for "
            "scenarios meant to reproduce the history. A counterfactual, which departs from the "
            "record on purpose, sets it false."
        ),
    )
    posterior: str | None = Field(
        None,
        description=(
            "Posterior sample of the free parameters (Parquet, written by balloon calibrate), "
            "a path relative to the scenario file; runs with --posterior draw one sample per "
            "replication from it."
        ),
    )

    @model_validator(mode="after")
    def _cross_checks(self, info: ValidationInfo):
        # Every problem at once, one per line (model.scenario.loading.validate splits them).
        if info.context and info.context.get(SKIP_CROSS_CHECKS):
            return self
        problems = list(_date_problems(self)) + list(_world_problems(self))
        if not problems:
            problems = list(reference_problems(self))
        if problems:
            raise ValueError("\n".join(problems))
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

    def expanded_world(self) -> WorldSpec:
        """The world with its countries, regions and edges written out (defaults applied)."""
        regions = self.resolved_regions()
        return self.world.model_copy(
            update={
                "countries": sorted({r.country for r in regions}),
                "regions": regions,
                "edges": self.resolved_edges(),
                "region_overrides": {},
            }
        )

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


def _date_problems(scenario: Scenario) -> Iterator[str]:
    if scenario.end < scenario.start:
        yield f"end: {scenario.end:%Y-%m} is before start {scenario.start:%Y-%m}"


def _world_problems(scenario: Scenario) -> Iterator[str]:
    """Names given twice, an empty world, unknown countries: what makes the world unusable."""
    named = [
        ("world.regions", scenario.world.regions or []),
        ("traffickers.organisations", scenario.traffickers.organisations),
        ("armed_groups.groups", scenario.armed_groups.groups),
        ("policies", scenario.policies),
        ("events", scenario.events),
    ]
    for path, items in named:
        seen = set()
        for i, item in enumerate(items):
            if item.name is None:  # policies and events may go unnamed
                continue
            if item.name in seen:
                yield f"{path}.{i}.name: {item.name!r} is given twice"
            seen.add(item.name)
    if scenario.world.regions == []:
        yield "world.regions: is empty: give at least one region, or omit the key"
        return
    regions = scenario.world.regions or [RegionSpec(**r) for r in DEFAULT_REGIONS]
    every = {r.country for r in regions}
    unknown = [c for c in scenario.world.countries or [] if c not in every]
    for country in unknown:
        yield f"world.countries: unknown country {country!r} ({_known(every)})"
    overrides = list(_override_problems(regions, scenario.world.region_overrides))
    yield from overrides
    if not unknown and not overrides and not scenario.resolved_regions():
        yield "world.countries: keeps no region: name at least one country"


def _override_problems(regions: list[RegionSpec], overrides: dict) -> Iterator[str]:
    """Region overrides of an attribute a region lacks or with a value out of its range.

    Checked here, key by key, so that a bad one is named in full and does not hide the others
    (:meth:`Scenario.resolved_regions` would stop at the first).
    """
    from model.scenario.paths import unknown_key  # paths reads this module's schema

    by_name = {r.name: r for r in regions}
    for name, changes in overrides.items():
        where = f"world.region_overrides.{name}"
        unknown = sorted(set(changes) - set(RegionSpec.model_fields))
        for key in unknown:
            yield f"{where}.{key}: {unknown_key(key, RegionSpec)}"
        if unknown or name not in by_name:  # an unknown region is a reference problem
            continue
        try:
            RegionSpec.model_validate({**by_name[name].model_dump(), **changes})
        except ValidationError as error:
            for item in error.errors(include_url=False):
                key = ".".join(str(part) for part in item["loc"])
                yield f"{where}.{key}: {item['msg']} (got {item['input']!r})"


def reference_problems(scenario: Scenario) -> Iterator[str]:
    """Every reference to a country, region, trafficker or armed group the scenario lacks."""
    known = _Known(scenario)
    for i, policy in enumerate(scenario.policies):
        yield from known.place(f"policies.{i}", policy.country, policy.region)
    yield from _kill_rate_problems(scenario)
    traffickers = {t.name for t in scenario.traffickers.organisations}
    groups = {g.name for g in scenario.armed_groups.groups}
    for i, event in enumerate(scenario.events):
        yield from known.place(f"events.{i}", event.country, event.region)
        yield from _named(f"events.{i}.trafficker", "trafficker", event.trafficker, traffickers)
        yield from _named(f"events.{i}.group", "armed group", event.group, groups)
    named_lists = [
        ("traffickers", "organisations", scenario.traffickers),
        ("armed_groups", "groups", scenario.armed_groups),
    ]
    for section, key, params in named_lists:
        if key in params.model_fields_set:  # the defaults always name known regions
            for i, item in enumerate(getattr(params, key)):
                for region in item.regions:
                    yield from known.place(f"{section}.{key}.{i}.regions", region=region)
    for name in scenario.world.region_overrides:
        yield from known.place("world.region_overrides", region=name)
    for name in scenario.sponsor.shares:
        yield from known.place("sponsor.shares", country=name)
    for i, edge in enumerate(scenario.world.edges or []):
        yield from known.place(f"world.edges.{i}.source", region=edge.source)
        yield from known.place(f"world.edges.{i}.target", region=edge.target)


def _kill_rate_problems(scenario: Scenario) -> Iterator[str]:
    """Two programmes that give one place's eradication two different kill rates."""
    given: dict[tuple[str, str | None], tuple[str, float]] = {}
    for i, policy in enumerate(scenario.policies):
        if policy.kill_rate is None:
            continue
        where = (policy.instrument, policy.region or policy.country)
        label = f"policies.{policy.name or i}"
        if where in given and given[where][1] != policy.kill_rate:
            first, rate = given[where]
            place = where[1]
            yield (
                f"{label}.kill_rate: {policy.kill_rate:g} differs from {first}.kill_rate "
                f"{rate:g}, for the same {policy.instrument} in {place}: give one kill rate"
            )
        given.setdefault(where, (label, policy.kill_rate))


def _named(path: str, kind: str, name: str | None, names: set[str]) -> Iterator[str]:
    if name is not None and name not in names:
        yield f"{path}: unknown {kind} {name!r} ({_known(names)})"


class _Known:
    """The countries and regions of a scenario's world, to check references against."""

    def __init__(self, scenario: Scenario):
        self.regions = {r.name: r.country for r in scenario.resolved_regions()}
        self.countries = set(self.regions.values())

    def place(self, path: str, country: str | None = None, region: str | None = None):
        """Problems with a reference to a country and/or a region (in that country)."""
        if country is not None and country not in self.countries:
            yield f"{path}.country: unknown country {country!r} ({_known(self.countries)})"
        if region is not None and region not in self.regions:
            yield f"{path}.region: unknown region {region!r} ({_known(self.regions)})"
        elif region is not None and country is not None and self.regions[region] != country:
            yield f"{path}.region: {region!r} is in {self.regions[region]}, not {country}"
