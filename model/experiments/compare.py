"""The comparison experiment: policy scenarios against one counterfactual on common random numbers.

Each policy scenario and the counterfactual run on the same replication seeds (the counterfactual's
``seed`` and ``replications``), or are read from result folders whose seeds match; replication *k*
of a policy is then compared with replication *k* of the counterfactual by :mod:`model.experiments.metrics`.
:func:`write_comparison` writes ``metrics.csv``, ``metrics.json``, ``metrics_by_replication.csv``,
``summary.md``, the figures of :mod:`model.figures.folders` and the runs themselves into one folder.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from model.columns import COMPARISON, columns_csv, describe
from model.experiments.metrics import balloon_metrics, summarise_metrics
from model.experiments.posterior import scenario_posterior
from model.experiments.pressure import Target, Window, policy_pressure
from model.experiments.results import (
    COLUMNS_FILE,
    INCOMPLETE_PREFIX,
    MANIFEST,
    POSTERIOR_FILE,
    load_results,
    write_results,
)
from model.experiments.runner import Results, run_replications
from model.figures.comparison import channel_intervals
from model.figures.folders import comparison_figures
from model.figures.saving import save_figure
from model.figures.style import format_number
from model.figures.tables import summary_markdown
from model.files import publish_folder, staged_folder, write_table_atomic, write_text_atomic
from model.leftovers import is_leftover
from model.scenario.loading import load_scenario
from model.scenario.schema import Scenario

#: Metrics printed on the console by ``balloon compare`` (all are in metrics.csv).
HEADLINE = (
    "displacement_ratio",
    "displacement_ratio_within",
    "displacement_ratio_across",
    "removed_ha",
    "net_reduction_ha",
    "net_reduction_per_ha_eradicated",
    "supply_change_t",
    "wholesale_price_change",
    "cost_per_kg_removed_total",
    "recovery_months",
    "active_regions_change",
    "concentration_change",
)


class ComparisonError(ValueError):
    """The runs cannot be compared (different seeds or calendars, unknown target)."""


@dataclass
class Comparison:
    """Policy runs, their counterfactual and the metrics comparing them.

    Attributes:
        counterfactual: the counterfactual's replications.
        policies: each policy scenario's replications, by scenario name.
        per_replication: one row per scenario, target, window and replication; one column per metric.
        summary: one row per scenario, target, window and metric: median, 90% interval, n.
        windows: the window and last month of pressure used for each scenario.

    """

    counterfactual: Results
    policies: dict[str, Results]
    per_replication: pd.DataFrame
    summary: pd.DataFrame
    windows: dict[str, tuple[Window, pd.Timestamp]]


# --------------------------------------------------------------------------- inputs


def load_input(source: str | Path, overrides: Sequence[str] = ()) -> Scenario | Results:
    """A result folder (with ``manifest.json``) as Results, anything else as a scenario file."""
    path = Path(source)
    if path.is_dir() and (path / MANIFEST).is_file():
        return load_results(path)
    return load_scenario(source, overrides)


def _on_seeds(results: Results, n: int) -> Results:
    """The first ``n`` replications of a result, with the posterior samples they drew."""
    if len(results.seeds) == n:
        return results
    tables = {k: t[t.replication < n].reset_index(drop=True) for k, t in results.tables.items()}
    drawn = results.posterior
    if drawn and drawn.get("samples") is not None:
        drawn = {**drawn, "samples": list(drawn["samples"])[:n]}
    # The scenario says n replications, so its folder's scenario.yaml repeats what is kept.
    scenario = results.scenario.model_copy(update={"replications": n})
    return Results(scenario, results.seeds[:n], tables, drawn)


def _check_pair(policy: Results, counterfactual: Results) -> None:
    name, base = policy.scenario.name, counterfactual.scenario.name
    n = min(len(policy.seeds), len(counterfactual.seeds))
    if policy.seeds[:n] != counterfactual.seeds[:n]:
        raise ComparisonError(
            f"{name} and {base} ran on different seeds (seed {policy.scenario.seed} and "
            f"{counterfactual.scenario.seed}): rerun one of them with the other's seed so that "
            "replications pair up"
        )
    drawn = [_drawn_from(r, n) for r in (policy, counterfactual)]
    if drawn[0] != drawn[1]:
        raise ComparisonError(
            f"{name} and {base} took their parameters differently ({_described(drawn[0])} and "
            f"{_described(drawn[1])}): run both with --posterior, or both without, so that "
            "replications pair up"
        )
    a, b = policy.scenario, counterfactual.scenario
    if (a.start, a.end) != (b.start, b.end):
        raise ComparisonError(
            f"{name} runs {a.start:%Y-%m} to {a.end:%Y-%m} but {base} runs {b.start:%Y-%m} to "
            f"{b.end:%Y-%m}: compare scenarios over the same months"
        )


def _drawn_from(results: Results, n: int) -> tuple | None:
    """The posterior samples a result's first ``n`` replications drew, if it drew any."""
    drawn = results.posterior
    if not drawn or drawn.get("samples") is None:
        return None
    return tuple(drawn["samples"][:n])


def _described(drawn: tuple | None) -> str:
    """How a result took its parameters, for a message."""
    if drawn is None:
        return "the values its scenario sets"
    shown = ", ".join(map(str, drawn[:3])) + (", ..." if len(drawn) > 3 else "")
    return f"posterior samples {shown}"


def run_inputs(
    policies: Sequence[Scenario | Results],
    counterfactual: Scenario | Results,
    replications: int | None = None,
    executor: str | Executor = "process",
    workers: int | None = None,
    progress: bool = False,
    posterior: bool = False,
) -> tuple[dict[str, Results], Results]:
    """Run what is not run yet, all on common replication seeds.

    Scenarios run on the root seed and replication count of the runs already made (the
    counterfactual's result, else the first policy result), else on the counterfactual scenario's
    ``seed`` and ``replications``; ``replications`` caps the count. Every result is then cut to
    the replications all runs share, and results on other seeds are refused.

    With ``posterior``, every run draws its free parameters from the counterfactual scenario's
    posterior; replication ``i`` of every scenario draws the same sample (from its seed), so
    policy and counterfactual stay paired in parameters as well as in random numbers.
    """
    done = [p for p in policies if isinstance(p, Results)]
    if isinstance(counterfactual, Results):
        seed, n = counterfactual.scenario.seed, len(counterfactual.seeds)
    elif done:
        seed, n = done[0].scenario.seed, min(len(p.seeds) for p in done)
    else:
        seed, n = counterfactual.seed, replications or counterfactual.replications
    if replications:
        n = min(n, replications)
    draws = None
    if posterior:
        if done or isinstance(counterfactual, Results):
            raise ComparisonError(
                "--posterior runs scenarios: give scenario files, not result folders"
            )
        draws = scenario_posterior(counterfactual)

    def run(scenario: Scenario) -> Results:
        paired = scenario.model_copy(update={"seed": seed, "replications": n})
        return run_replications(paired, n, executor=executor, workers=workers, progress=progress,
                                posterior=draws)  # fmt: skip

    base = counterfactual if isinstance(counterfactual, Results) else run(counterfactual)
    runs: dict[str, Results] = {}
    for item in policies:
        result = item if isinstance(item, Results) else run(item)
        name, k = result.scenario.name, 2
        while name in runs or name == base.scenario.name:
            name, k = f"{result.scenario.name}-{k}", k + 1
        _check_pair(result, base)
        runs[name] = result
    n = min([len(base.seeds), *(len(r.seeds) for r in runs.values())])
    return {k: _on_seeds(r, n) for k, r in runs.items()}, _on_seeds(base, n)


# --------------------------------------------------------------------------- defaults


def default_window(policy: Scenario, counterfactual: Scenario) -> tuple[Window, pd.Timestamp]:
    """The months of extra removal pressure, and the last of them.

    Removal pressure is extra eradication or alternative development (what removes coca from the
    target; see :func:`model.experiments.pressure.pressure_months`); a scenario without it but with
    other extra instruments (interdiction) uses those; one without any (it changes parameters or
    events) uses the whole run.
    """
    months = policy_pressure(policy, counterfactual)
    if months.empty:
        window = Window(pd.Timestamp(policy.start), pd.Timestamp(policy.end))
        return window, window.end
    return Window(months[0], months[-1]), months[-1]


def default_target(policy: Results, counterfactual: Results, window: Window) -> Target:
    """The country that lost most coca against the counterfactual over the window.

    Ties (no change anywhere) go to the country with the most extra eradication.
    """
    mask_p = window.mask(policy.countries.date)
    mask_c = window.mask(counterfactual.countries.date)
    p = policy.countries[mask_p].groupby("country")[["hectares", "eradicated_ha"]].sum()
    c = counterfactual.countries[mask_c].groupby("country")[["hectares", "eradicated_ha"]].sum()
    change = (p - c).sort_values(["hectares", "eradicated_ha"], ascending=[True, False])
    return Target(str(change.index[0]))


# --------------------------------------------------------------------------- the experiment


def compare(
    policies: Sequence[Scenario | Results],
    counterfactual: Scenario | Results,
    replications: int | None = None,
    targets: Sequence[Target] = (),
    window: Window | None = None,
    executor: str | Executor = "process",
    workers: int | None = None,
    progress: bool = False,
    posterior: bool = False,
) -> Comparison:
    """Run (or take) each policy and the counterfactual on common seeds and compute the metrics.

    Args:
        policies: policy scenarios or their results.
        counterfactual: the counterfactual scenario or its results.
        replications: replications to run (default: the counterfactual's).
        targets: targets to report; default: per scenario, the country that lost most coca.
        window: months to measure over; default: per scenario, its months of extra pressure.
        executor: where to run replications (see :func:`model.experiments.runner.run_replications`).
        workers: worker processes.
        progress: show progress bars.
        posterior: draw every replication's free parameters from the counterfactual's posterior
            (the same draw for policy and counterfactual in each replication).

    """
    runs, base = run_inputs(policies, counterfactual, replications, executor, workers, progress,
                            posterior)  # fmt: skip
    rows, summaries, windows = [], [], {}
    for name, result in runs.items():
        own_window, pressure_end = default_window(result.scenario, base.scenario)
        if window is not None:
            own_window, pressure_end = window, min(pressure_end, window.end)
        windows[name] = (own_window, pressure_end)
        for target in targets or [default_target(result, base, own_window)]:
            try:
                table = balloon_metrics(result, base, target, own_window, pressure_end)
            except ValueError as error:
                raise ComparisonError(f"{name} against {base.scenario.name}: {error}") from None
            keys = {
                "scenario": name,
                "counterfactual": base.scenario.name,
                "target": str(target),
                "window_start": f"{own_window.start:%Y-%m}",
                "window_end": f"{own_window.end:%Y-%m}",
            }
            rows.append(table.reset_index().assign(**keys))
            summaries.append(summarise_metrics(table).assign(**keys))
    key_columns = ["scenario", "counterfactual", "target", "window_start", "window_end"]
    per_replication = pd.concat(rows, ignore_index=True)
    per_replication = per_replication[
        [*key_columns, *[c for c in per_replication if c not in key_columns]]
    ]
    summary = pd.concat(summaries, ignore_index=True)
    summary = summary[[*key_columns, *[c for c in summary if c not in key_columns]]]
    return Comparison(base, runs, per_replication, summary, windows)


# --------------------------------------------------------------------------- output


def _json_ready(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


#: What a comparison's run folders (``runs/<scenario>/``) say about comparing them.
ONE_SIDE = (
    "This run is one side of a comparison: its metrics are in `summary.md` and `metrics.csv` two "
    "folders up."
)

#: Fewer paired runs give intervals too rough to read; results say so where they show intervals.
MIN_RUNS_FOR_INTERVALS = 10


def interval_covers(comparison: Comparison) -> str:
    """What the comparison's intervals are over, in words (runs, and posterior draws if any)."""
    runs = len(comparison.counterfactual.seeds)
    draws = ", each with its own posterior draw" if comparison.counterfactual.posterior else ""
    rough = (
        f" (fewer than {MIN_RUNS_FOR_INTERVALS}: read the intervals as rough)"
        if runs < MIN_RUNS_FOR_INTERVALS
        else ""
    )
    return f"{runs} paired replication(s){draws}{rough}"


def metrics_json(comparison: Comparison, runs_written: bool = False) -> dict:
    """The summary as nested JSON: scenario -> target -> metric -> median, low, high, n, unit.

    With ``runs_written``, the posterior drawn from (if any) is named by its copy in the
    counterfactual's run folder, ``runs/<counterfactual>/posterior.parquet``.
    """
    out: dict = {
        "counterfactual": comparison.counterfactual.scenario.name,
        "replications": len(comparison.counterfactual.seeds),
        "seeds": comparison.counterfactual.seeds,
        "interval": f"5th to 95th percentile (90%) over {interval_covers(comparison)}",
        "posterior": _posterior_drawn(comparison.counterfactual, runs_written),
        "scenarios": {},
    }
    for row in comparison.summary.to_dict("records"):
        scenario = out["scenarios"].setdefault(row["scenario"], {})
        target = scenario.setdefault(
            row["target"],
            {"window": f"{row['window_start']}:{row['window_end']}", "metrics": {}},
        )
        target["metrics"][row["metric"]] = {
            k: _json_ready(row[k]) for k in ("median", "low", "high", "n", "unit", "meaning")
        }
    return out


def _posterior_drawn(counterfactual: Results, runs_written: bool) -> dict | None:
    """The record of the posterior drawn from, its file named without this machine's path."""
    used = counterfactual.posterior
    if not used or not used.get("file"):
        return used
    name = used.get("copied_from") or Path(used["file"]).name
    if not runs_written:
        return {**used, "file": name}
    return {**used, "file": f"runs/{counterfactual.scenario.name}/{POSTERIOR_FILE}",
            "copied_from": name}  # fmt: skip


def write_comparison(
    comparison: Comparison,
    out: str | Path,
    figures: bool = True,
    runs: bool = True,
    channels: pd.DataFrame | None = None,
) -> Path:
    """Write metrics, the Markdown summary, figures (PNG, SVG) and the runs into a new folder.

    Everything is written into a hidden folder next to ``out`` that is renamed to ``out`` when
    complete, so a folder named ``out`` is always whole. With ``channels`` (from
    :func:`model.experiments.channels.by_channel`) it also writes ``channels.csv``, a section of
    the summary and ``figures/channels.png``.

    Raises:
        ComparisonError: if ``out`` already exists (comparisons are never overwritten).

    """
    out = Path(out)
    taken = ComparisonError(f"{out}: already exists: comparisons are never overwritten")
    if out.exists():
        raise taken
    with staged_folder(out, prefix=f"{INCOMPLETE_PREFIX}{out.name}-") as staging:
        write_table_atomic(comparison.summary, staging / "metrics.csv")
        write_table_atomic(comparison.per_replication, staging / "metrics_by_replication.csv")
        write_table_atomic(comparison_columns(comparison, channels), staging / COLUMNS_FILE)
        write_text_atomic(
            staging / "metrics.json",
            json.dumps(metrics_json(comparison, runs_written=runs), indent=2) + "\n",
        )
        text = summary_markdown(comparison.summary, interval_covers(comparison))
        if channels is not None:
            write_table_atomic(channels, staging / "channels.csv")
            text += channels_markdown(channels, interval_covers(comparison))
        write_text_atomic(staging / "summary.md", text)
        if figures:
            comparison_figures(comparison, staging / "figures")
            if channels is not None:
                save_figure(channel_intervals(channels), staging / "figures", "channels")
        if runs:
            for name, result in {
                comparison.counterfactual.scenario.name: comparison.counterfactual,
                **comparison.policies,
            }.items():
                write_results(result, out=staging / "runs" / name, compare_with=ONE_SIDE)
        try:
            publish_folder(staging, out)
        except FileExistsError:
            raise taken from None
    return out


def comparison_columns(
    comparison: Comparison, channels: pd.DataFrame | None = None
) -> pd.DataFrame:
    """``columns.csv`` of a comparison folder: the columns of its tables and each metric."""
    summary = [COMPARISON.get(c) or describe(c) for c in comparison.summary.columns]
    per_replication = [COMPARISON.get(c) or describe(c) for c in comparison.per_replication.columns]
    metrics = [describe(name) for name in dict.fromkeys(comparison.summary.metric)]
    tables = {
        "metrics.csv": summary,
        "metrics_by_replication.csv": per_replication,
        "metrics.csv (metric rows)": metrics,
    }
    if channels is not None:
        tables["channels.csv"] = [COMPARISON.get(c) or describe(c) for c in channels.columns]
    return columns_csv(tables)


def channels_markdown(channels: pd.DataFrame, covers: str) -> str:
    """The summary's section on which channel carries the balloon (``balloon compare --by-channel``)."""
    first = channels.iloc[0]
    cell = {}
    for row in channels.itertuples():
        cell[(row.channels, row.metric)] = (
            f"{format_number(row.median)} ({format_number(row.low)} to {format_number(row.high)})"
        )
    metrics = list(dict.fromkeys(channels.metric))
    lines = [
        "",
        "## Which channel carries it",
        "",
        f"The same comparison ({first.scenario} against {first.counterfactual}, target "
        f"{first.target}, {first.window_start} to {first.window_end}) with each balloon channel "
        f"switched off in turn in both scenarios; median (90% interval) over {covers}. A channel "
        "whose removal shrinks the displacement ratio carries the balloon (`channels.csv`; "
        "`figures/channels.png`).",
        "",
        "| channels | " + " | ".join(metrics) + " |",
        "| --- |" + " ---: |" * len(metrics),
    ]
    for label in dict.fromkeys(channels.channels):
        lines.append(f"| {label} | " + " | ".join(cell.get((label, m), "") for m in metrics) + " |")
    return "\n".join(lines) + "\n"


def console_table(
    summary: pd.DataFrame, names: Sequence[str] = HEADLINE, runs: int | None = None
) -> str:
    """Headline metrics as plain text: one row per metric, one column per scenario and target.

    With ``runs`` (the paired replications), a value resting on fewer of them (a metric undefined
    in the others, e.g. recovery in runs that never recover) shows ``n=K``, as summary.md's ``n``.
    """
    rows = summary[summary.metric.isin(names)].copy()
    rows["value"] = [
        f"{format_number(row.median)} ({format_number(row.low)} to {format_number(row.high)})"
        + (f" n={row.n}" if runs is not None and row.n < runs else "")
        for row in rows.itertuples()
    ]
    rows["column"] = rows.scenario + " -> " + rows.target
    rows["metric"] = rows.metric + " [" + rows.unit + "]"
    table = rows.pivot_table(index="metric", columns="column", values="value", aggfunc="first",
                             sort=False)  # fmt: skip
    table.columns.name = None
    if runs is None or not (rows.n < runs).any():
        return table.to_string()
    return (
        f"{table.to_string()}\nn=K: the metric is defined in only K of the {runs} runs; the "
        "others are left out (summary.md defines each metric)"
    )


def load_comparison(folder: str | Path) -> Comparison:
    """Reopen a folder written by :func:`write_comparison` (with its runs)."""
    folder = Path(folder)
    if is_leftover(folder):
        raise ComparisonError(
            f"{folder}: an unfinished folder left by a killed balloon command, not a comparison"
        )
    if not (folder / "metrics.csv").is_file() or not (folder / "runs").is_dir():
        raise ComparisonError(f"{folder}: not a comparison folder (no metrics.csv and runs/)")
    summary = pd.read_csv(folder / "metrics.csv", dtype={"window_start": str, "window_end": str})
    per_replication = pd.read_csv(
        folder / "metrics_by_replication.csv", dtype={"window_start": str, "window_end": str}
    )
    base_name = str(summary.counterfactual.iloc[0])
    base = load_results(folder / "runs" / base_name)
    policies, windows = {}, {}
    for name, rows in summary.groupby("scenario", sort=False):
        policies[name] = load_results(folder / "runs" / name)
        window = Window.parse(f"{rows.window_start.iloc[0]}:{rows.window_end.iloc[0]}")
        _, end = default_window(policies[name].scenario, base.scenario)
        windows[name] = (window, min(end, window.end))
    return Comparison(base, policies, per_replication, summary, windows)
