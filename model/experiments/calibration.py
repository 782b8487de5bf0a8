"""``balloon calibrate``: infer the posterior, check it against the record, write what it found.

:func:`calibrate` runs :func:`model.experiments.posterior_fit.fit_posterior` on the fitting window,
then posterior predictive runs over the scenario's whole horizon
(:mod:`model.experiments.history_fit`), and writes into one folder: the posterior (Parquet: one
row per sample, one column per parameter, weight, distance), the diagnostics per generation, a
report (Markdown and JSON), the figures, and a calibrated scenario that ``extends`` the source,
names the posterior and sets every free parameter to its posterior median.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import yaml

from model.experiments import targets
from model.experiments.history_fit import (
    Predictive,
    fit_markdown,
    fit_summary,
    markdown_table,
    predictive,
)
from model.experiments.posterior import Posterior
from model.experiments.posterior_fit import PosteriorFit, fit_posterior, weighted_quantile
from model.figures.posterior import (
    plot_posterior_marginals,
    plot_posterior_pairs,
    plot_posterior_predictive,
    plot_regional_predictive,
)
from model.figures.saving import save_figure
from model.files import publish_folder, staged_folder, write_table_atomic, write_text_atomic
from model.scenario.schema import Scenario


@dataclass
class CalibrationOutputs:
    """What a calibration wrote, and the numbers it reports."""

    folder: Path
    scenario_file: Path
    posterior_file: Path
    report: dict
    fit: PosteriorFit


def calibrate(
    scenario: Scenario,
    source: Path,
    out: Path,
    scenario_file: Path | None = None,
    window: tuple[int, int] = targets.WINDOW,
    population: int = 200,
    simulations: int = 5000,
    generations: int = 20,
    predictive_runs: int = 100,
    executor: str = "process",
    workers: int | None = None,
    seed: int = 0,
    progress: bool = True,
    replicates: int = 1,
) -> CalibrationOutputs:
    """Infer the posterior of a scenario's free parameters and write the calibration's outputs.

    Args:
        scenario: the scenario, with ``free_parameters`` (the prior's bounds).
        source: the scenario's file (the calibrated scenario ``extends`` it).
        out: folder for the posterior, report and figures (replaced whole when all are written).
        scenario_file: where to write the calibrated scenario (default
            ``out/<name>_calibrated.yaml``); its posterior goes beside it.
        window: fitting window (years, inclusive).
        population: particles per generation.
        simulations: model runs to spend on inference at most.
        generations: generations at most.
        predictive_runs: posterior predictive runs over the whole horizon for the report.
        executor: where runs go (``process``, ``inline``, ``dask`` or a scheduler address).
        workers: worker processes.
        seed: seed of the inference's own draws.
        progress: show progress bars.
        replicates: seeds each candidate runs on; its distance is their mean.

    """
    out = Path(out)
    fit = fit_posterior(scenario, window, population, simulations, generations, executor,
                        workers, seed, progress=progress, replicates=replicates)  # fmt: skip
    scenario_file = Path(scenario_file or out / f"{scenario.name}_calibrated.yaml")
    posterior_file = scenario_file.with_name(f"{scenario_file.stem.removesuffix('_calibrated')}"
                                             "_posterior.parquet")  # fmt: skip
    posterior = Posterior(fit.samples, str(posterior_file))
    runs = predictive(scenario, posterior, predictive_runs, executor, workers, progress)
    report = _report(scenario, fit, posterior, runs, window)
    # The folder is replaced whole, so a failed write leaves the previous calibration's outputs.
    with staged_folder(out) as staging:
        write_table_atomic(fit.samples, staging / "posterior.parquet")
        write_table_atomic(fit.generations, staging / "generations.csv")
        write_text_atomic(staging / "report.json", json.dumps(report, indent=1) + "\n")
        write_text_atomic(staging / "report.md", report_markdown(report))
        _figures(scenario, fit, runs, window, staging)
        publish_folder(staging, out, replace=True)
    write_table_atomic(fit.samples, posterior_file)
    write_text_atomic(
        scenario_file, calibrated_yaml(scenario, source, scenario_file, posterior_file, fit)
    )
    return CalibrationOutputs(out, scenario_file, posterior_file, report, fit)


def _report(scenario, fit: PosteriorFit, posterior: Posterior, runs: Predictive, window) -> dict:
    low, median, high = (posterior.quantile(q) for q in (0.05, 0.5, 0.95))
    return {
        "scenario": scenario.name,
        "inference": {
            **fit.settings,
            "method": "ABC-SMC (pyabc), uniform priors within the free_parameters bounds",
            "simulations": fit.simulations,
            "seconds": round(fit.seconds, 1),
            "runs_per_second": round(fit.runs_per_second, 3),
            "samples": len(fit.samples),
            "final_threshold": float(fit.generations["threshold"].iloc[-1]),
        },
        "generations": fit.generations.to_dict(orient="records"),
        "posterior": {
            path: {
                "prior": fit.settings["bounds"][path],
                "median": median[path],
                "low": low[path],
                "high": high[path],
            }
            for path in posterior.parameters
        },  # fmt: skip
        "fit": fit_summary(runs, window),
        "published_effects": _published_effects(fit.samples),
    }


def _published_effects(samples) -> dict:
    """The posterior particles' spraying effect and empty-inventory share (weighted quantiles)."""
    out = {}
    for column in ("spraying_effect", "market"):
        if column in samples and samples[column].notna().any():
            kept = samples[samples[column].notna()]
            out[column] = {f"q{int(100 * q)}": weighted_quantile(kept, column, q)
                           for q in (0.05, 0.5, 0.95)}  # fmt: skip
    return out


def _figures(scenario, fit: PosteriorFit, runs: Predictive, window, out: Path) -> None:
    bounds = {path: tuple(b) for path, b in fit.settings["bounds"].items()}
    name = scenario.name
    figures = out / "figures"
    save_figure(plot_posterior_marginals(fit.samples, bounds, f"{name}: posterior of the free "
                                         "parameters"), figures, "posterior_marginals")  # fmt: skip
    save_figure(plot_posterior_pairs(fit.samples, bounds, f"{name}: posterior pairs"), figures,
                "posterior_pairs")  # fmt: skip
    data = targets.observed(window)
    from model.experiments.observed import cultivation

    observed = cultivation().pivot(index="year", columns="country", values="hectares")
    title = (f"{name}: posterior predictive ({runs.runs} runs) against UNODC; fitted "
             f"{window[0]}-{window[1]}")  # fmt: skip
    save_figure(plot_posterior_predictive(runs.national, observed, window, title), figures,
                "posterior_predictive")  # fmt: skip
    for country in data.regional.index.get_level_values("country").unique():
        title = f"{name}: where in {country.title()} the coca is (posterior predictive)"
        save_figure(plot_regional_predictive(runs.regional, data.regional, country, title),
                    figures, f"regional_{country}")  # fmt: skip


def calibrated_yaml(scenario, source: Path, target: Path, posterior_file: Path, fit) -> str:
    """The calibrated scenario: ``extends`` the source, names the posterior, sets the medians.

    ``set:`` addresses each parameter by its path (policies by name), so the file never restates
    a list.
    """
    medians = Posterior(fit.samples).medians()
    header = [
        f"# Calibrated by `balloon calibrate` on {fit.settings['window'][0]}-"
        f"{fit.settings['window'][1]}: ABC-SMC (pyabc), {fit.simulations} model runs in "
        f"{len(fit.generations)} generation(s),",
        f"# {fit.settings['population']} particles each, each scored on the mean of "
        f"{fit.settings.get('replicates', 1)} run(s); {len(fit.samples)} posterior samples in "
        f"{posterior_file.name}. Values below are the posterior medians;",
        "# `balloon run --posterior` draws one posterior sample per replication instead.",
        "",
    ]
    body = {
        "extends": os.path.relpath(source.resolve(), target.resolve().parent),
        "name": f"{scenario.name}_calibrated",
        "description": (
            f"{scenario.description} Parameters inferred from {fit.settings['window'][0]}-"
            f"{fit.settings['window'][1]} (ABC-SMC): the values set here are the posterior "
            "medians; --posterior draws one posterior sample per replication."
        ).strip(),
        "posterior": os.path.relpath(posterior_file.resolve(), target.resolve().parent),
        "set": {path: float(f"{value:.4g}") for path, value in medians.items()},
    }
    return "\n".join(header) + yaml.safe_dump(body, sort_keys=False, width=100)


def report_markdown(report: dict) -> str:
    """The calibration report as Markdown."""
    inference, fit = report["inference"], report["fit"]
    lines = [
        f"# Calibration of {report['scenario']}",
        "",
        f"Likelihood-free Bayesian inference ({inference['method']}), scored on "
        f"{fit['window'][0]}-{fit['window'][1]} against national hectares (log), regional shares, "
        "the turning points, price levels and two published effects (the spraying effect and "
        "months with an empty inventory); nothing after the window is a target.",
        "",
        f"- model runs: {inference['simulations']:,} in {inference['seconds']:,.0f} s "
        f"({inference['runs_per_second']:.2f} runs per second), households.scale "
        f"{inference['households.scale']}",
        f"- each candidate scored on the mean of {inference.get('replicates', 1)} run(s) on "
        "seeds of its own",
        f"- posterior samples: {inference['samples']}, final threshold "
        f"{inference['final_threshold']:.3f}",
        f"- posterior predictive runs (parameters and seeds drawn): {fit['runs']}",
    ]
    lines += markdown_table(
        "Posterior (median and 90% interval)",
        {"parameter": "---", "prior (uniform)": "---", "median": "---:", "90% interval": "---"},
        [[f"`{path}`", f"{row['prior'][0]:g} to {row['prior'][1]:g}", f"{row['median']:.4g}",
          f"{row['low']:.4g} to {row['high']:.4g}"] for path, row in report["posterior"].items()],
    )  # fmt: skip
    lines += markdown_table(
        "Generations",
        dict.fromkeys(["generation", "threshold", "candidates", "accepted", "acceptance rate",
                       "effective sample size"], "---:"),
        [[g["generation"], f"{g['threshold']:.3f}", g["simulations"], g["accepted"],
          f"{g['acceptance_rate']:.2f}", f"{g['effective_sample_size']:.0f}"]
         for g in report["generations"]],
    )  # fmt: skip
    effects = report.get("published_effects", {})
    if effects:
        lines += ["", "## Published effects, over the posterior particles (median and 90%)", ""]
        if "spraying_effect" in effects:
            e = effects["spraying_effect"]
            lines.append(f"- coca less per extra hectare sprayed a year (Colombia, 2001-2012; "
                         f"literature 0.02-0.065, at most 0.25): {e['q50']:.3f} "
                         f"({e['q5']:.3f} to {e['q95']:.3f})")  # fmt: skip
        if "market" in effects:
            e = effects["market"]
            lines.append(f"- share of months with an empty inventory in the window: "
                         f"{e['q50']:.2f} ({e['q5']:.2f} to {e['q95']:.2f})")  # fmt: skip
    lines += fit_markdown(fit)
    lines += ["", "Figures: `figures/posterior_marginals.png`, `posterior_pairs.png`, "
              "`posterior_predictive.png`, `regional_<country>.png`.", ""]  # fmt: skip
    return "\n".join(lines)
