"""Read scenario files: safe YAML, ``extends:`` with a deep merge, ``--set`` overrides, clear errors.

Every problem a user can make in a scenario file becomes a :class:`ScenarioError` whose message is
one line, ``FILE: key.path: what is wrong``, so the command line can print it without a traceback.
"""

from __future__ import annotations

import copy
import difflib
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from model.scenario.changes import Changes
from model.scenario.errors import Problem, ScenarioError
from model.scenario.paths import (
    CLOSE_ENOUGH,
    SLUG,
    parse_override,
    schema_at,
    unknown_key,
    unwrap,
)
from model.scenario.schema import SKIP_CROSS_CHECKS, Scenario, reference_problems

SCENARIOS_DIR = Path(__file__).resolve().parents[2] / "scenarios"
_SAFE_TAGS = set(yaml.SafeLoader.yaml_constructors) - {None}
# libyaml's parser with PyYAML's safe constructors: as safe as ``yaml.safe_load``, ~8x faster.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# ----------------------------------------------------------------------------- YAML


def read_yaml(file: Path) -> dict:
    """Parse one YAML file with a safe loader (no Python tags); the top level must be a mapping."""
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(file, "", "file not found") from None
    except IsADirectoryError:
        raise ScenarioError(file, "", "is a directory, not a scenario file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ScenarioError(file, "", f"cannot read the file ({error})") from None
    try:
        data = yaml.load(text, Loader=_SAFE_LOADER)  # noqa: S506 - a safe loader
    except yaml.constructor.ConstructorError as error:
        path, tag = _unsafe_tag(text)
        raise ScenarioError(
            file,
            path or _line(error),
            f"YAML tag {tag or error.problem} is not allowed: "
            "scenario files hold plain values, lists and mappings only",
        ) from None
    except yaml.YAMLError as error:
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise ScenarioError(file, _line(error), f"malformed YAML: {problem}") from None
    if data is None:
        raise ScenarioError(
            file,
            "",
            "is empty: a scenario file needs at least one key (e.g. extends: baseline.yaml)",
        )
    if not isinstance(data, dict):
        raise ScenarioError(file, "", "the top level must be a mapping of keys to values")
    return data


def _line(error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    return f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""


def _unsafe_tag(text: str) -> tuple[str, str]:
    """Key path and tag of the first node with a tag safe_load refuses (composing is safe)."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return "", ""
    stack: list[tuple[yaml.Node, str]] = [(root, "")]
    while stack:
        node, path = stack.pop(0)
        if node.tag not in _SAFE_TAGS:
            return path, node.tag.replace("tag:yaml.org,2002:", "!!")
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.append((value, _join(path, key.value)))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, _join(path, i)) for i, item in enumerate(node.value))
    return "", ""


def _join(path: str, key: Any) -> str:
    return f"{path}.{key}" if path else str(key)


# ----------------------------------------------------------------------------- extends


def deep_merge(base: Mapping, override: Mapping) -> dict:
    """Merge ``override`` into ``base``: mappings merge recursively, anything else is replaced.

    Lists are replaced whole, not appended: a child scenario's ``policies`` is its full list.
    """
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def resolve_extends(file: Path, changes: Changes, _chain: tuple[Path, ...] = ()) -> dict:
    """Read a scenario file and everything it ``extends:``, merged (the file itself wins).

    A file's ``set:`` mapping (dotted paths, list items by number or name, as ``--set`` takes
    them) is applied after its own keys are merged over what it extends: ``set:
    {policies.colombia_aerial.scale: 0}`` changes one programme without restating the list. Each
    entry goes into ``changes``; one that cannot be made is kept there as a problem.
    """
    file = Path(file)
    key = file.resolve()
    if key in _chain:
        cycle = " -> ".join(p.name for p in (*_chain[_chain.index(key) :], key))
        raise ScenarioError(_chain[-1], "extends", f"cycle: {cycle}")
    data = read_yaml(file)
    _anchor_paths(data, file)
    parent = data.pop("extends", None)
    to_set = data.pop("set", None)
    if parent is not None:
        if not isinstance(parent, str) or not parent.strip():
            raise ScenarioError(file, "extends", f"must be a file name, got {parent!r}")
        parent_file = (file.parent / parent).resolve()
        if not parent_file.is_file():
            raise ScenarioError(
                file, "extends", f"file {parent} not found (looked in {file.parent})"
            )
        data = deep_merge(resolve_extends(parent_file, changes, (*_chain, key)), data)
    if to_set is not None:
        if not isinstance(to_set, Mapping):
            raise ScenarioError(file, "set", "must map dotted paths to values")
        for path, value in to_set.items():
            changes.apply(data, str(path).split("."), value, f"{file}: set", in_file=True)
    return data


def _anchor_paths(data: dict, file: Path) -> None:
    """Make a file's relative ``posterior:`` path absolute: it is relative to that file."""
    posterior = data.get("posterior")
    if isinstance(posterior, str) and posterior.strip() and not Path(posterior).is_absolute():
        data["posterior"] = str((file.parent / posterior).resolve())


# ----------------------------------------------------------------------------- validation


def _describe(error: dict) -> tuple[str, str]:
    """Key path and one-line problem of a pydantic error, with a suggestion for unknown keys."""
    loc = [str(part) for part in error["loc"]]
    message = error["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if error["type"] == "extra_forbidden":
        return ".".join(loc), unknown_key(loc[-1], unwrap(schema_at(loc[:-1])))
    match = re.match(r"^([a-z_][\w]*(?:\.[\w]+)*): (.*)$", message, re.S)
    if match and (not loc or match.group(1).split(".")[0] in Scenario.model_fields):
        return _join(".".join(loc), match.group(1)) if loc else match.group(1), match.group(2)
    first = message.split(" ", 1)
    if not loc and first[0] in Scenario.model_fields and len(first) > 1:
        return first[0], first[1]
    value = error.get("input")
    if error["type"] != "missing" and isinstance(value, str | int | float | bool):
        message += f" (got {value!r})"
    return ".".join(loc), message


def with_parameters(
    scenario: Scenario, values: Mapping[str, Any], source: str = "--set"
) -> Scenario:
    """A copy of ``scenario`` with dotted paths set to values, validated like a scenario file.

    Example: ``with_parameters(scenario, {"households.profit_sensitivity": 0.3})``; integer parts
    index lists (``policies.0.schedule.1.value``).

    Raises:
        ScenarioError: for a path the schema does not have or a value it refuses.

    """
    data = shorten_month_dates(scenario.model_dump(mode="json"))
    changes = Changes()
    for path, value in values.items():
        value = value.item() if hasattr(value, "item") else value  # numpy scalars -> Python
        changes.apply(data, path.split("."), value, source)
    return validate(data, source, changes)


def validate(data: Mapping, source: str | Path, changes: Changes | None = None) -> Scenario:
    """Validate a mapping as a Scenario; every problem found goes into one ScenarioError.

    Args:
        data: the scenario's keys and values.
        source: what to name as the source of a problem (the file).
        changes: the ``set:`` and ``--set`` changes made to ``data``: a problem in a value one of
            them wrote is named as it was written, and changes refused are problems too.

    Raises:
        ScenarioError: whose ``lines`` name every problem, one line each.

    """
    scenario, found = _validated(data, source)
    problems = (changes or Changes()).report(data, found)
    if problems:
        raise ScenarioError.of(problems)
    return scenario


def _validated(data: Mapping, source: str | Path) -> tuple[Scenario | None, list[Problem]]:
    """The Scenario of ``data``, or None and every problem the schema and its cross-checks find."""
    try:
        return Scenario.model_validate(data), []
    except ValidationError as error:
        errors = error.errors(include_url=False)
    problems = [
        Problem(str(source), *_describe({**item, "msg": message}))
        for item in errors
        for message in item["msg"].split("\n")  # cross-checks report several at once
    ]
    return None, problems + _reference_problems_besides(data, errors, source)


def _reference_problems_besides(data: Mapping, errors: list, source: str | Path) -> list[Problem]:
    """The references ``data`` gets wrong, found although some of its fields are invalid.

    Pydantic runs the cross-checks only once every field is valid, so a file with both kinds of
    problem would show its bad references only after its bad fields were mended. Here the invalid
    fields are set aside (dropped, so that their defaults stand in; a policy keeps only what names
    its place) and the references of the rest are checked, so that one report lists both. Where a
    problem cannot be set aside (a required field, a list item), nothing more is reported.
    """
    rest = copy.deepcopy(dict(data))
    for _ in range(4):  # setting a problem aside can bring out another one beneath it
        if any(not item["loc"] for item in errors):  # the cross-checks ran already
            return []
        if not all(_set_aside(rest, item) for item in errors):
            return []
        try:
            scenario = Scenario.model_validate(rest, context={SKIP_CROSS_CHECKS: True})
        except ValidationError as error:
            errors = error.errors(include_url=False)
            continue
        try:
            found = list(reference_problems(scenario))
        except ValueError:
            return []
        return [
            Problem(str(source), *_describe({"loc": (), "msg": message, "type": "value_error"}))
            for message in found
        ]
    return []


# What a policy keeps when a problem inside it is set aside: the keys that name its place.
_POLICY_PLACE = ("name", "instrument", "country", "region")
# What references are checked against: with a problem here, defaults would stand in for the
# file's own names and every reference to them would look wrong.
_NAMES = (("world",), ("traffickers", "organisations"), ("armed_groups", "groups"))


def _set_aside(data: dict, error: dict) -> bool:
    """Take the field of a validation error out of ``data``; whether that was possible."""
    loc = error["loc"]
    if any(tuple(loc[: len(names)]) == names for names in _NAMES):
        return False
    place = loc[2] if len(loc) > 2 else None
    if len(loc) >= 2 and loc[0] == "policies" and place not in _POLICY_PLACE:
        policies = data.get("policies")
        i = loc[1]
        if isinstance(policies, list) and isinstance(i, int) and 0 <= i < len(policies):
            policy = policies[i] if isinstance(policies[i], dict) else {}
            kept = {k: policy[k] for k in _POLICY_PLACE if k in policy}
            # A schedule names no place: any valid one does for checking references.
            policies[i] = kept | {"schedule": [{"start": "2000-01", "value": 0}]}
            return True
        return False
    return error["type"] != "missing" and _drop(data, loc)


def _drop(data: dict, loc: tuple) -> bool:
    """Delete the mapping key at ``loc`` in nested dicts and lists; whether there was one."""
    node: Any = data
    for part in loc[:-1]:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            return False
    if isinstance(node, dict) and loc and loc[-1] in node:
        del node[loc[-1]]
        return True
    return False


def load_data(file: str | Path, overrides: Iterable[str] = ()) -> dict:
    """The merged, overridden mapping of a scenario file, before validation.

    A file that does not set ``name`` itself is named after the file (``plan_colombia.yaml`` ->
    ``plan_colombia``), so a child scenario never writes its results under its parent's name.

    Raises:
        ScenarioError: for bad input, every change that cannot be made one line each.

    """
    file, changes = Path(file), Changes()
    data = _merged(file, changes)
    _apply_options(data, overrides, file, changes)
    if changes.refused:
        raise ScenarioError.of(changes.report(data, []))
    return data


def _merged(file: Path, changes: Changes) -> dict:
    """A file merged over what it extends, its ``set:`` blocks applied (kept in ``changes``)."""
    own = read_yaml(file)
    data = resolve_extends(file, changes)
    if "name" not in own and (name := name_from_file(file)):
        data["name"] = name
    return data


def _apply_options(data: dict, options: Iterable[str], file: Path, changes: Changes) -> None:
    """Apply ``--set`` options, each on its own: a bad one is kept in ``changes`` as a problem."""
    for text in options:
        try:
            parts, value = parse_override(text, file)
        except ScenarioError as error:
            changes.refuse(error)
            continue
        changes.apply(data, parts, value, f"{file}: --set {text}")


def name_from_file(file: Path) -> str | None:
    """A scenario name from a file name: ``_peru_2003_2015.yaml`` -> ``peru_2003_2015``.

    Letters are lower-cased and characters a name cannot hold become ``_``; ``None`` if nothing
    is left.
    """
    name = re.sub(r"[^a-z0-9_\-]", "_", file.stem.lower()).lstrip("_-")[:80]
    return name if SLUG.match(name) else None


def load_scenario(file: str | Path, overrides: Iterable[str] = ()) -> Scenario:
    """Load, merge, override and validate a scenario file.

    Args:
        file: a YAML file (or the name of a shipped scenario, e.g. ``plan_colombia``).
        overrides: ``path.to.key=value`` strings applied after ``extends``.

    Raises:
        ScenarioError: for any bad input, one line per problem naming the file and key path. A
            bad value in the file is reported even when an override replaces it.

    """
    name, file = str(file), find_scenario(file)
    if not file.exists():
        raise ScenarioError(file, "", _not_found(name))
    changes = Changes()
    data = _merged(file, changes)
    # The file stays wrong whatever an option puts over it (balloon run --replications 1).
    problems = changes.report(data, _validated(data, file)[1]) if overrides else []
    _apply_options(data, overrides, file, changes)
    scenario, found = _validated(data, file)
    after = changes.report(data, found)
    if overrides:
        # The file's problems were named above, at their places in the file; an option that adds
        # or removes a list item moves them, and a problem of a whole item is not an option's for
        # changing something else in it: only what the options brought is new.
        known = {problem.what for problem in problems}
        new = [p for p in after if _from_option(p, file) and p.what not in known]
        after = new if new or problems or scenario is not None else after
    problems = list(dict.fromkeys(problems + after))
    if problems:
        raise ScenarioError.of(problems)
    return scenario


def _from_option(problem: Problem, file: Path) -> bool:
    """Whether a problem is one of a ``--set`` option (as ``parse_override`` names them)."""
    return problem.source.startswith(f"{file}: --set ")


def find_scenario(name: str | Path) -> Path:
    """A scenario file by path, or a shipped scenario by name as ``balloon list`` prints it.

    Names: ``baseline``, ``counterfactuals/no_plan_colombia``, ``futures/status_quo``.
    """
    path = Path(name)
    if path.exists() or path.suffix in (".yaml", ".yml"):
        return path
    shipped = SCENARIOS_DIR / f"{name}.yaml"
    return shipped if shipped.is_file() else path


def _not_found(name: str) -> str:
    """Why a scenario is not found; for a name without a suffix, the shipped names close to it."""
    path = Path(name)
    if path.suffix in (".yaml", ".yml"):
        shipped = SCENARIOS_DIR / Path(*path.parts[1:]) if path.parts[0] == "scenarios" else None
        shipped = shipped.with_suffix(".yaml") if shipped is not None else None
        if shipped in shipped_scenarios():  # the project's path, from another folder
            named = shipped_name(shipped)
            return f"file not found here; the shipped scenario runs from any folder as {named}"
        return "file not found"
    by_name = {}  # a shipped scenario by its name and by its last part (no_plan_colombia)
    for file in shipped_scenarios():
        by_name.setdefault(shipped_name(file), shipped_name(file))
        by_name.setdefault(file.stem, shipped_name(file))
    close = difflib.get_close_matches(name, by_name, n=3, cutoff=CLOSE_ENOUGH)
    guess = (
        f"did you mean {' or '.join(dict.fromkeys(by_name[c] for c in close))}? " if close else ""
    )
    return f"no such file, nor a shipped scenario ({guess}balloon list shows them all)"


def shipped_scenarios() -> list[Path]:
    """Scenario files shipped in ``scenarios/`` and its folders, sorted by name.

    Files whose name starts with ``_`` are building blocks other scenarios extend, not scenarios.
    """
    files = (f for f in SCENARIOS_DIR.rglob("*.yaml") if not f.name.startswith("_"))
    return sorted(files, key=shipped_name)


def shipped_name(file: Path) -> str:
    """A shipped scenario's name for the command line: its path in ``scenarios/``, no suffix."""
    return file.relative_to(SCENARIOS_DIR).with_suffix("").as_posix()


def to_yaml(scenario: Scenario, expand_world: bool = False) -> str:
    """The fully resolved scenario as YAML (dates as ``YYYY-MM``); it loads back to an equal one.

    Args:
        scenario: the scenario.
        expand_world: write the world's countries, regions and edges out in full (the defaults
            and ``region_overrides`` applied) instead of leaving defaults unset; it then loads back
            to a scenario that runs the same world.

    """
    if expand_world:
        scenario = scenario.model_copy(update={"world": scenario.expanded_world()})
    data = scenario.model_dump(mode="json")
    return yaml.safe_dump(shorten_month_dates(data), sort_keys=False, allow_unicode=True, width=100)


def shorten_month_dates(value: Any) -> Any:
    """A copy of dumped scenario data whose first-of-month ISO dates read ``YYYY-MM``.

    Scenario files write months as ``YYYY-MM``; ``model_dump`` gives ``YYYY-MM-01``.
    """
    if isinstance(value, dict):
        return {k: shorten_month_dates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shorten_month_dates(v) for v in value]
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-01", value):
        return value[:7]
    return value
