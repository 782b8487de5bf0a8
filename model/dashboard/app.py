"""The live dashboard: Mesa's ``SolaraViz`` page over the balloon model.

Start it with ``balloon dashboard [SCENARIO]`` (or ``solara run model/dashboard/app.py``); in a
notebook cell, ``from model.dashboard.app import page`` followed by ``page`` on the cell's last
line shows the same page. Pick a scenario, move the sliders, press Reset to rebuild the model with
them, then Step or play. Mesa's SolaraViz re-creates the model from the controls on Reset, so the
model class here, :class:`DashboardModel`, takes the controls as keyword arguments and turns them
into a Scenario.

A control left where it started keeps the chosen scenario's own value; a moved one overrides it.
Extra eradication is added to the scenario's own policies from ``policy_start_months`` on (the
model starts in equilibrium with its first month, so a policy in force from month 0 changes nothing).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from datetime import date
from html import escape
from pathlib import Path

import ipyvuetify as v
import numpy as np
import solara
import traitlets
from mesa.visualization import SolaraViz

from model.dashboard.assets import ensure_offline_assets
from model.figures.dashboard_charts import HECTARES, MAP, PRICES, LiveChart
from model.figures.style import country_label
from model.scenario.loading import find_scenario, load_scenario, shipped_name, shipped_scenarios
from model.scenario.schema import Scenario
from model.sim.model import BalloonModel

SCENARIO_ENV = "BALLOON_DASHBOARD_SCENARIO"
DEFAULTS_LABEL = "model defaults"
ANDEAN_COUNTRIES = ("peru", "colombia", "bolivia")


# ----------------------------------------------------------------------------- scenario choice


def scenario_choices(requested: str | None = None) -> dict[str, Path | None]:
    """Scenarios the chooser offers: shipped files, the model defaults, and a requested file.

    Args:
        requested: a scenario file or shipped name (e.g. from ``balloon dashboard SCENARIO``).

    """
    choices: dict[str, Path | None] = {shipped_name(path): path for path in shipped_scenarios()}
    choices[DEFAULTS_LABEL] = None
    if requested and requested_label(choices, requested) is None:
        path = find_scenario(requested)
        choices[os.path.relpath(path) if path.is_absolute() else str(path)] = path
    return choices


def requested_label(choices: dict[str, Path | None], requested: str | None) -> str | None:
    """Chooser label of a requested scenario file (None if it is not among ``choices``)."""
    path = find_scenario(requested).resolve()
    for label, candidate in choices.items():
        if candidate is not None and candidate.resolve() == path:
            return label
    return None


def starting_label(choices: dict[str, Path | None], requested: str | None) -> str:
    """The scenario the page starts with: the requested one, else baseline, else the defaults."""
    if requested:
        return requested_label(choices, requested)
    return "baseline" if "baseline" in choices else DEFAULTS_LABEL


def base_scenario(label: str) -> Scenario:
    """The Scenario behind a chooser label (raises ScenarioError for a bad file)."""
    if label not in CHOICES:
        raise ValueError(f"unknown scenario {label!r}: choose one of {', '.join(CHOICES)}")
    path = CHOICES[label]
    return Scenario() if path is None else load_scenario(path)


# ----------------------------------------------------------------------------- controls


@dataclass(frozen=True)
class Setting:
    """A dashboard control that overrides one scenario parameter."""

    section: str
    field: str
    label: str
    low: float = 0.0
    high: float = 1.0
    step: float = 0.05
    factor: float = 1.0  # scenario value = control value * factor

    def read(self, scenario: Scenario):
        """The scenario's value in the control's units."""
        value = getattr(getattr(scenario, self.section), self.field)
        return value if isinstance(value, bool) else round(value / self.factor, 6)


SETTINGS = {
    "demand_elasticity": Setting(
        "market", "demand_elasticity", "Demand elasticity of cocaine", -1.5, 0.0
    ),
    "replant_forced": Setting("households", "replant_forced", "Share of eradicated coca replanted"),
    "migration_rate": Setting(
        "households", "migration_rate", "Migration: monthly chance to move", 0.0, 0.1, 0.005
    ),
    "entry_cost_musd": Setting(
        "traffickers",
        "entry_cost_usd",
        "Trafficker entry cost (US$ million)",
        0.0,
        10.0,
        0.25,
        1e6,
    ),  # fmt: skip
    "armed_protection": Setting(
        "armed_groups", "protection", "Armed protection: reach removed at full strength"
    ),
}
CHANNELS = {
    "price_response": "Channel: price response",
    "trafficker_relocation": "Channel: trafficker relocation",
    "household_migration": "Channel: household migration",
    "household_entry": "Channel: new growers enter",
}
METHODS = {"aerial": (150_000, 5_000), "manual": (100_000, 2_500)}  # slider max, step (ha/yr)


def month_after(start: date, months: int) -> date:
    """The first day of the month ``months`` after ``start``."""
    year, month = divmod(start.year * 12 + start.month - 1 + months, 12)
    return date(year, month + 1, 1)


def parse_seed(text, default: int) -> int:
    """A seed from the seed box: a whole number >= 0, or the scenario's seed when empty."""
    text = str(text).strip()
    if not text:
        return default
    if not (text.isascii() and text.isdigit()):  # int() refuses other digits, such as '²'
        raise ValueError(f"seed: write a whole number >= 0, got {text!r}")
    return int(text)


def build_scenario(base: Scenario, controls: dict, defaults: dict) -> tuple[Scenario, list[str]]:
    """Apply the dashboard's controls to a scenario.

    Args:
        base: the chosen scenario.
        controls: control name -> value (the keyword arguments of DashboardModel).
        defaults: the controls' starting values; a control still there keeps ``base``'s value.

    Returns:
        The new scenario and one line per override, for the page's scenario panel.

    """
    data = base.model_dump(exclude_unset=True)  # only what the scenario set, so it re-validates
    notes = []
    for name, setting in SETTINGS.items():
        value = controls[name]
        if not math.isclose(value, defaults[name], abs_tol=1e-9):
            data.setdefault(setting.section, {})[setting.field] = value * setting.factor
            notes.append(f"{setting.label}: {value:g}")
    for name, label in CHANNELS.items():
        if bool(controls[name]) != bool(defaults[name]):
            data.setdefault("channels", {})[name] = bool(controls[name])
            notes.append(f"{label}: {'on' if controls[name] else 'off'}")
    countries = {region.country for region in base.resolved_regions()}
    start = month_after(base.start, int(controls["policy_start_months"]))
    for country in ANDEAN_COUNTRIES:
        for method in METHODS:
            hectares = float(controls[f"{method}_{country}"])
            if hectares <= 0 or country not in countries or start > base.end:
                continue
            data.setdefault("policies", []).append(
                {
                    "instrument": f"{method}_eradication",
                    "country": country,
                    "schedule": [{"start": start, "value": hectares}],
                    "note": "added on the dashboard",
                }
            )
            notes.append(
                f"Extra {method} eradication, {country_label(country)}: {hectares:,.0f} ha/yr "
                f"from {start:%Y-%m}"
            )
    return Scenario.model_validate(data), notes


def control_defaults(scenario: Scenario, label: str) -> dict:
    """Starting values of every control: the scenario's own, no extra eradication."""
    defaults = {"scenario_name": label, "rng": str(scenario.seed), "policy_start_months": 12}
    defaults |= {f"{m}_{c}": 0 for c in ANDEAN_COUNTRIES for m in METHODS}
    defaults |= {name: setting.read(scenario) for name, setting in SETTINGS.items()}
    defaults |= {name: getattr(scenario.channels, name) for name in CHANNELS}
    return defaults


REQUESTED = os.environ.get(SCENARIO_ENV) or None
CHOICES = scenario_choices(REQUESTED)
INITIAL_LABEL = starting_label(CHOICES, REQUESTED)
DEFAULTS = control_defaults(base_scenario(INITIAL_LABEL), INITIAL_LABEL)


class DashboardModel(BalloonModel):
    """A BalloonModel built from the dashboard's controls; also keeps a price history.

    Mesa's SolaraViz calls this class again with the controls' values on Reset.
    """

    def __init__(
        self,
        *,
        scenario_name: str = DEFAULTS["scenario_name"],
        rng: str | int = DEFAULTS["rng"],
        policy_start_months: int = 12,
        aerial_peru: float = 0,
        manual_peru: float = 0,
        aerial_colombia: float = 0,
        manual_colombia: float = 0,
        aerial_bolivia: float = 0,
        manual_bolivia: float = 0,
        demand_elasticity: float = DEFAULTS["demand_elasticity"],
        replant_forced: float = DEFAULTS["replant_forced"],
        migration_rate: float = DEFAULTS["migration_rate"],
        entry_cost_musd: float = DEFAULTS["entry_cost_musd"],
        armed_protection: float = DEFAULTS["armed_protection"],
        price_response: bool = DEFAULTS["price_response"],
        trafficker_relocation: bool = DEFAULTS["trafficker_relocation"],
        household_migration: bool = DEFAULTS["household_migration"],
        household_entry: bool = DEFAULTS["household_entry"],
    ):
        """Build the chosen scenario with the controls applied (see the module docstring)."""
        controls = {k: v for k, v in locals().items() if k not in ("self", "__class__")}
        base = base_scenario(scenario_name)
        scenario, self.overrides = build_scenario(base, controls, DEFAULTS)
        self.scenario_label = scenario_name
        super().__init__(scenario, rng=parse_seed(rng, base.seed))
        self.month_labels = self.recorder.dates.strftime("%Y-%m-%d").to_numpy()
        self.wholesale_price = np.zeros(scenario.months)
        self.source_price = np.zeros(scenario.months)

    def step(self) -> None:
        """Advance one month and keep the month's market prices for the charts."""
        t = self.t
        super().step()
        self.wholesale_price[t] = self.market.wholesale_price
        self.source_price[t] = self.market.source_price

    @property
    def current_month(self) -> date:
        """The last simulated month (the start month before the first step)."""
        return month_after(self.params.start, max(self.t - 1, 0))


# ----------------------------------------------------------------------------- page


#: The page's name, in the browser tab and at the top of the page.
PAGE_TITLE = "Balloon effect: coca, eradication and traffickers"


class VegaChart(v.VuetifyTemplate):
    """A Vega-Lite chart in the browser; Vega loads once per page (see vega.vue)."""

    template_file = str(Path(__file__).with_name("vega.vue"))
    spec = traitlets.Dict().tag(sync=True)


def _chart_component(chart: LiveChart, name: str):
    """A page component drawing ``chart``: its template once per model, its data every month."""

    def component(model: DashboardModel) -> None:
        template = solara.use_memo(lambda: chart.template(model), dependencies=[model])
        spec = solara.use_memo(lambda: chart.spec(model, template), dependencies=[model, model.t])
        VegaChart.element(spec=spec)

    component.__name__ = name
    return component


def settings_in_effect(scenario: Scenario) -> str:
    """The values of every parameter the controls set, as one line."""
    values = [f"{s.label}: {s.read(scenario):g}" for s in SETTINGS.values()]
    channels = [f"{label.removeprefix('Channel: ')} {'on' if getattr(scenario.channels, name) else 'off'}"
                for name, label in CHANNELS.items()]  # fmt: skip
    return "; ".join(values) + ". Channels: " + ", ".join(channels) + "."


def ScenarioPanel(model: DashboardModel) -> None:  # noqa: N802 (Solara's component naming)
    """Which scenario runs, the month reached, and what is in effect; names the browser tab."""
    solara.Title(PAGE_TITLE)
    p = model.params
    lines = [
        f"<b>Scenario:</b> {escape(model.scenario_label)}",
        f"<b>Month:</b> {model.current_month:%Y-%m} ({model.t} of {p.months} simulated; "
        f"{p.households.scale:g} simulated households per real one)",
    ]
    if p.description:
        lines.append(escape(p.description))
    lines.append(
        "<b>Changed on the dashboard:</b> " + escape("; ".join(model.overrides) or "nothing")
    )
    lines.append("<b>In effect:</b> " + escape(settings_in_effect(p)))
    lines.append(
        "<i>Controls take effect on Reset; one left where it started keeps the scenario's own "
        "value.</i>"
    )
    solara.HTML(
        tag="div",
        unsafe_innerHTML="<br>".join(lines),
        style={"padding": "8px", "font-size": "14px", "overflow-y": "auto", "height": "100%"},
    )


def model_params() -> dict:
    """Mesa's SolaraViz control description for every DashboardModel keyword."""
    params = {
        "scenario_name": {"type": "Select", "value": DEFAULTS["scenario_name"],
                          "values": list(CHOICES), "label": "Scenario"},  # fmt: skip
        "rng": {"type": "InputText", "value": DEFAULTS["rng"], "label": "Random seed"},
        "policy_start_months": {"type": "SliderInt", "value": 12, "min": 1, "max": 120,
                                "step": 1, "label": "Extra eradication starts after (months)"},
    }  # fmt: skip
    for country in ANDEAN_COUNTRIES:
        for method, (high, step) in METHODS.items():
            params[f"{method}_{country}"] = {
                "type": "SliderInt", "value": 0, "min": 0, "max": high, "step": step,
                "label": f"Extra {method} eradication, {country_label(country)} (ha/yr)",
            }  # fmt: skip
    for name, s in SETTINGS.items():
        params[name] = {"type": "SliderFloat", "value": DEFAULTS[name], "min": s.low,
                        "max": s.high, "step": s.step,
                        "label": f"{s.label} ({s.low:g} to {s.high:g})"}  # fmt: skip
    for name, label in CHANNELS.items():
        params[name] = {"type": "Checkbox", "value": DEFAULTS[name], "label": label}
    return params


COMPONENTS = [
    (_chart_component(MAP, "MapChart"), 0),
    (_chart_component(HECTARES, "HectaresChart"), 0),
    (ScenarioPanel, 0),
    (_chart_component(PRICES, "PricesChart"), 0),
]


def make_page(model: DashboardModel | None = None):
    """The dashboard page for a model (a new one from the starting controls if omitted)."""
    return SolaraViz(
        model if model is not None else DashboardModel(),
        components=COMPONENTS,
        model_params=model_params(),
        name=PAGE_TITLE,
        play_interval=150,
    )


ensure_offline_assets()
page = make_page()
