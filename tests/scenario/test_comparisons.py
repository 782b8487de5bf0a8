"""What a run's summary advises comparing it with, read from how scenarios/ is organised."""

from __future__ import annotations

from pathlib import Path

import pytest

from model.scenario.comparisons import comparison_advice, extension_pairs, parent, shown

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
HISTORY = "scenarios/andes_history_calibrated.yaml"


def commands(advice: str) -> list[str]:
    """The ``balloon compare`` commands an advice lists, one per bullet."""
    return [line[3:-1] for line in advice.splitlines() if line.startswith("- `balloon compare")]


def test_the_calibrated_history_points_to_its_counterfactuals_not_to_baseline():
    advice = comparison_advice(SCENARIOS / "andes_history_calibrated.yaml", posterior=True)
    assert "baseline" not in advice
    listed = commands(advice)
    expected = (f"balloon compare {HISTORY} --against "
                "scenarios/counterfactuals/no_plan_colombia.yaml --posterior")  # fmt: skip
    assert expected in listed  # the README's command
    assert len(listed) == len(list((SCENARIOS / "counterfactuals").glob("*.yaml")))
    removals = [c for c in listed if "counterfactuals/no_" in c]
    assert all(c.startswith(f"balloon compare {HISTORY} --against scenarios/counterfactuals/no_")
               for c in removals)  # fmt: skip
    # The alternatives (a plan carried out, another instrument) are the policy, as their
    # files' own headers run them.
    assert (f"balloon compare scenarios/counterfactuals/humala_plan_met.yaml --against {HISTORY} "
            "--posterior") in listed  # fmt: skip
    assert all(c.endswith(f"--against {HISTORY} --posterior")
               for c in listed if c not in removals)  # fmt: skip
    # The future's status quo extends the history but runs to 2035: no pair.
    assert "status_quo" not in advice
    assert "write a counterfactual" in advice  # and how to make another


def test_a_counterfactual_is_compared_with_the_history_it_changes():
    advice = comparison_advice(SCENARIOS / "counterfactuals" / "no_peru_air_bridge.yaml", True)
    assert commands(advice) == [
        f"balloon compare {HISTORY} --against scenarios/counterfactuals/no_peru_air_bridge.yaml "
        "--posterior"
    ]
    assert "with a programme removed or changed" in advice


@pytest.mark.parametrize(
    ("file", "against"),
    [
        ("plan_colombia.yaml", "scenarios/baseline.yaml"),
        ("artemio_capture_2012.yaml", "scenarios/baseline.yaml"),  # through _peru_2003_2015.yaml
        ("futures/demand_falls.yaml", "scenarios/futures/status_quo.yaml"),
    ],
)
def test_a_scenario_is_compared_with_the_one_it_extends(file, against):
    (command,) = commands(comparison_advice(SCENARIOS / file))
    posterior = " --posterior" if file.startswith("futures") else ""
    assert command == f"balloon compare scenarios/{file} --against {against}{posterior}"


def test_the_scenarios_others_extend_are_their_counterfactuals():
    baseline = commands(comparison_advice(SCENARIOS / "baseline.yaml"))
    assert "balloon compare scenarios/plan_colombia.yaml --against scenarios/baseline.yaml" in (
        baseline
    )
    assert not any("_peru_2003_2015" in c for c in baseline)  # a building block, not a scenario
    futures = comparison_advice(SCENARIOS / "futures" / "status_quo.yaml", posterior=True)
    assert len(commands(futures)) == len(list((SCENARIOS / "futures").glob("*.yaml"))) - 1
    assert "balloon compare YOURS.yaml --against scenarios/futures/status_quo.yaml" in futures


def test_a_calibration_is_not_a_counterfactual_of_what_it_calibrates():
    history = SCENARIOS / "andes_history.yaml"
    assert parent(SCENARIOS / "andes_history_calibrated.yaml") == history
    assert extension_pairs(history) == []
    advice = comparison_advice(history)
    assert commands(advice) == [] and "write a counterfactual" in advice
    assert "`balloon compare scenarios/andes_history.yaml --against COUNTERFACTUAL.yaml`" in advice


def test_a_question_of_ones_own_on_the_history_is_compared_with_it(tmp_path):
    mine = tmp_path / "more_spraying.yaml"
    mine.write_text(f"extends: {SCENARIOS / 'andes_history_calibrated.yaml'}\n"
                    "set: {policies.colombia_aerial.scale: 1.2}\n")  # fmt: skip
    (command,) = commands(comparison_advice(mine))
    assert command == f"balloon compare {shown(mine)} --against {HISTORY} --posterior"


def test_advice_names_shipped_scenarios_so_the_commands_work_from_where_they_are_read(
    tmp_path, monkeypatch
):
    history = SCENARIOS / "andes_history_calibrated.yaml"
    monkeypatch.chdir(SCENARIOS.parent)  # the project's folder: paths, as the README writes them
    assert shown(history) == "scenarios/andes_history_calibrated.yaml"
    monkeypatch.chdir(tmp_path)  # elsewhere: the shipped names, which work from any folder
    assert shown(history) == "andes_history_calibrated"
    assert shown(SCENARIOS / "counterfactuals" / "no_plan_colombia.yaml") == (
        "counterfactuals/no_plan_colombia"
    )
    assert "balloon compare andes_history_calibrated --against counterfactuals/" in (
        comparison_advice(history, posterior=True)
    )


def test_without_a_scenario_file_the_advice_says_how_to_make_a_comparison():
    advice = comparison_advice(None)
    assert "balloon compare SCENARIO.yaml --against COUNTERFACTUAL.yaml" in advice


@pytest.mark.parametrize("file", sorted((SCENARIOS / "counterfactuals").glob("*.yaml")))
def test_each_counterfactual_is_advised_as_its_own_header_runs_it(file):
    # Every file's header gives the command that answers its question; the advice must not
    # turn it round (the metrics' signs would flip).
    header = " ".join(
        line.lstrip("#").strip().rstrip("\\").strip()
        for line in file.read_text(encoding="utf-8").splitlines()
        if line.startswith("#")
    )
    written = header[header.index("balloon compare") :].split(" --posterior")[0] + " --posterior"
    assert commands(comparison_advice(file, posterior=True)) == [" ".join(written.split())]
