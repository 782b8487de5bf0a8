"""Counterfactuals on the calibrated history and futures from the end of the record.

Each counterfactual must differ from the history only in the programme it removes or changes,
and each future only in its own assumptions (plus running to 2035); every file must say its
question and cite its sources.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from model import load_scenario

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
HISTORY = SCENARIOS / "andes_history_calibrated.yaml"
STATUS_QUO = SCENARIOS / "futures" / "status_quo.yaml"

# What each file may change (dotted paths, list items by name), and nothing else.
COUNTERFACTUALS = {
    "no_plan_colombia": {"policies.colombia_aerial", "policies.colombia_manual",
                         "policies.colombia_interdiction", "policies.colombia_counterinsurgency"},
    "no_plan_dignidad": {"policies.bolivia_manual", "policies.bolivia_interdiction"},
    "no_peru_air_bridge": {"policies.peru_interdiction", "events.air_bridge_collapse"},
    "humala_plan_met": {"policies.peru_humala_plan", "events.humala_interdiction_cut"},
    "no_artemio_capture": {"events.artemio_capture"},
    "no_sinaloa_vrae": {"events.sinaloa_enters_vrae"},
    "substitution_instead_of_eradication": {"policies.colombia_manual",
                                            "policies.colombia_substitution_instead"},
}  # fmt: skip
FUTURES = {
    "colombia_resumes_spraying": {"policies.colombia_spraying_2026"},
    "peru_doubles_eradication": {"policies.peru_manual_2026"},
    "coordinated_pressure": {"policies.colombia_spraying_2026", "policies.peru_manual_2026",
                             "policies.bolivia_manual_2026"},
    "demand_grows": {"market.consumer_markets.rest_of_world", "market.consumer_markets.europe"},
    "demand_falls": {"market.consumer_markets.north_america", "market.consumer_markets.europe",
                     "market.consumer_markets.rest_of_world"},
}  # fmt: skip
IDENTITY = {"name", "description"}
# How a counterfactual's runs are reported, not what they simulate: it departs from the record on
# purpose, so its summary does not score it against the record.
REPORTING = {"score_against_record"}


def flatten(value, path: str = "") -> dict[str, object]:
    """Every leaf of a resolved scenario by dotted path; list items by name where they have one."""
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = [(item.get("name") if isinstance(item, dict) and item.get("name") else i, item)
                 for i, item in enumerate(value)]  # fmt: skip
    else:
        return {path: value}
    out = {}
    for key, item in items:
        out.update(flatten(item, f"{path}.{key}" if path else str(key)))
    return out


def changed(a, b) -> set[str]:
    """Paths whose values differ between two scenarios (leaves present in only one count)."""
    left, right = (flatten(s.model_dump(mode="json")) for s in (a, b))
    return {p for p in left.keys() | right.keys() if left.get(p) != right.get(p)}


def covered(paths: set[str], allowed: set[str]) -> set[str]:
    """The paths not under any allowed prefix."""
    return {
        p for p in paths if not any(p == a or p.startswith(f"{a}.") for a in allowed | IDENTITY)
    }


@pytest.mark.parametrize("name", sorted(COUNTERFACTUALS))
def test_each_counterfactual_changes_only_its_programme(name):
    history = load_scenario(HISTORY)
    counterfactual = load_scenario(SCENARIOS / "counterfactuals" / f"{name}.yaml")
    differences = changed(history, counterfactual)
    assert differences, f"{name} is the history itself"
    assert covered(differences, COUNTERFACTUALS[name] | REPORTING) == set()
    assert counterfactual.score_against_record is False
    for allowed in COUNTERFACTUALS[name]:  # each named change is really made
        assert any(p == allowed or p.startswith(f"{allowed}.") for p in differences), allowed


@pytest.mark.parametrize("name", sorted(FUTURES))
def test_each_future_changes_only_its_assumptions(name):
    status_quo = load_scenario(STATUS_QUO)
    future = load_scenario(SCENARIOS / "futures" / f"{name}.yaml")
    assert future.end.year >= 2035
    differences = changed(status_quo, future)
    assert covered(differences, FUTURES[name]) == set()
    assert differences


def test_the_status_quo_is_the_history_run_on_to_2035():
    differences = changed(load_scenario(HISTORY), load_scenario(STATUS_QUO))
    assert covered(differences, {"end"}) == set()


@pytest.mark.parametrize(
    "file", sorted((SCENARIOS / "counterfactuals").glob("*.yaml"))
    + sorted((SCENARIOS / "futures").glob("*.yaml")), ids=lambda p: p.stem,
)  # fmt: skip
def test_every_file_says_its_question_and_sources(file):
    text = file.read_text(encoding="utf-8")
    scenario = load_scenario(file)
    assert "Question:" in text and scenario.description.strip()
    assert "balloon compare" in text or "balloon run" in text
    assert "docs/literature.md" in text or "model/data/" in text or "seed article" in text
    if file.parent.name == "futures":
        assert "ASSUMPTION" in text


def test_a_future_runs_to_2035_against_the_status_quo_with_bands_over_the_posterior():
    from model import compare

    small = ["households.scale=0.002", "replications=3"]
    future = load_scenario(SCENARIOS / "futures" / "colombia_resumes_spraying.yaml", small)
    status_quo = load_scenario(STATUS_QUO, small)
    comparison = compare([future], status_quo, executor="inline", posterior=True)
    countries = comparison.policies[future.name].countries
    assert countries.date.max() == pd.Timestamp("2035-12-01")
    assert countries.replication.nunique() == 3  # a band: one run per posterior draw and seed
    row = comparison.summary.set_index("metric").loc["removed_ha"]
    assert row["n"] == 3 and row["low"] <= row["median"] <= row["high"]
    assert row["median"] > 0  # spraying from 2026 removes coca in Colombia
    colombia = countries.query("country == 'colombia'").groupby("date").hectares.median()
    base = comparison.counterfactual.countries.query("country == 'colombia'")
    base = base.groupby("date").hectares.median()
    assert (colombia["2026-01-01":] - base["2026-01-01":]).mean() < 0
    assert (colombia[:"2025-12-01"] == base[:"2025-12-01"]).all()  # the same past, draw by draw
