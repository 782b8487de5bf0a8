"""Every output column and metric of the model: its name, unit and meaning, written once.

The recorder builds its tables from these registries, in their order; outcomes, balloon metrics,
results folders (``summary.md``, ``columns.csv``), figures' axis labels and the docs read units and
meanings from here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Column:
    """One output column or metric.

    Attributes:
        name: column name in the tables.
        unit: unit of its values (``"ha"``, ``"US$/kg"``, ``"0-1"``, ``"count"`` ...).
        meaning: one sentence: what a value is.
        country: how a per-region column becomes a per-country one (``"sum"``, ``"max"``,
            ``"leaf-weighted mean"``), empty where the country table has no such column.

    """

    name: str
    unit: str
    meaning: str
    country: str = ""

    @property
    def label(self) -> str:
        """``meaning, unit`` for an axis or a table header."""
        return f"{self.meaning}, {self.unit}" if self.unit else self.meaning


def _registry(*rows: tuple[str, ...]) -> dict[str, Column]:
    return {row[0]: Column(*row) for row in rows}


#: Columns that identify a row (every table has ``date``; stacked runs add ``replication``).
KEYS = _registry(
    ("replication", "index", "replication number; replication i of every scenario uses one seed"),
    ("date", "month", "first day of the simulated month"),
    ("country", "", "producing country"),
    ("region", "", "coca-growing region"),
    ("trafficker", "", "trafficking organisation"),
)

#: The ``regions`` table: one row per month and region.
REGIONS = _registry(
    ("hectares", "ha", "coca, mature and immature", "sum"),
    ("mature_ha", "ha", "coca old enough to harvest", "sum"),
    ("immature_ha", "ha", "coca planted but not yet harvested", "sum"),
    ("suitable_ha", "ha", "land agro-ecologically suitable for coca", "sum"),
    ("eradicated_ha", "ha", "coca destroyed by forced eradication this month", "sum"),
    ("eradicated_aerial_ha", "ha", "coca killed by aerial spraying this month", "sum"),
    ("eradicated_manual_ha", "ha", "coca removed by manual eradication this month", "sum"),
    (
        "sprayed_area_ha",
        "ha",
        "area sprayed from the air this month, as governments record it",
        "sum",
    ),
    ("manual_area_ha", "ha", "area eradicated by hand this month, as governments record it", "sum"),
    ("voluntary_ha", "ha", "coca removed under voluntary substitution this month", "sum"),
    ("planted_ha", "ha", "coca planted this month", "sum"),
    ("leaf_t", "t", "dry leaf harvested this month", "sum"),
    ("cocaine_t", "t", "cocaine made from leaf sold this month", "sum"),
    ("farmgate_price", "US$/kg", "price of dry leaf at the farm gate", "leaf-weighted mean"),
    ("households", "households", "households (potential growers) living there", "sum"),
    ("households_growing", "households", "households with coca", "sum"),
    ("migrants_out", "households", "households leaving this month", "sum"),
    ("migrants_in", "households", "households arriving this month", "sum"),
    ("new_households", "households", "households starting to grow coca this month", "sum"),
    (
        "households_exiting",
        "households",
        "households without coca leaving the region this month (coca pays less than elsewhere)",
        "sum",
    ),
    (
        "traffickers",
        "organisations",
        "trafficking organisations buying there (a country sums its regions' counts)",
        "sum",
    ),
    ("armed_strength", "0-1", "strength of the strongest armed group present", "max"),
    ("perceived_risk", "0-1", "mean perceived yearly eradication risk of households"),
    ("eradication_spending_usd", "US$", "spending on forced eradication this month", "sum"),
)

#: The ``countries`` table: the regions' columns aggregated as each says, then these.
COUNTRY_ONLY = _registry(
    ("seizures_t", "t", "cocaine seized in the country this month"),
    ("interdiction", "0-1", "share of shipments seized at source"),
    ("backlash", "0-1", "political backlash against eradication"),
    ("backlash_cut", "0-1", "share of planned eradication cut because of backlash"),
    ("aerial_capacity_ha_yr", "ha/yr", "aerial eradication capacity"),
    ("manual_capacity_ha_yr", "ha/yr", "manual eradication capacity"),
    ("aid_usd_yr", "US$/yr", "foreign aid received"),
    ("substitution_spending_usd", "US$", "spending on voluntary substitution this month"),
    ("interdiction_spending_usd", "US$", "spending on interdiction this month"),
    ("spending_usd", "US$", "spending on eradication, substitution and interdiction this month"),
)
COUNTRIES = {
    **{name: column for name, column in REGIONS.items() if column.country == "sum"},
    **{name: column for name, column in REGIONS.items() if column.country not in ("", "sum")},
    **COUNTRY_ONLY,
}

#: The ``system`` table: one row per month for all countries and markets.
SYSTEM = _registry(
    ("hectares", "ha", "coca in all regions"),
    ("leaf_t", "t", "dry leaf harvested this month"),
    ("cocaine_t", "t", "cocaine produced this month"),
    ("seizures_t", "t", "cocaine seized at source and on routes this month"),
    ("supply_t", "t", "cocaine reaching consumer markets this month, after all seizures"),
    ("demand_t", "t", "cocaine consumed this month at the month's wholesale price"),
    ("stock_t", "t", "traffickers' inventory at the end of the month (supply - demand adds to it)"),
    ("source_price", "US$/kg", "price of cocaine in producing countries"),
    ("wholesale_price", "US$/kg", "wholesale price paid in consumer markets (clears stock-outs)"),
    ("active_regions", "regions", "regions with more than 500 ha of coca"),
    ("concentration", "HHI 0-1", "Herfindahl index of coca across regions"),
    ("households_growing", "households", "households with coca"),
    ("migrants", "households", "households migrating this month"),
    ("new_households", "households", "households starting to grow coca this month"),
    ("spending_usd", "US$", "spending on eradication, substitution and interdiction this month"),
)

#: The ``traffickers`` table: one row per month, organisation and source country.
TRAFFICKERS = _registry(
    ("volume_t", "t", "cocaine shipped from the country this month"),
    ("seizures_t", "t", "of it seized this month"),
    ("perceived_risk", "0-1", "share of shipments the organisation expects to lose there"),
    ("regions", "regions", "regions where the organisation buys"),
)

TABLES = {"regions": REGIONS, "countries": COUNTRIES, "system": SYSTEM, "traffickers": TRAFFICKERS}
#: The key columns after ``date`` of each table.
TABLE_KEYS = {"regions": ["country", "region"], "countries": ["country"], "system": [],
              "traffickers": ["trafficker", "country"]}  # fmt: skip

#: Outcomes of one run (``model.experiments.outcomes``): what sweeps and sensitivity analyse.
OUTCOMES = _registry(
    ("final_ha_total", "ha", "coca area in the last month, all countries"),
    ("change_ha_total", "ha", "coca area in the last month minus the first month"),
    ("eradicated_ha_total", "ha", "hectares eradicated over the whole run, all methods"),
    ("cocaine_t_last_year", "t", "cocaine produced in the last 12 months"),
    ("regional_gain_ha", "ha", "hectares gained by regions whose coca grew (last minus first month)"),
    ("regional_loss_ha", "ha", "hectares lost by regions whose coca shrank (first minus last month)"),
    ("regional_shift_ratio", "ratio",
     "regional_gain_ha / regional_loss_ha: area that reappeared elsewhere per hectare that "
     "disappeared somewhere (a gross, counterfactual-free summary; NaN if no region shrank)"),
    ("final_active_regions", "regions", "regions with coca in the last month"),
    ("final_concentration", "HHI 0-1", "concentration of coca across regions in the last month"),
    ("wholesale_price_ratio", "ratio", "wholesale price in the last month over the first month"),
)  # fmt: skip
#: Per-country outcomes: ``final_ha_<country>`` and ``change_ha_<country>``.
COUNTRY_OUTCOMES = {
    "final_ha_": Column("final_ha_{}", "ha", "coca area in the last month in {}"),
    "change_ha_": Column("change_ha_{}", "ha", "coca area change from the first to the last month in {}"),
}  # fmt: skip

ACTIVE_THRESHOLD_HA = 500.0  # the recorder's definition of an active region
SPENDING_INSTRUMENTS = ("eradication", "substitution", "interdiction")

#: Balloon metrics of a policy against its counterfactual (``model.experiments.metrics``).
BALLOON_METRICS = _registry(
    ("displacement_ratio", "ratio",
     "extra coca elsewhere / coca removed in the target (0 none, 1 full, >1 overshoot)"),
    ("displacement_ratio_within", "ratio",
     "extra coca in the target country's other regions / coca removed in the target"),
    ("displacement_ratio_across", "ratio", "extra coca in other countries / coca removed in the target"),
    ("removed_ha", "ha", "mean fall of coca in the target over the window"),
    ("net_reduction_ha", "ha", "mean fall of coca in all regions over the window"),
    ("net_reduction_per_ha_eradicated", "ha per ha eradicated a year",
     "net fall of standing coca per hectare eradicated or substituted per year"),
    ("supply_change_t", "t/yr", "change of cocaine reaching consumer markets, tonnes per year"),
    ("wholesale_price_change", "share", "relative change of the wholesale price (0.1 = +10%)"),
    *[(f"cost_per_kg_removed_{name}", "US$/kg",
       f"extra {name} spending per kg of cocaine kept off consumer markets")
      for name in (*SPENDING_INSTRUMENTS, "total")],
    ("recovery_months", "months",
     "months after pressure ends until the target is back within 5% of the counterfactual "
     "(replications that never recover in the run are left out; see n)"),
    ("active_regions", "regions", f"regions above {ACTIVE_THRESHOLD_HA:.0f} ha at window end"),
    ("active_regions_change", "regions", "change in active regions at window end"),
    ("concentration", "HHI 0-1", "Herfindahl index of coca across regions at window end"),
    ("concentration_change", "HHI 0-1", "change in the Herfindahl index at window end"),
)  # fmt: skip


def describe(name: str, registry: dict[str, Column] | None = None) -> Column:
    """The column or metric called ``name`` (in ``registry``, or in any registry).

    Per-country outcomes (``final_ha_peru``) are described for their country; an unknown name is
    described by itself, without a unit.
    """
    registries = [registry] if registry is not None else [
        OUTCOMES, BALLOON_METRICS, SYSTEM, COUNTRIES, REGIONS, TRAFFICKERS, KEYS
    ]  # fmt: skip
    for table in registries:
        if name in table:
            return table[name]
    for prefix, column in COUNTRY_OUTCOMES.items():
        if name.startswith(prefix):
            country = name.removeprefix(prefix).replace("_", " ").title()
            return Column(name, column.unit, column.meaning.format(country))
    return Column(name, "", name)


#: Columns of a sweep's table (``sweep.parquet``) besides the parameters and outcomes.
SWEEP_KEYS = _registry(
    ("run", "index", "run number: point x replications + replication"),
    ("point", "index", "design point (one set of parameter values)"),
    ("replication", "index", "replication number; replication i of every point uses one seed"),
    ("seed", "seed", "random seed of the run"),
)

#: Columns of a sensitivity analysis (``indices.parquet``).
SENSITIVITY = _registry(
    ("metric", "", "outcome metric analysed (see the outcomes in columns.csv)"),
    ("parameter", "", "scenario parameter varied (dotted path)"),
    ("S1", "share of variance",
     "Sobol first-order index: share of the metric's variance due to the parameter alone (0-1)"),
    ("S1_conf", "share of variance", "half-width of the 95% bootstrap interval of S1"),
    ("ST", "share of variance",
     "Sobol total index: share of variance due to the parameter with its interactions (0-1)"),
    ("ST_conf", "share of variance", "half-width of the 95% bootstrap interval of ST"),
    ("mu", "metric units", "Morris mean elementary effect over the parameter's range (signed)"),
    ("mu_star", "metric units",
     "Morris mean absolute elementary effect: the parameter's overall influence"),
    ("mu_star_conf", "metric units", "half-width of the 95% bootstrap interval of mu_star"),
    ("sigma", "metric units",
     "Morris standard deviation of elementary effects: interactions and non-linearity"),
)  # fmt: skip

#: Columns of a comparison's ``metrics.csv`` and ``metrics_by_replication.csv``.
COMPARISON = _registry(
    ("scenario", "", "policy scenario"),
    (
        "channels",
        "",
        "balloon channels in the runs: all on, or the one switched off "
        "(channels.csv of balloon compare --by-channel)",
    ),
    ("counterfactual", "", "scenario the policy is compared with, on the same seeds"),
    ("target", "", "country or region whose coca the policy aims to remove"),
    ("window_start", "month", "first month of the window the metrics are measured over"),
    ("window_end", "month", "last month of that window"),
    ("replication", "index", "replication number (same seed in the policy and counterfactual)"),
    ("metric", "", "balloon metric (defined in this file's rows for each metric name)"),
    ("median", "metric's unit", "median over replications"),
    ("low", "metric's unit", "5th percentile over replications (lower end of the 90% interval)"),
    ("high", "metric's unit", "95th percentile over replications (upper end of the 90% interval)"),
    ("n", "replications", "replications in which the metric is defined"),
    ("unit", "", "unit of the metric"),
    ("meaning", "", "what the metric measures"),
)


def table_columns(table: str) -> list[Column]:
    """Every column of one output table of a run, keys first, in the tables' order."""
    keys = ["replication", "date", *TABLE_KEYS[table]]
    return [KEYS[k] for k in keys] + list(TABLES[table].values())


def columns_table(table: str) -> pd.DataFrame:
    """Name, unit and meaning of every column of one output table, keys first."""
    return pd.DataFrame([(c.name, c.unit, c.meaning) for c in table_columns(table)],
                        columns=["column", "unit", "meaning"])  # fmt: skip


def field_metadata(columns: Iterable[Column]) -> dict[str, dict[str, str]]:
    """Unit and meaning by column name, as Parquet field metadata (``unit``, ``meaning``)."""
    return {c.name: {"unit": c.unit, "meaning": c.meaning} for c in columns}


def columns_csv(tables: Mapping[str, Iterable[Column]]) -> pd.DataFrame:
    """The ``columns.csv`` of a results folder: file, column, unit and meaning, one row each."""
    rows = [(file, c.name, c.unit, c.meaning) for file, columns in tables.items() for c in columns]
    return pd.DataFrame(rows, columns=["file", "column", "unit", "meaning"])
