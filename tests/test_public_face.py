"""The package's public face (model/__init__.py): what notebooks and the docs import from.

``import model`` loads the model and its scenario only; experiments, figures, tuning and the
dashboard load on first use of one of their names.
"""

import ast
import re
import subprocess
import sys
from importlib import import_module
from pathlib import Path

import pytest

import model

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("matplotlib", "solara", "ipywidgets", "SALib", "distributed", "model.dashboard",
         "model.figures", "model.experiments")  # fmt: skip


def python(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_import_model_loads_neither_figures_nor_experiments_nor_the_dashboard():
    loaded = python(
        "import sys, model\n"
        "from model import BalloonModel, Scenario, load_scenario\n"
        "print(' '.join(sorted(sys.modules)))"
    ).split()
    assert "model.sim.model" in loaded and "model.scenario.loading" in loaded
    assert not [name for name in loaded if name.split(".")[0] in HEAVY or name.startswith(HEAVY)]


def test_first_use_of_a_name_imports_its_module_and_nothing_heavier():
    loaded = python(
        "import sys\nfrom model import compare, load_results\nprint(' '.join(sorted(sys.modules)))"
    ).split()
    assert "model.experiments.compare" in loaded
    assert "solara" not in loaded and "model.dashboard.app" not in loaded


@pytest.mark.parametrize("name", sorted(set(model.__all__) - {"DashboardModel", "make_page"}))
def test_every_public_name_resolves_and_is_listed(name):
    assert getattr(model, name) is not None
    assert name in dir(model)


@pytest.mark.parametrize(
    ("name", "module", "attribute"),
    [
        ("run_replications", "model.experiments.runner", "run_replications"),
        ("compare", "model.experiments.compare", "compare"),
        ("load_results", "model.experiments.results", "load_results"),
        ("HEADLINE_METRICS", "model.experiments.compare", "HEADLINE"),
        ("plot_prices", "model.figures.countries", "prices"),
        ("TUNING_WINDOW", "model.experiments.tuning", "WINDOW"),
    ],
)
def test_a_public_name_is_the_object_of_its_home_module(name, module, attribute):
    assert getattr(model, name) is getattr(import_module(module), attribute)


def test_the_dashboard_names_resolve_with_the_dashboard_extra():
    out = python(
        "from model import DashboardModel, make_page, BalloonModel\n"
        "print(issubclass(DashboardModel, BalloonModel), callable(make_page))"
    )
    assert out.split() == ["True", "True"]


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="has no attribute 'no_such_thing'"):
        model.no_such_thing  # noqa: B018
    with pytest.raises(ImportError):
        exec("from model import no_such_thing", {})


def imported_modules(source: str) -> list[str]:
    """Every module a piece of Python source imports from (``from X import`` and ``import X``)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.append(node.module)
        elif isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
    return found


def test_notebooks_and_readme_import_the_package_only_through_its_face():
    sources = {path.name: path.read_text(encoding="utf-8") for path in ROOT.glob("notebooks/*.py")}
    for page in [ROOT / "README.md", *ROOT.glob("docs/*.md")]:
        text = page.read_text(encoding="utf-8")
        for index, block in enumerate(re.findall(r"```python\n(.*?)```", text, re.S)):
            sources[f"{page.name} python block {index + 1}"] = block
    assert len(sources) >= 6
    deep = {
        where: module
        for where, source in sources.items()
        for module in imported_modules(source)
        if module.startswith("model.")
    }
    assert deep == {}
    assert imported_modules("from model.figures import plots\nimport model.sim") == [
        "model.figures",
        "model.sim",
    ]
