"""What a scenario is compared with, read from the ``extends:`` links between scenario files.

Scenarios come in pairs (scenarios/README.md): a file that extends another changes a programme of
it, so the two run on common seeds measure that programme (the teaching examples against
``baseline``, each future against ``futures/status_quo``, a question of one's own against the
calibrated history). Building blocks (``_*.yaml``) are looked through. A file in a
``counterfactuals/`` folder named ``no_*`` is the other way round: the history without a
programme, so the scenario it extends is the policy and it the counterfactual; the folder's other
files are alternatives to the history (a plan carried out, another instrument), run as the policy
against it. A calibrated scenario (one naming a
posterior its parent does not) and one over other months (a future's status quo) are not a change
of programme of their parent; a scenario with no such parent pairs with the shipped scenarios that
extend it instead (the calibrated history with ``counterfactuals/``, ``baseline`` with the
teaching examples).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from model.scenario.errors import ScenarioError
from model.scenario.loading import (
    SCENARIOS_DIR,
    load_scenario,
    read_yaml,
    shipped_name,
    shipped_scenarios,
)
from model.scenario.schema import Scenario

#: Files in a folder of this name whose name starts with the prefix are the scenario they extend
#: without a programme (its counterfactuals); the folder's other files are alternatives to it.
COUNTERFACTUALS_FOLDER = "counterfactuals"
REMOVAL_PREFIX = "no_"

#: How to make a comparison of one's own, as the policy or as its counterfactual.
NEW_COUNTERFACTUAL = (
    "To ask what a programme did, write a counterfactual: a file that `extends:` this one and "
    "removes or changes that programme with `set:` (scenarios/README.md, Writing your own), then "
    "`balloon compare {this} --against COUNTERFACTUAL.yaml{draws}`."
)
NEW_POLICY = (
    "To ask another question, write a file that `extends:` this one and adds or changes a "
    "programme with `set:` (scenarios/README.md, Writing your own), then "
    "`balloon compare YOURS.yaml --against {this}{draws}`."
)


@dataclass(frozen=True)
class Pair:
    """Two scenario files that differ by a programme: the one with it, and the one without."""

    policy: Path
    counterfactual: Path
    posterior: bool  # the counterfactual names a posterior: compare draws from it

    def command(self) -> str:
        """The ``balloon compare`` command that measures the programme."""
        draws = " --posterior" if self.posterior else ""
        return f"balloon compare {shown(self.policy)} --against {shown(self.counterfactual)}{draws}"


def parent(file: Path) -> Path | None:
    """The scenario a file extends, looking through building blocks (``_*.yaml``)."""
    try:
        extends = read_yaml(file).get("extends")
    except ScenarioError:
        return None
    if not isinstance(extends, str) or not extends.strip():
        return None
    found = (file.parent / extends).resolve()
    return parent(found) if found.name.startswith("_") else found


def parent_pair(file: Path) -> Pair | None:
    """The comparison of a scenario with the one it extends, if it changes a programme of it."""
    up = parent(file)
    if up is None or not _changes(_loaded(file), _loaded(up)):
        return None
    return _pair(file, up)


def extension_pairs(file: Path) -> list[Pair]:
    """The comparisons of a scenario with the shipped scenarios that extend it."""
    scenario = _loaded(file)
    children = [f.resolve() for f in shipped_scenarios() if parent(f) == file]
    return [_pair(child, file) for child in children if _changes(_loaded(child), scenario)]


def comparison_advice(file: str | Path | None, posterior: bool = False) -> str:
    """Markdown: what to compare a run of this scenario file with, and the commands to do it.

    Args:
        file: the scenario file the run was made from (None: not known).
        posterior: the scenario names a posterior (commands of one's own then add ``--posterior``).

    """
    this = shown(Path(file)) if file is not None else "SCENARIO.yaml"
    draws = " --posterior" if posterior else ""
    if file is None:
        return NEW_COUNTERFACTUAL.format(this=this, draws=draws)
    file = Path(file).resolve()
    pair = parent_pair(file)
    if pair is not None and pair.policy == file:
        return (
            f"This scenario changes a programme of `{shown(pair.counterfactual)}`, the scenario it "
            f"extends: the two compared on common seeds measure what the change does:\n\n"
            f"- `{pair.command()}`"
        )
    if pair is not None:
        return (
            f"This scenario is `{shown(pair.policy)}`, which it extends, with a programme removed or "
            f"changed: the two compared on common seeds measure what that programme did:\n\n"
            f"- `{pair.command()}`"
        )
    found = extension_pairs(file)
    if not found:
        return NEW_COUNTERFACTUAL.format(this=this, draws=draws)
    commands = "\n".join(f"- `{pair.command()}`" for pair in found)
    if all(pair.counterfactual == file for pair in found):
        intro, own = "Each scenario that extends this one adds or changes a programme", NEW_POLICY
    elif all(pair.policy == file for pair in found):
        intro = "Each counterfactual that extends this one removes or changes one of its programmes"
        own = NEW_COUNTERFACTUAL
    else:
        intro, own = "Each scenario that extends this one changes a programme", NEW_COUNTERFACTUAL
    return (
        f"{intro}: compared with it on common seeds, it measures what that programme does:"
        f"\n\n{commands}\n\n{own.format(this=this, draws=draws)}"
    )


def shown(file: Path) -> str:
    """A scenario file as commands name it, so that the command works from here.

    A shipped scenario is ``scenarios/...`` from the project's folder, and its shipped name
    (``counterfactuals/no_plan_colombia``) from anywhere else; other files are named from here.
    """
    file = Path(file)
    resolved = file.resolve()
    if resolved.is_relative_to(SCENARIOS_DIR):
        as_path = Path(SCENARIOS_DIR.name) / resolved.relative_to(SCENARIOS_DIR)
        return as_path.as_posix() if as_path.resolve() == resolved else shipped_name(resolved)
    if not file.is_absolute():
        return file.as_posix()
    relative = os.path.relpath(resolved)
    return resolved.as_posix() if relative.startswith("..") else relative


def _pair(child: Path, parent_file: Path) -> Pair:
    """Which of a scenario and its parent is the policy: the parent, for a counterfactual."""
    if child.parent.name == COUNTERFACTUALS_FOLDER and child.name.startswith(REMOVAL_PREFIX):
        policy, counterfactual = parent_file, child
    else:
        policy, counterfactual = child, parent_file
    loaded = _loaded(counterfactual)
    return Pair(policy, counterfactual, loaded is not None and loaded.posterior is not None)


def _changes(child: Scenario | None, parent_scenario: Scenario | None) -> bool:
    """Whether a scenario changes a programme of its parent (not its months, not its fit)."""
    if child is None or parent_scenario is None:
        return False
    same_months = (child.start, child.end) == (parent_scenario.start, parent_scenario.end)
    calibrated = child.posterior is not None and child.posterior != parent_scenario.posterior
    return same_months and not calibrated


def _loaded(file: Path) -> Scenario | None:
    """The scenario of a file, or None if it does not load (it is then left out of pairs)."""
    try:
        return load_scenario(file)
    except ScenarioError:
        return None
