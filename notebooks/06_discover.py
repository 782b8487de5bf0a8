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
# # Scenario discovery: under which conditions does a policy backfire?
#
# An eradication plan *backfires* when, with it, there is more coca in total than without it: the
# coca it removes grows back elsewhere, and more. Whether that happens depends on parameters nobody
# knows well (how readily farmers move, how demand answers prices). Scenario discovery samples those
# parameters, runs the policy and its counterfactual at every point on the same seeds, and asks PRIM
# (the Patient Rule Induction Method, from the EMA workbench) for **boxes** of parameter space where
# the plan mostly backfires, each with its
#
# * **density**: the share of sampled points inside the box where it backfires, and its
# * **coverage**: the share of all backfiring points that lie inside the box.
#
# `run_discovery` (from `model`) does it; from the command line (see docs/discover.md):
#
# ```bash
# .venv/bin/balloon discover plan_colombia --against baseline --samples 64 --replications 2 \
#     --param households.migration_rate=0:0.06 --param market.demand_elasticity=-1.2:-0.2 \
#     --param households.replant_forced=0.2:0.95
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
OUT = OUT / "06_discover"
OUT.mkdir(parents=True, exist_ok=True)
# Paired runs go to worker processes (all cores), or run in this process for quick runs.
EXECUTOR = "inline" if QUICK else "process"
print(f"quick mode: {QUICK}; files go to {OUT}")

# %%
from model import load_scenario, scenario_parameters

# Plan Colombia against the baseline (the same 1990 world without the plan), at the shipped scale.
OVERRIDES = []
PARAMETERS = [
    "households.migration_rate=0:0.06",
    "market.demand_elasticity=-1.2:-0.2",
    "households.replant_forced=0.2:0.95",
]
SAMPLES, REPLICATIONS = 64, 2
if QUICK:  # twelve points over two parameters, 1999-2003, one replication: 24 short runs
    OVERRIDES = ["start=1999-01", "end=2003-12", "households.scale=0.005"]
    PARAMETERS, SAMPLES, REPLICATIONS = PARAMETERS[:2], 12, 1

policy = load_scenario("plan_colombia", OVERRIDES)
counterfactual = load_scenario("baseline", OVERRIDES)
# The values are set on both scenarios: they describe the world, not the policy.
parameters = scenario_parameters(policy, PARAMETERS)
scenario_parameters(counterfactual, PARAMETERS)
for parameter in parameters:
    print(f"{parameter.path}: {parameter.low:g} to {parameter.high:g}")

# %%
import hashlib
import json
import time

from model import run_discovery

# One folder per design, named by its hash: running this cell again reuses the finished runs, and a
# changed range or scenario starts a new folder.
design = [policy.model_dump(mode="json"), counterfactual.model_dump(mode="json"), PARAMETERS,
          SAMPLES, REPLICATIONS]  # fmt: skip
folder = OUT / f"discover-{hashlib.sha256(json.dumps(design).encode()).hexdigest()[:8]}"
clock = time.perf_counter()
discovery = run_discovery(
    policy,
    counterfactual,
    parameters,
    SAMPLES,
    folder,
    replications=REPLICATIONS,
    executor=EXECUTOR,
    resume=True,
    progress=not QUICK,
)
print(
    f"{discovery.sweep.computed} paired runs computed, {discovery.sweep.reused} reused from "
    f"{folder}, in {time.perf_counter() - clock:.0f} s"
)
print(
    f"{discovery.condition} holds at {discovery.holds} of {len(discovery.points)} points; "
    f"target {discovery.target}"
)

# %% [markdown]
# Each dot is a sampled point, placed at its value of one parameter per panel (the height is only a
# spread); red dots are where the plan leaves more coca in total. A box's bar shows the range it
# keeps of each parameter it narrows; a dotted line, a parameter it leaves free.

# %%
from model import box_sentence, write_discovery

write_discovery(discovery, folder)
display(Image(filename=str(folder / "prim_boxes.png")))
if not discovery.boxes:
    print(f"No box: {discovery.condition} holds at {discovery.holds} of "
          f"{len(discovery.points)} points, with no range of the parameters that explains it.")  # fmt: skip
for box in discovery.boxes:
    print(f"Box {box.number}: {box_sentence(box, discovery)}")

# %% [markdown]
# The same runs answer other questions without running the model again. Where does the plan work
# best, reducing coca by more than it does at the median point? (`Discovery.ask` takes any condition
# on the balloon metrics, as `balloon discover --where` does.)

# %%
median = discovery.points.net_reduction_ha.median()
best = discovery.ask(f"net_reduction_ha > {median:.0f}")
write_discovery(best, folder / "works_best")
print(f"{best.condition} holds at {best.holds} of {len(best.points)} points")
for box in best.boxes:
    print(f"Box {box.number}: {box_sentence(box, best)}")
if best.boxes:
    display(Image(filename=str(folder / "works_best" / "prim_tradeoff.png")))

# %% [markdown]
# PRIM peels the space from the whole (bottom right of the trade-off figure) to small, dense boxes
# (top left); the box kept is the widest one whose density reaches the threshold (80%). The limits
# of each box, with the sampled range and the quasi-p-value of each limit (small: unlikely to be a
# fluke of the sample):

# %%
from model import boxes_table

boxes_table(best.boxes).round(3)

# %% [markdown]
# ## With the EMA workbench's own tools
#
# `ema_model` turns the scenarios into an EMA workbench model, so that its samplers, evaluators
# (`SequentialEvaluator`, `MultiprocessingEvaluator`) and analyses run the balloon model directly.
# Uncertainties are named with `__` for the dots of their scenario path.

# %%
from model import ema_model

emm = ema_model(
    policy,
    {"households.migration_rate": (0.0, 0.06)},
    ["net_reduction_ha", "displacement_ratio"],
    counterfactual=counterfactual,
    target=discovery.target,
)
from ema_workbench import SequentialEvaluator

with SequentialEvaluator(emm) as evaluator:
    experiments, outcomes = evaluator.perform_experiments(
        scenarios=4 if QUICK else 32, log_progress=True
    )
experiments[["households__migration_rate"]].assign(**outcomes).round(3)
