"""How well a scenario fits the UNODC series, and what ``balloon calibrate`` writes.

:func:`fit_report` runs a scenario over its whole horizon and scores it in the fitting window (the
statistics of :mod:`model.experiments.calibration`) and after it (a forecast), with the years of the
three turning points of the Andean history. :func:`write_outputs` writes the calibrated scenario,
the report (Markdown and JSON) and the figure.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from model.experiments.calibration import (
    Calibration,
    fit_statistics,
    loss,
    observed_hectares,
    run_mean_hectares,
    yearly_hectares,
)
from model.experiments.runner import replication_seeds
from model.figures.fit import plot_fit
from model.files import write_text_atomic
from model.scenario.loading import shorten_month_dates, to_yaml
from model.scenario.schema import Scenario

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
    out = shorten_month_dates(out)
    return "\n".join(header) + yaml.safe_dump(
        out, sort_keys=False, width=100, default_flow_style=None
    )


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
    w = report["window"]
    written["figure"] = plot_fit(
        report["_countries"], observed_hectares(), tuple(w), out_dir / "fit.png",
        f"Coca cultivation: model ({report['scenario']}) against UNODC, "
        + (f"fitted {w[0]}-{w[1]}" if calibration is not None else f"scored {w[0]}-{w[1]}"),
    )  # fmt: skip
    return written


def _json_default(value):
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")
