"""Outcome metrics of one run: a few numbers per run that sweeps and sensitivity analysis compare.

Each metric (listed with its unit in :data:`model.columns.OUTCOMES`) is computed from the run's own tidy tables (no counterfactual run is needed), so a sweep
costs one model run per design point and replication. Paired policy-against-counterfactual metrics
(displacement ratios) need two runs on common random numbers; they belong to the comparison tools.
"""

from __future__ import annotations

import pandas as pd


def outcome_metrics(tables: dict[str, pd.DataFrame]) -> dict[str, float]:
    """Outcome metrics of one run from its ``regions``, ``countries`` and ``system`` tables."""
    countries, regions, system = tables["countries"], tables["regions"], tables["system"]
    first_date, last_date = system.date.min(), system.date.max()
    metrics: dict[str, float] = {}

    by_country = countries.pivot_table(index="date", columns="country", values="hectares")
    for country in sorted(by_country.columns):
        metrics[f"final_ha_{country}"] = float(by_country.loc[last_date, country])
        metrics[f"change_ha_{country}"] = float(
            by_country.loc[last_date, country] - by_country.loc[first_date, country]
        )
    final = system.loc[system.date == last_date].iloc[0]
    start = system.loc[system.date == first_date].iloc[0]
    metrics["final_ha_total"] = float(final.hectares)
    metrics["change_ha_total"] = float(final.hectares - start.hectares)
    metrics["eradicated_ha_total"] = float(countries.eradicated_ha.sum())
    last_year = system.sort_values("date").tail(12)
    metrics["cocaine_t_last_year"] = float(last_year.cocaine_t.sum())

    by_region = regions.pivot_table(index="date", columns="region", values="hectares")
    change = by_region.loc[last_date] - by_region.loc[first_date]
    gain, loss = float(change.clip(lower=0).sum()), float((-change).clip(lower=0).sum())
    metrics["regional_gain_ha"] = gain
    metrics["regional_loss_ha"] = loss
    metrics["regional_shift_ratio"] = gain / loss if loss > 0 else float("nan")
    metrics["final_active_regions"] = float(final.active_regions)
    metrics["final_concentration"] = float(final.concentration)
    metrics["wholesale_price_ratio"] = (
        float(final.wholesale_price / start.wholesale_price)
        if start.wholesale_price > 0
        else float("nan")
    )
    return metrics
