"""Figures inspected as matplotlib objects: titles, axis labels, series and colours per country."""

import numpy as np
import pandas as pd
import pytest
from conftest import eradication, small_scenario
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.text import Text
from PIL import Image

from model.experiments.compare import compare
from model.experiments.pressure import policy_pressure, pressure_spans
from model.figures.comparison import effect_intervals, policy_vs_counterfactual
from model.figures.countries import hectares_by_country, prices, trafficker_sourcing
from model.figures.posterior import plot_posterior_marginals, plot_posterior_predictive
from model.figures.regions import region_coordinates, region_heatmap, shift_map
from model.figures.saving import save_figure
from model.figures.style import (
    COUNTRY_COLOURS,
    country_colour,
    format_number,
    organisation_label,
    percent_change,
    scenario_label,
)
from model.figures.sweeps import plot_sweep, sensitivity_indices, sweep_outcomes
from model.figures.tables import summary_markdown

PUSH = small_scenario(name="push", policies=[eradication("colombia", 40_000, method="aerial")])


@pytest.fixture(scope="module")
def comparison():
    return compare([PUSH], small_scenario(name="baseline"), replications=2, executor="inline")


def legend_texts(fig):
    return [t.get_text() for legend in fig.legends for t in legend.get_texts()]


def test_every_country_has_one_distinct_colour():
    colours = [country_colour(c) for c in ("peru", "colombia", "bolivia", "ecuador")]
    assert len(set(colours)) == 4
    assert country_colour("atlantis") == country_colour("atlantis")


def test_stacked_hectares_have_one_layer_per_country_in_its_colour(comparison):
    run = comparison.policies["push"]
    spans = pressure_spans(policy_pressure(run.scenario))
    fig = hectares_by_country(run.countries, spans)
    ax = fig.axes[0]
    layers = ax.collections
    stacked = [c for c in layers if c.get_label() in ("Peru", "Colombia", "Bolivia")]
    assert [c.get_label() for c in stacked] == ["Peru", "Colombia", "Bolivia"]
    for layer, country in zip(stacked, ("peru", "colombia", "bolivia"), strict=True):
        assert to_hex(layer.get_facecolor()[0]) == COUNTRY_COLOURS[country].lower()
    assert ax.get_title() == "Coca cultivation by country"
    assert ax.get_ylabel().startswith("coca area, ha") and ax.get_xlabel().startswith("year")
    assert any("policy pressure" in t for t in legend_texts(fig))
    # The window is shaded behind the stacks, which let it show through, and it is named.
    (window,) = [p for p in ax.patches if p.get_zorder() == 0]
    assert all(layer.get_zorder() > window.get_zorder() for layer in stacked)
    assert all(layer.get_alpha() < 0.8 for layer in stacked)
    assert [t.get_text() for t in ax.texts] == ["policy pressure"]
    # The top of the stack is the total coca area.
    top = stacked[-1].get_paths()[0].vertices[:, 1].max()
    total = run.countries.groupby(["date", "replication"]).hectares.sum().max()
    assert top == pytest.approx(total, rel=0.05)


def test_policy_against_counterfactual_has_a_panel_per_country_and_both_lines(comparison):
    fig = policy_vs_counterfactual(
        {k: r.countries for k, r in comparison.policies.items()},
        comparison.counterfactual.countries,
        counterfactual_name="baseline",
    )
    axes = fig.axes
    assert [ax.get_title() for ax in axes] == ["Peru", "Colombia", "Bolivia"]
    # One scale for every panel, from zero: magnitudes compare honestly across countries.
    assert {ax.get_ylim() for ax in axes} == {axes[0].get_ylim()} and axes[0].get_ylim()[0] == 0
    assert all(ax.get_xlabel() == "year" for ax in axes)
    for ax, country in zip(axes, ("peru", "colombia", "bolivia"), strict=True):
        colours = [to_hex(line.get_color()) for line in ax.get_lines()]
        assert COUNTRY_COLOURS[country].lower() in colours
        assert any(line.get_linestyle() == "--" for line in ax.get_lines())  # counterfactual
        assert len(ax.collections) == 2  # two 90% bands
    assert axes[0].get_ylabel() == "coca area, ha"
    assert '"baseline": median' in legend_texts(fig)
    # Colombia's panel says by how much the policy cut its coca against the baseline.
    (change,) = [t.get_text() for t in axes[1].texts]
    assert change.startswith("-") and change.endswith("%")
    # Colombia's policy line ends below the counterfactual's.
    colombia = axes[1].get_lines()
    assert colombia[1].get_ydata()[-1] < colombia[0].get_ydata()[-1]


def countries_table(changes: dict[str, float], months: int = 24, level: float = 40_000.0):
    """A countries table of two replications in which each country's coca is ``level`` times
    ``1 + changes[country]`` in every month (its counterfactual: ``changes`` all zero)."""
    dates = pd.date_range("2000-01-01", periods=months, freq="MS")
    rows = [
        {"replication": r, "date": d, "country": c, "hectares": level * (1 + change) * (1 + r / 100)}
        for r in range(2) for d in dates for c, change in changes.items()
    ]  # fmt: skip
    return pd.DataFrame(rows)


def test_change_labels_never_read_minus_zero():
    # The history's Bolivia moved -0.3% against the counterfactual and read "-0%".
    counterfactual = countries_table({"peru": 0.0, "colombia": 0.0, "bolivia": 0.0})
    policy = countries_table({"peru": 0.0, "colombia": -0.25, "bolivia": -0.003})
    fig = policy_vs_counterfactual({"plan": policy}, counterfactual, counterfactual_name="none")
    labels = [[t.get_text() for t in ax.texts] for ax in fig.axes]
    assert labels == [["0%"], ["-25%"], ["-0.3%"]]


def test_percent_change_keeps_the_sign_of_small_moves_and_writes_no_minus_zero():
    assert [percent_change(x) for x in (3.69, -0.25, -0.003, 0.004, -0.0049, 0.0, -0.00004)] == [
        "+369%", "-25%", "-0.3%", "+0.4%", "-0.5%", "0%", "0%"
    ]  # fmt: skip
    assert percent_change(-0.028, 1) == "-2.8%" and percent_change(-0.0002, 1) == "-0.02%"
    assert percent_change(-1e-7, 1) == "0%" and percent_change(float("nan")) == "n/a"


def test_scenario_and_organisation_names_read_as_names():
    assert scenario_label("no_plan_colombia") == '"no_plan_colombia"'
    assert scenario_label("Plan Colombia") == "Plan Colombia"  # readable already: as given
    assert organisation_label("colombian_cartels") == "Colombian cartels"
    assert organisation_label("sinaloa_cartel") == "Sinaloa cartel"


def test_policy_against_counterfactual_names_scenarios_and_says_whose_band_is_whose(comparison):
    fig = policy_vs_counterfactual(
        {"andes_history_calibrated": comparison.policies["push"].countries},
        comparison.counterfactual.countries,
        counterfactual_name="no_plan_colombia",
    )
    titles = [fig.get_suptitle(), *(row.get_suptitle() for row in fig.subfigs)]
    text = " ".join(titles + legend_texts(fig))
    assert "no plan colombia" not in text and "andes history" not in text
    assert '"andes_history_calibrated" (solid) against "no_plan_colombia" (dashed)' in titles[1]
    assert '"no_plan_colombia"' in titles[0]
    # Each band drawn has a legend entry of its own colour, and that entry names whose band it is:
    # the policy's bands are in the country's colour, the counterfactual's grey.
    (legend,) = fig.legends
    entries = {
        to_hex(h.get_facecolor(), keep_alpha=True): t.get_text()
        for h, t in zip(legend.legend_handles, legend.get_texts(), strict=True)
        if isinstance(h, Patch)
    }
    peru = fig.axes[0]
    counterfactual_band, policy_band = (to_hex(c.get_facecolor()[0], keep_alpha=True)
                                        for c in peru.collections)  # fmt: skip
    assert entries[counterfactual_band] == '"no_plan_colombia": 90% of runs'
    assert entries[policy_band].startswith("with the policy: 90% of runs")
    assert "country's colour" in entries[policy_band]


def test_heatmap_of_change_is_centred_on_zero_with_labelled_regions(comparison):
    run, base = comparison.policies["push"], comparison.counterfactual
    fig = region_heatmap(run.regions, base.regions)
    ax = fig.axes[0]
    image = ax.get_images()[0]
    values = image.get_array()
    assert values.shape == (16, 10)  # regions x years
    assert image.norm.vcenter == 0
    assert -image.norm.vmin == image.norm.vmax
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(labels) == 16 and "putumayo caqueta" in labels
    tick_colours = {to_hex(t.get_color()) for t in ax.get_yticklabels()}
    assert tick_colours == {
        c.lower() for c in (COUNTRY_COLOURS[k] for k in ("peru", "colombia", "bolivia"))
    }
    assert "counterfactual" in fig.axes[1].get_ylabel()


def test_effect_intervals_show_ratios_and_net_reduction_per_scenario(comparison):
    fig = effect_intervals(comparison.summary)
    left, right = fig.axes[:2]
    assert left.get_title() == "Displacement (balloon) ratio"
    assert right.get_title() == "Net reduction"
    assert "ratio" in left.get_xlabel() and "hectares" in right.get_xlabel()
    assert [t.get_text().split("\n")[0] for t in left.get_yticklabels()] == ['"push"']
    assert len(left.containers) == 3 and len(right.containers) == 1  # errorbars
    median = comparison.summary.set_index("metric").loc["displacement_ratio", "median"]
    x = left.containers[0].lines[0].get_xdata()[0]
    assert x == pytest.approx(median)


def test_effect_intervals_say_what_negative_means_and_what_each_marker_is(comparison):
    fig = effect_intervals(comparison.summary)
    right = fig.axes[1]
    label = right.get_xlabel().replace("\n", " ")
    assert "coca fewer" not in label  # the old, ungrammatical label
    assert label.startswith("less coca, all regions together, hectares")
    assert "below 0: more coca with the policy" in label
    texts = legend_texts(fig)
    # The filled circle is the total: within the country and across borders added up.
    (total,) = [t for t in texts if t.startswith("anywhere else")]
    assert "added up" in total
    assert "other regions of\nthe target country" in texts and "other countries" in texts


def test_effect_intervals_net_reduction_tick_labels_do_not_overlap():
    # Wide intervals in tens of thousands of hectares (Plan Colombia on the history: -29,600 to
    # +26,400) once printed "-30,000-20,000-10,000" as one run of digits.
    rows = [
        ("plan", "colombia", "displacement_ratio", 1.82, 0.36, 3.06),
        ("plan", "colombia", "net_reduction_ha", -18_544.0, -29_557.0, 26_357.0),
    ]
    summary = pd.DataFrame(rows, columns=["scenario", "target", "metric", "median", "low", "high"])
    fig = effect_intervals(summary)
    FigureCanvasAgg(fig).draw()
    renderer = fig.canvas.get_renderer()
    right = fig.axes[1]
    boxes = [
        t.get_window_extent(renderer)
        for t in right.get_xticklabels()
        if t.get_text() and right.get_xlim()[0] <= t.get_position()[0] <= right.get_xlim()[1]
    ]
    assert len(boxes) >= 3
    for a, b in zip(boxes, boxes[1:], strict=False):
        assert a.x1 < b.x0, (a, b)


def test_effect_intervals_reference_notes_stay_inside_their_panels():
    # Plan Colombia on the baseline: every net reduction below zero, so zero is the right edge and
    # "no net change" ran out of its panel.
    rows = [
        ("plan", "colombia", "displacement_ratio", 1.54, 1.37, 1.56),
        ("plan", "colombia", "net_reduction_ha", -12_500.0, -13_000.0, -8_500.0),
    ]
    summary = pd.DataFrame(rows, columns=["scenario", "target", "metric", "median", "low", "high"])
    fig = effect_intervals(summary)
    FigureCanvasAgg(fig).draw()
    renderer = fig.canvas.get_renderer()
    for ax in fig.axes[:2]:
        frame = ax.get_window_extent(renderer)
        for note in ax.texts:
            box = note.get_window_extent(renderer)
            assert frame.x0 <= box.x0 and box.x1 <= frame.x1, note.get_text()


def test_prices_put_wholesale_and_farm_gate_on_their_own_axes(comparison):
    run, base = comparison.policies["push"], comparison.counterfactual
    fig = prices(run.countries, run.system, base.system)
    top, bottom = fig.axes[:2]
    assert "US$/kg of cocaine" in top.get_ylabel()
    assert "US$/kg of dry coca leaf" in bottom.get_ylabel()
    # Both axes start at zero: a 1% move of the wholesale price looks like one.
    assert top.get_ylim()[0] == 0 and bottom.get_ylim()[0] == 0
    assert top.get_ylim()[1] > run.system.wholesale_price.max()
    assert "%" in top.get_title() and "from zero" in top.get_title()
    assert len(bottom.get_lines()) == 3
    assert len(top.get_lines()) == 2
    assert "farm gate, Colombia" in legend_texts(fig)


def test_prices_say_what_the_dollars_are_and_write_no_minus_zero():
    # A wholesale price that dips by a dollar in 25,000 read "-0.0%" in the title.
    dates = pd.date_range("2000-01-01", periods=12, freq="MS")
    wholesale = [25_000.0] * 5 + [24_999.0] + [25_400.0] * 6
    system = pd.DataFrame({"replication": 0, "date": dates, "wholesale_price": wholesale})
    countries = pd.DataFrame(
        [{"replication": 0, "date": d, "country": c, "farmgate_price": 1.5}
         for d in dates for c in ("peru", "colombia")]
    )  # fmt: skip
    fig = prices(countries, system, title="Prices")
    top, bottom = fig.axes[:2]
    assert "within 0% and +1.6% of its first month" in top.get_title()
    assert "-0.0%" not in top.get_title()
    # The model has no price index: the figure says so, as model/figures/style.py defines it.
    assert (
        fig.get_suptitle()
        == "Prices\nUS$ as the model sets them: no price index, not adjusted for inflation"
    )
    assert "US$/kg" in top.get_ylabel() and "US$/kg" in bottom.get_ylabel()


def test_trafficker_sourcing_shares_add_to_one(comparison):
    run = comparison.policies["push"]
    fig = trafficker_sourcing(run.traffickers)
    names = run.traffickers.trafficker.unique()
    assert len(fig.axes) == len(names)
    ax = fig.axes[0]
    assert ax.get_title(loc="left").startswith("Colombian cartels")  # not "colombian cartels"
    assert names[0] == "colombian_cartels"
    assert ax.get_ylim() == (0, 1)
    top = ax.collections[-1].get_paths()[0].vertices[:, 1].max()
    assert top == pytest.approx(1.0)


def test_trafficker_sourcing_names_the_pressure_window_over_the_filled_shares(comparison):
    run = comparison.policies["push"]
    fig = trafficker_sourcing(run.traffickers, pressure_spans(policy_pressure(run.scenario)))
    titles = [ax.get_title(loc="left") for ax in fig.axes]
    assert all(t[0].isupper() and "_" not in t for t in titles)
    top = fig.axes[0]
    (label,) = [t for t in top.texts if t.get_text() == "policy pressure"]
    # The shares fill the axes to the top: the name sits over them on an opaque white box.
    assert label.get_zorder() > max(c.get_zorder() for c in top.collections)
    box = label.get_bbox_patch()
    assert box is not None and to_hex(box.get_facecolor()) == "#ffffff"
    assert box.get_alpha() is None or box.get_alpha() > 0.9


def test_shift_map_draws_two_circles_per_region_and_an_arrow_per_moving_country(comparison):
    run = comparison.policies["push"]
    coordinates = region_coordinates(run.scenario)
    fig = shift_map(run.regions, coordinates, ("1997-01", "2001-11"))
    ax = fig.axes[0]
    assert ax.get_xlabel() == "longitude, degrees" and ax.get_ylabel() == "latitude, degrees"
    circles = ax.collections
    assert len(circles) == 2 * 3  # an outline and a disc per country
    assert sum(len(c.get_offsets()) for c in circles) == 2 * 16
    outlines = circles[0::2]
    assert {to_hex(c.get_edgecolor()[0]) for c in outlines} == {
        COUNTRY_COLOURS[k].lower() for k in ("peru", "colombia", "bolivia")
    }
    texts = [t.get_text() for t in ax.texts]
    assert any(t.startswith("Putumayo-Caqueta") for t in texts)
    with pytest.raises(ValueError, match="1980-01"):
        shift_map(run.regions, coordinates, ("1980-01", "2001-11"))


def test_summary_markdown_has_a_table_per_scenario(comparison):
    text = summary_markdown(comparison.summary)
    assert "## push against baseline, target colombia" in text
    assert "| displacement_ratio |" in text
    assert text.count("| metric | median |") == 1


def png_size(path) -> tuple[int, int]:
    with Image.open(path) as image:
        return image.size


def test_figures_are_saved_as_png_and_svg_at_the_asked_resolution(tmp_path):
    fig = Figure(figsize=(4, 3))
    fig.add_subplot().plot([0, 1])
    paths = save_figure(fig, tmp_path, "line")
    assert [p.name for p in paths] == ["line.png", "line.svg"]
    assert "<svg" in paths[1].read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["line.png", "line.svg"]
    assert png_size(paths[0]) == (400, 300)
    save_figure(fig, tmp_path, "fine", dpi=120)
    assert png_size(tmp_path / "fine.png") == (480, 360)


def test_saving_a_pyplot_figure_closes_it(tmp_path):
    from matplotlib import pyplot

    fig, ax = pyplot.subplots()
    ax.plot([0, 1])
    save_figure(fig, tmp_path, "line")
    assert fig.number not in pyplot.get_fignums()


# --------------------------------------------------------------------------- experiments


def sweep_table(runs: int = 40) -> pd.DataFrame:
    """Runs of a sweep in which Peru's coca grows with ``a`` and Bolivia's does not move."""
    a = np.linspace(0, 1, runs)
    b = np.tile([0.0, 1.0], runs // 2)
    return pd.DataFrame(
        {
            "a": a,
            "b": b,
            "final_ha_peru": 10_000 + 40_000 * a,
            "final_ha_bolivia": 20_000.0,
            "final_ha_total": 30_000 + 40_000 * a,
        }
    )


def test_sweep_outcomes_have_a_panel_per_parameter_and_row_and_a_line_per_country():
    fig = sweep_outcomes(sweep_table(), ["a", "b"], ["final_ha_total"], "A sweep")
    assert len(fig.axes) == 2 * 2  # (countries, final_ha_total) x (a, b)
    countries, total = fig.axes[0], fig.axes[2]
    lines = {line.get_label(): line for line in countries.get_lines()}
    assert set(lines) == {"Peru", "Bolivia"}
    assert to_hex(lines["Peru"].get_color()) == COUNTRY_COLOURS["peru"].lower()
    peru = lines["Peru"].get_ydata()
    assert peru[0] < 20 < 45 < peru[-1]  # thousand ha, rising with a
    assert np.allclose(lines["Bolivia"].get_ydata(), 20)
    assert "thousand ha" in countries.get_ylabel()
    assert total.get_ylabel().endswith(", ha") and total.get_xlabel() == "a"  # a: not in the schema
    assert len(fig.axes[1].get_lines()[0].get_xdata()) == 2  # b takes two values: one mean each
    assert fig.get_suptitle().startswith("A sweep")


def test_plot_sweep_saves_the_figure_finer_than_the_others_as_png_and_svg(tmp_path):
    png = plot_sweep(sweep_table(), ["a"], [], tmp_path / "sweep.png", "A sweep")
    assert png == tmp_path / "sweep.png"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sweep.png", "sweep.svg"]
    figure = sweep_outcomes(sweep_table(), ["a"], [], "A sweep")
    width, height = figure.get_size_inches()
    assert png_size(png) == (round(width * 120), round(height * 120))


def test_sensitivity_indices_draw_each_index_with_its_interval():
    indices = pd.DataFrame(
        {
            "metric": "final_ha_total",
            "parameter": ["a", "b"],
            "S1": [0.7, 0.1],
            "S1_conf": [0.05, 0.02],
            "ST": [0.8, 0.15],
            "ST_conf": [0.06, 0.03],
        }
    )
    fig = sensitivity_indices(indices, "sobol", "Sobol")
    (ax,) = fig.axes
    first_order, total = [c for c in ax.containers if isinstance(c, BarContainer)]
    assert [bar.get_width() for bar in first_order.patches] == [0.7, 0.1]
    assert [bar.get_width() for bar in total.patches] == [0.8, 0.15]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b"]
    assert ax.get_xlabel().startswith("Sobol index: share of the metric's variance (0-1")
    # The intervals are drawn, as error bars of the half-widths given.
    bars = [c for c in ax.containers if not isinstance(c, BarContainer)]
    assert len(bars) == 2
    assert not any("too small" in t.get_text() for t in fig.texts)  # no warning given, none shown
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["first order (S1)", "total (ST)"]


def test_posterior_predictive_shows_bands_and_data_per_country_and_shades_the_forecast():
    rows = [
        {"replication": r, "year": y, "country": c, "hectares": 1000.0 * (k + 1) + 100 * r}
        for r in range(5) for y in range(1990, 2017)
        for k, c in enumerate(("peru", "colombia", "bolivia"))
    ]  # fmt: skip
    data = pd.DataFrame({"peru": 1500.0, "colombia": 2500.0, "bolivia": 3500.0},
                        index=pd.Index(range(1990, 2013), name="year"))  # fmt: skip
    fig = plot_posterior_predictive(pd.DataFrame(rows), data, (1990, 2012), "Fit")
    assert [ax.get_title() for ax in fig.axes] == ["Peru", "Colombia", "Bolivia"]
    colombia = fig.axes[1]
    model_line = colombia.get_lines()[0]
    assert to_hex(model_line.get_color()) == COUNTRY_COLOURS["colombia"].lower()
    assert model_line.get_ydata()[0] == pytest.approx(2.2)  # the median, thousand ha
    assert colombia.get_ylim()[0] == 0
    assert colombia.patches[0].get_x() == pytest.approx(2012.5)  # the forecast shading
    assert "forecast" in " ".join(legend_texts(fig))
    assert "thousand ha" in fig.axes[0].get_ylabel()


def test_posterior_marginals_span_the_prior_and_mark_the_median():
    rng = np.random.default_rng(0)
    samples = pd.DataFrame({"a.x": rng.normal(0.3, 0.05, 400), "b.y": rng.uniform(0, 10, 400),
                            "weight": np.full(400, 1 / 400)})  # fmt: skip
    fig = plot_posterior_marginals(samples, {"a.x": (0.0, 1.0), "b.y": (0.0, 10.0)}, "Posterior")
    first = fig.axes[0]
    assert first.get_xlim() == (0.0, 1.0)
    (median,) = [line for line in first.get_lines() if line.get_color() == "black"]
    assert median.get_xdata()[0] == pytest.approx(0.3, abs=0.02)
    assert "prior" in fig._suptitle.get_text()


def test_format_number():
    assert format_number(12345.6) == "12,346"
    assert format_number(1.234) == "1.23"
    assert format_number(0.1234) == "0.123"
    assert format_number(np.nan) == "n/a"


def test_sweep_axes_name_the_parameter_with_its_unit_and_readable_numbers():
    table = sweep_table().rename(columns={"a": "traffickers.entry_cost_usd"})
    table["traffickers.entry_cost_usd"] *= 100_000
    fig = sweep_outcomes(table, ["traffickers.entry_cost_usd"], ["final_ha_total"], "A sweep")
    bottom = fig.axes[-1]
    label = bottom.get_xlabel()
    assert label.startswith("traffickers.entry_cost_usd\n") and label.endswith("US$")
    FigureCanvasAgg(fig).draw()
    ticks = [t.get_text() for t in bottom.get_xticklabels() if t.get_text()]
    assert ticks and not any("e+" in t for t in ticks) and any("," in t for t in ticks)


def test_sensitivity_figure_says_when_the_sample_is_too_small():
    indices = pd.DataFrame({"metric": "final_ha_total", "parameter": ["a"], "S1": [1.22],
                            "S1_conf": [0.6], "ST": [0.97], "ST_conf": [0.6]})  # fmt: skip
    fig = sensitivity_indices(indices, "sobol", "Sobol", warnings=["warning: ..."])
    assert any("too small" in t.get_text() for t in fig.texts)


def test_the_map_draws_country_borders_and_labels_that_do_not_overlap(comparison):
    run = comparison.policies["push"]
    fig = shift_map(run.regions, region_coordinates(run.scenario), ("1997-01", "2001-11"))
    ax = fig.axes[0]
    outlines = [p for p in ax.patches if p.get_facecolor()[3] == 0]  # borders: edge only
    assert len(outlines) >= 5  # Colombia, Peru, Bolivia and the neighbours
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in ax.texts if "ha (" in t.get_text()]
    assert len(boxes) == 16
    overlaps = [(i, j) for i in range(len(boxes)) for j in range(i + 1, len(boxes))
                if boxes[i].overlaps(boxes[j])]  # fmt: skip
    assert overlaps == []


def disc_overlaps_box(centre, radius, box) -> bool:
    x = min(max(centre[0], box.x0), box.x1)
    y = min(max(centre[1], box.y0), box.y1)
    return (x - centre[0]) ** 2 + (y - centre[1]) ** 2 < radius**2


def drawn_map(comparison):
    """The push policy's shift map, drawn: the figure, its renderer and the map's axes."""
    run = comparison.policies["push"]
    fig = shift_map(run.regions, region_coordinates(run.scenario), ("1997-01", "2001-11"))
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return fig, canvas.get_renderer(), fig.axes[0]


def test_the_map_keeps_its_legends_off_the_map_and_its_size_key_apart(comparison):
    fig, renderer, ax = drawn_map(comparison)
    frame = ax.get_window_extent(renderer)
    keys, sizes = fig.legends
    for legend in (keys, sizes):
        assert not legend.get_window_extent(renderer).overlaps(frame)  # beside the map, not on it
    # The circles of the size key neither overlap each other nor leave their legend.
    box = sizes.get_window_extent(renderer)
    circles = []
    for handle in sizes.legend_handles:  # the marker sits in the middle of its handle
        extent = handle.get_window_extent(renderer)
        centre = ((extent.x0 + extent.x1) / 2, (extent.y0 + extent.y1) / 2)
        circles.append((centre, handle.get_markersize() / 2 * fig.dpi / 72))
    assert [t.get_text() for t in sizes.get_texts()] == ["5,000 ha", "20,000 ha", "50,000 ha"]
    for ((x1, y1), r1), ((x2, y2), r2) in zip(circles, circles[1:], strict=False):
        assert np.hypot(x2 - x1, y2 - y1) >= r1 + r2
    for (x, y), r in circles:
        assert box.x0 <= x - r and x + r <= box.x1 and box.y0 <= y - r and y + r <= box.y1
    # The values are means over the runs, and the legends say so.
    assert keys.get_title().get_text() == "coca, mean over 2 runs"
    assert sizes.get_title().get_text() == "circle area: coca, ha\n(mean over 2 runs)"


def test_the_map_labels_cover_no_circle_and_its_arrows_have_shafts(comparison):
    fig, renderer, ax = drawn_map(comparison)
    labels = [t for t in ax.texts if "ha (" in t.get_text()]
    discs = [
        (ax.transData.transform(xy), np.sqrt(size) / 2 * fig.dpi / 72)
        for c in ax.collections
        for xy, size in zip(c.get_offsets(), np.broadcast_to(c.get_sizes(), len(c.get_offsets())),
                            strict=True)
    ]  # fmt: skip
    covered = [  # the text's own box (an annotation's box also spans its leader line)
        t.get_text().split("\n")[0]
        for t in labels
        if any(disc_overlaps_box(c, r, Text.get_window_extent(t, renderer)) for c, r in discs)
    ]
    assert covered == []  # ("Narino" ran into the Putumayo-Caqueta circle)
    # Each country's shift: a dot where its centre was, and an arrow whose shaft is longer than
    # its head (a short move drew a bare arrowhead).
    arrows = [t for t in ax.texts if not t.get_text() and t.arrow_patch is not None]
    assert arrows
    for arrow in arrows:
        start, tip = ax.transData.transform([arrow.xyann, arrow.xy])
        head = 0.4 * arrow.arrow_patch.get_mutation_scale() * fig.dpi / 72  # "-|>" head length
        assert np.hypot(*(tip - start)) > 3 * head
    dots = [line for line in ax.get_lines() if line.get_marker() == "o"]
    assert len(dots) == len(arrows)
    assert any("centre moved" in t and "km" in t for t in legend_texts(fig))
