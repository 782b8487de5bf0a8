"""Fuzzing scenario files: any mutation of a shipped scenario runs or fails in one clear line.

Hypothesis mutates every shipped scenario (wrong types, out-of-range values, missing and extra keys,
NaN and infinity, huge numbers, unicode names, empty lists, broken YAML text, ``--set`` at odd
paths) and feeds it to ``balloon validate`` in this process. Every outcome must be exit 0 or exit 2
with one line per problem on stderr, each naming the file; a scenario that validates must also ``balloon run`` (a few
months at a tiny scale) and write finite, non-negative outputs. ``main()`` runs in-process for
speed; a few real subprocesses check the installed command behaves the same.

``FUZZ_EXAMPLES=N`` scales the number of examples; ``FUZZ_RANDOM=1`` explores new examples instead
of the fixed, reproducible set CI runs.
"""

from __future__ import annotations

import contextlib
import copy
import io
import math
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model.cli import main
from model.experiments.results import load_results
from model.experiments.runner import TABLES
from model.scenario.loading import load_data, load_scenario, shipped_scenarios, to_yaml

SHIPPED = shipped_scenarios()
SCALE = int(os.environ.get("FUZZ_EXAMPLES", "1"))
FUZZ = settings(
    deadline=None,
    derandomize=not os.environ.get("FUZZ_RANDOM"),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)
# A valid mutant is run when it is this small (simulated households x months); bigger ones are
# valid but would make the test slow, so they are only validated.
RUN_BUDGET = 3_000 * 6
TINY = {"households": {"scale": 0.002}, "replications": 1}


def tiny(data: dict) -> dict:
    """A scenario's data shrunk to three months at 1 simulated household per 500."""
    data = copy.deepcopy(data)
    data["households"] = {**data.get("households", {}), **TINY["households"]}
    data["replications"] = 1
    start = load_scenario_data(data).start
    month = start.month + 2
    data["end"] = f"{start.year + (month - 1) // 12}-{(month - 1) % 12 + 1:02d}"
    return data


def load_scenario_data(data: dict):
    from model.scenario.loading import validate

    return validate(data, "fuzz")


def full_dump(data: dict) -> dict:
    """Every key spelled out, including the default world's regions and edges."""
    scenario = load_scenario_data(data)
    full = yaml.safe_load(to_yaml(scenario))
    full["world"]["regions"] = [r.model_dump(mode="json") for r in scenario.resolved_regions()]
    full["world"]["edges"] = [e.model_dump(mode="json") for e in scenario.resolved_edges()]
    return full


BASES = {}
for _file in SHIPPED:
    _small = tiny(load_data(_file))
    BASES[_file.stem] = (_small, full_dump(_small))


def dump(data, **options) -> str:
    """YAML text of ``data`` (libyaml's emitter when there is one: the fuzz loop is hot)."""
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(data, Dumper=dumper, **options)


# ----------------------------------------------------------------------------- running the CLI


def balloon(*args: str) -> tuple[int, str, str]:
    """``balloon ARGS`` in this process: exit code, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in args])
    return code, out.getvalue(), err.getvalue()


def assert_one_line_error(err: str, source: str) -> None:
    """One line per problem (at least one), each naming the file; no traceback."""
    lines = err.splitlines()
    assert lines, "no error printed"
    assert len(lines) == len(set(lines)), f"a problem printed twice: {err!r}"
    assert "Traceback" not in err and "internal error" not in err, err
    for line in lines:
        assert source in line, f"the error does not name {source}: {err!r}"


def assert_outputs_finite_and_non_negative(folder: Path) -> None:
    results = load_results(folder)
    for name in TABLES:
        numbers = results.tables[name].select_dtypes("number").to_numpy(float)
        assert np.isfinite(numbers).all(), f"{name}: non-finite output"
        assert (numbers >= 0).all(), f"{name}: negative output"


def check_file(file: Path, *overrides: str, run: bool = True) -> str:
    """Validate a scenario file; if valid and small, run it. Returns ``ok``, ``ran`` or ``bad``."""
    sets = [f"--set={o}" for o in overrides]
    code, _, err = balloon("validate", file, "--quiet", *sets)
    assert code in (0, 2), err
    if code == 2:
        assert_one_line_error(err, str(file))
        return "bad"
    assert err == ""
    scenario = load_scenario(file, overrides)
    simulated = scenario.households.full_scale_households * scenario.households.scale
    if not run or simulated * scenario.months * scenario.replications > RUN_BUDGET:
        return "ok"
    out = file.parent / "run"
    code, stdout, err = balloon("run", file, *sets, "--workers", "1", "--quiet", "--out", out)
    assert code == 0, err
    assert stdout.strip() == str(out)
    assert_outputs_finite_and_non_negative(out)
    return "ran"


# ----------------------------------------------------------------------------- mutations

WEIRD = st.one_of(
    st.sampled_from(
        [
            None,
            True,
            False,
            "",
            " ",
            "abc",
            [],
            {},
            [1, 2],
            {"x": 1},
            [[]],
            [{}],
            math.nan,
            math.inf,
            -math.inf,
            0,
            -1,
            -1e-9,
            0.5,
            1.5,
            1e308,
            -1e308,
            10**30,
            2**63,
            2**64,
            -(2**63),
            5e-324,
            "1e999",
            ".nan",
            "2023-13",
            "0000-01",
            "9999-12",
            "1990-01",
            "1990-01-31",
            "Perú",
            "名前",
            "🙂",
            "a\nb",
            "\u2028x",
            "\x00",
            "../../x",
            "/etc/passwd",
            "C:\\x",
            "peru",
            "colombia",
            "upper_huallaga",
            "x" * 200,
        ]
    ),  # fmt: skip
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
).map(copy.deepcopy)  # sampled lists and dicts are shared objects: a mutation must not reach them
KEYS = st.one_of(
    st.sampled_from(["extra", "Name", "scale", "régions", "名前", "🙂", "a b", "a\nb", "0", ""]),
    st.text(min_size=1, max_size=8),
)


def paths(node, prefix=()):
    """Every node's path in nested mappings and lists, the root included."""
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from paths(value, (*prefix, i))


def get(node, path):
    for part in path:
        node = node[part]
    return node


def mutate(draw, data: dict) -> None:
    """Apply one random mutation to ``data`` in place."""
    path = draw(st.sampled_from(list(paths(data))))
    node = get(data, path)
    parent = get(data, path[:-1]) if path else None
    kind = draw(
        st.sampled_from(["replace", "replace", "scale", "delete", "extra", "empty", "copy",
                         "duplicate"])
    )  # fmt: skip
    if kind == "delete" and path:
        del parent[path[-1]]
    elif kind == "extra" and isinstance(node, dict):
        node[draw(KEYS)] = draw(WEIRD)
    elif kind == "empty" and isinstance(node, dict | list):
        node.clear()
    elif kind == "duplicate" and isinstance(node, list) and node:
        node.append(copy.deepcopy(node[draw(st.integers(0, len(node) - 1))]))
    elif kind == "scale" and isinstance(node, int | float) and not isinstance(node, bool) and path:
        factor = draw(st.sampled_from([-1, 0, 0.5, 2, 10, 1e6, 1e300, -1e300]))
        parent[path[-1]] = node * factor
    elif kind == "copy" and path:
        # A value from elsewhere in the scenario: a country where a region belongs, and so on.
        other = draw(st.sampled_from(list(paths(data))))
        parent[path[-1]] = copy.deepcopy(get(data, other))
    elif path:
        parent[path[-1]] = draw(WEIRD)
    else:
        data[draw(KEYS)] = draw(WEIRD)


@st.composite
def mutants(draw) -> tuple[str, dict]:
    name = draw(st.sampled_from(sorted(BASES)))
    data = copy.deepcopy(BASES[name][draw(st.integers(0, 1))])
    for _ in range(draw(st.integers(1, 3))):
        mutate(draw, data)
    return name, data


# ----------------------------------------------------------------------------- the fuzz tests


@settings(FUZZ, max_examples=700 * SCALE)
@given(mutant=mutants())
def test_mutated_scenario_files_run_or_fail_in_one_line(mutant):
    name, data = mutant
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / f"{name}.yaml"
        file.write_text(dump(data, allow_unicode=True, sort_keys=False), "utf-8")
        check_file(file)


@settings(FUZZ, max_examples=250 * SCALE)
@given(
    name=st.sampled_from(sorted(BASES)),
    cut=st.floats(0, 1),
    junk=st.sampled_from(
        [
            "",
            ":",
            "- ",
            "\t",
            "{",
            "]",
            "&a",
            "*a",
            "!!python/object:os.system",
            "? ",
            "%YAML 9",
            "\x00",
            "\ufeff",
            "'",
            '"\\',
            "<<: *x",
        ]
    ),  # fmt: skip
)
def test_broken_yaml_text_fails_in_one_line(name, cut, junk):
    text = dump(BASES[name][0], allow_unicode=True, sort_keys=False)
    at = int(cut * len(text))
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / f"{name}.yaml"
        file.write_text(text[:at] + junk + text[at:], "utf-8")
        check_file(file, run=False)  # the other tests run what validates


JUNK_PARTS = st.one_of(
    st.sampled_from(["households", "scale", "policies", "0", "-1", "999", "schedule", "value",
                     "world", "regions", "region_overrides", "chapare", "", " ", "名前"]),
    st.text(max_size=6),
)  # fmt: skip


@settings(FUZZ, max_examples=250 * SCALE)
@given(name=st.sampled_from(sorted(BASES)), choice=st.data(), value=WEIRD)
def test_set_overrides_run_or_fail_in_one_line(name, choice, value):
    base = BASES[name][0]
    known = st.sampled_from([".".join(map(str, p)) for p in paths(base) if p])
    path = choice.draw(st.one_of(known, st.lists(JUNK_PARTS, min_size=1, max_size=4).map(".".join)))
    text = dump(value, default_flow_style=True, allow_unicode=True, width=10**6)
    text = text.removesuffix("\n").removesuffix("\n...").strip()
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / f"{name}.yaml"
        file.write_text(dump(base, allow_unicode=True), "utf-8")
        check_file(file, f"{path}={text}")


# Bad inputs the fuzzer found (each once crashed, overflowed or printed more than one line).
FOUND = {
    "empty world": ("world: {regions: []}\n", [], "world.regions: is empty"),
    "no country kept": ("world: {countries: []}\n", [], "world.countries: keeps no region"),
    "unknown country kept": ("world: {countries: [nowhere]}\n", [], "unknown country 'nowhere'"),
    "twin traffickers": (
        "traffickers: {organisations: [{name: a}, {name: a}]}\n", [], "is given twice"),
    "huge price": ("market: {source_price_usd_kg: 6.7e307}\n", [], "market.source_price_usd_kg"),
    "huge area": (
        "world: {region_overrides: {chapare: {suitable_ha: 1e300}}}\n", [], "suitable_ha"),
    "no land": ("households: {mean_land_ha: 5e-324}\n", [], "households.mean_land_ha"),
    "room for 1e9": ("households: {spare_capacity: 1e9}\n", [], "spare_capacity"),
    "line separator in a key": ("households: {\"a\\u2028b\": 1}\n", [], "a\\u2028b"),
    "control character in --set": ("{}\n", ["\x1e=1"], "--set \\x1e=1"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(FOUND))
def test_inputs_found_by_fuzzing_fail_in_one_line(tmp_path, case):
    text, overrides, fragment = FOUND[case]
    file = tmp_path / "found.yaml"
    file.write_text(text, encoding="utf-8")
    assert check_file(file, *overrides) == "bad"
    _, _, err = balloon("validate", file, *[f"--set={o}" for o in overrides])
    assert fragment in err


def test_command_line_mistakes_are_one_line(tmp_path):
    for args in (["run"], ["run", "x", "--set"], ["run", "x", "--replications", "-1"], ["nope"]):
        err = io.StringIO()
        with contextlib.redirect_stderr(err), pytest.raises(SystemExit) as stop:
            main(args)
        assert stop.value.code == 2
        assert len(err.getvalue().splitlines()) == 1 and "--help" in err.getvalue(), err.getvalue()


# ----------------------------------------------------------------------------- real processes

BAD = {
    "nan.yaml": "households: {scale: .nan}\n",
    "huge.yaml": "seed: 1e400\n",
    "unicode.yaml": "name: perú\n",
    "empty_world.yaml": "world: {regions: []}\n",
    "wrong_type.yaml": "policies: {instrument: aid_budget}\n",
    "extra_key.yaml": "households: {名前: 1}\n",
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_installed_command_reports_bad_input_in_one_line(tmp_path, name):
    file = tmp_path / name
    file.write_text(BAD[name], encoding="utf-8")
    script = Path(sys.executable).with_name("balloon")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "model.cli"]
    done = subprocess.run(
        [*command, "run", str(file), "--workers", "1"],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    assert_one_line_error(done.stderr, str(file))
    assert done.stderr.startswith("balloon: error: ")
    assert not (tmp_path / "results").exists()


# ----------------------------------------------------------------------------- dated inputs

YEARS = st.one_of(
    st.integers(min_value=1880, max_value=2250),
    st.sampled_from([1990, 2000, 2012, "1990", "abc", "1990-06", 1990.5, True, None, -1, 10**20]),
)
SERIES = st.one_of(
    st.dictionaries(YEARS, st.one_of(st.floats(allow_nan=True, allow_infinity=True), WEIRD),
                    max_size=5),
    st.dictionaries(st.integers(1950, 2050), st.floats(0.01, 20), min_size=1, max_size=5),
    WEIRD,
)  # fmt: skip
DATED_PATHS = [
    ("market", "consumer_markets", 0, "index"),
    ("market", "consumer_markets", -1, "index"),
    ("world", "yields", "colombia", "leaf_yield_index"),
    ("world", "yields", "peru", "cocaine_per_tonne_leaf_kg"),
    ("world", "yields", "bolivia", "leaf_yield_index"),
]


@st.composite
def dated_mutants(draw) -> tuple[str, dict]:
    """A shipped scenario whose demand or yield series, or consumer markets, are mangled."""
    name = draw(st.sampled_from(sorted(BASES)))
    data = copy.deepcopy(BASES[name][1])  # every key spelled out, the dated series included
    markets = len(data["market"]["consumer_markets"])
    for _ in range(draw(st.integers(1, 2))):
        what = draw(st.sampled_from(["series", "series", "markets", "share", "country"]))
        if what == "series":
            path, value = draw(st.sampled_from(DATED_PATHS)), draw(SERIES)
        elif what == "markets":
            path = ("market", "consumer_markets")
            value = draw(st.one_of(
                st.lists(st.fixed_dictionaries({"name": st.sampled_from(["a", "b", "A b", ""]),
                                                "share": WEIRD, "index": SERIES}), max_size=3),
                WEIRD))  # fmt: skip
        elif what == "share":
            path = ("market", "consumer_markets", draw(st.integers(0, markets - 1)), "share")
            value = draw(WEIRD)
        else:  # yields of a country the world lacks, or of a known one, in any shape
            path = ("world", "yields", draw(st.sampled_from(["chile", "peru", "名前"])))
            value = draw(SERIES)
        with contextlib.suppress(KeyError, IndexError, TypeError):  # an earlier change moved it
            get(data, path[:-1])[path[-1]] = value
    return name, data


@settings(FUZZ, max_examples=200 * SCALE)
@given(mutant=dated_mutants())
def test_mangled_demand_and_yield_series_run_or_fail_in_one_line(mutant):
    name, data = mutant
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / f"{name}.yaml"
        file.write_text(dump(data, allow_unicode=True, sort_keys=False), "utf-8")
        check_file(file)


# ----------------------------------------------------------------------------- package data files

from model.experiments import data_files, observed, observed_market, observed_regions  # noqa: E402

DATA = Path(data_files.data_path("README.md")).parent
LOADERS = {
    observed.CULTIVATION_FILE: [observed.cultivation],
    observed.ERADICATION_FILE: [observed.eradication],
    observed.EVENTS_FILE: [observed.events],
    observed.PRODUCTION_FILE: [observed.cocaine_production],
    observed_regions.REGIONAL_FILE: [observed_regions.regional_cultivation],
    observed_regions.REGION_LEVELS_FILE: [observed_regions.region_levels,
                                          observed_regions.regional_cultivation],
    observed_regions.MODEL_MAPPING_FILE: [observed_regions.model_region_mapping],
    observed_regions.OUTLINES_FILE: [observed_regions.country_outlines],
    observed_market.SOURCES_FILE: [observed_market.source_ids],
    **{name: [lambda name=name: observed_market.market_table(name)]
       for name in observed_market.MARKET_FILES},
}  # fmt: skip


def damage(draw, text: str) -> bytes:
    """One way a data file gets damaged: cut, junk, a field or line changed, binary, empty."""
    lines = text.splitlines(keepends=True)
    how = draw(st.sampled_from(["cut", "junk", "field", "drop line", "header", "bytes", "empty",
                                "duplicate", "latin-1"]))  # fmt: skip
    if how == "cut":
        text = text[: draw(st.integers(0, len(text)))]
    elif how == "junk":
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from([",", '"', "\n", ",,,", "{", "]", "\x00", "é"])
                                ) + text[at:]  # fmt: skip
    elif how == "field" and len(lines) > 1:
        i = draw(st.integers(1, len(lines) - 1))
        fields = lines[i].rstrip("\n").split(",")
        fields[draw(st.integers(0, len(fields) - 1))] = draw(
            st.sampled_from(["", "x", "-1", "nan", "1e999", "maybe", "2023-13-45", '"'])
        )
        lines[i] = ",".join(fields) + "\n"
        text = "".join(lines)
    elif how == "drop line" and lines:
        del lines[draw(st.integers(0, len(lines) - 1))]
        text = "".join(lines)
    elif how == "header" and lines:
        text = "".join(lines[1:])
    elif how == "duplicate" and len(lines) > 1:
        text = text + lines[-1] if text.endswith("\n") else text + "\n" + lines[-1]
    elif how == "bytes":
        return draw(st.binary(max_size=64))
    elif how == "empty":
        return b""
    elif how == "latin-1":
        return text.replace("e", "é", 3).encode("latin-1", "replace")
    return text.encode("utf-8")


@pytest.fixture(scope="module")
def data_copy(tmp_path_factory) -> Path:
    """A copy of the package's data files, for the fuzzer to damage."""
    import shutil

    copy_of = tmp_path_factory.mktemp("data") / "data"
    shutil.copytree(DATA, copy_of)
    return copy_of


@settings(FUZZ, max_examples=300 * SCALE)
@given(name=st.sampled_from(sorted(LOADERS)), choice=st.data(), missing=st.booleans())
def test_damaged_or_missing_data_files_fail_in_one_line_naming_the_file(
    data_copy, name, choice, missing
):
    file = data_copy / name
    original = (DATA / name).read_bytes()
    if missing and choice.draw(st.integers(0, 3)) == 0:
        file.unlink()
    else:
        file.write_bytes(damage(choice.draw, original.decode("utf-8")))
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(data_files, "data_path", lambda part: data_copy / part)
            for load in LOADERS[name]:
                try:
                    load()
                except data_files.DataFileError as error:
                    message = str(error)
                    assert "\n" not in message and "Traceback" not in message
                    assert message.startswith(str(data_copy)), message
                    assert "reinstall balloon-effect" in message
    finally:
        file.write_bytes(original)


def test_calibrate_with_a_damaged_data_file_says_which_in_one_line(tmp_path, monkeypatch):
    shutil_copy = __import__("shutil").copytree
    data = shutil_copy(DATA, tmp_path / "data")
    monkeypatch.setattr(data_files, "data_path", lambda part: data / part)
    file = data / observed.CULTIVATION_FILE
    for damaged in (None, file.read_text().replace("1990,peru", "1990,colombia")):
        if damaged is None:
            file.unlink()
        else:
            file.write_text(damaged)  # two values for one country and year
        code, out, err = balloon("calibrate", "andes_history", "--quiet", "--out", tmp_path / "o")
        assert code == 2 and out == ""
        assert_one_line_error(err, str(file))
        assert err.startswith("balloon: error: ") and "reinstall balloon-effect" in err
    assert not (tmp_path / "o").exists()
