"""Paths and files: names cannot leave the results folder, YAML is safe, nothing is unpickled."""

import ast
import os
import pickle
from pathlib import Path

import pytest
import yaml

from model.cli import main
from model.experiments.results import load_results
from model.scenario.loading import ScenarioError, load_scenario

MODEL = Path(__file__).resolve().parents[2] / "model"
QUICK = {"start": "1995-01", "end": "1995-04", "replications": 1, "households": {"scale": 0.002}}
EVIL = ["../../x", "..", ".", "/etc", "a/b", "a\\b", ".hidden", "~root", "x/../../y", "perú",
        "C:", "a b", "a\nb", "", "x" * 81]  # fmt: skip


def write(folder: Path, data: dict, name: str = "study.yaml") -> Path:
    file = folder / name
    file.write_text(yaml.safe_dump({**QUICK, **data}, allow_unicode=True), encoding="utf-8")
    return file


def files_under(folder: Path) -> set[Path]:
    return {Path(root, name) for root, _, names in os.walk(folder) for name in names}


@pytest.mark.parametrize("name", EVIL, ids=repr)
@pytest.mark.parametrize(
    "where",
    [
        lambda n: {"name": n},
        lambda n: {"traffickers": {"organisations": [{"name": n}]}},
        lambda n: {
            "world": {
                "regions": [{"name": n, "country": "peru", "lon": 0, "lat": 0, "suitable_ha": 1}]
            }
        },  # fmt: skip
        lambda n: {
            "world": {
                "regions": [{"name": "r", "country": n, "lon": 0, "lat": 0, "suitable_ha": 1}]
            }
        },  # fmt: skip
    ],
    ids=["scenario", "trafficker", "region", "country"],
)
def test_names_that_could_become_paths_are_refused(tmp_path, capsys, name, where):
    file = write(tmp_path, where(name))
    with pytest.raises(ScenarioError, match="name|country"):
        load_scenario(file)
    assert main(["run", str(file), "--results-root", str(tmp_path / "results")]) == 2
    assert len(capsys.readouterr().err.splitlines()) == 1
    assert not (tmp_path / "results").exists()


def test_a_file_named_oddly_does_not_name_the_results_folder(tmp_path):
    odd = tmp_path / "..study.yaml"
    odd.write_text(yaml.safe_dump(QUICK), encoding="utf-8")
    assert load_scenario(odd).name == "study"  # what the name can hold, never "..study"


def test_run_writes_only_inside_out(tmp_path, capsys):
    file = write(tmp_path, {"name": "study"})
    before = files_under(tmp_path)
    out = tmp_path / "chosen" / "run"
    assert main(["run", str(file), "--workers", "1", "--quiet", "--out", str(out)]) == 0
    new = files_under(tmp_path) - before
    assert new and all(out in f.parents for f in new), sorted(new)
    assert sorted(os.listdir(tmp_path / "chosen")) == ["run"]  # no staging or partial left


def test_run_writes_only_inside_results_root_under_its_name(tmp_path, capsys):
    file = write(tmp_path, {"name": "study"})
    before = files_under(tmp_path)
    root = tmp_path / "root"
    assert main(["run", str(file), "--workers", "1", "--quiet", "--results-root", str(root)]) == 0
    new = files_under(tmp_path) - before
    (folder,) = (root / "study").iterdir()
    assert new and all(folder in f.parents for f in new), sorted(new)


def test_sweep_writes_only_inside_out(tmp_path, capsys):
    file = write(tmp_path, {"name": "study"})
    before = files_under(tmp_path)
    out = tmp_path / "chosen" / "sweep"
    args = ["sweep", str(file), "--param", "households.profit_sensitivity=0.5:1", "--samples", "2",
            "--executor", "inline", "--quiet", "--out", str(out)]  # fmt: skip
    assert main(args) == 0
    new = files_under(tmp_path) - before
    assert new and all(out in f.parents for f in new), sorted(new)


class Trap:
    """Unpickling this writes a file: proof that something was unpickled."""

    def __init__(self, sentinel: Path):
        self.sentinel = sentinel

    def __reduce__(self):
        return (Path.write_text, (self.sentinel, "unpickled"))


def test_results_are_never_unpickled(tmp_path, capsys):
    file = write(tmp_path, {"name": "study"})
    out = tmp_path / "run"
    assert main(["run", str(file), "--workers", "1", "--quiet", "--out", str(out)]) == 0
    sentinel = tmp_path / "sentinel.txt"
    (out / "regions.parquet").write_bytes(pickle.dumps(Trap(sentinel)))
    with pytest.raises(Exception):  # noqa: B017 - any refusal will do, as long as nothing runs
        load_results(out)
    assert not sentinel.exists()


def test_yaml_python_tags_are_not_executed(tmp_path, capsys):
    sentinel = tmp_path / "sentinel.txt"
    file = tmp_path / "evil.yaml"
    file.write_text(
        f"name: !!python/object/apply:pathlib.Path.write_text [{str(sentinel)!r}, boom]\n"
    )
    assert main(["run", str(file)]) == 2
    assert "not allowed" in capsys.readouterr().err
    assert not sentinel.exists()


def _calls(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            yield node, ast.unparse(node.func)


# The one exception: the calibration's sampler pickles pyabc's in-memory candidate function to send
# it to this run's own workers (as any process pool or Dask does with every task); nothing read
# from a file or a network peer is ever unpickled.
IN_MEMORY_TASKS = {"abc_sampler.py:cloudpickle", "abc_sampler.py:cloudpickle.loads",
                   "abc_sampler.py:cloudpickle.dumps"}  # fmt: skip


def test_the_code_never_unpickles_evaluates_or_loads_yaml_unsafely():
    """Scan the package's source: no pickle, eval/exec or unsafe YAML loading anywhere."""
    problems = []
    for file in sorted(MODEL.rglob("*.py")):
        tree = ast.parse(file.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
                if any(n.split(".")[0] in {"pickle", "dill", "cloudpickle", "shelve", "marshal"}
                       and f"{file.name}:{n}" not in IN_MEMORY_TASKS for n in names):  # fmt: skip
                    problems.append(f"{file.name}:{node.lineno}: imports {names}")
        for call, name in _calls(tree):
            where = f"{file.name}:{call.lineno}: {name}"
            if f"{file.name}:{name}" in IN_MEMORY_TASKS:
                continue
            if name in {"eval", "exec", "compile", "__import__"} or "pickle" in name:
                problems.append(where)
            if name.endswith(("yaml.unsafe_load", "yaml.full_load", "yaml.load_all")):
                problems.append(where)
            if name.endswith("yaml.load"):
                loader = {k.arg: ast.unparse(k.value) for k in call.keywords}.get("Loader", "")
                if "safe" not in loader.lower():
                    problems.append(f"{where} with Loader={loader or 'default'}")
            if any(k.arg == "allow_pickle" for k in call.keywords):
                problems.append(f"{where} allow_pickle")
    assert problems == []


def test_pyarrow_is_recent_enough_not_to_unpickle_parquet_metadata():
    # pyarrow before 14.0.1 unpickled "arrow.py_extension_type" metadata (CVE-2023-47248).
    import pyarrow

    assert tuple(int(p) for p in pyarrow.__version__.split(".")[:3]) >= (14, 0, 1)
