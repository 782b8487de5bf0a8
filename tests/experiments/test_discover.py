"""Scenario discovery: points, the condition asked of them, boxes, and what is written."""

import re

import numpy as np
import pandas as pd
import pytest

from model.experiments.discover import (
    BACKFIRES,
    Discovery,
    analyse,
    balloon_condition,
    points_table,
)
from model.experiments.discover_report import (
    box_sentence,
    boxes_table,
    summary_markdown,
    write_discovery,
)
from model.experiments.pressure import Target
from model.experiments.sweep import Parameter

PARAMETERS = [
    Parameter("households.migration_rate", 0.0, 0.06),
    Parameter("market.demand_elasticity", -1.2, -0.2),
]


def synthetic_points(n=200, seed=4) -> pd.DataFrame:
    """Points where the policy backfires (net reduction < 0) when migration is below 0.02."""
    rng = np.random.default_rng(seed)
    migration = rng.uniform(0.0, 0.06, n)
    elasticity = rng.uniform(-1.2, -0.2, n)
    net = np.where(migration < 0.02, -5_000.0, 8_000.0) + rng.normal(0, 500, n)
    ratio = np.where(net < 0, 1.3, 0.6)
    ratio[:3] = np.nan  # nothing removed from the target: the ratio is undefined there
    return pd.DataFrame(
        {
            "point": np.arange(n),
            "households.migration_rate": migration,
            "market.demand_elasticity": elasticity,
            "net_reduction_ha": net,
            "displacement_ratio": ratio,
            "runs": 1,
        }
    )


def discovery_of(points: pd.DataFrame, condition: str = BACKFIRES) -> Discovery:
    parsed = balloon_condition(condition)
    marked, boxes = analyse(points, PARAMETERS, parsed, min_density=0.8)
    return Discovery("plan_colombia", "baseline", Target("colombia"), None, PARAMETERS, parsed,
                     marked, boxes, 1, 0.8)  # fmt: skip


def test_points_average_their_replications_and_skip_undefined_values():
    runs = pd.DataFrame(
        {
            "run": [0, 1, 2, 3],
            "point": [0, 0, 1, 1],
            "replication": [0, 1, 0, 1],
            "seed": [7, 8, 7, 8],
            "households.migration_rate": [0.01, 0.01, 0.05, 0.05],
            "market.demand_elasticity": [-1.0, -1.0, -0.5, -0.5],
            "net_reduction_ha": [-100.0, 300.0, 50.0, 70.0],
            "displacement_ratio": [np.nan, 0.4, np.nan, np.nan],
        }
    )
    points = points_table(runs, PARAMETERS)
    assert points.point.tolist() == [0, 1]
    assert points.net_reduction_ha.tolist() == [100.0, 60.0]
    assert points.displacement_ratio.iloc[0] == 0.4  # the defined replication
    assert np.isnan(points.displacement_ratio.iloc[1])  # undefined in both
    assert points.runs.tolist() == [2, 2]
    assert "seed" not in points and "replication" not in points


def test_the_box_of_a_planted_backfire_is_stated_in_words():
    discovery = discovery_of(synthetic_points())
    assert (
        discovery.points.condition_holds.tolist()
        == (discovery.points.net_reduction_ha < 0).tolist()
    )
    (box, *_) = discovery.boxes
    assert list(box.restricted.parameter) == ["households.migration_rate"]
    sentence = box_sentence(box, discovery)
    found = re.search(r"When households\.migration_rate is below ([\d.]+), plan_colombia "
                      r"increases total coca .* in (\d+)% of cases", sentence)  # fmt: skip
    assert found, sentence
    assert float(found.group(1)) == pytest.approx(0.02, abs=0.003)
    assert int(found.group(2)) == round(100 * box.density) >= 80
    assert f"{box.coverage:.0%} of all points where it happens" in sentence
    summary = summary_markdown(discovery)
    assert sentence in summary
    assert f"holds at {discovery.holds} of 200 points" in summary
    assert "Any value of `market.demand_elasticity`." in summary
    assert "Price elasticity of cocaine demand" in summary  # each parameter's meaning


def test_another_condition_on_the_same_points_gives_its_own_boxes():
    discovery = discovery_of(synthetic_points(), "displacement_ratio > 1")
    holds = discovery.points.condition_holds
    assert not holds[:3].any()  # undefined ratio: the condition is false there
    assert discovery.undefined == 3
    assert "the condition (displacement_ratio above 1) holds in" in box_sentence(
        discovery.boxes[0], discovery
    )
    assert "At 3 point(s) a metric of the condition is undefined" in summary_markdown(discovery)


@pytest.mark.parametrize(
    ("condition", "words"),
    [("net_reduction_ha < -1e9", "It never holds"), ("net_reduction_ha > -1e9", "every point")],
)
def test_no_box_when_the_condition_holds_nowhere_or_everywhere(condition, words):
    discovery = discovery_of(synthetic_points(), condition)
    assert discovery.boxes == []
    assert words in summary_markdown(discovery)
    assert list(boxes_table([]).columns)[:5] == ["box", "parameter", "restricted", "low", "high"]


def test_written_files_hold_the_points_the_boxes_and_the_figures(tmp_path):
    discovery = discovery_of(synthetic_points())
    write_discovery(discovery, tmp_path)
    points = pd.read_parquet(tmp_path / "points.parquet")
    pd.testing.assert_frame_equal(points, discovery.points)
    assert len(pd.read_csv(tmp_path / "points.csv")) == 200
    boxes = pd.read_csv(tmp_path / "boxes.csv")
    assert len(boxes) == len(discovery.boxes) * len(PARAMETERS)
    first = boxes[boxes.box == 1].set_index("parameter")
    assert first.loc["households.migration_rate", "restricted"]
    assert first.density.iloc[0] == pytest.approx(discovery.boxes[0].density)
    for stem in ("prim_tradeoff", "prim_boxes"):
        assert (tmp_path / f"{stem}.png").stat().st_size > 10_000
        assert (tmp_path / f"{stem}.svg").is_file()
    assert (
        (tmp_path / "summary.md")
        .read_text()
        .startswith("# Where does plan_colombia backfire against baseline?")
    )
    # The same folder asked a question with no box: no trade-off figure is left from the first.
    write_discovery(discovery_of(synthetic_points(), "net_reduction_ha < -1e9"), tmp_path)
    assert not (tmp_path / "prim_tradeoff.png").exists()
    assert pd.read_csv(tmp_path / "boxes.csv").empty


def test_asking_another_question_keeps_the_points_and_finds_new_boxes():
    first = discovery_of(synthetic_points())
    other = first.ask("displacement_ratio > 1")
    assert other.condition.text == "displacement_ratio > 1"
    assert other.points.condition_holds.sum() == (first.points.displacement_ratio > 1).sum()
    assert first.condition.text == BACKFIRES  # the first discovery is unchanged
    assert other.parameters == first.parameters and other.boxes
