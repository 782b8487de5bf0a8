"""Monthly outputs, kept in preallocated arrays and turned into tidy pandas tables on demand."""

from __future__ import annotations

from functools import cached_property

import numpy as np
import pandas as pd

from model.columns import COUNTRY_ONLY, REGIONS

# Region columns that a country's total adds up, and country columns the recorder keeps itself.
SUMMED = [name for name, column in REGIONS.items() if column.country == "sum"]
RECORDED_COUNTRY = [name for name in COUNTRY_ONLY if name != "spending_usd"]


# Columns computed from other columns when the tables are built, not every month.
DERIVED_REGION = ("eradicated_ha", "eradication_spending_usd")
DERIVED_COUNTRY = ("substitution_spending_usd", "interdiction_spending_usd")


def month_starts(start, months: int) -> pd.DatetimeIndex:
    """The first day of ``months`` consecutive months from ``start`` (``pd.date_range`` "MS")."""
    unit = pd.Timestamp(start).unit
    first = np.datetime64(f"{start:%Y-%m}", "M")
    stamps = np.arange(first, first + np.timedelta64(months, "M")).astype(f"datetime64[{unit}]")
    return pd.DatetimeIndex(stamps, freq="MS")


def country_sums(values: np.ndarray, country_of: np.ndarray, countries: int) -> np.ndarray:
    """Months x regions summed per country (months x countries), in one order on every machine.

    A product with a region-to-country matrix would sum in BLAS, whose kernels (chosen by the
    CPU and the thread count) add in different orders: the last bits would differ between
    machines, and with them the golden outputs.
    """
    return np.stack([values[:, country_of == c].sum(axis=1) for c in range(countries)], axis=1)


class Recorder:
    """Collects one row per month and entity; builds tidy tables at the end.

    The columns in ``DERIVED_REGION`` and ``DERIVED_COUNTRY`` are filled from the recorded ones
    when a table is built (``complete``), which keeps the monthly cost low.
    """

    def __init__(self, scenario, world, households, governments, market, trafficking, traffickers):
        """Preallocate arrays for the scenario's months, regions, countries and traffickers.

        The recorder reads the actors it is given at the end of every month.
        """
        self.params, self.world = scenario, world
        self._households, self._governments = households, governments
        self._market, self._trafficking = market, trafficking
        self.trafficker_names = [org.name for org in traffickers]
        T, R, C = scenario.months, world.n_regions, world.n_countries
        K = len(traffickers)
        self.months = 0
        self.region = {k: np.zeros((T, R)) for k in REGIONS}
        self.country = {k: np.zeros((T, C)) for k in RECORDED_COUNTRY}
        self.country_cocaine = np.zeros((T, C))
        self._government_rows = tuple(self.country[k] for k in ("backlash", "backlash_cut",
            "aerial_capacity_ha_yr", "manual_capacity_ha_yr", "aid_usd_yr"))  # fmt: skip
        self._system = {k: np.zeros(T) for k in ("source_price", "wholesale_price", "demand_t",
                                                "supply_t", "stock_t", "route_seized_t")}  # fmt: skip
        self.trafficker_volume = np.zeros((T, K, C))
        self.trafficker_seized = np.zeros((T, K, C))
        self.trafficker_regions = np.zeros((T, K))
        self.trafficker_risk = np.zeros((T, K, C))
        self._completed = 0  # months whose derived columns are filled

    @cached_property
    def dates(self) -> pd.DatetimeIndex:
        """The first day of every month of the scenario (made when first asked for)."""
        return month_starts(self.params.start, self.params.months)

    def system_column(self, name: str) -> np.ndarray:
        """One stored column of the system table (``source_price``, ``stock_t``, ...), so far."""
        return self._system[name][: self.months]

    def country_cocaine_history(self) -> np.ndarray:
        """Cocaine production per month so far and country, tonnes."""
        return self.country_cocaine[: max(self.months, 1)]

    def record(self, month) -> None:
        """Store a finished month (a ``model.sim.month.Month``) and the actors' state after it."""
        t, hh, reg = month.t, self._households, self.region
        mature, immature = hh.area_by_region()
        reg["hectares"][t] = hh.region_hectares()  # mature + immature
        reg["mature_ha"][t] = mature
        reg["immature_ha"][t] = immature
        outcome = month.outcome
        if outcome.any_hit:  # otherwise nothing was eradicated (rows are 0)
            reg["eradicated_aerial_ha"][t] = outcome.aerial_ha
            reg["sprayed_area_ha"][t] = outcome.aerial_area_ha
            reg["manual_area_ha"][t] = outcome.manual_area_ha
            reg["eradicated_manual_ha"][t] = outcome.manual_ha
            reg["voluntary_ha"][t] = outcome.voluntary_ha
        reg["planted_ha"][t] = month.planted
        reg["suitable_ha"][t] = self.world.suitable_ha
        reg["leaf_t"][t] = month.leaf_kg / 1000.0
        reg["cocaine_t"][t] = month.cocaine_t
        reg["farmgate_price"][t] = month.price
        reg["households"][t] = hh.count * hh.weight
        reg["households_growing"][t], reg["perceived_risk"][t] = hh.growing_and_mean_risk()
        reg["migrants_out"][t] = month.leaving
        reg["migrants_in"][t] = month.arriving
        reg["new_households"][t] = month.entering
        reg["households_exiting"][t] = month.exiting
        reg["traffickers"][t] = month.buyers
        reg["armed_strength"][t] = month.strength
        self.country_cocaine[t] = self.world.by_country(month.cocaine_t)
        cty = self.country
        cty["seizures_t"][t] = month.seized_t
        cty["interdiction"][t] = month.interdiction
        backlash, cut, aerial, manual, aid = self._government_rows
        for c, gov in enumerate(self._governments):  # one per country, in country order
            backlash[t, c], cut[t, c] = gov.backlash, gov.backlash_cut
            aerial[t, c], manual[t, c] = gov.aerial_capacity_ha_yr, gov.manual_capacity_ha_yr
            aid[t, c] = gov.aid_usd_yr
        market, system = self._market, self._system
        system["source_price"][t] = market.source_price
        system["wholesale_price"][t] = market.wholesale_price
        system["demand_t"][t] = market.demand_t
        system["supply_t"][t] = market.arrivals_t
        system["stock_t"][t] = market.stock_t
        system["route_seized_t"][t] = market.route_seized_t
        trafficking = self._trafficking
        self.trafficker_volume[t] = trafficking.volume_t
        self.trafficker_seized[t] = trafficking.seized_t
        self.trafficker_regions[t] = trafficking.present.sum(axis=1)
        self.trafficker_risk[t] = trafficking.risk
        self.months = t + 1

    # ------------------------------------------------------------------ tables

    def complete(self) -> None:
        """Fill the derived columns of the months recorded so far."""
        T0, T = self._completed, self.months
        if T0 >= T:
            return
        world, g = self.world, self.params.government
        reg, cty = self.region, self.country
        destroyed = reg["eradicated_aerial_ha"][T0:T], reg["eradicated_manual_ha"][T0:T]
        reg["eradicated_ha"][T0:T] = destroyed[0] + destroyed[1]
        aerial, manual = reg["sprayed_area_ha"][T0:T], reg["manual_area_ha"][T0:T]
        danger = 1.0 + self.params.armed_groups.danger_cost * reg["armed_strength"][T0:T]
        reg["eradication_spending_usd"][T0:T] = danger * (
            aerial * g.aerial_cost_usd_ha + manual * g.manual_cost_usd_ha
        )
        C = world.n_countries
        bins = (np.arange(T - T0)[:, None] * C + world.country_of[None, :]).ravel()
        voluntary = np.bincount(
            bins, weights=reg["voluntary_ha"][T0:T].ravel(), minlength=(T - T0) * C
        ).reshape(T - T0, C)
        cty["substitution_spending_usd"][T0:T] = voluntary * g.alternative_development_cost_usd_ha
        cty["interdiction_spending_usd"][T0:T] = (
            cty["interdiction"][T0:T] * 100 * g.interdiction_cost_usd_point / 12
        )
        self._completed = T

    def regions(self) -> pd.DataFrame:
        """One row per month and region."""
        self.complete()
        world = self.world
        T, R = self.months, world.n_regions
        frame = {
            "date": np.repeat(self.dates[:T], R),
            "country": np.tile(np.array(world.countries)[world.country_of], T),
            "region": np.tile(np.array(world.names), T),
        }
        for key, values in self.region.items():
            frame[key] = values[:T].ravel()
        return pd.DataFrame(frame)

    def countries(self) -> pd.DataFrame:
        """One row per month and country; additive columns are sums of the regions."""
        self.complete()
        world = self.world
        T, C = self.months, world.n_countries
        frame = {
            "date": np.repeat(self.dates[:T], C),
            "country": np.tile(np.array(world.countries), T),
        }
        for key in SUMMED:
            frame[key] = country_sums(self.region[key][:T], world.country_of, C).ravel()
        leaf = self.region["leaf_t"][:T] * (self.region["traffickers"][:T] > 0)
        value = country_sums(self.region["farmgate_price"][:T] * leaf, world.country_of, C)
        sold = country_sums(leaf, world.country_of, C)
        frame["farmgate_price"] = np.divide(
            value, sold, out=np.zeros((T, C)), where=sold > 0
        ).ravel()
        frame["armed_strength"] = np.stack(
            [self.region["armed_strength"][:T][:, world.country_of == c].max(axis=1, initial=0.0)
             for c in range(C)], axis=1).ravel()  # fmt: skip
        for key, values in self.country.items():
            frame[key] = values[:T].ravel()
        frame["spending_usd"] = (
            frame["eradication_spending_usd"]
            + frame["substitution_spending_usd"]
            + frame["interdiction_spending_usd"]
        )
        return pd.DataFrame(frame)

    def system(self) -> pd.DataFrame:
        """One row per month for the whole system."""
        T = self.months
        hectares = self.region["hectares"][:T]
        total = hectares.sum(axis=1)
        shares = np.divide(
            hectares, total[:, None], out=np.zeros_like(hectares), where=total[:, None] > 0
        )
        source_seized = self.country["seizures_t"][:T].sum(axis=1)
        countries = self.countries()
        spending = countries.groupby("date", sort=True)["spending_usd"].sum().to_numpy()
        return pd.DataFrame(
            {
                "date": self.dates[:T],
                "hectares": total,
                "leaf_t": self.region["leaf_t"][:T].sum(axis=1),
                "cocaine_t": self.region["cocaine_t"][:T].sum(axis=1),
                "seizures_t": source_seized + self._system["route_seized_t"][:T],
                "supply_t": self._system["supply_t"][:T],
                "demand_t": self._system["demand_t"][:T],
                "stock_t": self._system["stock_t"][:T],
                "source_price": self._system["source_price"][:T],
                "wholesale_price": self._system["wholesale_price"][:T],
                "active_regions": (hectares > 500).sum(axis=1),
                "concentration": (shares**2).sum(axis=1),
                "households_growing": self.region["households_growing"][:T].sum(axis=1),
                "migrants": self.region["migrants_out"][:T].sum(axis=1),
                "new_households": self.region["new_households"][:T].sum(axis=1),
                "spending_usd": spending,
            }
        )

    def traffickers(self) -> pd.DataFrame:
        """One row per month, organisation and source country."""
        world = self.world
        names = self.trafficker_names
        T, K, C = self.months, len(names), world.n_countries
        return pd.DataFrame(
            {
                "date": np.repeat(self.dates[:T], K * C),
                "trafficker": np.tile(np.repeat(names, C), T),
                "country": np.tile(np.array(world.countries), T * K),
                "volume_t": self.trafficker_volume[:T].ravel(),
                "seizures_t": self.trafficker_seized[:T].ravel(),
                "perceived_risk": self.trafficker_risk[:T].ravel(),
                "regions": np.repeat(self.trafficker_regions[:T].ravel(), C),
            }
        )
