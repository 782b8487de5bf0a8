"""Scenario files: safe YAML, extends, --set, and one clear line for every kind of bad input."""

from pathlib import Path

import pytest

from model.cli import main
from model.scenario.loading import (
    ScenarioError,
    deep_merge,
    load_data,
    load_scenario,
    to_yaml,
    validate,
)
from model.scenario.paths import parse_override


def write(folder: Path, name: str, text: str) -> Path:
    file = folder / name
    file.write_text(text, encoding="utf-8")
    return file


def bad_input(capsys, args: list[str], *fragments: str) -> str:
    """Run the CLI on bad input: exit 2, one line on stderr containing every fragment, no traceback."""
    code = main(args)
    err = capsys.readouterr().err
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in err, (fragment, err)
    return err.strip()


POLICY = """
policies:
  - instrument: manual_eradication
    country: {country}
    schedule: [{{start: 1995-01, value: {value}}}]
"""


NAMED = """
policies:
  - name: peru_manual
    instrument: manual_eradication
    country: peru
    schedule: [{start: 1995-01, value: 1000}, {start: 1997-01, value: 3000}]
  - name: bolivia_manual
    instrument: manual_eradication
    country: bolivia
    schedule: [{start: 1996-01, value: 500}]
"""


# ----------------------------------------------------------------------------- bad input, one each


def test_malformed_yaml(tmp_path, capsys):
    file = write(tmp_path, "broken.yaml", "name: x\nhouseholds: {scale: [0.1\n")
    bad_input(capsys, ["validate", str(file)], str(file), "line 3", "malformed YAML")


def test_missing_file(tmp_path, capsys):
    missing = tmp_path / "nowhere.yaml"
    bad_input(capsys, ["run", str(missing)], str(missing), "file not found")


def test_the_projects_path_from_another_folder_names_the_shipped_scenario(tmp_path, capsys,
                                                                         monkeypatch):  # fmt: skip
    monkeypatch.chdir(tmp_path)
    bad_input(capsys, ["validate", "scenarios/counterfactuals/no_plan_colombia.yaml"],
              "file not found here; the shipped scenario runs from any folder as "
              "counterfactuals/no_plan_colombia")  # fmt: skip
    assert main(["validate", "counterfactuals/no_plan_colombia"]) == 0


def test_a_misspelt_shipped_name_suggests_the_close_ones(capsys):
    shown = "balloon list shows them all"
    bad_input(capsys, ["run", "plan_columbia"], "plan_columbia: no such file, nor a shipped scenario",
              "did you mean plan_colombia", shown)  # fmt: skip
    bad_input(capsys, ["show", "no_plan_colombia"], "counterfactuals/no_plan_colombia", shown)
    err = bad_input(capsys, ["validate", "nothing_like_it"], shown)
    assert "did you mean" not in err


def test_unknown_key_suggests_the_closest(tmp_path, capsys):
    file = write(tmp_path, "typo.yaml", "households:\n  scalee: 0.1\n")
    bad_input(
        capsys,
        ["validate", str(file)],
        str(file),
        "households.scalee",
        "unknown key 'scalee'",
        "did you mean 'scale'?",
    )


def test_a_key_close_to_none_lists_the_valid_keys_instead_of_guessing(tmp_path, capsys):
    write(tmp_path, "named.yaml", NAMED)
    file = write(
        tmp_path, "child.yaml", "extends: named.yaml\nset:\n  policies.peru_manual.strenght: 2\n"
    )
    bad_input(
        capsys,
        ["validate", str(file)],
        f"{file}: set: policies.peru_manual.strenght: unknown key 'strenght' (valid keys: name, ",
        "instrument, country, region, schedule, note, scale, kill_rate)",
    )


def test_unknown_top_level_key_suggests_the_closest(tmp_path):
    file = write(tmp_path, "typo.yaml", "polices: []\n")
    with pytest.raises(
        ScenarioError, match=r"polices: unknown key 'polices' \(did you mean 'policies'"
    ):
        load_scenario(file)


def test_wrong_type(tmp_path, capsys):
    file = write(tmp_path, "type.yaml", "replications: many\n")
    bad_input(
        capsys, ["validate", str(file)], str(file), "replications:", "valid integer", "'many'"
    )


def test_negative_area(tmp_path, capsys):
    file = write(tmp_path, "negative.yaml", POLICY.format(country="peru", value=-5000))
    bad_input(
        capsys,
        ["validate", str(file)],
        str(file),
        "policies.0.schedule.0.value",
        "greater than or equal to 0",
        "-5000",
    )


def test_negative_budget(tmp_path, capsys):
    text = (
        "policies:\n  - instrument: aid_budget\n    schedule: [{start: 2000-01, value: -1.0e9}]\n"
    )
    file = write(tmp_path, "budget.yaml", text)
    bad_input(capsys, ["validate", str(file)], "policies.0.schedule.0.value", "greater than")


def test_negative_suitable_area_of_a_region(tmp_path, capsys):
    file = write(
        tmp_path, "area.yaml", "world:\n  region_overrides:\n    chapare: {suitable_ha: -1}\n"
    )
    bad_input(capsys, ["validate", str(file)], str(file), "suitable_ha")


def test_a_bad_region_override_is_named_in_full_and_hides_no_other_problem(tmp_path, capsys):
    text = ("start: 2000-01\nend: 1999-06\nworld:\n  region_overrides:\n"
            "    chapare: {suitable_ha: -1}\n    vraem: {suitabel_ha: 3}\n")  # fmt: skip
    file = write(tmp_path, "overrides.yaml", text)
    assert bad_lines(capsys, ["validate", str(file)]) == [
        f"{file}: end: 1999-06 is before start 2000-01",
        f"{file}: world.region_overrides.chapare.suitable_ha: Input should be greater than or "
        "equal to 0 (got -1.0)",
        f"{file}: world.region_overrides.vraem.suitabel_ha: unknown key 'suitabel_ha' (did you "
        "mean 'suitable_ha'?)",
    ]
    key = "world.region_overrides.chapare.suitable_ha"
    child = write(tmp_path, "child.yaml", f"set:\n  {key}: -1\n")
    assert bad_lines(capsys, ["validate", str(child)]) == [
        f"{child}: set: {key}: Input should be greater than or equal to 0 (got -1.0)"
    ]


def test_end_before_start(tmp_path, capsys):
    file = write(tmp_path, "dates.yaml", "start: 2000-01\nend: 1999-06\n")
    bad_input(capsys, ["validate", str(file)], f"{file}: end: 1999-06 is before start 2000-01")


def test_policy_names_unknown_country(tmp_path, capsys):
    file = write(tmp_path, "country.yaml", POLICY.format(country="ecuador", value=1000))
    bad_input(
        capsys,
        ["validate", str(file)],
        str(file),
        "policies.0.country",
        "unknown country 'ecuador'",
    )


def test_policy_names_unknown_region(tmp_path, capsys):
    text = (
        "policies:\n  - instrument: manual_eradication\n    region: atlantis\n"
        "    schedule: [{start: 1995-01, value: 10}]\n"
    )
    file = write(tmp_path, "region.yaml", text)
    bad_input(capsys, ["validate", str(file)], "policies.0.region", "unknown region 'atlantis'")


def test_overlapping_schedule_entries(tmp_path, capsys):
    text = (
        "policies:\n  - instrument: manual_eradication\n    country: peru\n    schedule:\n"
        "      - {start: 1995-01, value: 1000, end: 1999-01, end_value: 0}\n"
        "      - {start: 1997-01, value: 500}\n"
    )
    file = write(tmp_path, "overlap.yaml", text)
    bad_input(capsys, ["validate", str(file)], str(file), "policies.0", "overlap")


def test_python_object_tag_is_refused_and_not_executed(tmp_path, capsys):
    marker = tmp_path / "executed"
    text = f"households:\n  scale: !!python/object/apply:os.system ['touch {marker}']\n"
    file = write(tmp_path, "tag.yaml", text)
    bad_input(
        capsys,
        ["validate", str(file)],
        str(file),
        "households.scale",
        "!!python/object/apply:os.system",
        "not allowed",
    )
    assert not marker.exists()


def test_extends_cycle(tmp_path, capsys):
    write(tmp_path, "a.yaml", "extends: b.yaml\n")
    write(tmp_path, "b.yaml", "extends: c.yaml\n")
    write(tmp_path, "c.yaml", "extends: a.yaml\n")
    bad_input(
        capsys,
        ["validate", str(tmp_path / "a.yaml")],
        "extends: cycle: a.yaml -> b.yaml -> c.yaml -> a.yaml",
    )


def test_extends_itself(tmp_path):
    file = write(tmp_path, "self.yaml", "extends: self.yaml\n")
    with pytest.raises(ScenarioError, match="extends: cycle: self.yaml -> self.yaml"):
        load_scenario(file)


def test_extends_missing_file(tmp_path, capsys):
    file = write(tmp_path, "child.yaml", "extends: parent.yaml\n")
    bad_input(capsys, ["validate", str(file)], str(file), "extends", "parent.yaml not found")


def test_bad_set_path_unknown_key(tmp_path, capsys):
    file = write(tmp_path, "ok.yaml", "end: 1991-01\n")
    bad_input(
        capsys,
        ["run", str(file), "--set", "housholds.scale=0.1"],
        str(file),
        "--set housholds.scale=0.1",
        "unknown key 'housholds'",
        "did you mean 'households'?",
    )


def test_bad_set_path_into_a_single_value(tmp_path, capsys):
    file = write(tmp_path, "ok.yaml", "end: 1991-01\n")
    bad_input(
        capsys,
        ["validate", str(file), "--set", "seed.low=3"],
        "seed.low",
        "seed is a single value",
    )


def test_bad_set_without_equals(tmp_path, capsys):
    file = write(tmp_path, "ok.yaml", "end: 1991-01\n")
    bad_input(capsys, ["show", str(file), "--set", "households.scale"], "path.to.key=value")


def test_bad_set_list_index(tmp_path, capsys):
    file = write(tmp_path, "p.yaml", POLICY.format(country="peru", value=1000))
    bad_input(
        capsys,
        ["show", str(file), "--set", "policies.3.note=x"],
        "policies.3",
        "the list has 1 item(s)",
    )
    # A word addresses an item by name: none has one here, and the line says so.
    bad_input(
        capsys,
        ["show", str(file), "--set", "policies.first.note=x"],
        "policies.first",
        "no item named 'first'",
        "its items have no name",
    )
    named = write(tmp_path, "named.yaml", NAMED)
    bad_input(
        capsys,
        ["show", str(named), "--set", "policies.peru_aerial.scale=2"],
        "no item named 'peru_aerial'",
    )
    bad_input(  # a new named item must be a whole mapping, not a value
        capsys, ["show", str(named), "--set", "policies.peru_aerial=3"], "no item named"
    )
    bad_input(  # schedule entries by start month: the months it has
        capsys,
        ["show", str(named), "--set", "policies.peru_manual.schedule.1996-01.value=3"],
        "no item named '1996-01'",
        "1995-01, 1997-01",
    )


def test_a_missing_named_item_lists_the_names_in_full(tmp_path, capsys):
    named = write(tmp_path, "named.yaml", NAMED)
    bad_input(
        capsys,
        ["show", str(named), "--set", "policies.peru_aerial.scale=2"],
        "items are named peru_manual, bolivia_manual",
    )


def test_bad_set_value_type(tmp_path, capsys):
    file = write(tmp_path, "ok.yaml", "end: 1991-01\n")
    bad_input(capsys, ["validate", str(file), "--set", "households.scale=lots"], "households.scale")


def test_name_cannot_escape_the_results_folder(tmp_path, capsys):
    file = write(tmp_path, "evil.yaml", "name: ../../etc\n")
    bad_input(capsys, ["validate", str(file)], str(file), "name:", "pattern")


def test_top_level_must_be_a_mapping(tmp_path, capsys):
    file = write(tmp_path, "list.yaml", "- a\n- b\n")
    bad_input(capsys, ["validate", str(file)], str(file), "mapping")


def bad_lines(capsys, args: list[str]) -> list[str]:
    """Run the CLI on bad input: exit 2, no traceback; the lines on stderr."""
    code = main(args)
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    return err.strip().splitlines()


def test_several_problems_are_counted_on_one_line(tmp_path):
    file = write(tmp_path, "two.yaml", "replications: 0\nseed: -1\n")
    with pytest.raises(ScenarioError, match=r"and 1 more problem"):
        load_scenario(file)


# ----------------------------------------------------------------------------- set: and --set problems

FIVE_BAD_SETS = """\
extends: named.yaml
set:
  households.planting_rate: -0.2
  households.plantng_rate: 0.1
  policies.peru_manual.schedule.2000-13.end_value: 0.3
  policies.no_such_policy.scale: 1.2
  market.demand_elasticity: abc
"""
FIVE_KEYS = [
    "households.planting_rate",
    "households.plantng_rate",
    "policies.peru_manual.schedule.2000-13.end_value",
    "policies.no_such_policy.scale",
    "market.demand_elasticity",
]


@pytest.mark.parametrize("command", ["validate", "run"])
def test_every_problem_of_a_set_block_has_its_own_line(tmp_path, capsys, command):
    write(tmp_path, "named.yaml", NAMED)
    file = write(tmp_path, "five.yaml", FIVE_BAD_SETS)
    prefix = "balloon: error: " if command == "run" else ""
    args = [command, str(file)] + (
        ["--results-root", str(tmp_path / "results")] * (command == "run")
    )
    lines = bad_lines(capsys, args)
    assert [
        line.removeprefix(f"{prefix}{file}: set: ").split(": ")[0] for line in lines
    ] == FIVE_KEYS
    assert all(line.startswith(f"{prefix}{file}: set: ") for line in lines), lines
    assert "(got -0.2)" in lines[0] and "(got 'abc')" in lines[4]
    assert not (tmp_path / "results").exists()


def test_every_bad_set_option_has_its_own_line(tmp_path, capsys):
    file = write(tmp_path, "named.yaml", NAMED)
    options = ["households.planting_rate=-0.2", "households.plantng_rate=0.1", "seed",
               "policies.no_such_policy.scale=1.2", "market.demand_elasticity=abc"]  # fmt: skip
    lines = bad_lines(capsys, ["show", str(file)] + [f"--set={o}" for o in options])
    assert len(lines) == len(options), lines
    for line, option in zip(lines, options, strict=True):
        assert line.startswith(f"balloon: error: {file}: --set {option}: "), line


def test_a_value_set_in_a_list_item_is_named_as_written(tmp_path, capsys):
    named = write(tmp_path, "named.yaml", NAMED)
    key = "policies.peru_manual.schedule.1997-01.value"
    below_zero = "Input should be greater than or equal to 0 (got -5)"
    file = write(tmp_path, "child.yaml", f"extends: named.yaml\nset:\n  {key}: -5\n")
    assert bad_lines(capsys, ["validate", str(file)]) == [f"{file}: set: {key}: {below_zero}"]
    assert bad_lines(capsys, ["validate", str(named), "--set", f"{key}=-5"]) == [
        f"{named}: --set {key}=-5: {key}: {below_zero}"
    ]
    whole = "policies.peru_manual.schedule.1997-01"  # an entry set whole: the key within it
    assert bad_lines(capsys, ["validate", str(named), "--set", f"{whole}={{value: -5}}"]) == [
        f"{named}: --set {whole}={{value: -5}}: {whole}.value: {below_zero}"
    ]


def test_a_value_a_later_file_replaced_is_the_later_files_problem(tmp_path, capsys):
    write(tmp_path, "parent.yaml", "set:\n  households.planting_rate: 0.1\n")
    child = write(tmp_path, "child.yaml", "extends: parent.yaml\nhouseholds: {planting_rate: -1}\n")
    assert bad_lines(capsys, ["validate", str(child)]) == [
        f"{child}: households.planting_rate: Input should be greater than or equal to 0 (got -1)"
    ]


@pytest.mark.parametrize(
    ("month", "problem"),
    [
        ("2000-13", "'2000-13' has month 13: months run 01-12"),
        ("2000-07-15", "'2000-07-15' has a day"),
        ("first", "'first' is not a month: write YYYY-MM"),
        ("1995-01-01", "address a schedule entry by its start month as YYYY-MM: 1995-01, not"),
    ],
)
def test_a_schedule_entry_at_an_invalid_month_is_an_invalid_month(tmp_path, capsys, month, problem):
    named = write(tmp_path, "named.yaml", NAMED)
    key = f"policies.peru_manual.schedule.{month}.end_value"
    file = write(tmp_path, "child.yaml", f"extends: named.yaml\nset:\n  {key}: 0.3\n")
    (line,) = bad_lines(capsys, ["validate", str(file)])
    assert line.startswith(f"{file}: set: {key}: {problem}"), line
    assert "no item named" not in line and "set it whole" not in line
    (line,) = bad_lines(capsys, ["validate", str(named), "--set", f"{key}=0.3"])
    assert line.startswith(f"{named}: --set {key}=0.3: {key}: {problem}"), line


def test_how_to_add_a_schedule_entry_is_written_as_where_the_key_was(tmp_path, capsys):
    named = write(tmp_path, "named.yaml", NAMED)
    key = "policies.peru_manual.schedule.2001-01"
    file = write(tmp_path, "child.yaml", f"extends: named.yaml\nset:\n  {key}.value: 0\n")
    (line,) = bad_lines(capsys, ["validate", str(file)])
    assert line.endswith(f"set it whole: set: {{{key}: {{value: ...}}}}"), line
    (line,) = bad_lines(capsys, ["validate", str(named), "--set", f"{key}.value=0"])
    assert line.endswith(f"set it whole: {key}={{value: ...}}"), line


def test_a_bad_value_of_the_file_is_reported_even_when_an_option_replaces_it(tmp_path, capsys):
    file = write(tmp_path, "bad.yaml", "end: 1990-03\nreplications: -3\n")
    problem = f"{file}: replications: Input should be greater than or equal to 1 (got -3)"
    results = tmp_path / "results"
    run = ["run", str(file), "--replications", "1", "--results-root", str(results)]
    assert bad_lines(capsys, run) == [f"balloon: error: {problem}"]
    assert not results.exists()
    assert bad_lines(capsys, ["validate", str(file), "--set", "replications=1"]) == [problem]
    # once, and before the options' own problems
    assert bad_lines(capsys, ["validate", str(file), "--set", "seed=-1"]) == [
        problem,
        f"{file}: --set seed=-1: seed: Input should be greater than or equal to 0 (got -1)",
    ]


# ----------------------------------------------------------------------------- extends and --set


def test_deep_merge_merges_mappings_and_replaces_lists():
    base = {"a": {"x": 1, "y": {"p": 1, "q": 2}}, "items": [1, 2, 3], "keep": True}
    child = {"a": {"y": {"q": 20}, "z": 3}, "items": [9]}
    assert deep_merge(base, child) == {
        "a": {"x": 1, "y": {"p": 1, "q": 20}, "z": 3},
        "items": [9],
        "keep": True,
    }
    assert base["a"]["y"]["q"] == 2  # inputs untouched


def test_extends_chain_resolves_relative_to_each_file(tmp_path):
    (tmp_path / "shared").mkdir()
    write(
        tmp_path / "shared",
        "root.yaml",
        "name: root\nend: 1995-12\nhouseholds: {scale: 0.02, migration_rate: 0.01}\n"
        + POLICY.format(country="peru", value=1000),
    )
    write(tmp_path / "shared", "middle.yaml", "extends: root.yaml\nseed: 7\n")
    child = write(
        tmp_path,
        "child.yaml",
        "extends: shared/middle.yaml\nhouseholds: {scale: 0.05}\n"
        + POLICY.format(country="bolivia", value=50),
    )
    scenario = load_scenario(child)
    assert scenario.name == "child"  # not set in the child: named after its file
    assert scenario.seed == 7
    assert scenario.end.year == 1995
    assert scenario.households.scale == 0.05
    assert scenario.households.migration_rate == 0.01
    assert [p.country for p in scenario.policies] == ["bolivia"]


def test_name_set_in_the_file_wins(tmp_path):
    write(tmp_path, "parent.yaml", "name: parent\n")
    file = write(tmp_path, "child.yaml", "extends: parent.yaml\nname: my_study\n")
    assert load_scenario(file).name == "my_study"


def test_set_values_are_read_as_yaml(tmp_path):
    file = write(tmp_path, "p.yaml", POLICY.format(country="peru", value=1000))
    scenario = load_scenario(
        file,
        [
            "households.scale=0.03",
            "channels.household_migration=false",
            "end=2001-06",
            "policies.0.schedule.0.value=2500",
            "description='a question: with a colon'",
            "world.region_overrides.chapare.suitable_ha=20000",
        ],
    )
    assert scenario.households.scale == 0.03
    assert scenario.channels.household_migration is False
    assert (scenario.end.year, scenario.end.month) == (2001, 6)
    assert scenario.policies[0].schedule[0].value == 2500
    assert scenario.description == "a question: with a colon"
    chapare = next(r for r in scenario.resolved_regions() if r.name == "chapare")
    assert chapare.suitable_ha == 20000


def test_set_can_replace_a_whole_list(tmp_path):
    file = write(tmp_path, "p.yaml", POLICY.format(country="peru", value=1000))
    assert load_scenario(file, ["policies=[]"]).policies == []


def test_set_addresses_list_items_by_name_and_schedule_entries_by_start_month(tmp_path):
    file = write(tmp_path, "named.yaml", NAMED)
    scenario = load_scenario(
        file,
        [
            "policies.bolivia_manual.scale=0.5",
            "policies.peru_manual.schedule.1997-01.value=4000",
            "policies.peru_manual.recorded_until=1996-12",
        ],
    )
    peru, bolivia = scenario.policies
    assert (peru.name, bolivia.name) == ("peru_manual", "bolivia_manual")  # order kept
    assert bolivia.scale == 0.5 and peru.scale == 1.0
    assert [entry.value for entry in peru.schedule] == [1000, 4000]
    assert (peru.recorded_until.year, peru.recorded_until.month) == (1996, 12)
    assert scenario.policies[1].schedule[0].value == 500  # the others untouched


def test_set_adds_a_named_item_and_null_removes_one(tmp_path):
    file = write(tmp_path, "named.yaml", NAMED)
    added = load_scenario(
        file,
        ["policies.peru_aerial={instrument: aerial_eradication, country: peru, "
         "schedule: [{start: 1998-01, value: 2000}]}"],
    )  # fmt: skip
    assert [p.name for p in added.policies] == ["peru_manual", "bolivia_manual", "peru_aerial"]
    assert added.policies[2].instrument == "aerial_eradication"
    removed = load_scenario(file, ["policies.peru_manual=null"])
    assert [p.name for p in removed.policies] == ["bolivia_manual"]
    in_file = write(tmp_path, "child.yaml",
                    "extends: named.yaml\nset:\n  policies.bolivia_manual: null\n"
                    "  policies.peru_manual.schedule.1995-01.value: 10\n")  # fmt: skip
    child = load_scenario(in_file)
    assert [p.name for p in child.policies] == ["peru_manual"]
    assert child.policies[0].schedule[0].value == 10


def test_set_adds_a_schedule_entry_by_its_start_month_in_its_place(tmp_path, capsys):
    file = write(tmp_path, "named.yaml", NAMED)
    middle = load_scenario(file, ["policies.peru_manual.schedule.1996-01={value: 2000}"])
    schedule = middle.policies[0].schedule
    assert [(f"{e.start:%Y-%m}", e.value) for e in schedule] == [
        ("1995-01", 1000), ("1996-01", 2000), ("1997-01", 3000)
    ]  # fmt: skip
    last = load_scenario(file, ["policies.peru_manual.schedule.2001-01={value: 0}"])
    assert f"{last.policies[0].schedule[-1].start:%Y-%m}" == "2001-01"
    # Setting an existing month's entry whole keeps its start.
    replaced = load_scenario(file, ["policies.peru_manual.schedule.1995-01={value: 5}"])
    assert [(f"{e.start:%Y-%m}", e.value) for e in replaced.policies[0].schedule] == [
        ("1995-01", 5), ("1997-01", 3000)
    ]  # fmt: skip
    # A schedule with an item that is not a mapping is a one-line error, not a crash.
    odd = write(tmp_path, "odd.yaml", NAMED.replace("{start: 1995-01, value: 1000}", "1000"))
    bad_input(capsys, ["show", str(odd), "--set", "policies.peru_manual.schedule.1996-01={value: 5}"],
              "policies")  # fmt: skip
    # Setting one key of an entry that is not there says how to add it.
    bad_input(
        capsys,
        ["show", str(file), "--set", "policies.peru_manual.schedule.2001-01.value=0"],
        "no item named '2001-01'",
        "set it whole: policies.peru_manual.schedule.2001-01={value: ...}",
    )


def test_parse_override_splits_on_the_first_equals():
    assert parse_override("description=a=b") == (["description"], "a=b")
    assert parse_override("seed=12") == (["seed"], 12)


def test_shipped_scenario_by_bare_name():
    assert load_scenario("baseline").name == "baseline"


def test_resolved_yaml_round_trips(tmp_path):
    file = write(
        tmp_path, "p.yaml", "end: 1999-12\nseed: 3\n" + POLICY.format(country="peru", value=1000)
    )
    scenario = load_scenario(file)
    text = to_yaml(scenario)
    assert "end: 1999-12\n" in text
    resolved = write(tmp_path, "resolved.yaml", text)
    assert load_scenario(resolved) == scenario
    assert load_data(resolved)["policies"][0]["schedule"][0]["start"] == "1995-01"


def test_validate_names_its_source():
    with pytest.raises(ScenarioError, match=r"^somewhere: seed: "):
        validate({"seed": -3}, "somewhere")


# ----------------------------------------------------------------------------- every problem listed


def problem_lines(capsys, file: Path) -> list[str]:
    """``balloon validate FILE``: it exits with 2; the problems it prints, a line each."""
    assert main(["validate", str(file)]) == 2
    return capsys.readouterr().err.strip().splitlines()


def test_validate_lists_every_field_problem_one_line_each(tmp_path, capsys):
    file = write(
        tmp_path,
        "many.yaml",
        "households: {scale: abc, scalee: 1}\nseed: -1\nmarket: {demand_elasticity: x}\n",
    )
    lines = problem_lines(capsys, file)
    assert len(lines) == 4, lines
    assert all(line.startswith(f"{file}: ") for line in lines)
    paths = {line.split(": ")[1] for line in lines}
    assert paths == {
        "households.scale",
        "households.scalee",
        "seed",
        "market.demand_elasticity",
    }
    assert not any("more problem" in line for line in lines)


def test_validate_lists_every_cross_reference_problem(tmp_path, capsys):
    text = (
        POLICY.format(country="chile", value=10)
        + "  - {instrument: manual_eradication, country: peru, region: narnia,"
        + " schedule: [{start: 1995-01, value: 1}]}\n"
        + "sponsor: {shares: {mars: 1}}\n"
    )
    file = write(tmp_path, "refs.yaml", text)
    lines = problem_lines(capsys, file)
    assert [line.split(": ")[1] for line in lines] == [
        "policies.0.country",
        "policies.1.region",
        "sponsor.shares.country",
    ]
    assert "'chile'" in lines[0] and "'narnia'" in lines[1] and "'mars'" in lines[2]


def test_field_and_reference_problems_come_in_one_report(tmp_path, capsys):
    text = (
        "seed: -1\nhouseholds: {scale: abc}\n"
        + "policies:\n"
        + "  - {instrument: manual_eradication, country: chile, kill_rate: 2,"
        + " schedule: [{start: 1995-01, value: -5}]}\n"
        + "  - {instrument: manual_eradication, country: peru, region: narnia,"
        + " schedule: [{start: 1995-01, value: 1}]}\n"
        + "events: [{date: 1999-01, kind: leader_capture, group: nobody, factor: -1}]\n"
        + "sponsor: {shares: {mars: 1}}\n"
    )
    file = write(tmp_path, "both.yaml", text)
    lines = problem_lines(capsys, file)
    assert [line.split(": ")[1] for line in lines] == [
        "seed",
        "households.scale",
        "policies.0.schedule.0.value",
        "policies.0.kill_rate",
        "events.0.factor",
        "policies.0.country",
        "policies.1.region",
        "events.0.group",
        "sponsor.shares.country",
    ]
    assert "'chile'" in lines[5] and "'narnia'" in lines[6] and "'nobody'" in lines[7]


def test_no_reference_is_called_wrong_when_what_it_names_is_itself_wrong(tmp_path, capsys):
    # A problem in the world or a named list would put the defaults in place of the file's own
    # names: references to them are then not checked, rather than all reported unknown.
    event = "events: [{date: 1999-01, kind: trafficker_exit, trafficker: gang, region: north}]\n"
    region = "{name: north, country: peru, suitable_ha: 100, initial_coca_ha: 10}"
    world = f"world:\n  countries: [peru]\n  regions: [{region}]\n"
    gang = "traffickers: {organisations: [{name: gang, regions: [north]}]}\n"
    for name, text in [
        ("world.yaml", world.replace(f"[{region}]", region) + gang + event),
        ("gang.yaml", world + gang.replace("[{name: gang, regions: [north]}]", "gang") + event),
    ]:
        file = write(tmp_path, name, text + "seed: -1\n")
        lines = problem_lines(capsys, file)
        assert any(line.endswith("seed: Input should be greater than or equal to 0 (got -1)")
                   for line in lines), lines  # fmt: skip
        assert not any("unknown" in line for line in lines), lines


def test_run_prints_every_problem_and_writes_nothing(tmp_path, capsys):
    file = write(tmp_path, "two.yaml", "seed: -1\nreplications: 0\n")
    code = main(["run", str(file), "--results-root", str(tmp_path / "results")])
    lines = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert [line.split(": ")[3] for line in lines] == ["seed", "replications"]
    assert all(line.startswith(f"balloon: error: {file}: ") for line in lines)
    assert not (tmp_path / "results").exists()


def test_the_exception_keeps_one_line_and_counts_the_rest(tmp_path):
    file = write(tmp_path, "two.yaml", "seed: -1\nreplications: 0\n")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(file)
    assert len(caught.value.lines) == 2
    assert "\n" not in str(caught.value) and "(and 1 more problem(s))" in str(caught.value)


def test_an_empty_file_is_an_error(tmp_path, capsys):
    empty = write(tmp_path, "empty.yaml", "")
    comments = write(tmp_path, "comments.yaml", "# nothing yet\n")
    bad_input(capsys, ["validate", str(empty)], f"{empty}: is empty")
    bad_input(capsys, ["run", str(comments)], f"{comments}: is empty")


@pytest.mark.parametrize("when", ["2000-01-15", "'2000-01-15'", "2000-02-28"])
def test_a_date_with_a_day_is_an_error(tmp_path, capsys, when):
    file = write(tmp_path, "day.yaml", f"start: {when}\n")
    bad_input(capsys, ["validate", str(file)], f"{file}: start:", "has a day", "write YYYY-MM")


def test_a_day_in_a_policy_schedule_is_an_error_too(tmp_path, capsys):
    text = POLICY.format(country="peru", value=10).replace("1995-01", "1995-01-20")
    file = write(tmp_path, "schedule.yaml", text)
    bad_input(capsys, ["validate", str(file)], "policies.0.schedule.0.start", "has a day")


def test_the_first_of_a_month_is_the_month_itself(tmp_path):
    # How months serialise (JSON, Python dates): nothing is lost, so it is accepted.
    file = write(tmp_path, "first.yaml", "start: 2000-03-01\nend: '2001-04-01'\n")
    scenario = load_scenario(file)
    assert (f"{scenario.start:%Y-%m}", f"{scenario.end:%Y-%m}") == ("2000-03", "2001-04")


def test_validate_names_each_file_by_its_own_scenario_name(tmp_path, capsys):
    base = write(tmp_path, "base.yaml", "name: base\nend: 1991-12\n")
    write(tmp_path, "_block.yaml", "extends: base.yaml\nseed: 3\n")
    child = write(tmp_path, "child_study.yaml", "extends: _block.yaml\n")
    assert main(["validate", str(base), str(tmp_path / "_block.yaml"), str(child)]) == 0
    names = [line.split(": ")[1].split(",")[0] for line in capsys.readouterr().out.splitlines()]
    assert names == ["base", "block", "child_study"]


def test_shipped_building_block_is_named_after_its_file():
    assert load_scenario("scenarios/_peru_2003_2015.yaml").name == "peru_2003_2015"


def test_a_dotted_path_written_as_a_key_of_the_file_says_it_goes_under_set(tmp_path, capsys):
    write(tmp_path, "base.yaml", NAMED)
    file = write(tmp_path, "child.yaml", "extends: base.yaml\npolicies.peru_manual.scale: 2\n")
    bad_input(capsys, ["validate", str(file)], "policies.peru_manual.scale",
              "a dotted path goes under set:")  # fmt: skip


BAD_SECOND = """
policies:
  - name: peru_manual
    instrument: manual_eradication
    country: peru
    schedule: [{start: 1995-01, value: 1000}]
  - name: bolivia_manual
    instrument: manual_eradication
    country: bolivia
    schedule: [{start: 1996-01, value: -5}]
"""


def test_removing_an_item_does_not_take_the_blame_for_the_next_ones_problem(tmp_path, capsys):
    own = write(tmp_path, "own.yaml", BAD_SECOND)
    child = write(tmp_path, "child.yaml", "extends: own.yaml\nset:\n  policies.0: null\n")
    (line,) = bad_lines(capsys, ["validate", str(child)])
    # The bad value is own.yaml's, whose item now stands first once the first is removed.
    assert line.startswith(f"{child}: policies.0.schedule.0.value: "), line
    assert "set:" not in line and "(got -5)" in line
    (line,) = bad_lines(capsys, ["validate", str(own), "--set", "policies.0=null"])
    assert line.startswith(f"{own}: policies.1.schedule.0.value: "), line


def test_an_option_that_moves_items_does_not_report_the_files_problem_again(tmp_path, capsys):
    own = write(tmp_path, "own.yaml", BAD_SECOND)
    lines = bad_lines(
        capsys,
        ["validate", str(own), "--set", "policies.bolivia_manual.schedule.1991-01={value: 1}"],
    )
    assert lines == [f"{own}: policies.1.schedule.0.value: Input should be greater than or equal "
                     "to 0 (got -5)"]  # fmt: skip


def test_an_option_inside_an_item_is_not_blamed_for_the_items_own_problem(tmp_path, capsys):
    text = (
        "policies:\n  - name: peru_interdiction\n    instrument: interdiction\n"
        "    country: peru\n    schedule: [{start: 1995-01, value: 0.99}]\n"
    )
    own = write(tmp_path, "own.yaml", text)
    lines = bad_lines(capsys, ["validate", str(own), "--set", "policies.0.note=hello"])
    assert len(lines) == 1 and lines[0].startswith(f"{own}: policies.0"), lines
    assert "--set" not in lines[0]


def test_a_digit_that_is_not_ascii_is_a_key_not_an_internal_error(tmp_path, capsys):
    own = write(tmp_path, "own.yaml", NAMED)
    (line,) = bad_lines(capsys, ["validate", str(own), "--set", "policies.\u00b2=1"])
    assert "policies.\u00b2" in line


def test_a_kill_rate_on_a_programme_that_kills_nothing_is_an_error(tmp_path, capsys):
    text = (
        "policies:\n  - instrument: interdiction\n    country: peru\n    kill_rate: 0.5\n"
        "    schedule: [{start: 1995-01, value: 0.1}]\n"
    )
    file = write(tmp_path, "kill.yaml", text)
    bad_input(capsys, ["validate", str(file)], str(file), "policies.0",
              "kill_rate applies to aerial_eradication and manual_eradication, not interdiction")  # fmt: skip


def test_two_kill_rates_for_the_same_programme_and_place_are_an_error(tmp_path, capsys):
    text = NAMED.replace("country: bolivia", "country: peru")
    text = text.replace("value: 3000}]", "value: 3000}]\n    kill_rate: 0.9")
    text = text.replace("value: 500}]", "value: 500}]\n    kill_rate: 0.6")
    file = write(tmp_path, "two.yaml", text)
    bad_input(capsys, ["validate", str(file)], str(file),
              "policies.bolivia_manual.kill_rate: 0.6 differs from policies.peru_manual.kill_rate "
              "0.9, for the same manual_eradication in peru")  # fmt: skip


def test_two_kill_rates_for_one_region_are_an_error_however_the_region_is_given(tmp_path, capsys):
    text = (
        "policies:\n"
        "  - {instrument: manual_eradication, region: vraem, kill_rate: 0.9,"
        " schedule: [{start: 1995-01, value: 10}]}\n"
        "  - {instrument: manual_eradication, country: peru, region: vraem, kill_rate: 0.5,"
        " schedule: [{start: 1995-01, value: 10}]}\n"
        "  - {instrument: manual_eradication, country: peru, kill_rate: 0.7,"
        " schedule: [{start: 1995-01, value: 10}]}\n"
    )
    file = write(tmp_path, "region.yaml", text)
    bad_input(capsys, ["validate", str(file)], str(file),
              "policies.1.kill_rate: 0.5 differs from policies.0.kill_rate 0.9, for the same "
              "manual_eradication in vraem")  # fmt: skip


def test_set_gives_a_named_programme_its_own_kill_rate(tmp_path):
    file = write(tmp_path, "named.yaml", NAMED)
    scenario = load_scenario(file, ["policies.peru_manual.kill_rate=0.85"])
    rates = {p.name: p.kill_rate for p in scenario.policies}
    assert rates == {"peru_manual": 0.85, "bolivia_manual": None}
