"""Read scenario files: safe YAML, ``extends:`` with a deep merge, ``--set`` overrides, clear errors.

Every problem a user can make in a scenario file becomes a :class:`ScenarioError` whose message is
one line, ``FILE: key.path: what is wrong``, so the command line can print it without a traceback.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError

from model.scenario.schema import Scenario

SCENARIOS_DIR = Path(__file__).resolve().parents[2] / "scenarios"
SLUG = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")
MONTH_KEY = re.compile(r"^\d{4}-\d{2}$")  # a schedule entry addressed by its start month
_SAFE_TAGS = set(yaml.SafeLoader.yaml_constructors) - {None}
# libyaml's parser with PyYAML's safe constructors: as safe as ``yaml.safe_load``, ~8x faster.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


_LINE_BREAKS = {ord(c): repr(c)[1:-1] for c in "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"}


def one_line(text: object) -> str:
    r"""``text`` as one line: line breaks (also unicode ones) are shown escaped, e.g. ``\n``."""
    return str(text).translate(_LINE_BREAKS)


class ScenarioError(ValueError):
    """Bad user input in a scenario file or an override; the message is one line.

    An error may carry more problems of the same input (``more``): :attr:`lines` has one line per
    problem, which the command line prints; the message is the first, with how many follow.
    """

    def __init__(
        self, source: str | Path, path: str, problem: str, more: Iterable[tuple[str, str]] = ()
    ):
        self.source, self.path, self.problem = str(source), path, problem
        self.lines = [_problem_line(source, path, problem)]
        self.lines += [_problem_line(source, where, what) for where, what in more]
        extra = len(self.lines) - 1
        super().__init__(self.lines[0] + (f" (and {extra} more problem(s))" if extra else ""))


def _problem_line(source: str | Path, path: str, problem: str) -> str:
    where = f"{one_line(source)}: {one_line(path)}: " if path else f"{one_line(source)}: "
    return where + " ".join(problem.split())


def problem_lines(error: Exception) -> list[str]:
    """One line per problem of an error (a :class:`ScenarioError` may hold several)."""
    return list(getattr(error, "lines", None) or [one_line(error)])


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


def resolve_extends(file: Path, _chain: tuple[Path, ...] = ()) -> dict:
    """Read a scenario file and everything it ``extends:``, merged (the file itself wins).

    A file's ``set:`` mapping (dotted paths, list items by number or name, as ``--set`` takes
    them) is applied after its own keys are merged over what it extends: ``set:
    {policies.colombia_aerial.scale: 0}`` changes one programme without restating the list.
    """
    file = Path(file)
    key = file.resolve()
    if key in _chain:
        cycle = " -> ".join(p.name for p in (*_chain[_chain.index(key) :], key))
        raise ScenarioError(_chain[-1], "extends", f"cycle: {cycle}")
    data = read_yaml(file)
    _anchor_paths(data, file)
    parent = data.pop("extends", None)
    changes = data.pop("set", None)
    if parent is not None:
        if not isinstance(parent, str) or not parent.strip():
            raise ScenarioError(file, "extends", f"must be a file name, got {parent!r}")
        parent_file = (file.parent / parent).resolve()
        if not parent_file.is_file():
            raise ScenarioError(
                file, "extends", f"file {parent} not found (looked in {file.parent})"
            )
        data = deep_merge(resolve_extends(parent_file, (*_chain, key)), data)
    if changes is not None:
        if not isinstance(changes, Mapping):
            raise ScenarioError(file, "set", "must map dotted paths to values")
        for path, value in changes.items():
            apply_override(data, str(path).split("."), value, f"{file}: set")
    return data


def _anchor_paths(data: dict, file: Path) -> None:
    """Make a file's relative ``posterior:`` path absolute: it is relative to that file."""
    posterior = data.get("posterior")
    if isinstance(posterior, str) and posterior.strip() and not Path(posterior).is_absolute():
        data["posterior"] = str((file.parent / posterior).resolve())


# ----------------------------------------------------------------------------- --set


def parse_override(text: str, file: str | Path = "") -> tuple[list[str], Any]:
    """Split ``path.to.key=value``; the value is read with ``yaml.safe_load`` (``5`` is a number).

    Raises:
        ScenarioError: if there is no ``=``, the path is empty, or the value is not plain YAML.

    """
    source = f"{file}: --set {text}" if file else f"--set {text}"
    path, sep, raw = text.partition("=")
    parts = path.strip().split(".")
    if not sep or not all(p.strip() for p in parts):
        raise ScenarioError(source, "", "write --set path.to.key=value, e.g. households.scale=0.05")
    try:
        value = yaml.safe_load(raw) if raw.strip() else None
    except yaml.YAMLError as error:
        problem = getattr(error, "problem", None) or "not a plain YAML value"
        raise ScenarioError(source, path, f"cannot read the value {raw!r}: {problem}") from None
    return [p.strip() for p in parts], value


def apply_override(data: dict, parts: list[str], value: Any, source: str) -> dict:
    """Set ``value`` at the dotted path ``parts`` of ``data``, in place.

    List items are addressed by 0-based number or, for items with a ``name`` (policies, events,
    traffickers, groups, regions), by that name: ``policies.colombia_aerial.scale``. Setting a
    named item to ``null`` removes it; setting a name the list does not have to a mapping adds
    that item (with that name). The path is
    checked against the scenario schema so a typo is reported as such, with the closest valid key,
    instead of silently adding a key.
    """
    _check_schema_path(parts, source)
    node: Any = data
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        where = ".".join(parts[: depth + 1])
        if isinstance(node, list):
            if last and not part.lstrip("-").isdigit() and _named_index(node, part) is None:
                if not isinstance(value, Mapping):  # a new named item is a whole mapping
                    _list_index(node, part, source, where)  # raises: no item named part
                node.append({"name": part, **value})
                return data
            index = _list_index(node, part, source, where)
            if last and value is None:  # ``null`` removes the item
                del node[index]
            elif last:
                node[index] = value
            else:
                node = node[index]
        elif isinstance(node, dict):
            if last:
                node[part] = value
            else:
                if node.get(part) is None:
                    node[part] = _default_at(parts[: depth + 1])
                    if node[part] is None:
                        raise ScenarioError(
                            source, where, "is not set in the scenario: set the whole list instead"
                        )
                node = node[part]
        else:
            parent = ".".join(parts[:depth])
            raise ScenarioError(
                source, where, f"{parent} is a value ({node!r}), not a mapping or list"
            )
    return data


def _named_index(items: list, name: str) -> int | None:
    """The index of the list item called ``name`` (schedule entries: by start month), or None."""
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        if item.get("name") == name or str(item.get("start", "")).startswith(f"{name}"):
            return index
    return None


def _list_index(items: list, part: str, source: str, where: str) -> int:
    """The index of list item ``part``: a 0-based number, a name, or a start month (YYYY-MM)."""
    if part.lstrip("-").isdigit():
        if not -len(items) <= int(part) < len(items):
            raise ScenarioError(
                source, where, f"no item {part}: the list has {len(items)} item(s), 0-based"
            )
        return int(part)
    index = _named_index(items, part) if MONTH_KEY.match(part) or SLUG.match(part) else None
    if index is None:
        names = [str(item.get("name") or item.get("start", ""))[:7] for item in items
                 if isinstance(item, dict)]  # fmt: skip
        known = ", ".join(n for n in names if n) or "none of its items has a name"
        raise ScenarioError(source, where, f"no item named {part!r} (named: {known})")
    return index


def value_at_path(data: Mapping, path: str) -> Any:
    """The value at a dotted path of a scenario mapping (list items by number or name)."""
    node: Any = data
    for part in path.split("."):
        node = node[_list_index(node, part, "", path)] if isinstance(node, list) else node[part]
    return node


def _unwrap(annotation: Any) -> Any:
    """Strip ``Annotated`` and ``X | None`` from an annotation."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation
            annotation = args[0]
        else:
            return annotation


def _schema_at(parts: Iterable[str]) -> Any:
    """Annotation at a path of the Scenario schema, or ``None`` if the path leaves the schema."""
    current: Any = Scenario
    for part in parts:
        current = _unwrap(current)
        origin = typing.get_origin(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(part)
            if field is None:
                return None
            current = field.annotation
        elif origin is list:
            current = typing.get_args(current)[0]
        elif origin is dict:
            current = typing.get_args(current)[1]
        else:
            return Any
    return current


def _default_at(parts: list[str]) -> Any:
    """The schema's default at a path as plain data (so ``set:`` can change one item of it).

    A section without a default is an empty mapping (pydantic fills it); a list without a default
    is None (there is nothing to change one item of).
    """
    parent = _unwrap(_schema_at(parts[:-1]))
    here = _unwrap(_schema_at(parts))
    if isinstance(here, type) and issubclass(here, BaseModel):
        return {}
    field = None
    if isinstance(parent, type) and issubclass(parent, BaseModel):
        field = parent.model_fields.get(parts[-1])
    if field is not None and not field.is_required():
        default = field.get_default(call_default_factory=True)
        if default is not None:
            return TypeAdapter(field.annotation).dump_python(default, mode="json")
    return None if typing.get_origin(here) is list else {}


def _check_schema_path(parts: list[str], source: str) -> None:
    for depth in range(1, len(parts) + 1):
        parent = _unwrap(_schema_at(parts[: depth - 1]))
        where = ".".join(parts[:depth])
        part = parts[depth - 1]
        if typing.get_origin(parent) is list and not part.lstrip("-").isdigit():
            item = _unwrap(typing.get_args(parent)[0])
            keyed = isinstance(item, type) and issubclass(item, BaseModel)
            if not (keyed and ("name" in item.model_fields or "start" in item.model_fields)):
                raise ScenarioError(
                    source, where, f"{'.'.join(parts[: depth - 1])} is a list: use a 0-based number"
                )
        if _schema_at(parts[:depth]) is None:
            raise ScenarioError(source, where, _unknown_key(parts[depth - 1], parent))
        is_model = isinstance(parent, type) and issubclass(parent, BaseModel)
        if parent is not Any and not is_model and typing.get_origin(parent) not in (list, dict):
            raise ScenarioError(
                source, where, f"{'.'.join(parts[: depth - 1])} is a single value, not a mapping"
            )


def _unknown_key(key: str, model: Any) -> str:
    fields = list(model.model_fields) if isinstance(model, type) else []
    close = difflib.get_close_matches(str(key), fields, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}?" if close else f"valid keys: {', '.join(fields)}"
    return f"unknown key {key!r} ({hint})"


# ----------------------------------------------------------------------------- validation


def _describe(error: dict) -> tuple[str, str]:
    """Key path and one-line problem of a pydantic error, with a suggestion for unknown keys."""
    loc = [str(part) for part in error["loc"]]
    message = error["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if error["type"] == "extra_forbidden":
        return ".".join(loc), _unknown_key(loc[-1], _unwrap(_schema_at(loc[:-1])))
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
    for path, value in values.items():
        value = value.item() if hasattr(value, "item") else value  # numpy scalars -> Python
        apply_override(data, path.split("."), value, source)
    return validate(data, source)


def validate(data: Mapping, source: str | Path) -> Scenario:
    """Validate a mapping as a Scenario; every problem found goes into one ScenarioError.

    Raises:
        ScenarioError: whose ``lines`` name every problem, one line each.

    """
    try:
        return Scenario.model_validate(data)
    except ValidationError as error:
        problems = [
            _describe({**item, "msg": message})
            for item in error.errors(include_url=False)
            for message in item["msg"].split("\n")  # cross-checks report several at once
        ]
        (path, problem), *more = problems
        raise ScenarioError(source, path, problem, more) from None


def load_data(file: str | Path, overrides: Iterable[str] = ()) -> dict:
    """The merged, overridden mapping of a scenario file, before validation.

    A file that does not set ``name`` itself is named after the file (``plan_colombia.yaml`` ->
    ``plan_colombia``), so a child scenario never writes its results under its parent's name.
    """
    file = Path(file)
    own = read_yaml(file)
    data = resolve_extends(file)
    if "name" not in own and (name := name_from_file(file)):
        data["name"] = name
    for text in overrides:
        parts, value = parse_override(text, file)
        apply_override(data, parts, value, f"{file}: --set {text}")
    return data


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
        ScenarioError: for any bad input, with a one-line message naming the file and key path.

    """
    file = find_scenario(file)
    return validate(load_data(file, overrides), file)


def find_scenario(name: str | Path) -> Path:
    """A scenario file by path, or a shipped scenario by bare name (``baseline``)."""
    path = Path(name)
    if path.exists() or path.suffix in (".yaml", ".yml") or len(path.parts) > 1:
        return path
    shipped = SCENARIOS_DIR / f"{name}.yaml"
    return shipped if shipped.is_file() else path


def shipped_scenarios() -> list[Path]:
    """Scenario files shipped in ``scenarios/``, sorted by name.

    Files whose name starts with ``_`` are building blocks other scenarios extend, not scenarios.
    """
    return sorted(f for f in SCENARIOS_DIR.glob("*.yaml") if not f.name.startswith("_"))


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
