"""The tuning notebook's figure, built once and updated in place after every re-run."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import PIL.Image
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import DateFormatter, YearLocator, date2num
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from model.experiments.tuning import TunedRun, scenario_countries
from model.figures.style import PRESSURE_COLOUR, country_colour, country_label, dollars, thousands
from model.scenario.fields import parse_month
from model.sim.model import BalloonModel

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
    ("farmgate_price", "farm-gate price, US$ per kg of dry leaf\n(not adjusted for inflation)",
     "Price growers get for coca leaf", dollars),
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
