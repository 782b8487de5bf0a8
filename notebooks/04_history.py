# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # History: the model against the UNODC data, 1990-2023
#
# `scenarios/andes_history.yaml` drives the model with recorded eradication (hectares per year and
# country), interdiction assumptions and dated events (leader captures, the 1995 leaf price collapse,
# the end of spraying in 2015); nothing in it is fitted to the cultivation series. Does it reproduce
# the shift of coca from Peru and Bolivia to Colombia in the 1990s and back to Peru by 2012?
#
# **Calibrated or not.** `balloon calibrate scenarios/andes_history.yaml --window 1990-2012` fits the
# scenario's `free_parameters` to the 1990-2012 UNODC series and writes a calibrated scenario. This
# notebook uses a calibrated file if one exists (`scenarios/andes_history_calibrated.yaml`, or the
# calibration's default output under `results/calibration/`); otherwise it runs the scenario with its
# hand-set starting values and says so: then read the fit below as the *uncalibrated* model.
# The fit is scored over `WINDOW` (1990-2012, the calibration's window; change both together). Years
# after it are a forecast given the recorded inputs, not a fit.
#
# Quick mode (`BALLOON_QUICK=1`, the tests) runs the same 1990-2023 history and scores the same
# window, at a quarter of the scale and with one replication, so its figures say what the full ones
# say, only noisier.

# %%
# %matplotlib inline
import os
from pathlib import Path

from IPython.display import Image, Markdown, display

from model import SCENARIOS_DIR

# BALLOON_QUICK=1 (the test suite sets it) shrinks every run to seconds; unset, runs are full size.
QUICK = os.environ.get("BALLOON_QUICK") == "1"
# Files this notebook writes go here; results/ is kept out of git.
OUT = Path(os.environ.get("BALLOON_NOTEBOOK_OUT") or SCENARIOS_DIR.parent / "results" / "notebooks")
OUT = OUT / "04_history"
OUT.mkdir(parents=True, exist_ok=True)
# Replications run in worker processes (all cores), or in this process for quick runs.
EXECUTOR = "inline" if QUICK else "process"
print(f"quick mode: {QUICK}; files go to {OUT}")

# %%
from model import free_parameter_values, load_scenario, observed_hectares

CALIBRATED_NAME = "andes_history_calibrated.yaml"
CANDIDATES = [
    SCENARIOS_DIR / CALIBRATED_NAME,
    SCENARIOS_DIR.parent / "results" / "calibration" / "andes_history" / CALIBRATED_NAME,
]
calibrated = next((path for path in CANDIDATES if path.is_file()), None)
source = calibrated or SCENARIOS_DIR / "andes_history.yaml"
# Quick runs: the whole history at a quarter of the scale, one replication (about 2 s a run).
OVERRIDES = ["households.scale=0.0025"] if QUICK else []
WINDOW = (1990, 2012)  # the calibration's fitting window: the fit is scored over it
scenario = load_scenario(source, OVERRIDES)
REPLICATIONS = 1 if QUICK else scenario.replications

if calibrated:
    print(f"CALIBRATED: using {calibrated}")
else:
    print(
        "UNCALIBRATED: no calibrated scenario found; running scenarios/andes_history.yaml with "
        "its hand-set starting values (run `balloon calibrate` to fit them)"
    )
print(
    f"{scenario.start:%Y-%m} to {scenario.end:%Y-%m}, {REPLICATIONS} replication(s), "
    f"households.scale {scenario.households.scale}; fit scored over {WINDOW[0]}-{WINDOW[1]}, "
    "later years are a forecast"
)
print("free parameters and their values:", free_parameter_values(scenario))

# %% [markdown]
# ## The observed data
#
# UNODC coca cultivation by country (hectares), shipped with the package with its provenance
# (`model/data/README.md`).

# %%
observed_hectares().T

# %% [markdown]
# ## The model against the data
#
# `fit_report` runs the scenario's replications and scores the fit in the window: RMSE of log
# hectares, correlation and error in each country's share, per country; and the years of the three
# turning points (Colombia overtakes Peru, Bolivia's steepest fall, Peru leads again).

# %%
import time

from model import fit_report, fit_report_markdown

clock = time.perf_counter()
report = fit_report(scenario, WINDOW, REPLICATIONS)
print(f"ran in {time.perf_counter() - clock:.0f} s")
if not calibrated:
    print("UNCALIBRATED: the fit is scored over the window below; no parameter was fitted")
display(Markdown(fit_report_markdown(report)))

# %%
from model import plot_fit, write_fit_report

if calibrated:  # the fit report (JSON, Markdown) and its figure, as `balloon calibrate` writes them
    figure = write_fit_report(report, OUT)["figure"]
else:  # say in the title that nothing was fitted
    figure = OUT / "fit.png"
    plot_fit(
        report["_countries"],
        observed_hectares(),
        WINDOW,
        figure,
        f"Coca cultivation: model ({scenario.name}, hand-set values, not fitted) against UNODC",
    )
display(Image(filename=str(figure)))

# %% [markdown]
# ## Where the coca was, region by region
#
# The mean over replications of the history run, region by region, as the model sees it (UNODC does
# not publish a consistent regional series for all three countries, so there is nothing to plot
# against here).

# %%
from model import (
    plot_hectares_by_country,
    plot_region_heatmap,
    region_coordinates,
    run_replications,
)

history = run_replications(scenario, REPLICATIONS, executor=EXECUTOR)
coordinates = region_coordinates(scenario)
plot_region_heatmap(
    history.regions,
    labels=dict(zip(coordinates.region, coordinates.label, strict=True)),
    title=f"{scenario.name}: coca by region and year (model)",
)

# %%
plot_hectares_by_country(history.countries, title=f"{scenario.name}: coca by country (model)")

# %% [markdown]
# The recorded eradication that drives the run, per country and method (hectares per year; rows the
# data file marks as estimates are flagged in `scenarios/andes_history.yaml`):

# %%
from model import observed_eradication

observed_eradication().pivot_table(
    index="year", columns=["country", "method"], values="hectares"
).tail(12)
