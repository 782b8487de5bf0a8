"""The tuning notebook's code: tuned scenarios, re-runs, the figure, the session and saving."""

import io
import subprocess
import sys
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from matplotlib.dates import date2num
from PIL import Image

from model.experiments.metrics import balloon_metrics
from model.experiments.pressure import Target, Window
from model.experiments.tuned_scenario import HEADER, save_tuned
from model.experiments.tuning import (
    KNOBS,
    Tuner,
    Tuning,
    apply_tuning,
    knob_values,
    scenario_countries,
)
from model.experiments.tuning_session import TuningSession
from model.figures.style import country_colour
from model.figures.tuning import TuningFigure, headline, tuning_figure
from model.scenario.loading import SCENARIOS_DIR, ScenarioError, load_scenario

BALLOON = Path(sys.executable).with_name("balloon")
BASELINE = SCENARIOS_DIR / "baseline.yaml"


@pytest.fixture(scope="module")
def baseline():
    return load_scenario(BASELINE)


@pytest.fixture(scope="module")
def tuner(baseline):
    return Tuner(baseline, "2000-01", "2001-12", scale=0.005)


def test_knobs_read_slider_units(baseline):
    values = knob_values(baseline)
    assert values["demand_elasticity"] == baseline.market.demand_elasticity
    assert values["entry_cost_musd"] == baseline.traffickers.entry_cost_usd / 1e6
    for name, knob in KNOBS.items():
        assert knob.low <= values[name] <= knob.high, name


def test_apply_tuning_sets_parameters_and_adds_eradication(baseline):
    tuning = Tuning(
        {"entry_cost_musd": 3.0, "replant_forced": 0.2},
        {"peru": 10_000, "bolivia": 0},
        "aerial",
        date(2001, 1, 1),
    )
    tuned = apply_tuning(baseline, tuning)
    assert tuned.traffickers.entry_cost_usd == 3e6
    assert tuned.households.replant_forced == 0.2
    added = tuned.policies[len(baseline.policies) :]
    assert [(p.instrument, p.country) for p in added] == [("aerial_eradication", "peru")]
    assert added[0].schedule[0].start == date(2001, 1, 1)
    assert added[0].schedule[0].value == 10_000
    assert baseline.traffickers.entry_cost_usd == 2e6  # the base is not changed


@pytest.mark.parametrize(
    ("tuning", "problem"),
    [
        (Tuning({"no_such_knob": 1.0}), "no_such_knob"),
        (Tuning({"replant_forced": 1.5}), "households.replant_forced"),
        (Tuning(eradication_ha={"ecuador": 5_000}), "unknown country 'ecuador'"),
        (Tuning(eradication_ha={"peru": 5_000}, method="chemical"), "method"),
    ],
)
def test_bad_tuning_is_a_one_line_error(baseline, tuning, problem):
    with pytest.raises(ScenarioError, match=problem) as error:
        apply_tuning(baseline, tuning)
    assert "\n" not in str(error.value)


def test_rerun_compares_with_the_same_tuning_without_eradication(tuner):
    tuning = Tuning({"migration_rate": 0.04}, {"colombia": 30_000}, "manual", date(2000, 7, 1))
    run = tuner.run(tuning)
    assert run.scenario.households.migration_rate == 0.04
    assert run.counterfactual.params.households.migration_rate == 0.04
    assert run.untuned.params.households.migration_rate == 0.02
    assert run.target == "colombia"
    colombia = run.model.countries.query("country == 'colombia'").hectares.iloc[-1]
    without = run.counterfactual.countries.query("country == 'colombia'").hectares.iloc[-1]
    assert colombia < without  # eradication removed coca in the target
    assert 0 < run.eradicated_ha_yr["colombia"] <= 30_000 * 1.001
    assert run.metrics.loc["removed_ha", "value"] > 0
    assert run.seconds > 0 and "re-ran" in run.timing()

    again = tuner.run(Tuning({"migration_rate": 0.04}, {"colombia": 20_000}, "manual",
                             date(2000, 7, 1)))  # fmt: skip
    assert again.runs_computed == 1  # the counterfactual and the untuned run are reused
    assert again.counterfactual is run.counterfactual

    fig = tuning_figure(again)
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert {"Peru", "Colombia", "Bolivia", "extra eradication (shaded months)"} <= set(legend)
    assert "not adjusted for inflation" in fig.axes[1].get_ylabel()  # the model has no price index


def test_without_extra_eradication_there_are_no_metrics(tuner):
    run = tuner.run(Tuning({"demand_elasticity": -1.0}))
    assert run.metrics is None and run.target is None
    assert run.model is run.counterfactual


def test_saved_file_extends_the_base_and_passes_balloon_validate(baseline, tmp_path):
    tuning = Tuning({"demand_elasticity": -0.9, "armed_protection": 0.6}, {"peru": 12_500},
                    "manual", date(2005, 1, 1))  # fmt: skip
    path = save_tuned(baseline, tuning, tmp_path / "tuned_peru.yaml", BASELINE)
    text = path.read_text()
    assert text.startswith(HEADER)
    assert "extends: " in text and "baseline.yaml" in text
    assert "armed_groups" not in text  # 0.6 is the default: unchanged values are not written
    loaded = load_scenario(path)
    expected = apply_tuning(baseline, tuning).model_copy(update={"name": "tuned_peru"})
    assert loaded.model_dump() == {**expected.model_dump(), "description": loaded.description}
    assert (loaded.start, loaded.end) == (baseline.start, baseline.end)  # the base's own dates
    done = subprocess.run([BALLOON, "validate", path], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


def test_saving_again_replaces_a_tuned_file_but_never_another(baseline, tmp_path):
    path = tmp_path / "tuned_x.yaml"
    save_tuned(baseline, Tuning({"migration_rate": 0.05}), path, BASELINE)
    save_tuned(baseline, Tuning({"migration_rate": 0.06}), path, BASELINE)
    assert load_scenario(path).households.migration_rate == 0.06
    other = tmp_path / "mine.yaml"
    other.write_text("name: mine\n")
    with pytest.raises(ScenarioError, match="was not written by the tuning notebook"):
        save_tuned(baseline, Tuning({"migration_rate": 0.05}), other, BASELINE)
    assert other.read_text() == "name: mine\n"
    with pytest.raises(ScenarioError, match="name the file"):
        save_tuned(baseline, Tuning(), tmp_path / "Bad Name.yaml", BASELINE)


def test_without_a_base_file_the_whole_scenario_is_written(baseline, tmp_path):
    tuning = Tuning({"replant_forced": 0.3}, {"bolivia": 5_000}, "manual", date(1995, 1, 1))
    path = save_tuned(baseline, tuning, tmp_path / "tuned_full.yaml")
    assert "extends" not in path.read_text()
    loaded = load_scenario(path)
    assert loaded.households.replant_forced == 0.3
    assert loaded.policies[-1].country == "bolivia"


def test_shown_metrics_equal_the_full_balloon_metrics(tuner):
    run = tuner.run(Tuning({}, {"colombia": 30_000}, "manual", date(2001, 1, 1)))
    window = Window("2001-01-01", "2001-12-01")
    full = balloon_metrics(run.model, run.counterfactual, Target("colombia"), window)
    expected = full.iloc[0][list(run.metrics.index)].to_numpy(dtype=float)
    assert run.metrics.value.to_numpy() == pytest.approx(expected, nan_ok=True)
    assert run.metrics.loc["removed_ha", "unit"] == "ha"


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


@pytest.fixture(scope="module")
def two_runs(tuner):
    first = tuner.run(Tuning({}, {"colombia": 30_000}, "manual", date(2000, 7, 1)))
    second = tuner.run(Tuning({"demand_elasticity": -1.2}, {"peru": 60_000, "bolivia": 10_000},
                              "aerial", date(2001, 1, 1)))  # fmt: skip
    return first, second


def test_figure_is_updated_in_place_with_each_runs_data(tuner, two_runs):
    first, second = two_runs
    view = TuningFigure(scenario_countries(tuner.short))
    figure, lines = view.figure, dict(view.lines)
    for run in (first, second):
        assert view.update(run) is view
        assert view.figure is figure and view.lines == lines  # the same artists, new data
        for role, model in (("model", run.model), ("counterfactual", run.counterfactual),
                            ("untuned", run.untuned)):  # fmt: skip
            for country in ("peru", "colombia", "bolivia"):
                table = model.countries.query("country == @country").sort_values("date")
                for column in ("hectares", "farmgate_price"):
                    x, y = view.lines[column, role, country].get_data()
                    assert np.array_equal(y, table[column].to_numpy())
                    assert np.array_equal(x, date2num(table.date.to_numpy()))
                    assert view.lines[column, role, country].get_color() == country_colour(country)
        hectares, prices = view.axes["hectares"], view.axes["farmgate_price"]
        assert hectares.get_ylim()[0] == 0
        assert hectares.get_ylim()[1] >= max(line.get_ydata().max() for line in hectares.lines)
        low, high = prices.get_ylim()
        assert all(low <= line.get_ydata().min() and line.get_ydata().max() <= high
                   for line in prices.lines)  # fmt: skip
        span = view.spans["hectares"]
        assert span.get_visible()
        assert span.get_x() == pytest.approx(date2num(np.datetime64(run.tuning.start, "s")))
        assert view.title.get_text().startswith("baseline: one run on seed")
        assert view.subtitle.get_text() == headline(run)
    assert "Peru (the largest)" in headline(second)
    assert "aerial eradication from 2001-01: Peru 60,000, Bolivia 10,000 ha/yr" in headline(second)


def test_drawing_only_what_changed_gives_the_full_drawing(tuner, two_runs):
    first, second = two_runs
    view = TuningFigure(scenario_countries(tuner.short))
    before = pixels(view.update(first).png())
    after = pixels(view.update(second).png())  # drawn over the cached background
    full = pixels(TuningFigure(scenario_countries(tuner.short)).update(second).png(blit=False))
    assert before.shape == after.shape == full.shape
    differ = np.abs(after - full).max(axis=2)
    # Identical but for a few anti-aliased pixels where the x axes meet the frames (drawn in
    # another order); a stale tick label or line would differ in hundreds of pixels.
    assert (differ > 0).sum() < 100 and differ.max() < 64
    assert (np.abs(after - before).max(axis=2) > 64).sum() > 1_000  # the picture did change


def test_without_extra_eradication_the_figure_says_so(tuner):
    run = tuner.run(Tuning({"migration_rate": 0.03}))
    view = TuningFigure(scenario_countries(tuner.short)).update(run)
    assert not view.spans["hectares"].get_visible()
    assert "no extra eradication" in view.subtitle.get_text()
    assert view.png().startswith(b"\x89PNG")


def test_session_keeps_one_figure_and_reports_times():
    session = TuningSession("2000-01", "2000-12", scale=0.005)
    first = session.show("baseline", Tuning({}, {"colombia": 20_000}, "manual", date(2000, 4, 1)))
    figure = session.figure
    second = session.show("plan_colombia", Tuning({"replant_forced": 0.4}))
    assert session.figure is figure  # same countries: the figure is reused
    assert set(session.tuners) == {"baseline", "plan_colombia"}
    assert second.run.scenario.households.replant_forced == 0.4
    assert first.png.startswith(b"\x89PNG") and second.png != first.png
    report = first.report()
    assert "re-ran baseline (12 months" in report
    assert f"redrew the figure in {first.drawing_seconds:.2f} s" in report
    assert "extra eradication in colombia: asked 20,000 ha/yr" in report
    assert "balloon metrics (target colombia)" in report
    assert "balloon metrics" not in second.report()


def test_a_history_is_tuned_from_its_own_start_and_a_still_world_from_the_window(baseline):
    history = load_scenario(SCENARIOS_DIR / "andes_history_calibrated.yaml")
    tuned = Tuner(history, "2000-01", "2009-12", 0.005)
    assert (tuned.short.start, tuned.short.end) == (date(1990, 1, 1), date(2009, 12, 1))
    assert len(tuned.short.policies) == len(history.policies)  # the recorded past is kept
    # Extra eradication without a start of its own starts with the window, not with the history.
    run = tuned.run(Tuning({}, {"peru": 5_000.0}, "manual"))
    added = [p for p in run.scenario.policies if p.name not in {q.name for q in history.policies}]
    assert [f"{e.start:%Y-%m}" for e in added[0].schedule] == ["2000-01"]
    still = Tuner(baseline, "2000-01", "2009-12", 0.005)
    assert (still.short.start, still.short.end) == (date(2000, 1, 1), date(2009, 12, 1))
