"""Write the notebooks of this folder from the cells below, without outputs.

The notebooks are generated so that they stay reviewable (this file is the source) and are stored
without outputs. Run ``.venv/bin/python notebooks/build_notebooks.py`` after editing a cell;
``--check`` exits with 1 if a stored notebook differs from what this file builds (the test suite
runs it). Notebooks only call the ``model`` package: no model logic lives in a cell.

Every notebook reads two environment variables: ``BALLOON_QUICK=1`` (set by the tests) shrinks
every run to a few seconds, and ``BALLOON_NOTEBOOK_OUT`` moves the files it writes (default
``results/notebooks/``, which git ignores).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from model.files import write_text_atomic

HERE = Path(__file__).resolve().parent


def settings(stem: str, display: str = "") -> str:
    """The first code cell of every notebook: quick mode, output folder, executor.

    Args:
        stem: the notebook's file name without suffix (its output folder).
        display: names to import from ``IPython.display``.

    """
    imports = f"\nfrom IPython.display import {display}\n" if display else ""
    return f'''\
%matplotlib inline
import os
from pathlib import Path
{imports}
from model.scenario.loading import SCENARIOS_DIR

# BALLOON_QUICK=1 (the test suite sets it) shrinks every run to seconds; unset, runs are full size.
QUICK = os.environ.get("BALLOON_QUICK") == "1"
# Files this notebook writes go here; results/ is kept out of git.
OUT = Path(os.environ.get("BALLOON_NOTEBOOK_OUT") or SCENARIOS_DIR.parent / "results" / "notebooks")
OUT = OUT / "{stem}"
OUT.mkdir(parents=True, exist_ok=True)
# Replications run in worker processes (all cores), or in this process for quick runs.
EXECUTOR = "inline" if QUICK else "process"
print(f"quick mode: {{QUICK}}; files go to {{OUT}}")'''


def md(text: str):
    """A Markdown cell."""
    return new_markdown_cell(text.strip("\n"))


def code(text: str):
    """A code cell."""
    return new_code_cell(text.strip("\n"))


# ----------------------------------------------------------------------------- 01


QUICKSTART = [
    md("""
# Quick start: run a scenario, plot it, read the balloon metrics

This notebook loads a shipped scenario (Plan Colombia: Colombia sprays and eradicates at the
programme's recorded scale, 2000-2015), runs its replications, draws it, and compares it with its
counterfactual (the same world without any policy) to read the balloon metrics: how much of the coca
removed in Colombia came back elsewhere.

Each step is one call to the `model` package. The same from the command line:

```bash
.venv/bin/balloon run scenarios/plan_colombia.yaml
.venv/bin/balloon compare scenarios/plan_colombia.yaml --against scenarios/baseline.yaml
```
"""),
    code(settings("01_quickstart")),
    md("""
## 1. Load a scenario

A scenario is a YAML file in `scenarios/`. `load_scenario` reads one by path or by name, follows
`extends:` (every shipped scenario extends `baseline.yaml`) and applies `--set`-style overrides such as
`households.scale=0.005`. Bad input raises a `ScenarioError` with a one-line message naming the file
and the key.
"""),
    code("""
from model.scenario.loading import load_scenario, shipped_scenarios

print("shipped scenarios:", ", ".join(path.stem for path in shipped_scenarios()))

# Quick runs: fewer households and four years around the start of Plan Colombia (mid-2000).
OVERRIDES = (
    ["households.scale=0.005", "start=1999-01", "end=2002-12", "replications=2"] if QUICK else []
)
scenario = load_scenario("plan_colombia", OVERRIDES)
baseline = load_scenario("baseline", OVERRIDES)

print(f"\\n{scenario.name}: {scenario.description}")
print(
    f"{scenario.start:%Y-%m} to {scenario.end:%Y-%m}, {scenario.replications} replications, "
    f"households.scale {scenario.households.scale}"
)
for policy in scenario.policies:
    print(f"- {policy.instrument} in {policy.country}: {len(policy.schedule)} schedule entries")
"""),
    md("""
## 2. Run it

`run_replications` runs the scenario's replications, each on its own seed derived from the
scenario's `seed`, and stacks their monthly tables with a `replication` column.
"""),
    code("""
import time

from model.experiments.runner import run_replications

clock = time.perf_counter()
results = run_replications(scenario, executor=EXECUTOR)
print(f"{len(results.seeds)} replications in {time.perf_counter() - clock:.1f} s")
results.countries.head()
"""),
    md("""
## 3. Plot it

Figures come from `model.plots` and use one colour per country throughout. The shaded months are
those in which the scenario's policies differ from the baseline's.
"""),
    code("""
from model.figures import plots
from model.experiments.metrics import pressure_months, pressure_spans

spans = pressure_spans(pressure_months(scenario, baseline))
plots.hectares_by_country(results.countries, spans, title="Coca by country under Plan Colombia")
"""),
    code("""
plots.prices(results.countries, results.system, spans=spans)
"""),
    md("""
## 4. Compare with the counterfactual and read the metrics

`compare` runs the baseline on the same replication seeds as the policy (common random numbers)
and computes the balloon metrics on each pair of runs: replication *k* of the policy against
replication *k* of the baseline. The window is the months of extra policy pressure.

- `displacement_ratio`: extra coca elsewhere per hectare removed in the target (0 = none, 1 = all
  of it came back, above 1 = more than came out); `_within` counts the target country's other
  regions, `_across` the other countries.
- `net_reduction_ha`: how much less coca stands everywhere, on average over the window.
- `low` and `high` bound 90% of the replications.
"""),
    code("""
from model.experiments.compare import compare

comparison = compare([results], baseline, executor=EXECUTOR)
comparison.summary[["target", "metric", "median", "low", "high", "unit"]]
"""),
    code("""
plots.effect_intervals(comparison.summary)
"""),
    code("""
plots.policy_vs_counterfactual(
    {scenario.name: results.countries},
    comparison.counterfactual.countries,
    {scenario.name: spans},
    counterfactual_name=baseline.name,
)
"""),
    md("""
## Next

- `02_tune_parameters.ipynb`: move the key parameters with sliders and save what you tuned as a
  scenario file.
- `03_compare_policies.ipynb`: several policies against one counterfactual.
- `04_history.ipynb`: the 1990-2023 history against the UNODC data.
- `05_sensitivity.ipynb`: which parameters drive the results.
"""),
]


# ----------------------------------------------------------------------------- 02


TUNE = [
    md("""
# Tune parameters and watch the balloon

Move a slider or pick from a dropdown: the scenario re-runs and the figure redraws. The controls
are the parameters that decide how big the balloon is:

| control | scenario key | what it does |
| --- | --- | --- |
| extra eradication per country | a new `manual_eradication` or `aerial_eradication` policy | hectares per year removed on top of the base scenario's own policies, from the chosen year |
| demand elasticity | `market.demand_elasticity` | how much consumers buy less when cocaine gets dearer |
| replanting | `households.replant_forced` | share of forcibly eradicated coca replanted at once |
| migration | `households.migration_rate` | monthly chance that a household with a better place moves there |
| trafficker entry cost | `traffickers.entry_cost_usd` | what it costs a trafficker to start buying in a new region |
| armed protection | `armed_groups.protection` | share of eradication reach an armed group at full strength removes |

**Speed.** Tuning is only useful if a change shows at once, so the notebook runs a *short window*
(2000-2009, 120 months: pressure from 2001 has eight years to show its displacement through the
15-month maturity delay, migration and trafficker entry) at a *small scale* (`households.scale`
0.01, about 2,500 simulated households) and **one replication** on the base scenario's seed. A
model run costs a few milliseconds per month whatever the scale, so the window decides the time.
The figure is built once and updated in place: only the lines, the shading, the y axes and the
title lines are drawn again, and the picture is sent to the same image widget. Measured with
`benchmarks/tuning.py` on the 2-core development machine (load average 0.9-2.4): a change of
eradication alone re-runs one scenario in 0.2-0.3 s, a change of a behaviour parameter re-runs two
(with and without the extra eradication, on the same seed) in 0.3-0.4 s, and the redraw takes
0.11-0.16 s (0.38-0.51 s when a new figure was drawn for every change), so a change shows after
0.31-0.57 s; in JupyterLab in headless Chromium on the same machine, from the key press on a slider
to the new picture in the page, 0.6-0.8 s (the browser shares the two cores). Runs already made
are taken from a cache. The very first run after installing compiles the model's loops (numba):
20-40 s once, cached on disk for later sessions. The times of every re-run and redraw
are printed under the figure. Shorten `WINDOW` below for faster runs, widen it for longer horizons
(the time grows with the number of months).

**Saving.** The *Save as scenario* button writes a scenario file that `extends` the base scenario
with only what you tuned, so it keeps the base scenario's own dates (1990-2023), scale and
replications: run it with `.venv/bin/balloon run scenarios/tuned_baseline.yaml`. A file is written
atomically, checked to load before it replaces anything, and never overwrites a file that the
notebook did not write.
"""),
    code(settings("02_tune_parameters", "Image, display")),
    code("""
from datetime import date

import ipywidgets as widgets

from model.experiments import tuning
from model.scenario.loading import ScenarioError, find_scenario, shipped_scenarios
from model.experiments.tuning import (
    KNOBS,
    METHODS,
    Tuning,
    TuningSession,
    knob_values,
    save_tuned,
    scenario_countries,
)

BASE = "baseline"
# The tuning window and scale (model.tuning.WINDOW and SCALE); quick mode: 18 months, half the scale.
WINDOW = ("2000-01", "2001-06") if QUICK else tuning.WINDOW
SCALE = 0.005 if QUICK else tuning.SCALE
FIRST_YEAR, LAST_YEAR = int(WINDOW[0][:4]), int(WINDOW[1][:4])

# One Tuner per base scenario (runs cached across all of them) and one figure, updated in place.
session = TuningSession(*WINDOW, scale=SCALE)


def tuning_from(method, start_year, eradication, **parameters) -> Tuning:
    \"\"\"The controls' values as a Tuning.\"\"\"
    return Tuning(parameters, dict(eradication), method, date(int(start_year), 1, 1))
"""),
    md("""
## The callbacks

Plain functions: the sliders call them, and so can you (the last cell does, and it is what the test
suite runs, since nobody clicks there). `rerun` re-runs the scenario, updates the figure and
returns what to show: the run, the figure as PNG bytes and a report with the measured times;
`save` writes the scenario file.
"""),
    code("""
def rerun(base, method, start_year, eradication, **parameters):
    \"\"\"Re-run with the controls' values: returns a model.tuning.Shown (run, png, report()).\"\"\"
    return session.show(base, tuning_from(method, start_year, eradication, **parameters))


def save(path, base, method, start_year, eradication, **parameters):
    \"\"\"Save the controls' values as a scenario file extending the base scenario.\"\"\"
    tuning = tuning_from(method, start_year, eradication, **parameters)
    return save_tuned(session.tuner(base).base, tuning, path, find_scenario(base))
"""),
    md("""
## The controls
"""),
    code("""
first_base = session.tuner(BASE).base
wide = {"style": {"description_width": "300px"}, "layout": widgets.Layout(width="640px")}
base_box = widgets.Dropdown(
    options=[p.stem for p in shipped_scenarios()], value=BASE, description="base scenario", **wide
)
sliders = {
    name: widgets.FloatSlider(
        value=value,
        min=KNOBS[name].low,
        max=KNOBS[name].high,
        step=KNOBS[name].step,
        description=KNOBS[name].label,
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
    options=METHODS, value="manual", description="eradication method", **wide
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
    \"\"\"Every control's value, as keyword arguments of rerun and save.\"\"\"
    return {
        "base": base_box.value,
        "method": method_box.value,
        "start_year": start_box.value,
        "eradication": {c: s.value for c, s in eradication_sliders.items()},
        **{name: s.value for name, s in sliders.items()},
    }


quiet = False  # True while a new base scenario resets the sliders: one re-run, not one per slider


def redraw(_change=None):
    \"\"\"Re-run, replace the picture and the report below the controls.\"\"\"
    if quiet:
        return
    # Text is appended to the output area rather than captured with `with report_view:`, whose
    # messages can stall a headless run (the test suite's) for as long as the cell timeout.
    try:
        shown = rerun(**controls())
    except ScenarioError as error:  # e.g. a value the scenario schema refuses
        report_view.outputs = ()
        report_view.append_stdout(f"{error}\\n")
        return
    figure_view.value = shown.png
    report_view.outputs = ()
    report_view.append_stdout(shown.report())
    if shown.run.metrics is not None:
        report_view.append_display_data(shown.run.metrics.round(3))


def change_base(change):
    \"\"\"Load a new base scenario: its own parameter values go to the sliders.\"\"\"
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
    \"\"\"Save the controls' values to the file named in the text box.\"\"\"
    saved_view.outputs = ()
    try:
        written = save(path_box.value, **controls())
        saved_view.append_stdout(f"wrote {written}; run it with: .venv/bin/balloon run {written}\\n")
    except ScenarioError as error:
        saved_view.append_stdout(f"{error}\\n")


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
"""),
    md("""
Controls can also be set from code. This moves the Colombia eradication slider to 40,000 ha/yr:
the scenario re-runs and the figure above is replaced, as when the slider is dragged there.
"""),
    code("""
eradication_sliders["colombia"].value = 40_000
"""),
    md("""
## Without clicking: the callbacks called with values

This cell calls the same functions the controls call, with fixed values: 40,000 ha/yr of extra
manual eradication in Colombia and five changed parameters. It is a worked example of tuning from
code, and it is what the test suite checks (the saved file must load and pass `balloon validate`).
It saves into the notebook's output folder, not into `scenarios/`.
"""),
    code("""
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
print(f"wrote {saved}:\\n")
print(saved.read_text())
"""),
]


# ----------------------------------------------------------------------------- 03


COMPARE = [
    md("""
# Compare policies against one counterfactual

Several policy scenarios run against the same counterfactual (the baseline: the same world without
any policy), on the same replication seeds, so that replication *k* of each policy differs from
replication *k* of the baseline only by the policy. `model.compare.compare` does the runs and the
metrics; `model.plots` draws them. From the command line:

```bash
.venv/bin/balloon compare scenarios/plan_colombia.yaml scenarios/peru_pressure_1990s.yaml \\
    --against scenarios/baseline.yaml
```

Each policy is measured over its own months of extra pressure, on the country that lost most coca.
"""),
    code(settings("03_compare_policies", "Markdown, display")),
    code("""
from model.experiments.compare import compare, write_comparison
from model.scenario.loading import load_scenario

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
    print(f"{scenario.name}: {scenario.description}\\n")
"""),
    code("""
import time

clock = time.perf_counter()
comparison = compare(policies, counterfactual, executor=EXECUTOR, progress=not QUICK)
print(
    f"{len(comparison.counterfactual.seeds)} paired replications of {len(policies)} policies "
    f"and the counterfactual in {time.perf_counter() - clock:.0f} s"
)
"""),
    md("""
## The metrics table

Median over replications of each headline metric, one row per policy (target: the country that lost
most coca; window: the policy's months of extra pressure). The full table, with 90% intervals and
every metric, follows.
"""),
    code("""
from model.experiments.compare import HEADLINE

table = comparison.summary.pivot_table(
    index=["scenario", "target", "window_start", "window_end"], columns="metric", values="median"
)
table[[m for m in HEADLINE if m in table.columns]].round(2)
"""),
    code("""
from model.figures import plots

display(Markdown(plots.summary_markdown(comparison.summary)))
"""),
    md("""
## The comparison figures

Displacement ratios and net reduction per policy with their 90% intervals, then each policy against
the counterfactual, country by country.
"""),
    code("""
plots.effect_intervals(comparison.summary)
"""),
    code("""
from model.experiments.metrics import pressure_months, pressure_spans

spans = {
    name: pressure_spans(pressure_months(result.scenario, counterfactual))
    for name, result in comparison.policies.items()
}
plots.policy_vs_counterfactual(
    {name: result.countries for name, result in comparison.policies.items()},
    comparison.counterfactual.countries,
    spans,
    counterfactual_name=counterfactual.name,
)
"""),
    md("""
## One policy in detail

Where coca rose and fell against the counterfactual, region by region; where it moved on the map;
what happened to prices; and where traffickers bought. Change `DETAIL` to look at another policy.
"""),
    code("""
DETAIL = POLICIES[0]
result = comparison.policies[DETAIL]
window, _ = comparison.windows[DETAIL]
coordinates = plots.region_coordinates(result.scenario)
labels = dict(zip(coordinates.region, coordinates.label, strict=True))
plots.region_heatmap(
    result.regions,
    comparison.counterfactual.regions,
    labels,
    title=f"{DETAIL}: coca against the counterfactual, by region",
)
"""),
    code("""
plots.shift_map(
    result.regions,
    coordinates,
    (window.start, window.end),
    title=f"{DETAIL}: coca where pressure starts ({window.start:%Y-%m}, dashed) "
    f"and ends ({window.end:%Y-%m}, filled)",
)
"""),
    code("""
plots.prices(
    result.countries,
    result.system,
    comparison.counterfactual.system,
    spans[DETAIL],
    title=f"Prices: {DETAIL}",
)
"""),
    code("""
plots.trafficker_sourcing(result.traffickers, spans[DETAIL])
"""),
    md("""
## Save everything

`write_comparison` writes the metrics (CSV, JSON, Markdown), the figures (PNG and SVG) and the runs
into one folder, as `balloon compare` does.
"""),
    code("""
folder = write_comparison(comparison, OUT / "comparison", figures=not QUICK)
print(f"wrote {folder}: " + ", ".join(sorted(p.name for p in folder.iterdir())))
"""),
]


# ----------------------------------------------------------------------------- 04


HISTORY = [
    md("""
# History: the model against the UNODC data, 1990-2023

`scenarios/andes_history.yaml` drives the model with recorded eradication (hectares per year and
country), interdiction assumptions and dated events (leader captures, the 1995 leaf price collapse,
the end of spraying in 2015); nothing in it is fitted to the cultivation series. Does it reproduce
the shift of coca from Peru and Bolivia to Colombia in the 1990s and back to Peru by 2012?

**Calibrated or not.** `balloon calibrate scenarios/andes_history.yaml --window 1990-2012` fits the
scenario's `free_parameters` to the 1990-2012 UNODC series and writes a calibrated scenario. This
notebook uses a calibrated file if one exists (`scenarios/andes_history_calibrated.yaml`, or the
calibration's default output under `results/calibration/`); otherwise it runs the scenario with its
hand-set starting values and says so: then read the fit below as the *uncalibrated* model.
The fit is scored over `WINDOW` (1990-2012, the calibration's window; change both together). Years
after it are a forecast given the recorded inputs, not a fit.

Quick mode (`BALLOON_QUICK=1`, the tests) runs the same 1990-2023 history and scores the same
window, at a quarter of the scale and with one replication, so its figures say what the full ones
say, only noisier.
"""),
    code(settings("04_history", "Image, Markdown, display")),
    code("""
from model.experiments import calibration, observed
from model.scenario.loading import load_scenario

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
print("free parameters and their values:", calibration.current_values(scenario))
"""),
    md("""
## The observed data

UNODC coca cultivation by country (hectares), shipped with the package with its provenance
(`model/data/README.md`).
"""),
    code("""
calibration.observed_hectares().T
"""),
    md("""
## The model against the data

`fit_report` runs the scenario's replications and scores the fit in the window: RMSE of log
hectares, correlation and error in each country's share, per country; and the years of the three
turning points (Colombia overtakes Peru, Bolivia's steepest fall, Peru leads again).
"""),
    code("""
import time

clock = time.perf_counter()
report = calibration.fit_report(scenario, WINDOW, REPLICATIONS)
print(f"ran in {time.perf_counter() - clock:.0f} s")
if not calibrated:
    print("UNCALIBRATED: the fit is scored over the window below; no parameter was fitted")
display(Markdown(calibration.report_markdown(report)))
"""),
    code("""
if calibrated:  # the fit report (JSON, Markdown) and its figure, as `balloon calibrate` writes them
    figure = calibration.write_outputs(report, OUT)["figure"]
else:  # say in the title that nothing was fitted
    figure = OUT / "fit.png"
    calibration.plot_fit(
        report["_countries"],
        calibration.observed_hectares(),
        WINDOW,
        figure,
        f"Coca cultivation: model ({scenario.name}, hand-set values, not fitted) against UNODC",
    )
display(Image(filename=str(figure)))
"""),
    md("""
## Where the coca was, region by region

The mean over replications of the history run, region by region, as the model sees it (UNODC does
not publish a consistent regional series for all three countries, so there is nothing to plot
against here).
"""),
    code("""
from model.figures import plots
from model.experiments.runner import run_replications

history = run_replications(scenario, REPLICATIONS, executor=EXECUTOR)
coordinates = plots.region_coordinates(scenario)
plots.region_heatmap(
    history.regions,
    labels=dict(zip(coordinates.region, coordinates.label, strict=True)),
    title=f"{scenario.name}: coca by region and year (model)",
)
"""),
    code("""
plots.hectares_by_country(history.countries, title=f"{scenario.name}: coca by country (model)")
"""),
    md("""
The recorded eradication that drives the run, per country and method (hectares per year; rows the
data file marks as estimates are flagged in `scenarios/andes_history.yaml`):
"""),
    code("""
observed.eradication().pivot_table(
    index="year", columns=["country", "method"], values="hectares"
).tail(12)
"""),
]


# ----------------------------------------------------------------------------- 05


SENSITIVITY = [
    md("""
# Sensitivity: which parameters drive the balloon?

A global sensitivity analysis varies several parameters at once over their plausible ranges and
asks which of them move an outcome. `model.sensitivity` does it with SALib: **Morris** elementary
effects here (`mu_star`: the mean absolute change of the outcome when one parameter moves across its
range; `sigma`: how much that change depends on the other parameters, i.e. interactions), or
**Sobol** indices (`S1`: share of the outcome's variance due to a parameter alone; `ST`: including
its interactions) with `METHOD = "sobol"`, which needs many more runs.

The runs go through `model.sweep` (resumable: re-running this notebook reuses finished runs) and
every design point uses the same replication seeds, so differences between points come from the
parameters, not from luck. From the command line:

```bash
.venv/bin/balloon sensitivity scenarios/plan_colombia.yaml --method morris --samples 10 \\
    --param market.demand_elasticity=-1.0:-0.3 --param households.replant_forced=0.3:0.9 \\
    --metric change_ha_colombia --metric change_ha_peru
```
"""),
    code(settings("05_sensitivity", "Image, display")),
    code("""
from model.scenario.loading import load_scenario
from model.columns import describe
from model.experiments.sweep import scenario_parameters

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
    print(f"{metric}: {describe(metric).label}")
"""),
    code("""
import time

from model.experiments.sensitivity import scenario_sensitivity

folder = OUT / f"{METHOD}-{'quick' if QUICK else 'full'}"
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
"""),
    code("""
from model.figures.experiments import plot_indices, plot_sweep

figure = plot_indices(
    result.indices,
    METHOD,
    folder / "indices.png",
    f"{scenario.name}, {scenario.start:%Y}-{scenario.end:%Y}: {METHOD} sensitivity",
)
display(Image(filename=str(figure)))
"""),
    md("""
The same runs, outcome against each parameter: a steep line is a parameter that matters; scatter
around the line comes from the other parameters.
"""),
    code("""
figure = plot_sweep(
    result.sweep.table,
    [p.path for p in parameters],
    ["change_ha_total"],
    folder / "sweep.png",
    f"{scenario.name}: outcomes across the design",
)
display(Image(filename=str(figure)))
"""),
]


NOTEBOOKS = {
    "01_quickstart": QUICKSTART,
    "02_tune_parameters": TUNE,
    "03_compare_policies": COMPARE,
    "04_history": HISTORY,
    "05_sensitivity": SENSITIVITY,
}


def build(stem: str, cells: list) -> nbformat.NotebookNode:
    """A notebook of ``cells`` with stable cell ids and the project's kernel."""
    notebook = new_notebook(cells=cells)
    for index, cell in enumerate(notebook.cells):
        cell["id"] = f"{stem.split('_')[0]}-{index:02d}"
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    notebook.metadata["language_info"] = {"name": "python"}
    nbformat.validate(notebook)
    return notebook


def text_of(notebook: nbformat.NotebookNode) -> str:
    """The notebook file's text."""
    return nbformat.writes(notebook) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write every notebook, or with ``--check`` report the ones that differ from this file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check; exit 1 on a difference")
    args = parser.parse_args(argv)
    stale = []
    for stem, cells in NOTEBOOKS.items():
        path = HERE / f"{stem}.ipynb"
        text = text_of(build(stem, cells))
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        if args.check:
            stale.append(path.name)
        else:
            write_text_atomic(path, text)
            print(f"wrote {path}")
    if stale:
        print(
            f"out of date (run notebooks/build_notebooks.py): {', '.join(stale)}", file=sys.stderr
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
