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
# # Quick start: run a scenario, plot it, read the balloon metrics
#
# This notebook loads a shipped scenario (Plan Colombia: Colombia sprays and eradicates at the
# programme's recorded scale, 2000-2015), runs its replications, draws it, and compares it with its
# counterfactual (the same world without any policy) to read the balloon metrics: how much of the coca
# removed in Colombia came back elsewhere.
#
# Each step is one call to the `model` package. The same from the command line:
#
# ```bash
# .venv/bin/balloon run scenarios/plan_colombia.yaml
# .venv/bin/balloon compare scenarios/plan_colombia.yaml --against scenarios/baseline.yaml
# ```

# %%
# %matplotlib inline
import os
from pathlib import Path

from model import SCENARIOS_DIR

# BALLOON_QUICK=1 (the test suite sets it) shrinks every run to seconds; unset, runs are full size.
QUICK = os.environ.get("BALLOON_QUICK") == "1"
# Files this notebook writes go here; results/ is kept out of git.
OUT = Path(os.environ.get("BALLOON_NOTEBOOK_OUT") or SCENARIOS_DIR.parent / "results" / "notebooks")
OUT = OUT / "01_quickstart"
OUT.mkdir(parents=True, exist_ok=True)
# Replications run in worker processes (all cores), or in this process for quick runs.
EXECUTOR = "inline" if QUICK else "process"
print(f"quick mode: {QUICK}; files go to {OUT}")

# %% [markdown]
# ## 1. Load a scenario
#
# A scenario is a YAML file in `scenarios/`. `load_scenario` reads one by path or by name, follows
# `extends:` (every shipped scenario extends `baseline.yaml`) and applies `--set`-style overrides such as
# `households.scale=0.005`. Bad input raises a `ScenarioError` with a one-line message naming the file
# and the key.

# %%
from model import load_scenario, shipped_name, shipped_scenarios

print("shipped scenarios:", ", ".join(shipped_name(path) for path in shipped_scenarios()))

# Quick runs: fewer households and four years around the start of Plan Colombia (mid-2000).
OVERRIDES = (
    ["households.scale=0.005", "start=1999-01", "end=2002-12", "replications=2"] if QUICK else []
)
scenario = load_scenario("plan_colombia", OVERRIDES)
baseline = load_scenario("baseline", OVERRIDES)

print(f"\n{scenario.name}: {scenario.description}")
print(
    f"{scenario.start:%Y-%m} to {scenario.end:%Y-%m}, {scenario.replications} replications, "
    f"households.scale {scenario.households.scale}"
)
for policy in scenario.policies:
    print(f"- {policy.instrument} in {policy.country}: {len(policy.schedule)} schedule entries")

# %% [markdown]
# ## 2. Run it
#
# `run_replications` runs the scenario's replications, each on its own seed derived from the
# scenario's `seed`, and stacks their monthly tables with a `replication` column.

# %%
import time

from model import run_replications

clock = time.perf_counter()
results = run_replications(scenario, executor=EXECUTOR)
print(f"{len(results.seeds)} replications in {time.perf_counter() - clock:.1f} s")
results.countries.head()

# %% [markdown]
# ## 3. Plot it
#
# Figures are the `plot_*` functions of `model` and use one colour per country throughout. The
# shaded months are those in which the scenario's policies differ from the baseline's.

# %%
from model import plot_hectares_by_country, plot_prices, pressure_months, pressure_spans

spans = pressure_spans(pressure_months(scenario, baseline))
plot_hectares_by_country(results.countries, spans, title="Coca by country under Plan Colombia")

# %%
plot_prices(results.countries, results.system, spans=spans)

# %% [markdown]
# ## 4. Compare with the counterfactual and read the metrics
#
# `compare` runs the baseline on the same replication seeds as the policy (common random numbers)
# and computes the balloon metrics on each pair of runs: replication *k* of the policy against
# replication *k* of the baseline. The window is the months of extra policy pressure.
#
# - `displacement_ratio`: extra coca elsewhere per hectare removed in the target (0 = none, 1 = all
#   of it came back, above 1 = more than came out); `_within` counts the target country's other
#   regions, `_across` the other countries.
# - `net_reduction_ha`: how much less coca stands everywhere, on average over the window.
# - `low` and `high` bound 90% of the replications.

# %%
from model import compare

comparison = compare([results], baseline, executor=EXECUTOR)
comparison.summary[["target", "metric", "median", "low", "high", "unit"]]

# %%
from model import plot_effect_intervals, plot_policy_vs_counterfactual

plot_effect_intervals(comparison.summary)

# %%
plot_policy_vs_counterfactual(
    {scenario.name: results.countries},
    comparison.counterfactual.countries,
    {scenario.name: spans},
    counterfactual_name=baseline.name,
)

# %% [markdown]
# ## Next
#
# - `02_tune_parameters.ipynb`: move the key parameters with sliders and save what you tuned as a
#   scenario file.
# - `03_compare_policies.ipynb`: several policies against one counterfactual.
# - `04_history.ipynb`: the 1990-2023 history against the UNODC data.
# - `05_sensitivity.ipynb`: which parameters drive the results.
