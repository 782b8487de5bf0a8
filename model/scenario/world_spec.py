"""The world a scenario describes: regions (cells of the migration network) and their edges."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

from pydantic import Field, ValidationInfo, field_validator

from model.scenario.dated_inputs import CountryYield
from model.scenario.defaults import DEFAULT_REGIONS
from model.scenario.fields import Hectares, NonNeg, Share, Slug, Strict
from model.scenario.market_defaults import DEFAULT_YIELDS


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
    # Upper bounds far above anything recorded keep every product of the month's arithmetic finite.
    yield_kg_ha: Annotated[float, Field(gt=0, le=100_000, allow_inf_nan=False)] = Field(
        1500.0, description="Dry coca leaf yield of mature coca, kg per hectare per year."
    )
    licit_income_usd_ha: Annotated[float, Field(ge=1, le=1_000_000, allow_inf_nan=False)] = Field(
        900.0, description="Net income of the best licit crop, US$ per hectare per year."
    )
    legal_ha: Hectares = Field(0.0, description="Coca area legal under national law, hectares.")
    route_cost_usd_kg: Annotated[float, Field(ge=0, le=1_000_000, allow_inf_nan=False)] = Field(
        100.0,
        description=(
            "Cost and risk of moving a kg of cocaine from the region to an export route, US$; "
            "buyers pay farmers less where it is high."
        ),
    )


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
    yields: dict[Slug, CountryYield] = Field(
        default_factory=lambda: {c: CountryYield(**y) for c, y in DEFAULT_YIELDS.items()},
        description="Dated leaf yield and cocaine per tonne of leaf per country. Countries and "
        "series not given keep their defaults (model/scenario/market_defaults.py); a series given "
        "replaces the default whole; other countries have no yield trend.",
    )

    @field_validator("yields", mode="before")
    @classmethod
    def _yields_over_defaults(cls, value, info: ValidationInfo):
        if not isinstance(value, Mapping):
            return value
        if "regions" in info.data:  # absent when the regions themselves are invalid
            regions = info.data["regions"]
            known = (
                {r.country for r in regions} if regions else {r["country"] for r in DEFAULT_REGIONS}
            )
            known |= set(DEFAULT_YIELDS)  # so that a dumped scenario always loads back
            unknown = sorted(set(value) - known)
            if unknown:
                raise ValueError(
                    f"unknown country {unknown[0]!r} (known: {', '.join(sorted(known))})"
                )
        merged: dict = {country: dict(series) for country, series in DEFAULT_YIELDS.items()}
        for country, given in value.items():
            if isinstance(given, Mapping) and isinstance(merged.get(country), dict):
                merged[country] = {**merged[country], **given}
            else:
                merged[country] = given
        return merged
