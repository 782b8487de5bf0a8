"""The results folder: one directory per run, written atomically and never overwritten.

``results/<scenario>/<run-id>/`` holds the monthly tables (``regions``, ``countries``, ``system``,
``traffickers``; Parquet or CSV, one row per replication, date and entity), ``scenario.yaml`` (the
fully resolved scenario, loadable as it is), ``manifest.json`` (versions, git commit, seeds, times),
``summary.md`` and, when the scenario names a posterior, a copy of it (``posterior.parquet``).
Everything is written into a hidden ``.incomplete-*`` folder next to the final one, which is
renamed into place only when complete.

While a run is going, each finished replication is saved in a hidden ``.partial-*`` folder
(:class:`ReplicationStore`), so a killed run can be resumed (``balloon run --resume``) without
computing those again; the folder is removed once the run's folder is complete.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import platform
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from model.columns import KEYS, Column, columns_csv, describe, field_metadata
from model.columns import TABLES as TABLE_COLUMNS
from model.experiments.runner import TABLES, Results, Run
from model.files import (
    claimed,
    publish_folder,
    remove_folder,
    staged_folder,
    write_table_atomic,
    write_text_atomic,
)
from model.leftovers import INCOMPLETE_PREFIX, PARTIAL_PREFIX, is_leftover
from model.scenario.comparisons import comparison_advice
from model.scenario.loading import ScenarioError, load_scenario, to_yaml
from model.scenario.schema import Scenario

FORMATS = ("parquet", "csv")
MANIFEST = "manifest.json"
#: Every results folder's description of its tables: file, column, unit and meaning.
COLUMNS_FILE = "columns.csv"
#: A run's copy of the posterior its scenario names; scenario.yaml names the copy relative to
#: itself, so the folder repeats its run wherever it is moved.
POSTERIOR_FILE = "posterior.parquet"


class ResultsExistError(FileExistsError):
    """The requested output folder already exists: runs are never overwritten."""


def versions() -> dict[str, str]:
    """Versions of Python and of the packages that shape the results."""
    found = {"python": platform.python_version()}
    for package in ("balloon-effect", "mesa", "numpy", "pandas", "pydantic", "pyarrow"):
        try:
            found[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            found[package] = "not installed"
    return found


def git_commit(directory: Path | None = None) -> dict | None:
    """Commit of the code that ran (and whether it had uncommitted changes), if it is in git."""
    directory = directory or Path(__file__).resolve().parent

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=directory, capture_output=True, text=True, timeout=10, check=True
        ).stdout.strip()

    try:
        commit = git("rev-parse", "HEAD")
        dirty = bool(git("status", "--porcelain", "--untracked-files=no", "--", "."))
    except (OSError, subprocess.SubprocessError):
        return None
    return {"commit": commit, "dirty": dirty}


def new_run_id(started: datetime) -> str:
    """A sortable run id from the start time, e.g. ``20240517-142301``."""
    return started.strftime("%Y%m%d-%H%M%S")


def write_results(
    results: Results,
    root: str | Path = "results",
    out: str | Path | None = None,
    fmt: str = "parquet",
    started: datetime | None = None,
    wall_time_s: float | None = None,
    extra: dict | None = None,
    compare_with: str | None = None,
) -> Path:
    """Write a run's folder atomically and return its path.

    Args:
        results: the replications to write.
        root: results root; the run goes to ``root/<scenario>/<run-id>/``.
        out: exact folder for the run instead (must not exist yet).
        fmt: ``parquet`` or ``csv``.
        started: when the run started (default: now).
        wall_time_s: how long the run took, seconds.
        extra: more manifest entries (e.g. the command line and ``--set`` overrides).
        compare_with: what the summary advises comparing the run with, Markdown (default: how to
            write a counterfactual; see :func:`model.scenario.comparisons.comparison_advice`).

    Raises:
        ResultsExistError: if ``out`` already exists.

    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: use {' or '.join(FORMATS)}")
    started = started or datetime.now(UTC)
    if out is not None:
        final = Path(out)
        if final.exists():
            raise ResultsExistError(f"{final} already exists: runs are never overwritten")
    else:
        final = Path(root) / results.scenario.name / new_run_id(started)
    with staged_folder(final, prefix=f"{INCOMPLETE_PREFIX}{final.name}-") as staging:
        files = _write_tables(results, staging, fmt)
        saved = _with_posterior_copy(results, staging)
        write_text_atomic(staging / "scenario.yaml", to_yaml(saved))
        write_text_atomic(staging / "summary.md", summary(results, fmt, compare_with))
        manifest = {
            "scenario": results.scenario.name,
            "description": results.scenario.description,
            "replications": len(results.seeds),
            "seed": results.scenario.seed,
            "seeds": results.seeds,
            "started": started.isoformat(timespec="seconds"),
            "wall_time_s": None if wall_time_s is None else round(wall_time_s, 3),
            "format": fmt,
            "tables": files,
            "versions": versions(),
            "git": git_commit(),
            "platform": platform.platform(),
            **({"posterior": _posterior_record(results, staging)} if results.posterior else {}),
            **(extra or {}),
        }
        # The manifest is written last: a folder with one is complete.
        write_text_atomic(staging / MANIFEST, json.dumps(manifest, indent=2) + "\n")
        return _publish(staging, final, pick_new_name=out is None)


def _with_posterior_copy(results: Results, folder: Path) -> Scenario:
    """The scenario to save: naming a copy, in ``folder``, of the posterior it drew from or names.

    A run with ``--posterior`` drew from ``results.posterior`` (with ``compare``, the
    counterfactual's, which need not be this scenario's own), so that is the one to repeat it
    with. A posterior that is not a file (held in memory) stays named as it was.
    """
    source = posterior_to_keep(results)
    if source is None:
        return results.scenario
    shutil.copyfile(source, folder / POSTERIOR_FILE)
    return results.scenario.model_copy(update={"posterior": POSTERIOR_FILE})


def posterior_to_keep(results: Results) -> Path | None:
    """The posterior file a run's folder keeps a copy of: the one drawn from, else the one named."""
    source = results.posterior["file"] if results.posterior else results.scenario.posterior
    return Path(source) if source and Path(source).is_file() else None


def _posterior_record(results: Results, folder: Path) -> dict:
    """The manifest's record of the posterior drawn from: its copy, its origin, the draws."""
    used, copy = results.posterior, folder / POSTERIOR_FILE
    if not copy.is_file():
        return used
    return {
        "file": POSTERIOR_FILE,
        # the file's name, not its path: a path would tie the folder to this machine
        "copied_from": used.get("copied_from") or Path(used["file"]).name,
        "sha256": hashlib.sha256(copy.read_bytes()).hexdigest(),
        **{k: v for k, v in used.items() if k not in ("file", "copied_from", "sha256")},
    }


def _publish(staging: Path, final: Path, pick_new_name: bool) -> Path:
    """Rename the finished folder to ``final`` (or ``final-2``, ``-3``... if that is taken)."""
    candidate, n = final, 1
    while True:
        try:
            return publish_folder(staging, candidate)
        except FileExistsError:
            if not pick_new_name:
                raise ResultsExistError(
                    f"{final} already exists: runs are never overwritten"
                ) from None
        n += 1
        candidate = final.with_name(f"{final.name}-{n}")


def _write_tables(results: Results, folder: Path, fmt: str) -> dict[str, dict]:
    """Each table with its columns' units and meanings (Parquet field metadata, columns.csv)."""
    files, described = {}, {}
    for name in TABLES:
        table = results.tables[name]
        columns = [describe_column(c, name) for c in table.columns]
        file = write_table_atomic(table, folder / f"{name}.{fmt}", field_metadata(columns))
        files[name] = {"file": file.name, "rows": len(table), "columns": list(table.columns)}
        described[file.name] = columns
    write_table_atomic(columns_csv(described), folder / COLUMNS_FILE)
    return files


def describe_column(name: str, table: str) -> Column:
    """Unit and meaning of a column of one of a run's tables (keys, then the table's registry)."""
    return KEYS.get(name) or describe(name, TABLE_COLUMNS[table])


def load_results(folder: str | Path) -> Results:
    """Reopen a run folder as :class:`model.experiments.runner.Results`.

    Raises:
        ScenarioError: if the folder is not a complete run (no manifest, or a leftover of a
            killed write) or its scenario is bad.

    """
    folder = Path(folder)
    if is_leftover(folder):
        raise ScenarioError(
            folder, "", "an unfinished folder left by a killed balloon command, not a result"
        )
    manifest_file = folder / MANIFEST
    if not manifest_file.is_file():
        raise ScenarioError(folder, "", f"not a complete run folder (no {MANIFEST})")
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    scenario = load_scenario(folder / "scenario.yaml")  # its posterior: relative to the file
    tables = {
        name: _read_table(folder / info["file"], manifest["format"])
        for name, info in manifest["tables"].items()
    }
    return Results(scenario, manifest["seeds"], tables, _drawn_posterior(manifest, folder))


def _drawn_posterior(manifest: dict, folder: Path) -> dict | None:
    """The manifest's record of the posterior the run drew from, its file as a path from here."""
    record = manifest.get("posterior")
    if not record or not record.get("file"):
        return record
    return {**record, "file": str(folder / record["file"])}


def _read_table(file: Path, fmt: str) -> pd.DataFrame:
    table = pd.read_parquet(file) if fmt == "parquet" else pd.read_csv(file, parse_dates=["date"])
    # Model tables date months at second resolution; Parquet stores milliseconds.
    table["date"] = table["date"].astype("datetime64[s]")
    return table


# ----------------------------------------------------------------------------- resuming a run


class ReplicationStore:
    """Finished replications of a run in progress, one folder each, so a killed run can resume.

    Each replication is written to a temporary folder and renamed to ``rep-<index>-<seed>``, so it
    is there whole or not at all. Runs of the same resolved scenario share the folder (see
    :func:`partial_folder`); their replications are identical, so sharing is safe.
    """

    NAME = re.compile(r"^rep-(\d+)-(\d+)$")

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    def save(self, run: Run) -> None:
        """Save one finished replication (replacing an earlier copy of it)."""
        final = self.folder / f"rep-{run.replication:06d}-{run.seed}"
        with staged_folder(final) as staging:
            for name in TABLES:
                write_table_atomic(run.tables[name], staging / f"{name}.parquet")
            publish_folder(staging, final, replace=True)

    def saved(self, seeds: list[int]) -> dict[int, Path]:
        """Folders of saved replications that belong to a run with these ``seeds``, by index."""
        found = {}
        for folder in sorted(self.folder.glob("rep-*")):
            match = self.NAME.match(folder.name)
            if match and int(match.group(1)) < len(seeds):
                index, seed = int(match.group(1)), int(match.group(2))
                if seeds[index] == seed:
                    found[index] = folder
        return found

    def load(self, seeds: list[int]) -> list[Run]:
        """Saved replications that belong to a run with these ``seeds``."""
        return [
            Run(
                index, seeds[index], {n: _read_table(f / f"{n}.parquet", "parquet") for n in TABLES}
            )
            for index, f in self.saved(seeds).items()
        ]

    def remove(self) -> None:
        """Delete the folder (the run is complete), unless another run is using it."""
        with claimed(self.folder) as free:
            if free is not False:
                remove_folder(self.folder)  # never half-deleted under its name (killed midway)


def partial_folder(
    scenario: Scenario, root: str | Path = "results", out=None, tag: str | None = None
) -> Path:
    """Where a run of ``scenario`` keeps its finished replications until its folder is written.

    Next to the run's folder: ``root/<scenario>/.partial-<hash>`` (or ``.partial-<out>-<hash>``
    beside ``out``), keyed by a hash of the resolved scenario (and ``tag``, e.g. ``posterior``
    for runs that draw from it), so the same command finds it again.
    """
    key = scenario.model_dump_json() + (tag or "")
    digest = hashlib.sha256(key.encode()).hexdigest()[:12]
    if out is not None:
        out = Path(out)
        return out.parent / f"{PARTIAL_PREFIX}{out.name}-{digest}"
    return Path(root) / scenario.name / f"{PARTIAL_PREFIX}{digest}"


# ----------------------------------------------------------------------------- summary


def headline(results: Results) -> pd.DataFrame:
    """Coca per country at the first and last month, mean over replications, and the change."""
    countries = results.countries
    first, last = countries["date"].min(), countries["date"].max()
    mean = countries.groupby(["date", "country"], sort=False)["hectares"].mean()
    table = pd.DataFrame(
        {
            f"{first:%Y-%m} ha": mean.loc[first],
            f"{last:%Y-%m} ha": mean.loc[last],
        }
    )
    eradicated = countries.groupby(["replication", "country"])["eradicated_ha"].sum()
    table["eradicated ha (total)"] = eradicated.groupby("country").mean()
    total = table.sum().rename("all countries")
    table = pd.concat([table, total.to_frame().T])
    table["change ha"] = table.iloc[:, 1] - table.iloc[:, 0]
    return table


def summary(results: Results, fmt: str = "parquet", compare_with: str | None = None) -> str:
    """A short Markdown summary of a run: the question, the set-up, and coca by country."""
    scenario = results.scenario
    compare_with = compare_with or comparison_advice(None, scenario.posterior is not None)
    system = results.system
    last = system["date"].max()
    first = system["date"].min()
    at = system.groupby("date")[["supply_t", "source_price", "wholesale_price"]].mean()
    table = headline(results).round(0).astype(int)
    rows = "\n".join(
        f"| {country} | " + " | ".join(f"{v:,}" for v in row) + " |"
        for country, row in table.iterrows()
    )
    header = "| country | " + " | ".join(table.columns) + " |"
    rule = "|" + " --- |" * (len(table.columns) + 1)
    reps = len(results.seeds)
    return f"""# {scenario.name}

{scenario.description.strip() or "(no description)"}

{scenario.start:%Y-%m} to {scenario.end:%Y-%m}, {reps} replication(s), seed {scenario.seed},
{scenario.households.scale:g} simulated households per real household,
{len(scenario.policies)} policy schedule(s), {len(scenario.events)} event(s).
{parameters(results)}
Repeat the run with `{repeat_command(results, fmt)}`, given this folder's `scenario.yaml` (it holds the seed, the replications and every `--set` of the run): the tables come out identical.

## Coca by country (mean over replications)

{header}
{rule}
{rows}

## Cocaine market (mean over replications)

| month | supply_t (supply reaching consumers), t/month | source_price, US$/kg | wholesale_price, US$/kg |
| --- | --- | --- | --- |
| {first:%Y-%m} | {at.loc[first, "supply_t"]:,.1f} | {at.loc[first, "source_price"]:,.0f} | {at.loc[first, "wholesale_price"]:,.0f} |
| {last:%Y-%m} | {at.loc[last, "supply_t"]:,.1f} | {at.loc[last, "source_price"]:,.0f} | {at.loc[last, "wholesale_price"]:,.0f} |

{against_record(results)}## What to compare it with

{compare_with}

## Definitions

{definitions(at)}

## Files

{files(results)}
"""


def against_record(results: Results) -> str:
    """The summary's section scoring the replications against the 1990-2012 record.

    Only scenarios that say they reproduce the history (``score_against_record``) are scored,
    and only runs that span the record's window with its countries and regions; for the others
    the section is empty or says why the run was not scored.
    """
    from model.experiments import history_fit, targets

    scenario = results.scenario
    if not scenario.score_against_record:
        return ""
    first, last = targets.WINDOW
    title = f"## Against the record, {first}-{last}\n\n"
    if not history_fit.covers_record(results):
        return (f"{title}Not scored: the run must span {first}-01 to {last}-12 and hold the "
                "record's countries and regions.\n\n")  # fmt: skip
    fit = history_fit.fit_summary(history_fit.predictive_of(results))
    runs = len(results.seeds)
    if results.posterior:
        spread = "the parameters drawn from the posterior and the model's own randomness"
    elif scenario.posterior:
        spread = "the model's own randomness only (add `--posterior` for the parameters' uncertainty too)"
    else:
        spread = "the model's own randomness only"
    notes = []
    if runs < 20:
        notes.append(f"With {runs} run(s) the 90% bands and the shares of runs are rough; "
                     "`--replications 100` takes about 40 s on 2 cores.")  # fmt: skip
    if results.countries["date"].max() < pd.Timestamp(last + 2, 12, 1):
        notes.append(f"The runs end before December {last + 2}, so a turning point the record "
                     f"has in {last - 1}-{last} cannot be found up to two years late: those "
                     "runs count as later.")  # fmt: skip
    lines = [
        title.rstrip("\n"),
        "",
        f"The {runs} run(s) scored against UNODC's hectares per country and the region groups' "
        f"shares in {first}-{last}; nothing is refitted. Their spread carries {spread}. "
        "`balloon plot` on this folder draws them against the record (`record.png`).",
        *(["", *notes] if notes else []),
        *history_fit.fit_markdown(
            fit, level=3, forecast="the scenario's inputs; never a calibration target"
        ),
        "",
        "",
    ]
    return "\n".join(lines)


def parameters(results: Results) -> str:
    """Where the run's parameters came from, when a posterior is involved (else nothing)."""
    if results.posterior:
        size = results.posterior.get("samples_in_file") or "the"
        return (
            "\nParameters: drawn from the posterior (`--posterior`): each replication used one of "
            f"{size} samples in {_posterior_named(results)}, in place of the values "
            "`scenario.yaml` sets for them; `manifest.json` lists the sample each replication "
            "drew.\n"
        )
    if results.scenario.posterior:
        return (
            "\nParameters: the values set in `scenario.yaml`; the run did not draw from the "
            f"posterior the scenario names ({_posterior_named(results)}): add `--posterior` to "
            "draw one sample per replication.\n"
        )
    return ""


def _posterior_named(results: Results) -> str:
    """The posterior of a run as its summary names it: the copy in the folder, if there is one."""
    source = posterior_to_keep(results)
    if source is not None:
        original = (results.posterior or {}).get("copied_from") or source.name
        return f"`{POSTERIOR_FILE}` (a copy of `{original}`)"
    named = results.posterior["file"] if results.posterior else results.scenario.posterior
    return f"`{named}` (not found, so not copied here)" if named else "memory (not saved)"


def repeat_command(results: Results, fmt: str = "parquet") -> str:
    """The command that repeats a run from its folder's ``scenario.yaml``."""
    options = ["--posterior"] if results.posterior else []
    if fmt != "parquet":
        options += ["--format", fmt]
    return " ".join(["balloon run scenario.yaml", *options])


def files(results: Results) -> str:
    """The summary's list of the folder's files."""
    lines = [
        "- `regions`, `countries`, `system`, `traffickers`: monthly tables, one row per "
        "replication, date and\n  entity (read with `pandas.read_parquet` or `pandas.read_csv`; "
        "or\n  `model.experiments.results.load_results(folder)`).",
        "- `scenario.yaml`: the fully resolved scenario, from which the command above repeats the "
        "run.",
        "- `manifest.json`: versions, git commit, seeds, start time and wall time"
        + (",\n  and the posterior sample each replication drew." if results.posterior else "."),
        "- `columns.csv`: every column of every table with its unit and meaning (also in each "
        "Parquet\n  file's field metadata).",
    ]
    if posterior_to_keep(results) is not None:
        lines.insert(
            2, f"- `{POSTERIOR_FILE}`: the posterior `scenario.yaml` names (relative to itself)."
        )
    return "\n".join(lines)


def definitions(market: pd.DataFrame) -> str:
    """One sentence per quantity of the summary's tables, from the column registry."""
    countries = TABLE_COLUMNS["countries"]
    system = TABLE_COLUMNS["system"]
    lines = [
        f"- **YYYY-MM ha** (first and last month): area of {countries['hectares'].meaning}, "
        "in the country in that month, ha; mean over replications.",
        f"- **eradicated ha (total)**: {countries['eradicated_ha'].meaning.replace(' this month', '')}"
        ", summed over every month of the run, hectares; mean over replications.",
        "- **change ha**: hectares in the last month minus hectares in the first month.",
    ]
    for name in market.columns:
        column = system[name]
        lines.append(f"- **{name}**: {column.meaning}, {column.unit}; mean over replications.")
    return "\n".join(lines)
