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
# Several policy scenarios run against the same counterfactual (the baseline: the same world without
# any policy), on the same replication seeds, so that replication *k* of each policy differs from
# replication *k* of the baseline only by the policy. `compare` (from `model`) does the runs and the
# metrics; the `plot_*` functions draw them. From the command line:
#
# ```bash
# .venv/bin/balloon compare scenarios/plan_colombia.yaml scenarios/peru_pressure_1990s.yaml \
#     --against scenarios/baseline.yaml
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

POLICIES = [
    "plan_colombia",
    "peru_pressure_1990s",
    "bolivia_plan_dignidad",
    "coordinated_andean_pressure",
    "alternative_development",
]
COUNTERFACTUAL = "baseline"
OVERRIDES = []
if QUICK:  # two policies that both start by 2000, over four years, small and few runs
    POLICIES = ["plan_colombia", "coordinated_andean_pressure"]
    OVERRIDES = ["households.scale=0.005", "start=1999-01", "end=2002-12", "replications=2"]

policies = [load_scenario(name, OVERRIDES) for name in POLICIES]
counterfactual = load_scenario(COUNTERFACTUAL, OVERRIDES)
for scenario in policies:
    print(f"{scenario.name}: {scenario.description}\n")

# %%
import time

clock = time.perf_counter()
comparison = compare(policies, counterfactual, executor=EXECUTOR, progress=not QUICK)
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
