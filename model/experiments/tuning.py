"""Interactive tuning: a few behaviour parameters and extra eradication, re-run in well under a second.

The tuning notebook (``notebooks/02_tune_parameters.ipynb``) wires sliders to this module; nothing
here depends on widgets, so tests call it directly. A :class:`Tuner` runs a base scenario cut to a
short window at a small scale (speed is what makes tuning interactive), and compares each tuned run
with its counterfactual: the same parameters without the extra eradication, on the same seed. Runs
are cached, so moving only an eradication slider costs one model run.

:class:`TuningFigure` is built once and updated in place after each re-run (only what changed is
drawn again); :class:`TuningSession` holds the tuners and the figure for the notebook's callbacks.
:func:`save_tuned` writes what was tuned as a scenario file that ``extends`` the base file, so it
keeps the base scenario's own dates, scale and replications and ``balloon run`` accepts it.
"""

from __future__ import annotations

import io
import os
import tempfile
import time
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import PIL.Image
import yaml
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import DateFormatter, YearLocator, date2num
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator, StrMethodFormatter

from model.columns import BALLOON_METRICS
from model.experiments import metrics
from model.experiments.sweep import with_parameters
from model.figures.plots import PRESSURE_COLOUR, country_colour, country_label, thousands
from model.scenario.fields import parse_month
from model.scenario.loading import SLUG, ScenarioError, load_scenario, to_yaml
from model.scenario.loading import _months as short_months
from model.scenario.schema import Scenario
from model.sim.model import BalloonModel

dollars = StrMethodFormatter("{x:,.2f}")

#: The tuning notebook's window and scale: ten years around Plan Colombia's peak (pressure from
#: 2001 shows its displacement over several years: the 15-month maturity delay, migration and
#: trafficker entry), at about 2,500 simulated households; a run costs a few milliseconds a month
#: whatever the scale, so the window decides the time of a re-run.
WINDOW = ("2000-01", "2009-12")
SCALE = 0.01
#: First line of every file :func:`save_tuned` writes; only such files may be overwritten.
HEADER = "# Tuned in notebooks/02_tune_parameters.ipynb"
METHODS = ("manual", "aerial")
SHOWN_METRICS = (
    "removed_ha",
    "displacement_ratio",
    "displacement_ratio_within",
    "displacement_ratio_across",
    "net_reduction_ha",
    "wholesale_price_change",
)


@dataclass(frozen=True)
class Knob:
    """A tunable scenario parameter and its slider.

    Attributes:
        path: dotted path in the scenario (``market.demand_elasticity``).
        label: slider label, with the unit the slider shows.
        low, high, step: slider range and step, in slider units.
        factor: scenario value = slider value x factor (e.g. US$ million -> US$).

    """

    path: str
    label: str
    low: float
    high: float
    step: float
    factor: float = 1.0

    def read(self, scenario: Scenario) -> float:
        """The scenario's value, in slider units."""
        node = scenario
        for part in self.path.split("."):
            node = getattr(node, part)
        return round(float(node) / self.factor, 9)


KNOBS = {
    "demand_elasticity": Knob(
        "market.demand_elasticity", "demand elasticity of cocaine", -1.5, 0.0, 0.05
    ),
    "replant_forced": Knob(
        "households.replant_forced", "replanted after forced eradication (share)", 0.0, 1.0, 0.05
    ),
    "migration_rate": Knob(
        "households.migration_rate", "migration (monthly chance to move)", 0.0, 0.1, 0.005
    ),
    "entry_cost_musd": Knob(
        "traffickers.entry_cost_usd", "trafficker entry cost (US$ million)", 0.0, 10.0, 0.25, 1e6
    ),
    "armed_protection": Knob(
        "armed_groups.protection", "armed protection (reach removed, share)", 0.0, 1.0, 0.05
    ),
}


@dataclass(frozen=True)
class Tuning:
    """What a user set: parameter values and extra eradication per country.

    Attributes:
        parameters: slider values by knob name (:data:`KNOBS`), in slider units.
        eradication_ha: extra eradication per country, hectares per year, on top of the base
            scenario's own policies.
        method: ``manual`` or ``aerial`` eradication.
        start: first month of the extra eradication.

    """

    parameters: dict[str, float] = field(default_factory=dict)
    eradication_ha: dict[str, float] = field(default_factory=dict)
    method: str = "manual"
    start: date | None = None

    def without_eradication(self) -> Tuning:
        """The same parameters without extra eradication: the counterfactual's tuning."""
        return replace(self, eradication_ha={})

    @property
    def extra(self) -> dict[str, float]:
        """Countries with extra eradication, and how much."""
        return {c: float(ha) for c, ha in self.eradication_ha.items() if ha > 0}


def knob_values(scenario: Scenario) -> dict[str, float]:
    """Every knob's value in a scenario, in slider units."""
    return {name: knob.read(scenario) for name, knob in KNOBS.items()}


def scenario_countries(scenario: Scenario) -> list[str]:
    """Countries of a scenario's world, in the order of its regions."""
    return list(dict.fromkeys(r.country for r in scenario.resolved_regions()))


def apply_tuning(base: Scenario, tuning: Tuning, source: str = "tuning") -> Scenario:
    """A copy of ``base`` with the tuned parameters and the extra eradication policies.

    Raises:
        ScenarioError: for an unknown knob or country, or a value the schema refuses.

    """
    values = {}
    for name, value in tuning.parameters.items():
        if name not in KNOBS:
            raise ScenarioError(source, name, f"unknown knob (known: {', '.join(KNOBS)})")
        values[KNOBS[name].path] = float(value) * KNOBS[name].factor
    scenario = with_parameters(base, values, source) if values else base
    extra = tuning.extra
    if not extra:
        return scenario
    if tuning.method not in METHODS:
        raise ScenarioError(source, "method", f"use {' or '.join(METHODS)}, not {tuning.method!r}")
    start = parse_month(tuning.start or base.start)
    policies = [p.model_dump(mode="json") for p in scenario.policies]
    for country, hectares in extra.items():
        policies.append(
            {
                "instrument": f"{tuning.method}_eradication",
                "country": country,
                "schedule": [{"start": f"{start:%Y-%m}", "value": hectares}],
                "note": f"extra {tuning.method} eradication set in the tuning notebook",
            }
        )
    return with_parameters(scenario, {"policies": policies}, source)


@lru_cache(maxsize=16)
def _run(scenario_json: str, seed: int) -> BalloonModel:
    return BalloonModel(Scenario.model_validate_json(scenario_json), rng=seed).run()


def run_cached(scenario: Scenario, seed: int) -> tuple[BalloonModel, bool]:
    """Run a scenario on a seed, reusing the run if the same scenario ran on it before.

    Returns:
        The finished model and whether it was computed now (False: taken from the cache).

    """
    text = scenario.model_dump_json()
    misses = _run.cache_info().misses
    model = _run(text, seed)
    return model, _run.cache_info().misses > misses


@dataclass
class TunedRun:
    """One re-run: the tuned model, its counterfactual, the metrics and how long it took."""

    tuning: Tuning
    scenario: Scenario
    model: BalloonModel
    counterfactual: BalloonModel
    untuned: BalloonModel
    metrics: pd.DataFrame | None
    target: str | None
    eradicated_ha_yr: dict[str, float]
    seed: int
    seconds: float
    runs_computed: int

    def timing(self) -> str:
        """One line: how long the re-run took and how many model runs it needed."""
        months = self.scenario.months
        return (
            f"re-ran {self.scenario.name} ({months} months, households.scale "
            f"{self.scenario.households.scale:g}) in {self.seconds:.2f} s: "
            f"{self.runs_computed} model run(s) computed, the others reused"
        )


class Tuner:
    """Re-runs a base scenario, cut to a short window, with a user's tuning.

    Args:
        base: the base scenario (its own dates are kept in saved files).
        start: first month of the tuning window.
        end: last month of the tuning window.
        scale: simulated households per real one while tuning.
        seed: the seed of every run (default: the base scenario's), so runs differ only by tuning.

    """

    def __init__(self, base: Scenario, start: str, end: str, scale: float, seed: int | None = None):
        self.base = base
        self.short = with_parameters(
            base, {"start": start, "end": end, "households.scale": scale}, "tuning window"
        )
        self.seed = base.seed if seed is None else seed

    def run(self, tuning: Tuning) -> TunedRun:
        """Run the tuned scenario, its counterfactual and the untuned base (cached) on one seed."""
        clock = time.perf_counter()
        scenario = apply_tuning(self.short, tuning)
        computed = 0
        models = []
        for each in (scenario, apply_tuning(self.short, tuning.without_eradication()), self.short):
            model, fresh = run_cached(each, self.seed)
            models.append(model)
            computed += fresh
        model, counterfactual, untuned = models
        table, target, done = None, None, {}
        extra = tuning.extra
        if extra:
            target = max(extra, key=extra.get)
            start = max(pd.Timestamp(parse_month(tuning.start or self.short.start)),
                        pd.Timestamp(self.short.start))  # fmt: skip
            window = metrics.Window(start, pd.Timestamp(self.short.end))
            table = balloon_summary(model, counterfactual, metrics.Target(target), window)
            done = extra_eradication(model, counterfactual, window, list(extra))
        seconds = time.perf_counter() - clock
        return TunedRun(tuning, scenario, model, counterfactual, untuned, table, target, done,
                        self.seed, seconds, computed)  # fmt: skip


def balloon_summary(
    model: BalloonModel, counterfactual: BalloonModel, target: metrics.Target, window
) -> pd.DataFrame:
    """The metrics of :data:`SHOWN_METRICS` for one pair of runs: value, unit and meaning.

    Only these few are computed (not every metric of ``balloon_metrics``): it keeps a re-run fast.
    """
    regions, base = model.regions, counterfactual.regions
    parts = metrics.displacement_components(regions, base, target, window).iloc[0]
    removed = parts.removed_ha if parts.removed_ha > 0 else float("nan")
    values = {
        "removed_ha": parts.removed_ha,
        "displacement_ratio": (parts.within_ha + parts.across_ha) / removed,
        "displacement_ratio_within": parts.within_ha / removed,
        "displacement_ratio_across": parts.across_ha / removed,
        "net_reduction_ha": metrics.net_reduction_ha(regions, base, window).iloc[0],
        "wholesale_price_change": metrics.wholesale_price_change(
            model.system, counterfactual.system, window
        ).iloc[0],
    }
    return pd.DataFrame(
        {
            "value": [float(values[name]) for name in SHOWN_METRICS],
            "unit": [BALLOON_METRICS[name].unit for name in SHOWN_METRICS],
            "meaning": [BALLOON_METRICS[name].meaning for name in SHOWN_METRICS],
        },
        index=pd.Index(SHOWN_METRICS, name="metric"),
    )


def extra_eradication(
    model: BalloonModel, counterfactual: BalloonModel, window: metrics.Window, countries: list[str]
) -> dict[str, float]:
    """Extra hectares eradicated per year over the window, per country, against the counterfactual.

    Backlash and the reach limit can keep it below what was asked for.
    """

    def yearly(table: pd.DataFrame) -> pd.Series:
        inside = table[window.mask(table.date) & table.country.isin(countries)]
        return inside.groupby("country").eradicated_ha.sum() * 12 / window.months

    return (yearly(model.countries) - yearly(counterfactual.countries)).to_dict()


STYLES = (
    ("model", "-", 2.0, "tuned, with the extra eradication"),
    ("counterfactual", "--", 1.3, "tuned, without extra eradication\n(the counterfactual)"),
    (
        "untuned",
        ":",
        1.3,
        "base scenario as shipped\n(under the dashed line\nwhile no parameter is tuned)",
    ),
)
PANELS = (
    ("hectares", "coca, hectares", "Coca by country", thousands),
    ("farmgate_price", "farm-gate price, US$ per kg of dry leaf", "Price growers get for coca leaf",
     dollars),
)  # fmt: skip


def _by_country(table: pd.DataFrame, column: str) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Dates (matplotlib date numbers) and values of one column, per country, in date order."""
    countries = table["country"].to_numpy()
    dates = date2num(table["date"].to_numpy())
    values = table[column].to_numpy(dtype=float)
    out = {}
    for country in dict.fromkeys(countries):
        inside = countries == country
        order = np.argsort(dates[inside], kind="stable")
        out[country] = (dates[inside][order], values[inside][order])
    return out


def headline(run: TunedRun) -> str:
    """One line under the title: the extra eradication and what it did (or that there is none)."""
    if not run.tuning.extra:
        return "no extra eradication: set one with the eradication sliders to see the balloon"
    asked = ", ".join(f"{country_label(c)} {ha:,.0f}" for c, ha in run.tuning.extra.items())
    start = parse_month(run.tuning.start or run.scenario.start)
    line = f"extra {run.tuning.method} eradication from {start:%Y-%m}: {asked} ha/yr"
    if run.metrics is not None:
        value = run.metrics["value"]
        ratio = value["displacement_ratio"]
        target = country_label(run.target)
        if len(run.tuning.extra) > 1:
            target += " (the largest)"
        if np.isfinite(ratio):
            line += (
                f"; balloon from {target}: displacement ratio {ratio:.2f} (within the country "
                f"{value['displacement_ratio_within']:.2f}, other countries "
                f"{value['displacement_ratio_across']:.2f})"
            )
        else:
            line += f"; no coca removed in {target}, so no displacement ratio"
    return line


class TuningFigure:
    """The tuning figure, built once and updated in place after every re-run.

    Coca and farm-gate prices by country: tuned, without the extra eradication, and untuned.
    Building a figure costs more than drawing one, and most of matplotlib's drawing is text (tick
    labels, legend, titles: 1.5-2.5 ms per piece of text on the 2-core development machine), so:

    - :meth:`update` only replaces line data, the shaded window, the texts and the axis limits;
    - :meth:`png` draws only what a re-run can change (lines, shading, frames, the y axes with their
      tick labels, the title lines) over a cached background holding the rest (legend, panel
      titles, x axes), then encodes a PNG with light compression. The background is drawn again
      when the x range changes. ``png(blit=False)`` draws the whole figure (the tests check that
      both give the same picture).

    Args:
        countries: the countries to draw, in order (:func:`scenario_countries`).
        dpi: resolution of :meth:`png`.

    """

    def __init__(self, countries: list[str], dpi: float = 80):
        self.countries = list(countries)
        self.figure = Figure(figsize=(12, 4.4), dpi=dpi, facecolor="white")
        FigureCanvasAgg(self.figure)
        # A fixed layout and yearly ticks: constrained layout and automatic date ticks would
        # double the drawing time.
        self.figure.subplots_adjust(left=0.08, right=0.72, bottom=0.13, top=0.8, wspace=0.3)
        self.axes = dict(zip([p[0] for p in PANELS], self.figure.subplots(1, 2, sharex=True),
                             strict=True))  # fmt: skip
        self.lines: dict[tuple[str, str, str], Line2D] = {}
        self.spans = {}
        for (column, ylabel, title, formatter), ax in zip(PANELS, self.axes.values(), strict=True):
            self.spans[column] = ax.axvspan(0, 1, color=PRESSURE_COLOUR, zorder=0, visible=False)
            for role, style, width, _ in STYLES:
                for country in self.countries:
                    (line,) = ax.plot([], [], style, lw=width, color=country_colour(country))
                    self.lines[column, role, country] = line
            ax.xaxis_date()
            ax.xaxis.set_major_formatter(DateFormatter("%Y"))
            ax.yaxis.set_major_locator(MaxNLocator(nbins=6))
            ax.yaxis.set_major_formatter(formatter)
            ax.set_xlabel("date (monthly)")
            ax.set_ylabel(ylabel)
            ax.set_title(title)
        handles = [Patch(color=country_colour(c), label=country_label(c)) for c in self.countries]
        handles += [
            Line2D([], [], color="black", ls=s, lw=w, label=text) for _, s, w, text in STYLES
        ]
        handles.append(Patch(color=PRESSURE_COLOUR, label="extra eradication (shaded months)"))
        self.figure.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.73, 0.82),
                           frameon=False)  # fmt: skip
        self.title = self.figure.suptitle("", x=0.01, y=0.98, ha="left", va="top")
        self.subtitle = self.figure.text(0.01, 0.9, "", ha="left", va="top", fontsize="small")
        self._series: dict[int, tuple[BalloonModel, dict]] = {}
        self._background = None
        self._background_key = None

    def _dynamic(self) -> list:
        """What a re-run can change, in the order a full draw paints it."""
        drawn = []
        for column, ax in self.axes.items():
            drawn += [self.spans[column], *ax.lines, *ax.spines.values(), ax.yaxis]
        return [*drawn, self.title, self.subtitle]

    def _data(self, model: BalloonModel, column: str) -> dict:
        key = id(model)
        if key not in self._series or self._series[key][0] is not model:
            table = model.countries
            self._series[key] = (model, {c: _by_country(table, c) for c, *_ in PANELS})
        return self._series[key][1][column]

    def update(self, run: TunedRun) -> TuningFigure:
        """Show a re-run: new line data, shaded window, title and axis limits (returns itself)."""
        runs = {"model": run.model, "counterfactual": run.counterfactual, "untuned": run.untuned}
        first, last = date2num(np.array([run.scenario.start, run.scenario.end], "datetime64[s]"))
        start = date2num(np.datetime64(parse_month(run.tuning.start or run.scenario.start), "s"))
        for column, ax in self.axes.items():
            for role, model in runs.items():
                series = self._data(model, column)
                for country in self.countries:
                    x, y = series.get(country, ((), ()))
                    self.lines[column, role, country].set_data(x, y)
            span = self.spans[column]
            span.set_visible(bool(run.tuning.extra))
            span.set_x(max(start, first))
            span.set_width(max(0.0, last - max(start, first)))
            ax.xaxis.set_major_locator(YearLocator(base=max(1, run.scenario.months // 60)))
            ax.relim(visible_only=True)
            ax.autoscale_view()
            ax.set_xlim(first, last)
            if column == "hectares":
                ax.set_ylim(0, None, auto=None)  # area from zero: changes in proportion
        # Only the runs on show stay referenced.
        shown = {id(m) for m in runs.values()}
        self._series = {k: v for k, v in self._series.items() if k in shown}
        self.title.set_text(f"{run.scenario.name}: one run on seed {run.seed}, "
                            f"{run.scenario.start:%Y-%m} to {run.scenario.end:%Y-%m}")  # fmt: skip
        self.subtitle.set_text(headline(run))
        return self

    def draw(self, blit: bool = True) -> None:
        """Draw the figure into its canvas: only the changing parts if ``blit``, else everything."""
        canvas = self.figure.canvas
        key = (*next(iter(self.axes.values())).get_xlim(), self.figure.dpi)
        if not blit:
            canvas.draw()
            return
        if self._background is None or key != self._background_key:
            dynamic = self._dynamic()
            visible = [a.get_visible() for a in dynamic]
            for artist in dynamic:
                artist.set_visible(False)
            try:
                canvas.draw()
            finally:
                for artist, shown in zip(dynamic, visible, strict=True):
                    artist.set_visible(shown)
            self._background = canvas.copy_from_bbox(self.figure.bbox)
            self._background_key = key
        canvas.restore_region(self._background)
        renderer = canvas.get_renderer()
        for artist in self._dynamic():
            artist.draw(renderer)  # an invisible artist draws nothing

    def png(self, blit: bool = True) -> bytes:
        """The figure as PNG bytes (compression level 1: a fifth of the default's encoding time)."""
        self.draw(blit)
        pixels = np.asarray(self.figure.canvas.buffer_rgba())[..., :3]
        buffer = io.BytesIO()
        PIL.Image.fromarray(pixels).save(buffer, format="png", compress_level=1)
        return buffer.getvalue()


def tuning_figure(run: TunedRun) -> Figure:
    """A new :class:`TuningFigure` showing ``run`` (for one-off use; notebooks keep one)."""
    return TuningFigure(scenario_countries(run.scenario)).update(run).figure


@dataclass
class Shown:
    """A re-run as the notebook shows it: the run, the figure as PNG and the measured times."""

    run: TunedRun
    png: bytes
    drawing_seconds: float

    def report(self) -> str:
        """The lines printed under the figure: times, eradication carried out, metrics heading."""
        run = self.run
        lines = [
            run.timing(),
            f"redrew the figure in {self.drawing_seconds:.2f} s (updated in place); "
            f"total {run.seconds + self.drawing_seconds:.2f} s",
        ]
        for country, hectares in run.eradicated_ha_yr.items():
            lines.append(
                f"extra eradication in {country}: asked {run.tuning.extra[country]:,.0f} ha/yr, "
                f"carried out {hectares:,.0f} ha/yr (backlash and the reach limit can cut it)"
            )
        if run.metrics is not None:
            lines.append(f"balloon metrics (target {run.target}) against no extra eradication:")
        return "\n".join(lines) + "\n"


class TuningSession:
    """What the tuning notebook's callbacks hold: a :class:`Tuner` per base scenario, one figure.

    Args:
        start, end: the tuning window (months, ``YYYY-MM``).
        scale: simulated households per real one while tuning.
        dpi: resolution of the figure.

    """

    def __init__(self, start: str, end: str, scale: float, dpi: float = 80):
        self.start, self.end, self.scale, self.dpi = start, end, scale, dpi
        self.tuners: dict[str, Tuner] = {}
        self.figure: TuningFigure | None = None

    def tuner(self, base: str) -> Tuner:
        """The tuner of a base scenario, made on first use (runs are cached across all of them)."""
        if base not in self.tuners:
            self.tuners[base] = Tuner(load_scenario(base), self.start, self.end, self.scale)
        return self.tuners[base]

    def show(self, base: str, tuning: Tuning) -> Shown:
        """Re-run a tuning and update the figure in place; the same figure object every time.

        Raises:
            ScenarioError: for a tuning the scenario schema refuses.

        """
        run = self.tuner(base).run(tuning)
        clock = time.perf_counter()
        countries = scenario_countries(run.scenario)
        if self.figure is None or self.figure.countries != countries:
            self.figure = TuningFigure(countries, self.dpi)
        self.figure.update(run)
        png = self.figure.png()
        return Shown(run, png, time.perf_counter() - clock)


def _tuned_data(base_data: dict, tuned_data: dict, tuning: Tuning) -> dict:
    """Only the sections and keys a tuning changed, as they appear in the tuned scenario."""
    out: dict = {}
    for name in tuning.parameters:
        section, key = KNOBS[name].path.split(".")
        if base_data[section][key] != tuned_data[section][key]:
            out.setdefault(section, {})[key] = tuned_data[section][key]
    if tuning.extra:
        out["policies"] = tuned_data["policies"]  # extends replaces lists whole
    return out


def tuned_yaml(
    base: Scenario, tuning: Tuning, name: str, target: Path, base_file: Path | None = None
) -> str:
    """A scenario file holding a tuning: it ``extends`` ``base_file`` with only what changed.

    Without a base file the whole tuned scenario is written.
    """
    tuned = apply_tuning(base, tuning).model_copy(update={"name": name})
    lines = [
        HEADER,
        f"# from {base.name}; tuned values (slider units): "
        + (", ".join(f"{k}={v:g}" for k, v in tuning.parameters.items()) or "none"),
        "# extra "
        + (
            ", ".join(f"{c} {ha:,.0f} ha/yr" for c, ha in tuning.extra.items())
            + f" of {tuning.method} eradication from {parse_month(tuning.start or base.start):%Y-%m}"
            if tuning.extra
            else "eradication: none"
        ),
        "",
    ]
    if base_file is None:
        return "\n".join(lines) + to_yaml(tuned)
    data = {
        "extends": os.path.relpath(Path(base_file).resolve(), Path(target).resolve().parent),
        "name": name,
        "description": f"{base.name} with parameters tuned in the tuning notebook.",
        **_tuned_data(
            base.model_dump(mode="json", exclude_none=True),
            tuned.model_dump(mode="json", exclude_none=True),
            tuning,
        ),
    }
    return "\n".join(lines) + yaml.safe_dump(short_months(data), sort_keys=False, width=100)


def save_tuned(
    base: Scenario, tuning: Tuning, path: str | Path, base_file: Path | None = None
) -> Path:
    """Write a tuning as a scenario file, atomically, and check that it loads.

    The scenario is named after the file (``tuned_plan_colombia.yaml`` -> ``tuned_plan_colombia``).
    A file that exists is only replaced if this function wrote it (it starts with :data:`HEADER`).

    Raises:
        ScenarioError: if the name is not a valid scenario name, the file exists and was not
            written here, or the written scenario does not load.

    """
    path = Path(path)
    if path.suffix not in (".yaml", ".yml") or not SLUG.match(path.stem):
        raise ScenarioError(
            path, "", "name the file like tuned_plan_colombia.yaml (a-z, 0-9, _, -)"
        )
    if path.exists():
        first = path.read_text(encoding="utf-8").split("\n", 1)[0]
        if first != HEADER:
            raise ScenarioError(path, "", "exists and was not written by the tuning notebook: "
                                "choose another file name")  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True)
    text = tuned_yaml(base, tuning, path.stem, path, base_file)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".yaml", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        load_scenario(temporary)  # a file that would not load never replaces anything
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
