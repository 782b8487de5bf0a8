"""What the tuning notebook's callbacks hold: a tuner per base scenario and one figure."""

from __future__ import annotations

import time
from dataclasses import dataclass

from model.experiments.tuning import TunedRun, Tuner, Tuning, scenario_countries
from model.figures.tuning import TuningFigure
from model.scenario.loading import load_scenario


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
