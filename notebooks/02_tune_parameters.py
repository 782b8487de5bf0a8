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
# # Tune parameters and watch the balloon
#
# Move a slider or pick from a dropdown: the scenario re-runs and the figure redraws. The controls
# are the parameters that decide how big the balloon is:
#
# | control | scenario key | what it does |
# | --- | --- | --- |
# | extra eradication per country | a new `manual_eradication` or `aerial_eradication` policy | hectares per year removed on top of the base scenario's own policies, from the chosen year |
# | demand elasticity | `market.demand_elasticity` | how much consumers buy less when cocaine gets dearer |
# | replanting | `households.replant_forced` | share of forcibly eradicated coca replanted at once |
# | migration | `households.migration_rate` | monthly chance that a household with a better place moves there |
# | trafficker entry cost | `traffickers.entry_cost_usd` | what it costs a trafficker to start buying in a new region |
# | armed protection | `armed_groups.protection` | share of eradication reach an armed group at full strength removes |
#
# **The base.** By default the calibrated history (`andes_history_calibrated`: recorded eradication,
# interdiction and events, the posterior medians): extra eradication is added to what was really
# done. A history is never cut from its past, so its runs start in 1990 and end with the window
# (240 months); the still 1990 world (`baseline`, in the dropdown) runs the window alone.
#
# **Speed.** Tuning is only useful if a change shows at once, so the notebook runs a *short window*
# (to 2009, from 2000 for a scenario with no earlier policies: pressure from 2001 has eight years to
# show its displacement through the 15-month maturity delay, migration and trafficker entry) at a
# *small scale* (`households.scale` 0.01, about 2,500 simulated households) and **one replication**
# on the base scenario's seed. On the history a change of a behaviour parameter re-runs two
# 240-month runs in about 0.3 s (measured on the 2-core development machine under load). A
# model run costs a few milliseconds per month whatever the scale, so the window decides the time.
# The figure is built once and updated in place: only the lines, the shading, the y axes and the
# title lines are drawn again, and the picture is sent to the same image widget. Measured with
# `benchmarks/tuning.py` on the 2-core development machine (load average 0.9-2.4): a change of
# eradication alone re-runs one scenario in 0.2-0.3 s, a change of a behaviour parameter re-runs two
# (with and without the extra eradication, on the same seed) in 0.3-0.4 s, and the redraw takes
# 0.11-0.16 s (0.38-0.51 s when a new figure was drawn for every change), so a change shows after
# 0.31-0.57 s; in JupyterLab in headless Chromium on the same machine, from the key press on a slider
# to the new picture in the page, 0.6-0.8 s (the browser shares the two cores). Runs already made
# are taken from a cache. The very first run after installing compiles the model's loops (numba):
# 20-40 s once, cached on disk for later sessions. The times of every re-run and redraw
# are printed under the figure. Shorten `WINDOW` below for faster runs, widen it for longer horizons
# (the time grows with the number of months).
#
# **Saving.** The *Save as scenario* button writes a scenario file that `extends` the base scenario
# with only what you tuned, so it keeps the base scenario's own dates (1990-2023), scale and
# replications: run it with `.venv/bin/balloon run scenarios/tuned_andes_history_calibrated.yaml`. A file is written
# atomically, checked to load before it replaces anything, and never overwrites a file that the
# notebook did not write.

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
OUT = OUT / "02_tune_parameters"
OUT.mkdir(parents=True, exist_ok=True)
# Replications run in worker processes (all cores), or in this process for quick runs.
EXECUTOR = "inline" if QUICK else "process"
print(f"quick mode: {QUICK}; files go to {OUT}")

# %%
from datetime import date

import ipywidgets as widgets

from model import (
    ERADICATION_METHODS,
    TUNING_KNOBS,
    TUNING_SCALE,
    TUNING_WINDOW,
    ScenarioError,
    Tuning,
    TuningSession,
    find_scenario,
    knob_values,
    save_tuned,
    scenario_countries,
    shipped_name,
    shipped_scenarios,
)

BASE = "andes_history_calibrated"  # the recorded history; "baseline" is the still 1990 world
# The tuning window and scale (TUNING_WINDOW, TUNING_SCALE); quick mode: 18 months, half the scale.
WINDOW = ("2000-01", "2001-06") if QUICK else TUNING_WINDOW
SCALE = 0.005 if QUICK else TUNING_SCALE
FIRST_YEAR, LAST_YEAR = int(WINDOW[0][:4]), int(WINDOW[1][:4])

# One Tuner per base scenario (runs cached across all of them) and one figure, updated in place.
session = TuningSession(*WINDOW, scale=SCALE)


def tuning_from(method, start_year, eradication, **parameters) -> Tuning:
    """The controls' values as a Tuning."""
    return Tuning(parameters, dict(eradication), method, date(int(start_year), 1, 1))


# %% [markdown]
# ## The callbacks
#
# Plain functions: the sliders call them, and so can you (the last cell does, and it is what the test
# suite runs, since nobody clicks there). `rerun` re-runs the scenario, updates the figure and
# returns what to show: the run, the figure as PNG bytes and a report with the measured times;
# `save` writes the scenario file.


# %%
def rerun(base, method, start_year, eradication, **parameters):
    """Re-run with the controls' values: returns what to show (run, png, report())."""
    return session.show(base, tuning_from(method, start_year, eradication, **parameters))


def save(path, base, method, start_year, eradication, **parameters):
    """Save the controls' values as a scenario file extending the base scenario."""
    tuning = tuning_from(method, start_year, eradication, **parameters)
    return save_tuned(session.tuner(base).base, tuning, path, find_scenario(base))


# %% [markdown]
# ## The controls

# %%
first_base = session.tuner(BASE).base
wide = {"style": {"description_width": "300px"}, "layout": widgets.Layout(width="640px")}
base_box = widgets.Dropdown(
    options=[shipped_name(p) for p in shipped_scenarios()],
    value=BASE,
    description="base scenario",
    **wide,
)
sliders = {
    name: widgets.FloatSlider(
        value=value,
        min=TUNING_KNOBS[name].low,
        max=TUNING_KNOBS[name].high,
        step=TUNING_KNOBS[name].step,
        description=TUNING_KNOBS[name].label,
        continuous_update=False,
        readout_format=".3g",
        **wide,
    )
    for name, value in knob_values(first_base).items()
}
eradication_sliders = {
    country: widgets.IntSlider(
        value=0,
        min=0,
        max=150_000,
        step=2_500,
        continuous_update=False,
        description=f"extra eradication, {country.title()} (ha/yr)",
        **wide,
    )
    for country in scenario_countries(first_base)
}
method_box = widgets.Dropdown(
    options=ERADICATION_METHODS, value="manual", description="eradication method", **wide
)
start_box = widgets.IntSlider(
    value=min(FIRST_YEAR + 1, LAST_YEAR),
    min=FIRST_YEAR,
    max=LAST_YEAR,
    continuous_update=False,
    description="extra eradication from (year)",
    **wide,
)
path_box = widgets.Text(
    value=str(SCENARIOS_DIR / f"tuned_{BASE}.yaml"), description="save as", **wide
)
save_button = widgets.Button(description="Save as scenario", icon="save")
# The figure: one image widget whose picture is replaced in place after every re-run.
figure_view = widgets.Image(format="png")
report_view, saved_view = widgets.Output(), widgets.Output()


def controls() -> dict:
    """Every control's value, as keyword arguments of rerun and save."""
    return {
        "base": base_box.value,
        "method": method_box.value,
        "start_year": start_box.value,
        "eradication": {c: s.value for c, s in eradication_sliders.items()},
        **{name: s.value for name, s in sliders.items()},
    }


quiet = False  # True while a new base scenario resets the sliders: one re-run, not one per slider


def redraw(_change=None):
    """Re-run, replace the picture and the report below the controls."""
    if quiet:
        return
    # Text is appended to the output area rather than captured with `with report_view:`, whose
    # messages can stall a headless run (the test suite's) for as long as the cell timeout.
    try:
        shown = rerun(**controls())
    except ScenarioError as error:  # e.g. a value the scenario schema refuses
        report_view.outputs = ()
        report_view.append_stdout(f"{error}\n")
        return
    figure_view.value = shown.png
    report_view.outputs = ()
    report_view.append_stdout(shown.report())
    if shown.run.metrics is not None:
        report_view.append_display_data(shown.run.metrics.round(3))


def change_base(change):
    """Load a new base scenario: its own parameter values go to the sliders."""
    global quiet
    quiet = True
    try:
        for name, value in knob_values(session.tuner(change.new).base).items():
            sliders[name].value = value
        path_box.value = str(SCENARIOS_DIR / f"tuned_{change.new}.yaml")
    finally:
        quiet = False
    redraw()


def click_save(_button):
    """Save the controls' values to the file named in the text box."""
    saved_view.outputs = ()
    try:
        written = save(path_box.value, **controls())
        saved_view.append_stdout(f"wrote {written}; run it with: .venv/bin/balloon run {written}\n")
    except ScenarioError as error:
        saved_view.append_stdout(f"{error}\n")


base_box.observe(change_base, names="value")
for control in [method_box, start_box, *sliders.values(), *eradication_sliders.values()]:
    control.observe(redraw, names="value")
save_button.on_click(click_save)

display(
    widgets.VBox(
        [
            base_box,
            *eradication_sliders.values(),
            method_box,
            start_box,
            *sliders.values(),
            widgets.HBox([path_box, save_button]),
            saved_view,
            figure_view,
            report_view,
        ]
    )
)
redraw()

# %% [markdown]
# Controls can also be set from code. This moves the Colombia eradication slider to 40,000 ha/yr:
# the scenario re-runs and the figure above is replaced, as when the slider is dragged there.

# %%
eradication_sliders["colombia"].value = 40_000

# %% [markdown]
# ## Without clicking: the callbacks called with values
#
# This cell calls the same functions the controls call, with fixed values: 40,000 ha/yr of extra
# manual eradication in Colombia and five changed parameters. It is a worked example of tuning from
# code, and it is what the test suite checks (the saved file must load and pass `balloon validate`).
# It saves into the notebook's output folder, not into `scenarios/`.

# %%
EXAMPLE = {
    "base": "baseline",
    "method": "manual",
    "start_year": min(FIRST_YEAR + 1, LAST_YEAR),
    "eradication": {"colombia": 40_000},
    "demand_elasticity": -0.8,
    "replant_forced": 0.5,
    "migration_rate": 0.03,
    "entry_cost_musd": 1.0,
    "armed_protection": 0.4,
}
example = rerun(**EXAMPLE)
display(Image(example.png))
print(example.report())
display(example.run.metrics.round(3))
saved = save(OUT / "tuned_example.yaml", **EXAMPLE)
print(f"wrote {saved}:\n")
print(saved.read_text())
