"""Conditions on metrics read safely from text: comparisons only, nothing executed."""

import numpy as np
import pandas as pd
import pytest

from model.experiments.conditions import ConditionError, parse_condition

METRICS = ["net_reduction_ha", "displacement_ratio", "displacement_ratio_across"]
TABLE = pd.DataFrame(
    {
        "net_reduction_ha": [-50.0, 0.0, 120.0, np.nan],
        "displacement_ratio": [1.4, 0.5, 0.2, 0.9],
        "displacement_ratio_across": [1.1, 0.3, np.nan, 0.2],
    }
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("net_reduction_ha < 0", [True, False, False, False]),  # NaN compares false
        ("net_reduction_ha <= 0", [True, True, False, False]),
        ("0 > net_reduction_ha", [True, False, False, False]),
        ("displacement_ratio_across > 1", [True, False, False, False]),
        ("0.3 <= displacement_ratio < 1", [False, True, False, True]),
        ("net_reduction_ha < 0 or displacement_ratio > 0.8", [True, False, False, True]),
        ("net_reduction_ha >= 0 and displacement_ratio < 1", [False, True, True, False]),
        ("not (displacement_ratio > 1)", [False, True, True, True]),
        ("displacement_ratio > displacement_ratio_across", [True, True, False, True]),
        ("displacement_ratio == 0.5", [False, True, False, False]),
        ("net_reduction_ha != 0", [True, False, True, False]),
        ("net_reduction_ha > -1e2", [True, True, True, False]),
    ],
)
def test_conditions_hold_row_by_row(text, expected):
    condition = parse_condition(text, METRICS)
    assert condition.holds(TABLE).tolist() == expected


def test_a_condition_knows_its_metrics_and_reads_in_words():
    condition = parse_condition("  0 < displacement_ratio <= 1 and net_reduction_ha < 0 ", METRICS)
    assert condition.metrics == ("displacement_ratio", "net_reduction_ha")
    assert str(condition) == "0 < displacement_ratio <= 1 and net_reduction_ha < 0"
    assert condition.words() == (
        "displacement_ratio above 0 and displacement_ratio at most 1 and net_reduction_ha below 0"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("net_reduction_ha <", "cannot read"),
        ("hectares > 0", "unknown metric 'hectares'"),
        ("net_reduction_ha", "is not a comparison"),
        ("1 < 2", "compares no metric"),
        ("net_reduction_ha in (1, 2)", "compare with"),
        ("net_reduction_ha is None", "compare with"),
        ("net_reduction_ha < abs(-1)", "neither a metric nor a number"),
        ("__import__('os').system('true') > 0", "is neither a metric"),
        ("net_reduction_ha < 'a'", "neither a metric nor a number"),
        ("net_reduction_ha + 1 > 0", "neither a metric nor a number"),
        ("net_reduction_ha < 1e999", "neither a metric nor a number"),  # infinite
        ("lambda: 0", "not a comparison"),
        ("net_reduction_ha < 0; import os", "cannot read"),
    ],
)
def test_anything_else_is_a_one_line_error(text, message):
    with pytest.raises(ConditionError, match=message) as caught:
        parse_condition(text, METRICS)
    assert "\n" not in str(caught.value)
