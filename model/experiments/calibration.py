"""Fit a scenario's free parameters to the observed UNODC country series.

The scenario lists the parameters calibration may change under ``free_parameters`` (dotted paths
into the scenario, e.g. ``households.profit_sensitivity`` or ``policies.0.scale``, with bounds).
:func:`calibrate` searches them with :func:`scipy.optimize.differential_evolution`, scoring each
candidate by the mean country series of a few replications that use the same seeds for every
candidate (common random numbers), so two candidates differ only by their parameters. Only the years
of the fitting window are scored; the years after it are reported as a forecast.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from scipy.optimize import differential_evolution

from model.experiments.observed import cultivation
from model.experiments.runner import make_executor, replication_seeds
from model.figures.plots import country_colour
from model.files import write_text_atomic
from model.scenario.loading import _months as short_months
from model.scenario.loading import to_yaml, with_parameters
from model.scenario.schema import Scenario
from model.sim.model import BalloonModel

# ----------------------------------------------------------------------------- parameters


def current_values(scenario: Scenario) -> dict[str, float]:
    """The scenario's present value of each free parameter."""
    data = scenario.model_dump(mode="json")
    values = {}
    for path in scenario.free_parameters:
        node = data
        for part in path.split("."):
            node = node[int(part)] if isinstance(node, list) else node[part]
        values[path] = float(node)
    return values


# ----------------------------------------------------------------------------- series and loss


def yearly_hectares(countries: pd.DataFrame) -> pd.DataFrame:
    """December hectares per year (rows) and country (columns), averaged over replications.

    UNODC surveys measure the area standing at the end of the year, so December is compared.
    """
    december = countries[countries["date"].dt.month == 12]
    table = december.groupby([december["date"].dt.year, "country"])["hectares"].mean().unstack()
    table.index.name = "year"
    return table


def observed_hectares() -> pd.DataFrame:
    """UNODC hectares per year (rows) and country (columns)."""
    return cultivation().pivot(index="year", columns="country", values="hectares")


def fit_statistics(model: pd.DataFrame, data: pd.DataFrame) -> dict:
    """Per-country RMSE (log and hectares), correlation and share error on common years.

    Args:
        model: hectares per year and country from the model.
        data: observed hectares per year and country.

    Returns:
        ``{"countries": {country: {...}}, "rmse_log": float, "share_mae": float}``.

    """
    years = model.index.intersection(data.index)
    countries = [c for c in data.columns if c in model.columns]
    m, d = model.loc[years, countries], data.loc[years, countries]
    log_error = np.log(np.maximum(m, 1.0)) - np.log(d)
    model_share = m.div(m.sum(axis=1), axis=0)
    data_share = d.div(d.sum(axis=1), axis=0)
    share_error = (model_share - data_share).abs()
    per_country = {}
    for c in countries:
        corr = float(np.corrcoef(m[c], d[c])[0, 1]) if m[c].std() > 0 else float("nan")
        per_country[c] = {
            "rmse_log": float(np.sqrt((log_error[c] ** 2).mean())),
            "rmse_ha": float(np.sqrt(((m[c] - d[c]) ** 2).mean())),
            "correlation": corr,
            "share_mae": float(share_error[c].mean()),
        }
    return {
        "countries": per_country,
        "rmse_log": float(np.sqrt((log_error**2).to_numpy().mean())),
        "share_mae": float(share_error.to_numpy().mean()),
    }


def loss(model: pd.DataFrame, data: pd.DataFrame, share_weight: float = 2.0) -> float:
    """RMSE of log hectares over countries and years, plus ``share_weight`` x mean share error."""
    stats = fit_statistics(model, data)
    return stats["rmse_log"] + share_weight * stats["share_mae"]


# ----------------------------------------------------------------------------- turning points


def first_year_above(series_a: pd.Series, series_b: pd.Series, after: int | None = None):
    """First year (after ``after``) in which ``series_a`` exceeds ``series_b``, else ``None``."""
    above = series_a > series_b
    if after is not None:
        above = above[above.index > after]
    years = above.index[above.to_numpy()]
    return int(years[0]) if len(years) else None


def turning_points(table: pd.DataFrame, last_year: int | None = None) -> dict[str, int | None]:
    """Years of the three turning points of the Andean history in a hectares table.

    ``colombia_overtakes_peru``: first year Colombia grows more coca than Peru.
    ``bolivia_fall``: year of Bolivia's steepest one-year fall (up to ``last_year``).
    ``peru_overtakes_colombia``: first year after Colombia's lead that Peru leads again.
    """
    if last_year is not None:
        table = table.loc[:last_year]
    colombia_first = first_year_above(table["colombia"], table["peru"])
    again = None
    if colombia_first is not None:
        again = first_year_above(table["peru"], table["colombia"], after=colombia_first)
    change = table["bolivia"].diff()
    return {
        "colombia_overtakes_peru": colombia_first,
        "bolivia_fall": int(change.idxmin()) if change.notna().any() else None,
        "peru_overtakes_colombia": again,
    }


# ----------------------------------------------------------------------------- objective


def run_mean_hectares(scenario: Scenario, seeds: list[int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run one replication per seed in this process.

    Returns:
        The mean yearly hectares table and the tidy per-replication country table.

    """
    tables = []
    for i, seed in enumerate(seeds):
        countries = BalloonModel(scenario, rng=seed).run().countries
        countries.insert(0, "replication", i)
        tables.append(countries)
    countries = pd.concat(tables, ignore_index=True)
    return yearly_hectares(countries), countries


@dataclass
class Objective:
    """Loss of a parameter vector (picklable, so process workers can evaluate it)."""

    scenario: Scenario
    paths: list[str]
    seeds: list[int]
    window: tuple[int, int]
    share_weight: float = 2.0
    data: pd.DataFrame = field(default_factory=observed_hectares)

    def __call__(self, x: np.ndarray) -> float:
        """Run the candidate's replications and score the window (inf if the run fails)."""
        try:
            values = dict(zip(self.paths, x, strict=True))
            scenario = with_parameters(self.scenario, values, "free_parameters")
            table, _ = run_mean_hectares(scenario, self.seeds)
        except (ValueError, FloatingPointError):
            return float("inf")
        first, last = self.window
        return loss(table.loc[first:last], self.data.loc[first:last], self.share_weight)


def fitting_scenario(scenario: Scenario, window: tuple[int, int]) -> Scenario:
    """The scenario cut to end with the window, so candidates do not simulate the forecast."""
    end = min(date(window[1], 12, 1), scenario.end)
    return scenario.model_copy(update={"end": end})


# ----------------------------------------------------------------------------- calibration


@dataclass
class Calibration:
    """Result of a calibration run."""

    scenario: Scenario
    values: dict[str, float]
    start_values: dict[str, float]
    loss: float
    start_loss: float
    evaluations: int
    window: tuple[int, int]
    replications: int
    settings: dict


def calibrate(
    scenario: Scenario,
    window: tuple[int, int] = (1990, 2012),
    replications: int = 2,
    maxiter: int = 10,
    popsize: int = 8,
    workers: int | None = None,
    executor: str = "process",
    seed: int = 0,
    share_weight: float = 2.0,
    progress: bool = True,
    data: pd.DataFrame | None = None,
) -> Calibration:
    """Fit the scenario's free parameters by differential evolution.

    Args:
        scenario: a scenario with ``free_parameters``.
        window: first and last year scored (inclusive).
        replications: runs per candidate, on the same seeds for every candidate.
        maxiter: generations of differential evolution.
        popsize: population size, as a multiple of the number of free parameters (scipy's rule).
        workers: worker processes (default: every core).
        executor: ``process``, ``thread`` or ``inline``.
        seed: seed of the optimiser's own draws.
        share_weight: weight of the country-share error in the loss.
        progress: show a progress bar over generations.
        data: hectares per year and country to fit (default: the UNODC series).

    Raises:
        ValueError: if the scenario has no free parameters or the window has no data.

    """
    if not scenario.free_parameters:
        raise ValueError("free_parameters: the scenario marks no parameter as free")
    data = observed_hectares() if data is None else data
    if not (data.index.min() <= window[0] <= window[1] <= data.index.max()):
        raise ValueError(
            f"window {window[0]}-{window[1]} is outside the data ({data.index.min()}-"
            f"{data.index.max()})"
        )
    paths = list(scenario.free_parameters)
    bounds = [(scenario.free_parameters[p].low, scenario.free_parameters[p].high) for p in paths]
    start = current_values(scenario)
    seeds = replication_seeds(scenario.seed, replications)
    objective = Objective(
        fitting_scenario(scenario, window), paths, seeds, window, share_weight, data
    )
    x0 = np.clip([start[p] for p in paths], [b[0] for b in bounds], [b[1] for b in bounds])
    start_loss = objective(x0)

    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=maxiter, desc=f"calibrating {scenario.name}", unit="generation")

    def report(intermediate_result):
        if bar is not None:
            bar.update()
            bar.set_postfix(loss=f"{intermediate_result.fun:.4f}")

    try:
        with make_executor(executor, workers) as pool:
            result = differential_evolution(
                objective,
                bounds,
                maxiter=maxiter,
                popsize=popsize,
                x0=x0,
                seed=seed,
                polish=False,
                updating="deferred",
                workers=pool.map if pool is not None else 1,
                callback=report,
            )
    finally:
        if bar is not None:
            bar.close()
    best, best_loss = result.x, float(result.fun)
    if start_loss <= best_loss:  # never hand back something worse than the start
        best, best_loss = x0, start_loss
    values = {p: float(f"{v:.4g}") for p, v in zip(paths, best, strict=True)}  # readable
    return Calibration(
        scenario=with_parameters(scenario, values),
        values=values,
        start_values=start,
        loss=best_loss,
        start_loss=float(start_loss),
        evaluations=int(result.nfev),
        window=window,
        replications=replications,
        settings={"maxiter": maxiter, "popsize": popsize, "seed": seed,
                  "share_weight": share_weight, "households.scale": scenario.households.scale},
    )  # fmt: skip


# ----------------------------------------------------------------------------- outputs


def calibrated_yaml(calibration: Calibration, source: Path | None, target: Path) -> str:
    """The calibrated scenario as YAML: ``extends`` the source file with only the fitted values.

    Paths into lists (e.g. ``policies.0.scale``) carry the whole top-level list, since ``extends``
    replaces lists whole. Without a source file the full scenario is written.
    """
    c = calibration
    header = [
        f"# Calibrated by `balloon calibrate` on {c.window[0]}-{c.window[1]} "
        f"({c.replications} replications per candidate, common random numbers,",
        f"# differential evolution: maxiter {c.settings['maxiter']}, popsize "
        f"{c.settings['popsize']}, {c.evaluations} evaluations; loss {c.start_loss:.4f} -> "
        f"{c.loss:.4f}).",
        "# Fitted values (start value in brackets):",
        *(f"#   {p}: {v:.4g} ({c.start_values[p]:.4g})" for p, v in c.values.items()),
        "",
    ]
    if source is None:
        return "\n".join(header) + to_yaml(c.scenario)
    data = c.scenario.model_dump(mode="json", exclude_none=True)
    out: dict = {"extends": os.path.relpath(source.resolve(), target.resolve().parent)}
    out["name"] = f"{c.scenario.name}_calibrated"
    for path in c.values:
        parts = path.split(".")
        if any(p.isdigit() for p in parts):
            out[parts[0]] = data[parts[0]]
            continue
        node, source_node = out, data
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            source_node = source_node[part]
        node[parts[-1]] = float(source_node[parts[-1]])
    out = short_months(out)
    return "\n".join(header) + yaml.safe_dump(
        out, sort_keys=False, width=100, default_flow_style=None
    )


def plot_fit(
    countries: pd.DataFrame, data: pd.DataFrame, window: tuple[int, int], path: Path, title: str
) -> None:
    """Model (mean and range over replications) against UNODC data, one colour per country."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    december = countries[countries["date"].dt.month == 12].copy()
    december["year"] = december["date"].dt.year
    grouped = december.groupby(["country", "year"])["hectares"]
    low, high, mean = grouped.min(), grouped.max(), grouped.mean()
    n = countries["replication"].nunique()
    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=100)
    ax.axvspan(window[1] + 0.5, december["year"].max() + 0.5, color="0.93", zorder=0)
    ax.text(window[1] + 1, 0.02, "after the window: forecast", transform=ax.get_xaxis_transform(),
            va="bottom", fontsize=9, color="0.35")  # fmt: skip
    for country in ("peru", "colombia", "bolivia"):
        colour = country_colour(country)
        years = mean[country].index
        ax.fill_between(years, low[country] / 1e3, high[country] / 1e3, color=colour, alpha=0.25,
                        linewidth=0)  # fmt: skip
        ax.plot(years, mean[country] / 1e3, color=colour, linewidth=2,
                label=f"{country.title()}: model")  # fmt: skip
        ax.plot(data.index, data[country] / 1e3, "o", color=colour, markersize=4,
                markeredgecolor="black", markeredgewidth=0.4,
                label=f"{country.title()}: UNODC")  # fmt: skip
    ax.set_xlabel("year (model: December; data: UNODC yearly estimate)")
    ax.set_ylabel("coca cultivation, thousand hectares")
    ax.set_title(title, fontsize=11)
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    handles, labels = ax.get_legend_handles_labels()
    handles.append(plt.Rectangle((0, 0), 1, 1, color="0.5", alpha=0.3))
    labels.append(f"range over {n} replications")
    ax.legend(handles, labels, fontsize=8, ncol=2, loc="upper right", framealpha=0.9)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.stem}.tmp{path.suffix}")
    fig.savefig(temporary)
    plt.close(fig)
    os.replace(temporary, path)


def fit_report(scenario: Scenario, window: tuple[int, int], replications: int) -> dict:
    """Run a scenario over its whole horizon and measure its fit in and after the window.

    Returns:
        A JSON-ready dict: statistics in the window, turning points (model and data), the
        forecast after the window, and the replication-level country table under ``_countries``.

    """
    seeds = replication_seeds(scenario.seed, replications)
    table, countries = run_mean_hectares(scenario, seeds)
    data = observed_hectares()
    first, last = window
    in_window = fit_statistics(table.loc[first:last], data.loc[first:last])
    per_replication = []
    for _, group in countries.groupby("replication"):
        per_replication.append(turning_points(yearly_hectares(group), last_year=last + 5))
    return {
        "scenario": scenario.name,
        "window": list(window),
        "replications": replications,
        "fit": in_window,
        "loss": loss(table.loc[first:last], data.loc[first:last]),
        "turning_points": {
            "data": turning_points(data.loc[first:last]),
            "model_mean": turning_points(table, last_year=last + 5),
            "model_replications": per_replication,
        },
        "forecast": {
            str(y): {c: round(float(v)) for c, v in row.items()}
            for y, row in table.loc[last + 1 :].iterrows()
        },
        "in_window": {
            str(y): {c: round(float(v)) for c, v in row.items()}
            for y, row in table.loc[first:last].iterrows()
        },
        "_countries": countries,
    }


def report_markdown(report: dict, calibration: Calibration | None = None) -> str:
    """A short human-readable fit report."""
    lines = [f"# Fit report: {report['scenario']}", ""]
    w = report["window"]
    lines.append(
        f"Fit scored over {w[0]}-{w[1]} (a calibration fits these years), mean of "
        f"{report['replications']} replications; later years are a forecast."
    )
    if calibration is not None:
        lines += ["", "## Calibration", ""]
        lines.append(
            f"Loss (RMSE of log ha + 2 x mean share error) {calibration.start_loss:.4f} -> "
            f"{calibration.loss:.4f} in {calibration.evaluations} evaluations "
            f"({calibration.settings})."
        )
        lines += ["", "| parameter | start | fitted |", "| --- | ---: | ---: |"]
        for p, v in calibration.values.items():
            lines.append(f"| `{p}` | {calibration.start_values[p]:.4g} | {v:.4g} |")
    lines += ["", "## Fit in the window", ""]
    lines += ["| country | RMSE log ha | RMSE ha | correlation | mean share error |"]
    lines += ["| --- | ---: | ---: | ---: | ---: |"]
    for c, s in report["fit"]["countries"].items():
        lines.append(
            f"| {c} | {s['rmse_log']:.3f} | {s['rmse_ha']:,.0f} | {s['correlation']:.2f} | "
            f"{s['share_mae']:.3f} |"
        )
    lines.append(
        f"| all | {report['fit']['rmse_log']:.3f} | | | {report['fit']['share_mae']:.3f} |"
    )
    lines += ["", "## Turning points (year)", "", "| event | data | model (mean) | replications |"]
    lines += ["| --- | ---: | ---: | --- |"]
    tp = report["turning_points"]
    for key in tp["data"]:
        reps = ", ".join(str(r[key]) for r in tp["model_replications"])
        lines.append(f"| {key} | {tp['data'][key]} | {tp['model_mean'][key]} | {reps} |")
    lines += ["", "## Forecast after the window (December hectares, model mean)", ""]
    lines += ["| year | colombia | peru | bolivia |", "| --- | ---: | ---: | ---: |"]
    for y, row in report["forecast"].items():
        lines.append(f"| {y} | {row['colombia']:,} | {row['peru']:,} | {row['bolivia']:,} |")
    return "\n".join(lines) + "\n"


def write_outputs(
    report: dict,
    out_dir: Path,
    calibration: Calibration | None = None,
    source: Path | None = None,
    scenario_file: Path | None = None,
) -> dict[str, Path]:
    """Write the calibrated scenario, the fit report (Markdown and JSON) and the figure."""
    out_dir = Path(out_dir)
    written = {}
    if calibration is not None:
        target = scenario_file or out_dir / f"{calibration.scenario.name}_calibrated.yaml"
        write_text_atomic(target, calibrated_yaml(calibration, source, target))
        written["scenario"] = target
    public = {k: v for k, v in report.items() if not k.startswith("_")}
    if calibration is not None:
        public["calibration"] = {
            "values": calibration.values, "start_values": calibration.start_values,
            "loss": calibration.loss, "start_loss": calibration.start_loss,
            "evaluations": calibration.evaluations, "settings": calibration.settings,
        }  # fmt: skip
    written["json"] = out_dir / "fit_report.json"
    write_text_atomic(written["json"], json.dumps(public, indent=2, default=_json_default) + "\n")
    written["markdown"] = out_dir / "fit_report.md"
    write_text_atomic(written["markdown"], report_markdown(report, calibration))
    written["figure"] = out_dir / "fit.png"
    w = report["window"]
    plot_fit(
        report["_countries"], observed_hectares(), tuple(w), written["figure"],
        f"Coca cultivation: model ({report['scenario']}) against UNODC, "
        + (f"fitted {w[0]}-{w[1]}" if calibration is not None else f"scored {w[0]}-{w[1]}"),
    )  # fmt: skip
    return written


def _json_default(value):
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")
