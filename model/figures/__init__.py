"""Every figure of the project, in one style, saved by one function.

Figures are built with ``matplotlib.figure.Figure`` (no pyplot state, no backend to choose), so
they are safe in scripts, worker processes and notebooks (a Figure as the last value of a cell is
displayed). Every figure uses one colour per country (:mod:`model.figures.style`), shows medians
over replications with 5-95% bands where there are several, has a title, axis labels with units
and a legend outside the data; :func:`save_figure` writes PNG and SVG atomically.

The figures of a run or a comparison (``balloon plot``), by subject:
:mod:`~model.figures.countries`, :mod:`~model.figures.comparison`, :mod:`~model.figures.regions`,
and :mod:`~model.figures.folders` (all of a folder's figures). Of experiments: :mod:`~model.figures.sweeps` (sweeps and sensitivity),
:mod:`~model.figures.posterior` (calibration: the posterior and its predictive runs), :mod:`~model.figures.discovery` (scenario discovery), :mod:`~model.figures.tuning` (the tuning notebook). The
live dashboard's Vega-Lite charts are in :mod:`model.figures.dashboard_charts` (not imported here:
they need the dashboard extra).
"""

from model.figures.comparison import effect_intervals, policy_vs_counterfactual
from model.figures.countries import hectares_by_country, prices, trafficker_sourcing
from model.figures.discovery import prim_boxes, prim_tradeoff
from model.figures.folders import comparison_figures, results_figures
from model.figures.layout import median_band
from model.figures.posterior import (
    plot_posterior_marginals,
    plot_posterior_pairs,
    plot_posterior_predictive,
    plot_regional_predictive,
)
from model.figures.regions import region_coordinates, region_heatmap, shift_map
from model.figures.saving import save_figure
from model.figures.style import COUNTRY_COLOURS, country_colour, country_label, format_number
from model.figures.sweeps import sensitivity_indices, sweep_outcomes
from model.figures.tables import summary_markdown
from model.figures.tuning import TuningFigure, tuning_figure

__all__ = [
    "COUNTRY_COLOURS",
    "TuningFigure",
    "comparison_figures",
    "country_colour",
    "country_label",
    "effect_intervals",
    "format_number",
    "hectares_by_country",
    "median_band",
    "plot_posterior_marginals",
    "plot_posterior_pairs",
    "plot_posterior_predictive",
    "plot_regional_predictive",
    "policy_vs_counterfactual",
    "prices",
    "prim_boxes",
    "prim_tradeoff",
    "region_coordinates",
    "region_heatmap",
    "results_figures",
    "save_figure",
    "sensitivity_indices",
    "shift_map",
    "summary_markdown",
    "sweep_outcomes",
    "trafficker_sourcing",
    "tuning_figure",
]
