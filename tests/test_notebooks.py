"""Every notebook runs end to end (quick settings), and each stored notebook is its script's pair.

A notebook's source is its jupytext percent script ``notebooks/NN_name.py``; the paired
``NN_name.ipynb`` must be what jupytext makes from it, without outputs. Each notebook is run twice in
a row in one fresh kernel, as a user re-runs every cell, with ``BALLOON_QUICK=1`` (tiny scale, short
windows, few replications) and ``BALLOON_NOTEBOOK_OUT`` pointing at a temporary folder; a cell that
raises in either run fails the test with the cell's traceback.
"""

import base64
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest
from nbclient import NotebookClient

from model.scenario.loading import load_scenario

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
NAMES = sorted(path.stem for path in NOTEBOOKS.glob("*.ipynb"))
BALLOON = Path(sys.executable).with_name("balloon")
_executed: dict[str, tuple[nbformat.NotebookNode, nbformat.NotebookNode]] = {}


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("notebook_outputs")


def executed_twice(name: str, out_dir: Path) -> tuple[nbformat.NotebookNode, ...]:
    """The notebook after each of two runs of every cell, in one kernel, in quick mode.

    The second run starts when the first has finished, in the same kernel and output folder, as
    when a user runs all cells again; each run is returned with its own outputs and widget state.
    Run once per test session.
    """
    if name not in _executed:
        runs = tuple(nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4) for _ in range(2))
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("BALLOON_QUICK", "1")
            patch.setenv("BALLOON_NOTEBOOK_OUT", str(out_dir))
            client = NotebookClient(
                runs[0],
                timeout=600,
                kernel_name="python3",
                resources={"metadata": {"path": str(NOTEBOOKS)}},
            )
            with client.setup_kernel():
                for run in runs:
                    client.nb = run
                    for index, cell in enumerate(run.cells):
                        client.execute_cell(
                            cell, index, execution_count=client.code_cells_executed + 1
                        )
                    client.set_widgets_metadata()
        _executed[name] = runs
    return _executed[name]


def executed(name: str, out_dir: Path) -> nbformat.NotebookNode:
    """The notebook after its first run (see :func:`executed_twice`)."""
    return executed_twice(name, out_dir)[0]


def outputs(notebook: nbformat.NotebookNode, kind: str = "stream") -> list:
    """Every output of one type, in cell order."""
    found = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.output_type == kind or (
                kind == "image" and "image/png" in output.get("data", {})
            ):
                found.append(output)
    return found


def printed(notebook: nbformat.NotebookNode) -> str:
    return "".join(output.text for output in outputs(notebook, "stream"))


def test_the_six_notebooks_are_there():
    assert NAMES == [
        "01_quickstart",
        "02_tune_parameters",
        "03_compare_policies",
        "04_history",
        "05_sensitivity",
        "06_discover",
    ]


def pairing_problems(script: Path) -> list[str]:
    """How the stored ``.ipynb`` beside ``script`` differs from what jupytext makes of the script.

    The stored notebook must have no outputs and no execution counts, and the same notebook
    metadata and cells (type, source, metadata) as ``jupytext --to ipynb`` writes from the script;
    only the cell ids may differ (jupytext draws new ones each time it writes a notebook afresh).
    """
    stored_path = script.with_suffix(".ipynb")
    if not stored_path.is_file():
        return [f"{script.name}: no paired {stored_path.name}"]
    expected = nbformat.reads(jupytext.writes(jupytext.read(script), fmt="ipynb"), as_version=4)
    stored = nbformat.read(stored_path, as_version=4)
    problems = []
    for index, cell in enumerate(stored.cells):
        if cell.get("outputs") or cell.get("execution_count") is not None:
            problems.append(f"{stored_path.name}: cell {index} has outputs or an execution count")
    if stored.metadata != expected.metadata:
        problems.append(f"{stored_path.name}: notebook metadata differs from the script's")
    if len(stored.cells) != len(expected.cells):
        problems.append(
            f"{stored_path.name}: {len(stored.cells)} cells, the script has {len(expected.cells)}"
        )
    for index, (have, want) in enumerate(zip(stored.cells, expected.cells, strict=False)):
        if (have.cell_type, have.source, have.metadata) != (
            want.cell_type,
            want.source,
            want.metadata,
        ):
            problems.append(f"{stored_path.name}: cell {index} differs from the script's")
            break
    return problems


def test_every_notebook_has_its_script_and_the_pairs_are_in_sync():
    scripts = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.py"))
    assert [script.stem for script in scripts] == NAMES, "every .ipynb needs its .py and back"
    problems = [problem for script in scripts for problem in pairing_problems(script)]
    assert not problems, "\n".join(
        [
            *problems,
            "fix: .venv/bin/jupytext --to ipynb notebooks/NN_name.py (the .py is the source)",
        ]
    )
    for name in NAMES:
        nbformat.validate(nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4))


def test_pairing_check_fails_when_one_side_is_edited_alone(tmp_path):
    def fresh_pair() -> Path:
        folder = tmp_path / f"pair{len(list(tmp_path.iterdir()))}"
        folder.mkdir()
        for suffix in (".py", ".ipynb"):
            shutil.copy(NOTEBOOKS / f"01_quickstart{suffix}", folder / f"01_quickstart{suffix}")
        return folder / "01_quickstart.py"

    script = fresh_pair()
    assert pairing_problems(script) == []

    # The script edited, the notebook not: a changed line and a new cell.
    text = script.read_text(encoding="utf-8")
    script.write_text(text.replace("replications=2", "replications=3"), encoding="utf-8")
    assert pairing_problems(script) == ["01_quickstart.ipynb: cell 3 differs from the script's"]
    script.write_text(text + "\n# %%\nprint('new cell')\n", encoding="utf-8")
    assert "01_quickstart.ipynb: 14 cells, the script has 15" in pairing_problems(script)

    # The notebook edited, the script not: a changed Markdown cell, then outputs saved in it.
    script = fresh_pair()
    stored = nbformat.read(script.with_suffix(".ipynb"), as_version=4)
    stored.cells[0].source += "\nA sentence written in Jupyter only."
    nbformat.write(stored, script.with_suffix(".ipynb"))
    assert pairing_problems(script) == ["01_quickstart.ipynb: cell 0 differs from the script's"]
    script = fresh_pair()
    stored = nbformat.read(script.with_suffix(".ipynb"), as_version=4)
    stored.cells[1].outputs = [nbformat.v4.new_output("stream", text="quick mode: True")]
    stored.cells[1].execution_count = 1
    stored.metadata["language_info"] = {"name": "python", "version": "3.12.0"}
    nbformat.write(stored, script.with_suffix(".ipynb"))
    assert pairing_problems(script) == [
        "01_quickstart.ipynb: cell 1 has outputs or an execution count",
        "01_quickstart.ipynb: notebook metadata differs from the script's",
    ]

    # The notebook gone.
    script.with_suffix(".ipynb").unlink()
    assert pairing_problems(script) == ["01_quickstart.py: no paired 01_quickstart.ipynb"]


@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_end_to_end_twice_in_a_row_and_draws(name, out_dir):
    for notebook in executed_twice(name, out_dir):
        assert not outputs(notebook, "error")
        assert len(outputs(notebook, "image")) >= 1, f"{name} drew no figure"
        assert f"quick mode: True; files go to {out_dir / name}" in printed(notebook)


def test_tuning_notebook_times_the_rerun_and_saves_a_scenario_balloon_accepts(out_dir):
    notebook = executed("02_tune_parameters", out_dir)
    text = printed(notebook)
    timing = re.search(r"re-ran baseline \((\d+) months.*\) in ([\d.]+) s", text)
    assert timing and int(timing.group(1)) == 18 and float(timing.group(2)) > 0, text
    assert re.search(r"redrew the figure in [\d.]+ s \(updated in place\); total [\d.]+ s", text)

    # The live path: moving a slider (from code, in the notebook) replaced the picture of the image
    # widget and the report under it; the executed notebook keeps the widgets' last state.
    state = notebook.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    (image,) = [m for m in state.values() if m["model_name"] == "ImageModel"]
    (buffer,) = image["buffers"]
    assert buffer["path"] == ["value"]
    assert base64.b64decode(buffer["data"]).startswith(b"\x89PNG")
    reports = [
        str(m["state"]["outputs"]) for m in state.values() if m["model_name"] == "OutputModel"
    ]
    assert any("extra eradication in colombia: asked 40,000 ha/yr" in text for text in reports)

    saved = out_dir / "02_tune_parameters" / "tuned_example.yaml"
    scenario = load_scenario(saved)
    # The values of the notebook's last cell (EXAMPLE), on the base scenario's own calendar.
    assert scenario.name == "tuned_example"
    assert scenario.market.demand_elasticity == -0.8
    assert scenario.households.replant_forced == 0.5
    assert scenario.households.migration_rate == 0.03
    assert scenario.traffickers.entry_cost_usd == 1e6
    assert scenario.armed_groups.protection == 0.4
    (policy,) = scenario.policies
    assert (policy.instrument, policy.country) == ("manual_eradication", "colombia")
    assert policy.schedule[0].value == 40_000
    baseline = load_scenario("baseline")
    assert (scenario.start, scenario.end) == (baseline.start, baseline.end)
    assert scenario.households.scale == baseline.households.scale
    done = subprocess.run([BALLOON, "validate", saved], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.startswith(f"ok {saved}"), done.stderr


def test_history_notebook_reads_the_shipped_posterior_and_runs_its_predictive(out_dir):
    text = printed(executed("04_history", out_dir))
    assert re.search(r"posterior of \d+ parameters, \d+ samples", text)
    assert re.search(r"^4 runs in \d+ s", text, re.M)


def test_comparison_notebook_saves_each_run_into_a_new_folder(out_dir):
    runs = executed_twice("03_compare_policies", out_dir)
    folders = sorted((out_dir / "03_compare_policies" / "comparisons").iterdir())
    assert len(folders) == 2, folders
    for run, folder in zip(runs, folders, strict=True):
        assert f"wrote {folder}: " in printed(run)
        metrics = (folder / "metrics.csv").read_text(encoding="utf-8")
        assert sorted(path.name for path in (folder / "runs").iterdir()) == [
            "colombia_resumes_spraying",
            "peru_doubles_eradication",
            "status_quo",
        ]
    # Same scenarios, same seeds: the second run saved the same metrics beside the first.
    assert (folders[0] / "metrics.csv").read_text(encoding="utf-8") == metrics


def test_sensitivity_notebook_writes_indices_and_reuses_its_runs_when_run_again(out_dir):
    first, second = executed_twice("05_sensitivity", out_dir)
    (folder,) = (out_dir / "05_sensitivity").glob("morris-*")
    assert (folder / "indices.csv").is_file() and (folder / "indices.png").is_file()
    # Two trajectories over three parameters: 2 x (3 + 1) = 8 runs, computed once, then reused.
    assert "8 runs computed, 0 reused from" in printed(first)
    assert "0 runs computed, 8 reused from" in printed(second)


def test_sensitivity_notebook_starts_a_new_folder_when_its_design_changes(tmp_path):
    notebook = nbformat.read(NOTEBOOKS / "05_sensitivity.ipynb", as_version=4)
    (cell,) = [c for c in notebook.cells if '"households.replant_forced=0.3:0.9"' in c.source]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BALLOON_QUICK", "1")
        patch.setenv("BALLOON_NOTEBOOK_OUT", str(tmp_path))
        client = NotebookClient(
            notebook,
            timeout=600,
            kernel_name="python3",
            resources={"metadata": {"path": str(NOTEBOOKS)}},
        )
        with client.setup_kernel():
            for source in (
                cell.source,
                cell.source.replace("replant_forced=0.3:0.9", "replant_forced=0.4:0.9"),
            ):
                cell.source = source
                for index, each in enumerate(notebook.cells):
                    client.execute_cell(each, index)
    # The changed range went into a folder of its own, next to the first design's.
    folders = sorted((tmp_path / "05_sensitivity").glob("morris-*"))
    assert len(folders) == 2 and all((f / "indices.csv").is_file() for f in folders)
    assert "8 runs computed, 0 reused from" in printed(notebook)


def test_discovery_notebook_reads_its_boxes_and_reuses_its_runs_when_run_again(out_dir):
    first, second = executed_twice("06_discover", out_dir)
    (folder,) = (out_dir / "06_discover").glob("discover-*")
    # Twelve points, each a policy and a counterfactual run: computed once, then reused.
    assert "12 paired runs computed, 0 reused from" in printed(first)
    assert "0 paired runs computed, 12 reused from" in printed(second)
    for name in ("summary.md", "boxes.csv", "points.parquet", "prim_boxes.png"):
        assert (folder / name).is_file()
    # Half the points reduce coca by more than the median point: PRIM finds where, in words.
    text = printed(first)
    assert "holds at 6 of 12 points" in text
    assert re.search(r"Box 1: When .* is (below|above|between) .* holds in \d+% of cases", text)
    assert (folder / "works_best" / "prim_tradeoff.png").is_file()
