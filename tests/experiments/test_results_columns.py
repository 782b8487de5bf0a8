"""Results explain themselves: every table's columns carry a unit and meaning (Parquet field
metadata and columns.csv), and summary.md defines what it reports."""

import pandas as pd
import pyarrow.parquet as pq
import pytest
from conftest import small_scenario

from model.columns import TABLES, describe
from model.experiments.results import COLUMNS_FILE, write_results
from model.experiments.runner import run_replications
from model.scenario.parameters import parameter_column


@pytest.fixture(scope="module")
def quick_results():
    return run_replications(small_scenario(end="1995-06"), 1, executor="inline")


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_a_run_folder_describes_every_column_of_every_table(quick_results, tmp_path, fmt):
    folder = write_results(quick_results, root=tmp_path, fmt=fmt)
    described = pd.read_csv(folder / COLUMNS_FILE, keep_default_na=False)
    assert list(described.columns) == ["file", "column", "unit", "meaning"]
    for name in TABLES:
        table = quick_results.tables[name]
        rows = described[described.file == f"{name}.{fmt}"]
        assert rows.column.tolist() == list(table.columns), name
        assert (rows.meaning.str.len() > 3).all(), name
        assert (rows.meaning != rows.column).all(), name  # a sentence, not the name again
    hectares = described[(described.file == f"regions.{fmt}") & (described.column == "hectares")]
    assert hectares.unit.tolist() == ["ha"]
    price = described[(described.file == f"system.{fmt}") & (described.column == "wholesale_price")]
    assert price.unit.tolist() == ["US$/kg"]


def test_parquet_tables_carry_unit_and_meaning_on_every_field(quick_results, tmp_path):
    folder = write_results(quick_results, root=tmp_path)
    for name in TABLES:
        schema = pq.read_schema(folder / f"{name}.parquet")
        for field in schema:
            metadata = field.metadata or {}
            assert b"unit" in metadata and metadata[b"meaning"], (name, field.name)
    field = pq.read_schema(folder / "countries.parquet").field("seizures_t")
    assert field.metadata[b"unit"] == b"t"
    assert field.metadata[b"meaning"].decode() == TABLES["countries"]["seizures_t"].meaning
    # The metadata changes nothing a reader sees.
    pd.testing.assert_frame_equal(
        pd.read_parquet(folder / "regions.parquet").astype({"date": "datetime64[s]"}),
        quick_results.regions,
        check_categorical=False,
    )


def test_summary_defines_every_quantity_it_reports(quick_results, tmp_path):
    text = (write_results(quick_results, root=tmp_path) / "summary.md").read_text()
    definitions = text.split("## Definitions", 1)[1].split("## Files", 1)[0]
    lines = [line for line in definitions.splitlines() if line.startswith("- **")]
    defined = {line.split("**")[1] for line in lines}
    assert {"supply_t", "source_price", "wholesale_price", "change ha"} <= defined
    assert all(len(line.split()) >= 6 for line in lines)  # each a sentence
    assert "US$/kg" in definitions and "columns.csv" in text


def test_parameters_are_described_from_the_schema():
    cost = parameter_column("households.production_cost_usd_ha")
    assert cost.unit == "US$ per hectare per year" and cost.meaning.startswith("Cost of growing")
    assert parameter_column("government.manual_kill_rate").unit == "0-1"
    assert parameter_column("policies.colombia_manual.kill_rate").unit == "0-1"  # optional share
    assert parameter_column("households.maturity_months").unit == "months"
    assert parameter_column("world.regions.0.suitable_ha").unit == "ha"
    assert parameter_column("policies.0.schedule.1.value").meaning.startswith("Value from start")
    unknown = parameter_column("no.such.key")
    assert (unknown.unit, unknown.meaning) == ("", "no.such.key")


def test_every_balloon_metric_and_outcome_has_a_sentence():
    for name in ["displacement_ratio", "removed_ha", "final_ha_total", "final_ha_peru"]:
        column = describe(name)
        assert column.unit and len(column.meaning.split()) >= 4, name
