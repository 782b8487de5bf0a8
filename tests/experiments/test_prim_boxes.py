"""PRIM through the EMA workbench recovers a box planted in synthetic data."""

import numpy as np
import pandas as pd
import pytest

from model.experiments.prim_boxes import choose_step, find_boxes


def synthetic(n=600, noise=0.05, seed=3):
    """Three parameters; the outcome happens when a < 0.3 and c > 0.2 (d is irrelevant)."""
    rng = np.random.default_rng(seed)
    x = pd.DataFrame(
        {
            "market.a": rng.uniform(0, 1, n),
            "households.c": rng.uniform(-1, 1, n),
            "d": rng.uniform(0, 10, n),
        }
    )
    inside = (x["market.a"] < 0.3) & (x["households.c"] > 0.2)
    flipped = rng.random(n) < noise
    return x, (inside ^ flipped).to_numpy(), inside.to_numpy()


def test_prim_recovers_a_known_box():
    x, y, inside = synthetic()
    boxes = find_boxes(x, y, min_density=0.8)
    assert len(boxes) >= 1
    box = boxes[0]
    limits = box.limits.set_index("parameter")
    # The two parameters that matter are narrowed close to the planted limits...
    assert set(box.restricted.parameter) == {"market.a", "households.c"}
    assert limits.loc["market.a", "high"] == pytest.approx(0.3, abs=0.05)
    assert limits.loc["households.c", "low"] == pytest.approx(0.2, abs=0.1)
    # ...on the side where the box is open; the irrelevant one is left free.
    assert limits.loc["market.a", "low"] == limits.loc["market.a", "range_low"]
    assert limits.loc["households.c", "high"] == limits.loc["households.c", "range_high"]
    assert not limits.loc["d", "restricted"]
    # Density and coverage are what the box's points say.
    in_box = (x["market.a"] <= limits.loc["market.a", "high"]) & (
        x["households.c"] >= limits.loc["households.c", "low"]
    )
    assert box.points == in_box.sum()
    assert box.of_interest == (y & in_box).sum()
    assert box.density == pytest.approx((y & in_box).sum() / in_box.sum())
    assert box.coverage == pytest.approx((y & in_box).sum() / y.sum())
    assert box.mass == pytest.approx(in_box.mean())
    # Noise puts about a quarter of the cases outside the planted box, so coverage stays below 0.75.
    assert box.density >= 0.8 and box.coverage > 0.6
    # The box is mostly the planted one: few planted points outside, few others inside.
    assert (in_box & inside).sum() / inside.sum() > 0.85
    assert (box.restricted[["qp_low", "qp_high"]].min(axis=1) < 1e-6).all()


def test_the_chosen_step_is_the_widest_box_dense_enough():
    x, y, _ = synthetic()
    (box, *_) = find_boxes(x, y, min_density=0.8)
    steps = box.trajectory
    dense = steps[(steps.density >= 0.8) & (steps.res_dim >= 1)]
    assert box.coverage == dense.coverage.max()
    # A stricter threshold buys density with coverage.
    (strict, *_) = find_boxes(x, y, min_density=0.95)
    assert strict.density >= 0.95 and strict.coverage <= box.coverage


def test_two_planted_boxes_are_found_one_after_the_other():
    rng = np.random.default_rng(5)
    x = pd.DataFrame({"a": rng.uniform(0, 1, 800), "b": rng.uniform(0, 1, 800)})
    y = ((x.a < 0.3) | (x.b > 0.8)).to_numpy()
    boxes = find_boxes(x, y, min_density=0.9, max_boxes=3)
    assert [box.number for box in boxes] == [1, 2]
    first, second = (box.limits.set_index("parameter") for box in boxes)
    assert list(boxes[0].restricted.parameter) == ["a"]
    assert first.loc["a", "high"] == pytest.approx(0.3, abs=0.06)
    # The second box is found among the points outside the first: the band of high b.
    assert list(boxes[1].restricted.parameter) == ["b"]
    assert second.loc["b", "low"] == pytest.approx(0.8, abs=0.03)
    assert sum(box.coverage for box in boxes) > 0.95  # together they hold nearly every case
    assert all(box.density >= 0.9 for box in boxes)


@pytest.mark.parametrize("share", [0.0, 1.0])
def test_nothing_or_everything_of_interest_gives_no_box(share):
    x, _, _ = synthetic(n=100)
    assert find_boxes(x, np.full(100, bool(share))) == []


def test_noise_gives_no_box_at_a_high_threshold():
    rng = np.random.default_rng(9)
    x = pd.DataFrame({"a": rng.uniform(0, 1, 400), "b": rng.uniform(0, 1, 400)})
    y = rng.random(400) < 0.3
    assert find_boxes(x, y, min_density=0.9, mass_min=0.1) == []


def test_choose_step_needs_a_narrowed_dense_step():
    steps = pd.DataFrame(
        {"coverage": [1.0, 0.9, 0.6, 0.3], "density": [0.9, 0.85, 0.95, 1.0],
         "res_dim": [0, 1, 2, 2], "mass": [1, 0.8, 0.5, 0.2], "n": [10, 8, 5, 2], "k": [9, 7, 5, 2]}
    )  # fmt: skip
    assert choose_step(steps, 0.8) == 1  # the whole space (step 0) narrows nothing
    assert choose_step(steps, 0.9) == 2
    assert choose_step(steps, 1.01) is None
