"""The schema's meaning of a key at a dotted path, for reports that name scenario parameters."""

import pytest

from model.scenario.schema_docs import key_meaning


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("market.demand_elasticity", "Price elasticity of cocaine demand"),
        ("households.migration_rate", "Monthly probability that a household"),
        ("policies.0.schedule.0.value", "Value from start on"),  # list items by index
        ("seed", "Root random seed"),
        ("free_parameters.anything.low", "Lower bound"),  # mapping entries by name
    ],
)
def test_meaning_of_a_dotted_path(path, words):
    assert key_meaning(path).startswith(words)


@pytest.mark.parametrize(
    "path", ["households.nope", "market.demand_elasticity.deeper", "policies.x"]
)
def test_no_meaning_for_a_key_the_schema_lacks(path):
    assert key_meaning(path) == ""
