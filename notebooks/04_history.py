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
# # History: the calibrated model against the record, 1990-2023
#
# `scenarios/andes_history.yaml` drives the model with recorded eradication (hectares sprayed and
# eradicated per year and country, applied as recorded), interdiction assumptions and dated events;
# consumer demand per market and yields per country are dated inputs from `model/data/market/`.
# `balloon calibrate` inferred the posterior of its free parameters from 1990-2012 only (national
# hectares, regional shares, turning points, prices); `scenarios/andes_history_calibrated.yaml`
# names that posterior and sets every free parameter to its median.
#
# Here: the posterior, then **posterior predictive runs** (each draws its parameters from the
# posterior and runs on its own seed, so the bands carry both the parameters' uncertainty and the
# model's randomness) against the record, and the years after 2012 as a forecast from recorded
# inputs only (never fitted).
#
# Quick mode (`BALLOON_QUICK=1`, the tests) runs a few predictive runs at a quarter of the scale.

# %%
# %matplotlib inline
import os
from pathlib import Path

from IPython.display import Markdown, display

from model import SCENARIOS_DIR

# BALLOON_QUICK=1 (the test suite sets it) shrinks every run to seconds; unset, runs are full size.
QUICK = os.environ.get("BALLOON_QUICK") == "1"
# Files this notebook writes go here; results/ is kept out of git.
OUT = Path(os.environ.get("BALLOON_NOTEBOOK_OUT") or SCENARIOS_DIR.parent / "results" / "notebooks")
OUT = OUT / "04_history"
OUT.mkdir(parents=True, exist_ok=True)
# Runs go to worker processes (all cores), or stay in this process for quick runs.
EXECUTOR = "inline" if QUICK else "process"
RUNS = 4 if QUICK else 40
print(f"quick mode: {QUICK}; files go to {OUT}; {RUNS} posterior predictive runs")

# %%
from model import load_scenario, scenario_posterior

OVERRIDES = ["households.scale=0.0025"] if QUICK else []
scenario = load_scenario(SCENARIOS_DIR / "andes_history_calibrated.yaml", OVERRIDES)
posterior = scenario_posterior(scenario)
print(f"{scenario.name}: {scenario.start:%Y-%m} to {scenario.end:%Y-%m}, households.scale "
      f"{scenario.households.scale}; posterior of {len(posterior.parameters)} parameters, "
      f"{len(posterior)} samples")  # fmt: skip

# %% [markdown]
# ## The posterior
#
# Median and 90% interval of each free parameter; the prior is uniform between the bounds the
# scenario's `free_parameters` give.

# %%
import pandas as pd

low, median, high = (posterior.quantile(q) for q in (0.05, 0.5, 0.95))
bounds = {path: (b.low, b.high) for path, b in scenario.free_parameters.items()}
pd.DataFrame(
    {"prior low": {p: b[0] for p, b in bounds.items()},
     "prior high": {p: b[1] for p, b in bounds.items()},
     "median": median, "5%": low, "95%": high}
).round(4)  # fmt: skip

# %%
from model import plot_posterior_marginals

plot_posterior_marginals(posterior.table, bounds, f"{scenario.name}: posterior")

# %% [markdown]
# ## Posterior predictive runs against the record
#
# National hectares per country (UNODC, black dots) against the predictive median and 90% band;
# the grey years after 2012 are a forecast from recorded inputs only.

# %%
import time

from model import observed_cultivation, plot_posterior_predictive, predictive

clock = time.perf_counter()
runs = predictive(scenario, posterior, RUNS, executor=EXECUTOR)
print(f"{runs.runs} runs in {time.perf_counter() - clock:.0f} s")
observed = observed_cultivation().pivot(index="year", columns="country", values="hectares")
plot_posterior_predictive(runs.national, observed, (1990, 2012),
                          f"{scenario.name}: posterior predictive ({runs.runs} runs)")  # fmt: skip

# %% [markdown]
# ## Fit, turning points and forecast
#
# In-sample fit per country and region group, each turning point run by run, and the forecast.

# %%
from model import fit_summary

summary = fit_summary(runs)
lines = [
    "| country | RMSE of log ha | correlation | data inside the 90% band |",
    "|---|---|---|---|",
]
for country, row in summary["countries"].items():
    lines.append(f"| {country} | {row['rmse_log']:.2f} | {row['correlation']:.2f} | "
                 f"{100 * row['inside_band']:.0f}% |")  # fmt: skip
lines += ["", "| turning point | data | runs within two years |", "|---|---|---|"]
for name, row in summary["turning_points"].items():
    lines.append(f"| {name.replace('_', ' ')} | {row['data']} | "
                 f"{100 * row['within_two_years']:.0f}% |")  # fmt: skip
display(Markdown("\n".join(lines)))

# %%
from model import observed_targets, plot_regional_predictive

plot_regional_predictive(runs.regional, observed_targets().regional, "colombia",
                         "Colombia: each region group's share of the country's coca")  # fmt: skip

# %% [markdown]
# The recorded eradication that drives the run, per country and method (hectares per year; rows the
# data file marks as estimates are flagged in `scenarios/andes_history.yaml`):

# %%
from model import observed_eradication

observed_eradication().pivot_table(
    index="year", columns=["country", "method"], values="hectares"
).tail(12)
