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
# # Sensitivity: which parameters drive the balloon?
#
# A global sensitivity analysis varies several parameters at once over their plausible ranges and
# asks which of them move an outcome. `scenario_sensitivity` (from `model`) does it with SALib:
# **Morris** elementary effects here (`mu_star`: the mean absolute change of the outcome when one
# parameter moves across its range; `sigma`: how much that change depends on the other parameters,
# i.e. interactions), or **Sobol** indices (`S1`: share of the outcome's variance due to a parameter
# alone; `ST`: including its interactions) with `METHOD = "sobol"`, which needs many more runs.
#
# The runs go through the package's sweeps (resumable: re-running this notebook reuses finished
# runs, and a changed design starts a new folder) and every design point uses the same replication
# seeds, so differences between points come from the parameters, not from luck. From the command
# line:
#
# ```bash
# .venv/bin/balloon sensitivity scenarios/plan_colombia.yaml --method morris --samples 10 \
#     --param market.demand_elasticity=-1.0:-0.3 --param households.replant_forced=0.3:0.9 \
#     --metric change_ha_colombia --metric change_ha_peru
# ```

# %%
# %matplotlib inline
import os
from pathlib import Path

from IPython.display import Image, display

from model import SCENARIOS_DIR

# BALLOON_QUICK=1 (the test suite sets it) shrinks every run to seconds; unset, runs are full size.
QUICK = os.environ.get("BALLOON_QUICK") == "1"
# Files this notebook writes go here; results/ is kept out of git.
OUT = Path(os.environ.get("BALLOON_NOTEBOOK_OUT") or SCENARIOS_DIR.parent / "results" / "notebooks")
OUT = OUT / "05_sensitivity"
OUT.mkdir(parents=True, exist_ok=True)
# Replications run in worker processes (all cores), or in this process for quick runs.
EXECUTOR = "inline" if QUICK else "process"
print(f"quick mode: {QUICK}; files go to {OUT}")

# %%
from model import describe_column, load_scenario, scenario_parameters

METHOD = "morris"
# Plan Colombia from 1999 to 2008: ten years that hold its spraying peak, at a small scale.
OVERRIDES = ["start=1999-01", "end=2008-12", "households.scale=0.01"]
PARAMETERS = [
    "market.demand_elasticity=-1.0:-0.3",
    "households.replant_forced=0.3:0.9",
    "households.migration_rate=0.0:0.05",
    "traffickers.entry_cost_usd=500000:5000000",
    "armed_groups.protection=0.2:0.9",
]
METRICS = ["change_ha_colombia", "change_ha_peru", "change_ha_bolivia", "change_ha_total"]
SAMPLES, REPLICATIONS = (10, 2) if METHOD == "morris" else (32, 2)
if QUICK:  # two trajectories over three parameters, 18 months, one replication: 8 short runs
    OVERRIDES = ["start=2000-01", "end=2001-06", "households.scale=0.005"]
    PARAMETERS, SAMPLES, REPLICATIONS = PARAMETERS[:3], 2, 1

scenario = load_scenario("plan_colombia", OVERRIDES)
parameters = scenario_parameters(scenario, PARAMETERS)
for metric in METRICS:
    print(f"{metric}: {describe_column(metric).label}")

# %%
import hashlib
import json
import time

from model import scenario_sensitivity

# One folder per design, named by its hash as `balloon sensitivity` names its folders: running this
# cell again reuses the finished runs, and a changed range, metric or scenario starts a new folder.
design = [scenario.model_dump(mode="json"), PARAMETERS, METRICS, SAMPLES, REPLICATIONS]
digest = hashlib.sha256(json.dumps([METHOD, *design], sort_keys=True).encode()).hexdigest()
folder = OUT / f"{METHOD}-{digest[:8]}"
clock = time.perf_counter()
result = scenario_sensitivity(
    scenario,
    parameters,
    METHOD,
    SAMPLES,
    METRICS,
    folder,
    replications=REPLICATIONS,
    executor=EXECUTOR,
    resume=True,
    progress=not QUICK,
)
print(
    f"{result.sweep.computed} runs computed, {result.sweep.reused} reused from {folder}, "
    f"in {time.perf_counter() - clock:.0f} s"
)
result.indices.round(1)

# %%
from model import plot_indices, plot_sweep

figure = plot_indices(
    result.indices,
    METHOD,
    folder / "indices.png",
    f"{scenario.name}, {scenario.start:%Y}-{scenario.end:%Y}: {METHOD} sensitivity",
)
display(Image(filename=str(figure)))

# %% [markdown]
# The same runs, outcome against each parameter: a steep line is a parameter that matters; scatter
# around the line comes from the other parameters.

# %%
figure = plot_sweep(
    result.sweep.table,
    [p.path for p in parameters],
    ["change_ha_total"],
    folder / "sweep.png",
    f"{scenario.name}: outcomes across the design",
)
display(Image(filename=str(figure)))
