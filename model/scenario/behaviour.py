"""How the actors behave: households, traffickers, armed groups, the market, governments, sponsor.

Every parameter carries its unit and meaning in its ``description`` (``balloon schema`` and the
docs read them from here).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from model.scenario.dated_inputs import ConsumerMarket, Year
from model.scenario.defaults import DEFAULT_ARMED_GROUPS, DEFAULT_TRAFFICKERS
from model.scenario.fields import NonNeg, Share, Slug, Strict
from model.scenario.market_defaults import CONSUMER_SHARE_YEAR, DEFAULT_CONSUMER_MARKETS

# Consumer markets' shares must sum to 1 within this.
SHARE_SUM_TOLERANCE = 1e-6


class HouseholdParams(Strict):
    """Coca-farming households (array-backed) and their behaviour."""

    full_scale_households: Annotated[int, Field(ge=0, le=10_000_000)] = Field(
        250_000, description="Households (potential coca farmers) in the real system, count."
    )
    scale: Annotated[float, Field(ge=1e-6, le=4, allow_inf_nan=False)] = Field(
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
    neighbour_risk_weight: Annotated[float, Field(ge=0, le=2, allow_inf_nan=False)] = Field(
        0.0,
        description=(
            "Weight of the eradication in neighbouring regions of the same country in a "
            "region's perceived risk, relative to its own (Davalos & Morales, municipalities: "
            "about 0.4-0.8); 0: only one's own region counts."
        ),
    )
    replant_forced: Share = Field(
        0.6,
        description="Share of forcibly eradicated coca that farmers replant (Colombia: 50-67%).",
    )
    replant_voluntary: Share = Field(
        0.006, description="Share replanted after voluntary substitution (UNODC Colombia: 0.6%)."
    )
    replant_months: Annotated[float, Field(ge=1, le=36, allow_inf_nan=False)] = Field(
        4.0, description="Mean delay before eradicated coca that farmers replant is back, months."
    )
    spray_adaptation: NonNeg = Field(
        0.5,
        description=(
            "Farmers' adaptation to repeated spraying (pruning, stripping leaves, dispersed "
            "plots): a field sprayed n times recently loses kill rate / (1 + adaptation x n)."
        ),
    )
    spray_memory_months: Annotated[float, Field(ge=1, le=240, allow_inf_nan=False)] = Field(
        24.0, description="Months over which farmers' adaptation to spraying fades."
    )
    land_rent_usd_ha: NonNeg = Field(
        150.0,
        description=(
            "Cost of clearing and holding coca land when half a region's suitable land carries "
            "coca, US$ per hectare per year; it grows as f/(1-f) with the share f under coca, so "
            "returns fall as a region fills and it approaches its limit smoothly."
        ),
    )
    exit_rate: Share = Field(
        0.01,
        description=(
            "Monthly probability that a household without coca leaves a region where coca pays "
            "less than it did at the start (per unit of the shortfall, capped at 1)."
        ),
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
    local_price_elasticity: Annotated[float, Field(ge=0, le=3, allow_inf_nan=False)] = Field(
        0.3,
        description=(
            "Rise of a region's farm-gate price, in %, for a 1% shortfall of its harvest below "
            "what buyers usually get there (local scarcity; the shortfall counts up to 1.5 times)."
        ),
    )
    usual_supply_months: Annotated[float, Field(ge=1, le=120, allow_inf_nan=False)] = Field(
        12.0, description="Months over which buyers' expectation of a region's harvest adapts."
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
        description="Share of the gap to its cost-based level the list price closes monthly (a "
        "stock-out's clearing price is paid that month only).",
    )
    stock_months: Annotated[float, Field(gt=0, le=60, allow_inf_nan=False)] = Field(
        6.0, description="Inventory traffickers aim to hold, months of consumption at the start."
    )
    restock_months: Annotated[float, Field(ge=1, le=120, allow_inf_nan=False)] = Field(
        12.0, description="Months over which traffickers plan to close a gap in their inventory."
    )
    # Kennedy, Reuter & Riley: destroying up to ~70% of production moves retail prices little,
    # so most of a shortfall is met by inventories and by the source price drawing new supply.
    scarcity_premium: Annotated[float, Field(ge=0, le=5, allow_inf_nan=False)] = Field(
        0.03,
        description=(
            "Elasticity of the wholesale price to the inventory shortfall: the price is its "
            "cost-based level times (target stock / stock) to this power."
        ),
    )
    consumer_markets: Annotated[list[ConsumerMarket], Field(min_length=1)] = Field(
        default_factory=lambda: [ConsumerMarket(**m) for m in DEFAULT_CONSUMER_MARKETS],
        description="Consumer markets, each with its share of world consumption and its dated "
        "demand index (defaults from data: model/scenario/market_defaults.py).",
    )
    consumer_share_year: Year = Field(
        CONSUMER_SHARE_YEAR,
        description="Year the markets' shares refer to; a market's demand at the start is its "
        "share scaled by its index from this year to the start.",
    )

    @model_validator(mode="after")
    def _consumer_markets(self):
        seen = set()
        for market in self.consumer_markets:
            if market.name in seen:
                raise ValueError(f"consumer_markets: {market.name!r} is given twice")
            seen.add(market.name)
        total = sum(m.share for m in self.consumer_markets)
        if abs(total - 1.0) > SHARE_SUM_TOLERANCE:
            given = ", ".join(f"{m.name} {m.share:g}" for m in self.consumer_markets)
            raise ValueError(f"shares of consumer_markets sum to {total:.6g}, not 1 ({given})")
        return self


class GovernmentParams(Strict):
    """How producing governments eradicate, and how backlash stops them."""

    aerial_kill_rate: Share = Field(
        0.55, description="Share of the coca on a sprayed hectare that dies (before adaptation)."
    )
    manual_kill_rate: Share = Field(
        0.95, description="Share of the coca on a manually eradicated hectare removed."
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
    backlash_threshold: Annotated[float, Field(gt=0, le=1, allow_inf_nan=False)] = Field(
        0.5,
        description="Backlash (0-1) at which the government's cut of planned eradication is full.",
    )
    backlash_cutback: Share = Field(
        0.6,
        description=(
            "Share of planned eradication cut at full backlash; below the threshold the cut is in "
            "proportion to backlash. Recorded history is never cut."
        ),
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
    household_entry: bool = Field(
        True, description="New households start growing coca; households without coca leave."
    )
    local_scarcity: bool = Field(
        True, description="Farm-gate prices rise where the harvest falls short of buyers' usual."
    )
