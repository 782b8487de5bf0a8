"""Every figure of a run folder or a comparison folder, drawn and saved (``balloon plot``)."""

from __future__ import annotations

from pathlib import Path

from model.experiments.pressure import policy_pressure, pressure_spans
from model.figures.comparison import effect_intervals, headline, policy_vs_counterfactual
from model.figures.countries import hectares_by_country, prices, trafficker_sourcing
from model.figures.posterior import plot_posterior_predictive
from model.figures.regions import region_coordinates, region_heatmap, shift_map
from model.figures.saving import save_figure
from model.figures.style import scenario_label


def comparison_figures(comparison, folder: str | Path) -> list[Path]:
    """Every figure of a :class:`model.experiments.compare.Comparison`, saved into ``folder``."""
    base = comparison.counterfactual
    name = base.scenario.name
    against = scenario_label(name)
    spans = {
        k: pressure_spans(policy_pressure(r.scenario, base.scenario))
        for k, r in comparison.policies.items()
    }
    paths = save_figure(effect_intervals(comparison.summary), folder, "displacement")
    paths += save_figure(
        policy_vs_counterfactual(
            {k: r.countries for k, r in comparison.policies.items()},
            base.countries,
            spans,
            counterfactual_name=name,
            headlines={k: headline(comparison.summary, k) for k in comparison.policies},
        ),
        folder,
        "policy_vs_counterfactual",
    )
    coordinates = region_coordinates(base.scenario)
    labels = dict(zip(coordinates.region, coordinates.label, strict=True))
    for key, result in comparison.policies.items():
        window, _ = comparison.windows[key]
        shaded = spans[key]
        policy = scenario_label(key)
        figures = {
            "hectares": hectares_by_country(
                result.countries, shaded, title=f"Coca by country: {policy}"
            ),
            "regions_change": region_heatmap(
                result.regions, base.regions, labels,
                title=f"{policy}: coca against {against}, by region",
            ),
            "prices": prices(result.countries, result.system, base.system, shaded,
                             title=f"Prices: {policy}"),
            "sourcing": trafficker_sourcing(result.traffickers, shaded),
            "map": shift_map(result.regions, coordinates, (window.start, window.end),
                             title=f"{policy}: coca where pressure starts ({window.start:%Y-%m}, "
                                   f"dashed)\nand where it ends ({window.end:%Y-%m}, filled)"),
        }  # fmt: skip
        for stem, fig in figures.items():
            paths += save_figure(fig, folder, f"{stem}_{key}")
    return paths


def results_figures(results, folder: str | Path) -> list[Path]:
    """The figures of one run (no counterfactual), saved into ``folder``."""
    scenario = results.scenario
    spans = pressure_spans(policy_pressure(scenario))
    coordinates = region_coordinates(scenario)
    labels = dict(zip(coordinates.region, coordinates.label, strict=True))
    dates = results.regions.date
    figures = {
        "hectares": hectares_by_country(
            results.countries, spans, title=f"Coca by country: {scenario_label(scenario.name)}"
        ),
        "regions": region_heatmap(results.regions, labels=labels),
        "prices": prices(results.countries, results.system, spans=spans),
        "sourcing": trafficker_sourcing(results.traffickers, spans),
        "map": shift_map(results.regions, coordinates, (dates.min(), dates.max())),
    }
    record = record_figure(results)
    if record is not None:
        figures["record"] = record
    paths: list[Path] = []
    for stem, fig in figures.items():
        paths += save_figure(fig, folder, stem)
    return paths


def record_figure(results):
    """A run's coca per country against UNODC in the record's window, then its forecast.

    None unless the scenario says it reproduces the history (``score_against_record``) and the
    run spans the record's window with its countries and regions.
    """
    from model.experiments import history_fit, targets
    from model.experiments.observed import cultivation

    if not (results.scenario.score_against_record and history_fit.covers_record(results)):
        return None
    runs = history_fit.predictive_of(results)
    observed = cultivation().pivot(index="year", columns="country", values="hectares")
    first, last = targets.WINDOW
    drawn = "parameters drawn from the posterior, " if results.posterior else ""
    title = (
        f"{scenario_label(results.scenario.name)}: coca per country against UNODC\n"
        f"{runs.runs} run(s), {drawn}each on its own random seed"
    )
    band = "90% of runs" + (" (posterior and seeds)" if results.posterior else " (seeds)")
    return plot_posterior_predictive(
        runs.national, observed, (first, last), title, band, "never a calibration target"
    )
