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
# # Compare policies against one counterfactual
#
# Policy questions are asked of the calibrated history (`andes_history_calibrated.yaml`: recorded
# eradication, interdiction and events from 1990, parameters drawn from the posterior), not of a
# world frozen in 1990. Two kinds of question:
#
# 1. **What did a programme do?** The history is the policy and a counterfactual in
#    `scenarios/counterfactuals/` removes that one programme (here: Plan Colombia).
# 2. **What would a policy do from 2026?** Futures in `scenarios/futures/` run the recorded history
#    to 2023 and assumed inputs to 2035, each against the status quo.
#
# Each policy and its counterfactual run on the same replication seeds and, with `posterior=True`,
# the same posterior draw, so replication *k* of each differs only by the policy and the intervals
# cover both the model's randomness and the parameters' uncertainty. `compare` (from `model`) does
# the runs and the metrics; the `plot_*` functions draw them. From the command line:
#
# ```bash
# .venv/bin/balloon compare scenarios/andes_history_calibrated.yaml \
#     --against scenarios/counterfactuals/no_plan_colombia.yaml --posterior
# .venv/bin/balloon compare scenarios/futures/colombia_resumes_spraying.yaml \
#     scenarios/futures/peru_doubles_eradication.yaml --against scenarios/futures/status_quo.yaml \
#     --posterior
# ```
#
# Each policy is measured over its own months of extra pressure, on the country that lost most coca.

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
OUT = OUT / "03_compare_policies"
OUT.mkdir(parents=True, exist_ok=True)
# Replications run in worker processes (all cores), or in this process for quick runs.
EXECUTOR = "inline" if QUICK else "process"
print(f"quick mode: {QUICK}; files go to {OUT}")

# %%
from model import compare, load_scenario, write_comparison

HISTORY = SCENARIOS_DIR / "andes_history_calibrated.yaml"
NO_PLAN = SCENARIOS_DIR / "counterfactuals" / "no_plan_colombia.yaml"
FUTURES = SCENARIOS_DIR / "futures"
POLICIES = [
    "colombia_resumes_spraying",
    "peru_doubles_eradication",
    "coordinated_pressure",
    "demand_falls",
]
HISTORY_OVERRIDES, OVERRIDES = ["replications=20"], ["replications=20"]
if QUICK:  # the same questions on a short stretch, small and few runs
    POLICIES = POLICIES[:2]
    HISTORY_OVERRIDES = ["households.scale=0.005", "end=2003-12", "replications=2"]
    OVERRIDES = ["households.scale=0.005", "start=2020-01", "end=2027-12", "replications=2"]

# %% [markdown]
# ## What did Plan Colombia do?

# %%
import time

clock = time.perf_counter()
history = load_scenario(HISTORY, HISTORY_OVERRIDES)
plan = compare([history], load_scenario(NO_PLAN, HISTORY_OVERRIDES), executor=EXECUTOR,
               progress=not QUICK, posterior=True)  # fmt: skip
print(
    f"{len(plan.counterfactual.seeds)} paired replications in {time.perf_counter() - clock:.0f} s"
)
plan.summary.set_index("metric").loc[
    ["displacement_ratio", "displacement_ratio_across", "net_reduction_ha",
     "net_reduction_per_ha_eradicated"], ["median", "low", "high", "n"]
]  # fmt: skip

# %% [markdown]
# ## Futures from 2026 against the status quo

# %%
policies = [load_scenario(FUTURES / f"{name}.yaml", OVERRIDES) for name in POLICIES]
counterfactual = load_scenario(FUTURES / "status_quo.yaml", OVERRIDES)
for scenario in policies:
    print(f"{scenario.name}: {scenario.description}\n")

# %%
clock = time.perf_counter()
comparison = compare(policies, counterfactual, executor=EXECUTOR, progress=not QUICK,
                     posterior=True)  # fmt: skip
print(
    f"{len(comparison.counterfactual.seeds)} paired replications of {len(policies)} policies "
    f"and the counterfactual in {time.perf_counter() - clock:.0f} s"
)

# %% [markdown]
# ## The metrics table
#
# Median over replications of each headline metric, one row per policy (target: the country that lost
# most coca; window: the policy's months of extra pressure). The full table, with 90% intervals and
# every metric, follows.

# %%
from model import HEADLINE_METRICS

table = comparison.summary.pivot_table(
    index=["scenario", "target", "window_start", "window_end"], columns="metric", values="median"
)
table[[m for m in HEADLINE_METRICS if m in table.columns]].round(2)

# %%
from model import summary_markdown

display(Markdown(summary_markdown(comparison.summary)))

# %% [markdown]
# ## The comparison figures
#
# Displacement ratios and net reduction per policy with their 90% intervals, then each policy against
# the counterfactual, country by country.

# %%
from model import plot_effect_intervals

plot_effect_intervals(comparison.summary)

# %%
from model import plot_policy_vs_counterfactual, pressure_months, pressure_spans

spans = {
    name: pressure_spans(pressure_months(result.scenario, counterfactual))
    for name, result in comparison.policies.items()
}
plot_policy_vs_counterfactual(
    {name: result.countries for name, result in comparison.policies.items()},
    comparison.counterfactual.countries,
    spans,
    counterfactual_name=counterfactual.name,
)

# %% [markdown]
# ## One policy in detail
#
# Where coca rose and fell against the counterfactual, region by region; where it moved on the map;
# what happened to prices; and where traffickers bought. Change `DETAIL` to look at another policy.

# %%
from model import (
    plot_prices,
    plot_region_heatmap,
    plot_shift_map,
    plot_trafficker_sourcing,
    region_coordinates,
)

DETAIL = POLICIES[0]
result = comparison.policies[DETAIL]
window, _ = comparison.windows[DETAIL]
coordinates = region_coordinates(result.scenario)
labels = dict(zip(coordinates.region, coordinates.label, strict=True))
plot_region_heatmap(
    result.regions,
    comparison.counterfactual.regions,
    labels,
    title=f"{DETAIL}: coca against the counterfactual, by region",
)

# %%
plot_shift_map(
    result.regions,
    coordinates,
    (window.start, window.end),
    title=f"{DETAIL}: coca where pressure starts ({window.start:%Y-%m}, dashed) "
    f"and ends ({window.end:%Y-%m}, filled)",
)

# %%
plot_prices(
    result.countries,
    result.system,
    comparison.counterfactual.system,
    spans[DETAIL],
    title=f"Prices: {DETAIL}",
)

# %%
plot_trafficker_sourcing(result.traffickers, spans[DETAIL])

# %% [markdown]
# ## Save everything
#
# `write_comparison` writes the metrics (CSV, JSON, Markdown), the figures (PNG and SVG) and the runs
# into one folder, as `balloon compare` does. Comparisons are never overwritten: each run of this
# cell saves into a new folder named by the time (UTC), as `balloon compare` names its folders, and
# the earlier ones stay.

# %%
from datetime import UTC, datetime

stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
folder = write_comparison(comparison, OUT / "comparisons" / stamp, figures=not QUICK)
print(f"wrote {folder}: " + ", ".join(sorted(p.name for p in folder.iterdir())))
