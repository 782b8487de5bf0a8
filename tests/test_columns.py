"""The column registry is the one description of the outputs: every table column is in it."""

from model.columns import KEYS, TABLES, columns_table, describe
from model.experiments.outcomes import outcome_metrics


def test_every_table_has_exactly_the_registered_columns_in_order(make_scenario):
    from conftest import run

    model = run(make_scenario(end="1996-12"))
    tables = {"regions": model.regions, "countries": model.countries, "system": model.system,
              "traffickers": model.trafficker_table}  # fmt: skip
    for name, table in tables.items():
        keys = [c for c in table.columns if c in KEYS]
        assert [c for c in table.columns if c not in KEYS] == list(TABLES[name]), name
        assert list(columns_table(name).column) == ["replication", *keys, *TABLES[name]]


def test_every_outcome_has_a_unit_and_meaning(make_scenario):
    from conftest import run

    model = run(make_scenario(end="1996-12"))
    tables = {"regions": model.regions, "countries": model.countries, "system": model.system}
    for name in outcome_metrics(tables):
        column = describe(name)
        assert column.unit and column.meaning != name, name
    assert describe("final_ha_peru").meaning == "coca area in the last month in Peru"
    assert describe("no_such_metric").unit == ""
