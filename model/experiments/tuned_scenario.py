"""Save a tuning as a scenario file that ``balloon run`` accepts.

:func:`save_tuned` writes a file that ``extends`` the base scenario's file with only what was
tuned, so it keeps the base scenario's own dates, scale and replications.
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml

from model.experiments.tuning import KNOBS, Tuning, apply_tuning
from model.files import atomic_file
from model.scenario.fields import parse_month
from model.scenario.loading import ScenarioError, load_scenario, shorten_month_dates, to_yaml
from model.scenario.paths import SLUG
from model.scenario.schema import Scenario

#: First line of every file :func:`save_tuned` writes; only such files may be overwritten.
HEADER = "# Tuned in notebooks/02_tune_parameters.ipynb"


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
    return "\n".join(lines) + yaml.safe_dump(shorten_month_dates(data), sort_keys=False, width=100)


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
    text = tuned_yaml(base, tuning, path.stem, path, base_file)
    with atomic_file(path) as temporary:
        temporary.write_text(text, encoding="utf-8")
        load_scenario(temporary)  # a file that would not load never replaces anything
    return path
