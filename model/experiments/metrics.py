"""Balloon metrics: a policy run against its counterfactual on the same seeds.

Every function is pure: it takes tidy tables (the ``regions``, ``countries`` or ``system`` tables of a
run, optionally stacked over replications with a ``replication`` column) and returns one value per
replication as a :class:`pandas.Series` indexed by replication. Policy and counterfactual tables are
paired by replication, so replication *k* of both ran on the same seed (common random numbers) and
their difference is the policy's effect, not noise between two unrelated runs.

Conventions shared by all metrics:

* **Window**: the calendar months ``start`` to ``end``, both included. Stocks (hectares, prices) are
  averaged over the window's months; flows (eradication, supply, spending) are summed over them.
* **Effect** of a column in a region: the window mean of policy minus counterfactual.
* **Target**: a country, optionally narrowed to some of its regions. With named regions, the
  hectares *removed* are the fall of coca in those regions; the *within* displacement is the change in
  the country's other regions and the *across* displacement the change in all other countries. With
  only a country, the country's regions are split by the sign of their effect: regions whose coca fell
  form the target (their fall is the hectares removed) and regions whose coca rose are the within
  displacement. Either way ``removed - within - across`` equals the net fall of coca everywhere.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from model.columns import ACTIVE_THRESHOLD_HA, BALLOON_METRICS, SPENDING_INSTRUMENTS
from model.experiments.pressure import Target, Window

INTERVAL = (0.05, 0.95)  # a 90% interval over replications
INSTRUMENT_SPENDING = {name: f"{name}_spending_usd" for name in SPENDING_INSTRUMENTS}


# --------------------------------------------------------------------------- helpers


def _with_replication(table: pd.DataFrame) -> pd.DataFrame:
    return table if "replication" in table else table.assign(replication=0)


def _paired(policy: pd.DataFrame, counterfactual: pd.DataFrame, keys: list[str], column: str):
    """Policy and counterfactual values of ``column`` aligned on ``keys`` (with replication)."""
    keys = ["replication", *keys]
    a = _with_replication(policy).set_index(keys)[column].sort_index()
    b = _with_replication(counterfactual).set_index(keys)[column].sort_index()
    if not a.index.equals(b.index):
        missing = a.index.symmetric_difference(b.index)
        raise ValueError(
            f"policy and counterfactual tables do not pair up on {', '.join(keys)} "
            f"(first unmatched row: {missing[0]})"
        )
    return a, b


def _in_window(series: pd.Series, window: Window) -> pd.Series:
    dates = series.index.get_level_values("date")
    return series[(dates >= window.start) & (dates <= window.end)]


def _window_mean_by_region(diff: pd.Series, window: Window) -> pd.DataFrame:
    inside = _in_window(diff, window)
    if inside.empty:
        raise ValueError(f"no month of the tables falls in the window {window}")
    return inside.groupby(level=["replication", "region"]).mean().unstack("region")


def _window_total(
    policy: pd.DataFrame, counterfactual: pd.DataFrame, column: str, window: Window, keys=()
) -> pd.Series:
    """Sum over the window (and over ``keys``) of policy minus counterfactual, per replication."""
    a, b = _paired(policy, counterfactual, ["date", *keys], column)
    return _in_window(a - b, window).groupby(level="replication").sum()


def _ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """Divide, giving NaN where the denominator is not positive."""
    return (numerator / denominator.where(denominator > 0)).astype(float)


def region_countries(regions: pd.DataFrame) -> pd.Series:
    """Country of each region, from a regions table."""
    return regions.drop_duplicates("region").set_index("region")["country"]


def region_effects(
    policy: pd.DataFrame, counterfactual: pd.DataFrame, window: Window, column: str = "hectares"
) -> pd.DataFrame:
    """Window mean of policy minus counterfactual ``column``: replications x regions."""
    a, b = _paired(policy, counterfactual, ["date", "region"], column)
    return _window_mean_by_region(a - b, window)


# --------------------------------------------------------------------------- displacement


def displacement_components(
    policy: pd.DataFrame, counterfactual: pd.DataFrame, target: Target, window: Window
) -> pd.DataFrame:
    """Hectares removed in the target and gained within its country and across borders.

    Args:
        policy: regions table of the policy run(s).
        counterfactual: regions table of the counterfactual run(s) on the same seeds.
        target: the country (and optionally regions) the policy pushes on.
        window: months over which hectares are averaged.

    Returns:
        One row per replication with ``removed_ha`` (mean fall of coca in the target),
        ``within_ha`` (mean rise in the target country's other regions) and ``across_ha`` (mean
        rise in other countries); a fall elsewhere counts as negative displacement.

    """
    effect = region_effects(policy, counterfactual, window)
    country_of = region_countries(policy).reindex(effect.columns)
    if target.country not in set(country_of):
        raise ValueError(f"target country {target.country!r} has no region in the tables")
    home = effect.loc[:, country_of == target.country]
    abroad = effect.loc[:, country_of != target.country]
    if target.regions:
        unknown = [r for r in target.regions if r not in home.columns]
        if unknown:
            raise ValueError(f"target region {unknown[0]!r} is not a region of {target.country}")
        inside = list(target.regions)
        removed = -home[inside].sum(axis=1)
        within = home.drop(columns=inside).sum(axis=1)
    else:
        removed = -home.clip(upper=0).sum(axis=1)
        within = home.clip(lower=0).sum(axis=1)
    return pd.DataFrame(
        {"removed_ha": removed, "within_ha": within, "across_ha": abroad.sum(axis=1)}
    )


def displacement_ratios(parts: pd.DataFrame) -> pd.DataFrame:
    """The three displacement ratios of :func:`displacement_components`' hectares.

    ``displacement_ratio``: extra coca elsewhere / coca removed in the target; 0 means no
    displacement, 1 full displacement (no net reduction), above 1 overshoot; NaN where nothing was
    removed. Displacement is signed: a fall elsewhere lowers the ratio below 0.
    ``displacement_ratio_within`` and ``displacement_ratio_across`` split it into the target
    country's other regions and all other countries.
    """
    return pd.DataFrame(
        {
            "displacement_ratio": _ratio(parts.within_ha + parts.across_ha, parts.removed_ha),
            "displacement_ratio_within": _ratio(parts.within_ha, parts.removed_ha),
            "displacement_ratio_across": _ratio(parts.across_ha, parts.removed_ha),
        }
    )


# --------------------------------------------------------------------------- net effects


def net_reduction_ha(
    policy: pd.DataFrame, counterfactual: pd.DataFrame, window: Window
) -> pd.Series:
    """Mean over the window of counterfactual minus policy coca in all regions, hectares."""
    return (-region_effects(policy, counterfactual, window).sum(axis=1)).rename("net_reduction_ha")


def eradicated_ha_per_year(
    policy: pd.DataFrame, counterfactual: pd.DataFrame, window: Window
) -> pd.Series:
    """Extra coca eradicated (aerial, manual) or substituted per year of the window, hectares."""
    removed = [
        _window_total(policy, counterfactual, column, window, keys=["region"])
        for column in ("eradicated_ha", "voluntary_ha")
    ]
    return (sum(removed) * 12 / window.months).rename("eradicated_ha_per_year")


def net_reduction_per_ha_eradicated(
    policy: pd.DataFrame, counterfactual: pd.DataFrame, window: Window
) -> pd.Series:
    """Net fall of standing coca per hectare eradicated or substituted per year.

    The numerator is :func:`net_reduction_ha`, the denominator :func:`eradicated_ha_per_year`
    (the literature's "hectares less per hectare sprayed a year"); NaN without extra eradication.
    """
    return _ratio(
        net_reduction_ha(policy, counterfactual, window),
        eradicated_ha_per_year(policy, counterfactual, window),
    ).rename("net_reduction_per_ha_eradicated")


def supply_change_t(
    policy_system: pd.DataFrame, counterfactual_system: pd.DataFrame, window: Window
) -> pd.Series:
    """Change of cocaine reaching consumer markets (``supply_t``), tonnes per year of the window."""
    total = _window_total(policy_system, counterfactual_system, "supply_t", window)
    return (total * 12 / window.months).rename("supply_change_t")


def wholesale_price_change(
    policy_system: pd.DataFrame, counterfactual_system: pd.DataFrame, window: Window
) -> pd.Series:
    """Window mean of policy / counterfactual wholesale price, minus 1 (0.1 = 10% dearer)."""
    a, b = _paired(policy_system, counterfactual_system, ["date"], "wholesale_price")
    relative = _in_window(a / b.where(b > 0) - 1, window)
    return relative.groupby(level="replication").mean().rename("wholesale_price_change")


def cost_per_kg_removed(
    policy_countries: pd.DataFrame,
    counterfactual_countries: pd.DataFrame,
    policy_system: pd.DataFrame,
    counterfactual_system: pd.DataFrame,
    window: Window,
) -> pd.DataFrame:
    """Extra spending per kilogram of cocaine kept off consumer markets, US$/kg, per instrument.

    Each instrument's extra spending over the window (all countries) is divided by the kilograms
    the whole policy kept off the market over the window (counterfactual minus policy
    ``supply_t``): instruments act jointly, so the columns share one denominator and ``total`` is
    their sum. NaN where the policy kept nothing off the market or did not spend on the instrument.
    """
    kg = -_window_total(policy_system, counterfactual_system, "supply_t", window) * 1000.0
    costs = {
        name: _window_total(policy_countries, counterfactual_countries, column, window, ["country"])
        for name, column in INSTRUMENT_SPENDING.items()
    }
    costs["total"] = sum(costs.values())
    return pd.DataFrame(
        {name: _ratio(cost.where(cost != 0), kg) for name, cost in costs.items()}
    ).rename_axis(index="replication")


# --------------------------------------------------------------------------- recovery, spread


def recovery_months(
    policy: pd.DataFrame,
    counterfactual: pd.DataFrame,
    target: Target,
    window: Window,
    pressure_end: pd.Timestamp | None = None,
    tolerance: float = 0.05,
) -> pd.Series:
    """Months after pressure ends until the target's coca is back near its counterfactual level.

    The target's regions are those of :func:`displacement_components` (the named regions, or the
    country's regions whose coca fell over the window). Counting starts at ``pressure_end``
    (default: the window's end) and stops at the first month in which the target holds at least
    ``1 - tolerance`` of its counterfactual hectares: 0 if it already does in the last month of
    pressure, 1 if it does the month after, and so on. NaN if it never does before the run ends, or
    if the policy removed no coca from the target.
    """
    end = pd.Timestamp(pressure_end) if pressure_end is not None else window.end
    a, b = _paired(policy, counterfactual, ["date", "region"], "hectares")
    effect = _window_mean_by_region(a - b, window)
    country_of = region_countries(policy)
    out = {}
    for replication, row in effect.iterrows():
        if target.regions:
            chosen = list(target.regions)
        else:
            chosen = [r for r, v in row.items() if country_of[r] == target.country and v < 0]
        after_a = a.loc[replication]
        after_b = b.loc[replication]
        pick = after_a.index.get_level_values("region").isin(chosen)
        dates = after_a.index.get_level_values("date")
        keep = pick & (dates >= end)
        pol = after_a[keep].groupby(level="date").sum()
        cf = after_b[keep].groupby(level="date").sum()
        back = pol >= (1.0 - tolerance) * cf
        if not chosen or not back.any():
            out[replication] = np.nan
        else:
            first = back.index[back.to_numpy().argmax()]
            out[replication] = (first.year - end.year) * 12 + first.month - end.month
    return pd.Series(out, name="recovery_months", dtype=float).rename_axis("replication")


def _at(regions: pd.DataFrame, when: pd.Timestamp) -> pd.DataFrame:
    table = _with_replication(regions)
    month = table[table.date == pd.Timestamp(when)]
    if month.empty:
        raise ValueError(f"no row of the regions table is dated {pd.Timestamp(when):%Y-%m}")
    return month.pivot_table(index="replication", columns="region", values="hectares")


def active_regions(regions: pd.DataFrame, when: pd.Timestamp) -> pd.Series:
    """Regions with more than 500 ha of coca in month ``when``."""
    return (_at(regions, when) > ACTIVE_THRESHOLD_HA).sum(axis=1).astype(float)


def concentration(regions: pd.DataFrame, when: pd.Timestamp) -> pd.Series:
    """Herfindahl index of coca across regions in month ``when``: sum of squared shares, 0-1."""
    hectares = _at(regions, when)
    total = hectares.sum(axis=1)
    shares = hectares.div(total.where(total > 0), axis=0)
    return (shares**2).sum(axis=1, min_count=1)


# --------------------------------------------------------------------------- summary


def summarise(values: pd.Series) -> dict[str, float]:
    """Median and 90% interval (5th and 95th percentiles) over replications, and their count.

    NaN values (undefined for that replication, e.g. a ratio with nothing removed) are left out.
    """
    finite = values.to_numpy(dtype=float)
    finite = finite[np.isfinite(finite)]
    if finite.size == 0:
        return {"median": np.nan, "low": np.nan, "high": np.nan, "n": 0}
    low, median, high = np.quantile(finite, [INTERVAL[0], 0.5, INTERVAL[1]])
    return {"median": median, "low": low, "high": high, "n": int(finite.size)}


def balloon_metrics(
    policy,
    counterfactual,
    target: Target,
    window: Window,
    pressure_end: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Every metric of :data:`model.columns.BALLOON_METRICS`, one row per replication.

    Args:
        policy: the policy run(s): an object with ``regions``, ``countries`` and ``system`` tables
            (a runner ``Results`` or a ``BalloonModel``).
        counterfactual: the counterfactual run(s) on the same seeds.
        target: the country (and optionally regions) the policy pushes on.
        window: months over which effects are measured.
        pressure_end: last month of policy pressure, where recovery starts (default: window end).

    """
    pr, cr = policy.regions, counterfactual.regions
    ps, cs = policy.system, counterfactual.system
    parts = displacement_components(pr, cr, target, window)
    costs = cost_per_kg_removed(policy.countries, counterfactual.countries, ps, cs, window)
    columns = {
        **dict(displacement_ratios(parts).items()),
        "removed_ha": parts.removed_ha,
        "net_reduction_ha": net_reduction_ha(pr, cr, window),
        "net_reduction_per_ha_eradicated": net_reduction_per_ha_eradicated(pr, cr, window),
        "supply_change_t": supply_change_t(ps, cs, window),
        "wholesale_price_change": wholesale_price_change(ps, cs, window),
        **{f"cost_per_kg_removed_{name}": costs[name] for name in costs},
        "recovery_months": recovery_months(pr, cr, target, window, pressure_end),
        "active_regions": active_regions(pr, window.end),
        "active_regions_change": active_regions(pr, window.end) - active_regions(cr, window.end),
        "concentration": concentration(pr, window.end),
        "concentration_change": concentration(pr, window.end) - concentration(cr, window.end),
    }
    return pd.DataFrame(columns).rename_axis(index="replication")[list(BALLOON_METRICS)]


def summarise_metrics(per_replication: pd.DataFrame) -> pd.DataFrame:
    """One row per metric: unit, median, 90% interval and number of replications with a value."""
    rows = []
    for name in per_replication.columns:
        column = BALLOON_METRICS.get(name)
        unit, meaning = (column.unit, column.meaning) if column else ("", "")
        rows.append({"metric": name, "unit": unit, **summarise(per_replication[name]),
                     "meaning": meaning})  # fmt: skip
    return pd.DataFrame(rows)
