"""The live dashboard: controls to scenario, chart data, the command, and the page in Chromium."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import date

import ipyvuetify as v
import numpy as np
import pytest
import solara

import model.cli as cli
from model.cli.dashboard import server_command
from model.dashboard import app
from model.dashboard.assets import ensure_offline_assets
from model.figures.dashboard_charts import HECTARES, MAP, PRICES, WAITING
from model.figures.style import MONEY_NOTE
from model.scenario.schema import Scenario

DEFAULTS = app.DEFAULTS
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def controls(**changes) -> dict:
    return {**DEFAULTS, **changes}


def colombia_hectares(model) -> float:
    colombia = model.world.country_index("colombia")
    hectares = model.households.region_hectares()
    return float(hectares[model.world.country_of == colombia].sum())


# ----------------------------------------------------------------------------- controls


def test_controls_left_alone_keep_the_scenarios_values():
    base = Scenario(market={"demand_elasticity": -0.9}, channels={"household_entry": False})
    scenario, notes = app.build_scenario(base, controls(), DEFAULTS)
    assert scenario.market.demand_elasticity == -0.9
    assert scenario.channels.household_entry is False
    assert scenario.policies == base.policies
    assert notes == []


def test_moved_controls_override_and_add_eradication_after_the_start():
    base = Scenario(start="1995-01", end="1999-12")
    changed = controls(
        demand_elasticity=-1.2, entry_cost_musd=5.0, household_migration=False,
        aerial_colombia=60_000, manual_bolivia=10_000, policy_start_months=6,
    )  # fmt: skip
    scenario, notes = app.build_scenario(base, changed, DEFAULTS)
    assert scenario.market.demand_elasticity == -1.2
    assert scenario.traffickers.entry_cost_usd == 5e6
    assert scenario.channels.household_migration is False
    added = {(p.instrument, p.country): p.schedule[0] for p in scenario.policies}
    assert added[("aerial_eradication", "colombia")].start == date(1995, 7, 1)
    assert added[("aerial_eradication", "colombia")].value == 60_000
    assert added[("manual_eradication", "bolivia")].value == 10_000
    assert len(scenario.policies) == len(base.policies) + 2
    assert len(notes) == 5


def test_eradication_for_a_country_outside_the_world_is_ignored():
    base = Scenario(world={"countries": ["peru"]})
    scenario, notes = app.build_scenario(base, controls(aerial_colombia=50_000), DEFAULTS)
    assert scenario.policies == []
    assert notes == []


def test_seed_box_accepts_whole_numbers_only():
    assert app.parse_seed(" 42 ", 7) == 42
    assert app.parse_seed("", 7) == 7
    with pytest.raises(ValueError, match="seed: write a whole number"):
        app.parse_seed("4.5", 7)


def test_the_eradication_slider_reaches_the_model():
    common = {"scenario_name": app.DEFAULTS_LABEL, "policy_start_months": 1}
    control = app.DashboardModel(**common)
    sprayed = app.DashboardModel(**common, aerial_colombia=150_000)
    for _ in range(12):
        control.step()
        sprayed.step()
    assert colombia_hectares(sprayed) < colombia_hectares(control) - 1000
    assert sprayed.overrides == ["Extra aerial eradication, Colombia: 150,000 ha/yr from 1990-02"]


def test_unknown_scenario_label_is_refused():
    with pytest.raises(ValueError, match="unknown scenario 'nope'"):
        app.DashboardModel(scenario_name="nope")


# ----------------------------------------------------------------------------- charts


@pytest.fixture(scope="module")
def stepped():
    model = app.DashboardModel(scenario_name=app.DEFAULTS_LABEL, manual_peru=40_000)
    waiting = HECTARES.spec(model), PRICES.spec(model), MAP.spec(model)
    for _ in range(15):
        model.step()
    return model, waiting


def test_time_series_wait_for_the_first_month_and_the_map_does_not(stepped):
    model, (hectares, prices, regions) = stepped
    assert hectares["data"]["values"][0]["text"] == WAITING
    assert prices["data"]["values"][0]["text"] == WAITING
    assert len(regions["datasets"]["regions"]) == model.world.n_regions
    assert regions["title"]["text"] == "Coca by region, January 1990"


def test_hectares_chart_data_are_the_recorders_country_totals(stepped):
    model, _ = stepped
    rows = HECTARES.spec(model)["datasets"]["hectares"]
    table = model.countries
    assert len(rows) == len(table) == 15 * model.world.n_countries
    expected = table.set_index([table.date.dt.strftime("%Y-%m-%d"), table.country.str.title()])
    for row in rows:
        assert row["thousand_ha"] == pytest.approx(
            expected.loc[(row["date"], row["country"]), "hectares"] / 1000, abs=0.01
        )


def test_price_and_map_data_follow_the_model(stepped):
    model, _ = stepped
    datasets = PRICES.spec(model)["datasets"]
    wholesale = [r["usd_kg"] for r in datasets["cocaine"] if r["price"].startswith("wholesale")]
    assert wholesale == pytest.approx(model.system.wholesale_price.round(1).tolist())
    peru_leaf = [r["usd_kg"] for r in datasets["leaf"] if r["country"] == "Peru"]
    table = model.countries
    assert peru_leaf == pytest.approx(table[table.country == "peru"].farmgate_price, abs=1e-3)
    regions = MAP.spec(model)["datasets"]["regions"]
    assert [r["hectares"] for r in regions] == pytest.approx(
        model.households.region_hectares(), abs=0.6
    )
    assert MAP.spec(model)["title"]["text"] == "Coca by region, March 1991"


def test_both_price_charts_say_their_dollars_are_not_adjusted_for_inflation(stepped):
    model, _ = stepped
    charts = PRICES.spec(model)["vconcat"]
    assert [chart["title"]["subtitle"] for chart in charts] == [MONEY_NOTE, MONEY_NOTE]


def test_the_map_draws_real_country_borders_under_the_regions(stepped):
    model, _ = stepped
    (borders,) = [layer for layer in MAP.spec(model)["layer"]
                  if layer["mark"].get("type") == "line"]  # fmt: skip
    points = borders["data"]["values"]
    rings = {p["ring"] for p in points}
    assert {"Colombia-0", "Peru-0", "Bolivia-0"} <= rings and len(points) > 100
    peru = [(p["lon"], p["lat"]) for p in points if p["ring"] == "Peru-0"]
    lon, lat = np.array(peru).T
    assert -82 < lon.min() < lon.max() < -68 and -19 < lat.min() < lat.max() < 0.5
    assert MAP.spec(model)["layer"].index(borders) == 0  # under everything else


# ----------------------------------------------------------------------------- assets


def test_offline_assets_link_short_names_to_the_newest_shipped_version(tmp_path):
    for name in ("vega@5.9.0", "vega@5.21.0", "vega-lite@5.2.0"):
        (tmp_path / name / "build").mkdir(parents=True)
    assert ensure_offline_assets(tmp_path) == ["vega@5", "vega-lite@5"]
    assert os.readlink(tmp_path / "vega@5") == "vega@5.21.0"
    assert (tmp_path / "vega-lite@5" / "build").is_dir()
    assert not (tmp_path / "vega-embed@6").exists()  # nothing shipped, nothing linked
    assert ensure_offline_assets(tmp_path) == []


# ----------------------------------------------------------------------------- command


def test_dashboard_command_refuses_a_bad_scenario_in_one_line(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("market: {demand_elasticity: 2}\n")
    assert cli.main(["dashboard", str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "bad.yaml: market.demand_elasticity:" in err


def test_dashboard_command_binds_loopback_unless_told_otherwise(capsys):
    args = cli.build_parser().parse_args(["dashboard"])
    assert (args.host, args.port) == ("127.0.0.1", 8765)
    assert server_command(args.host, args.port)[-7:-3] == ["--host", "127.0.0.1", "--port", "8765"]
    with pytest.raises(SystemExit) as stop:
        cli.build_parser().parse_args(["dashboard", "--port", "70000"])
    assert stop.value.code == 2
    assert "not a port number" in capsys.readouterr().err


# ----------------------------------------------------------------------------- notebook


def test_the_page_renders_and_steps_as_in_a_notebook_cell():
    @solara.component
    def Cell():
        with solara.AppLayout():
            app.make_page(app.DashboardModel(scenario_name=app.DEFAULTS_LABEL))

    _, rc = solara.render(Cell(), handle_error=False)
    try:

        def panel() -> str:
            return " ".join(w.unsafe_innerHTML for w in rc.find(solara.widgets.HTML).widgets)

        def map_title() -> str:
            return rc.find(app.VegaChart).widgets[0].spec["title"]["text"]

        assert "(0 of 408 simulated" in panel()
        assert rc.find(solara.components.title.TitleWidget).widget.title == app.PAGE_TITLE
        assert map_title() == "Coca by region, January 1990"
        assert len(rc.find(app.VegaChart).widgets) == 3
        for _ in range(2):
            rc.find(v.Btn, children=["Step"]).widget.click()
        assert "(2 of 408 simulated" in panel()
        assert map_title() == "Coca by region, February 1990"
    finally:
        rc.close()


# ----------------------------------------------------------------------------- browser


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def dashboard_url(tmp_path_factory):
    if not os.path.exists(CHROMIUM):
        pytest.skip("no Chromium installed (Debian: apt-get install chromium; .ci/run does it)")
    port = free_port()
    log = tmp_path_factory.mktemp("dashboard") / "server.log"
    with open(log, "w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "model.cli", "dashboard", "--port", str(port)],
            stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the dashboard did not start:\n{log.read_text()[-3000:]}")
                time.sleep(1)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_dashboard_in_headless_chromium(dashboard_url):
    from playwright.sync_api import sync_playwright

    problems = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda error: problems.append(str(error)))
            page.set_default_timeout(60_000)
            page.goto(dashboard_url)
            page.get_by_text("(0 of 408 simulated").wait_for()
            assert page.title() == app.PAGE_TITLE  # the project, not "Solara"

            hectares = page.locator(".vega-embed", has_text="Coca area by country")
            region_map = page.locator(".vega-embed", has_text="Coca by region")
            page.get_by_text("(0 of 408 simulated").wait_for()
            region_map.get_by_text("Coca by region, January 1990").wait_for()
            hectares.get_by_text(WAITING).wait_for()

            def step(times: int) -> None:
                for month in range(1, times + 1):
                    page.get_by_role("button", name="Step").click()
                    page.get_by_text(f"({month} of 408 simulated").wait_for()

            step(3)
            region_map.get_by_text("Coca by region, March 1990").wait_for()
            hectares.get_by_text("Peru").first.wait_for()  # the legend of the drawn lines
            page.wait_for_timeout(500)  # charts redraw 100 ms after their data change
            unchanged = hectares.inner_html()
            assert WAITING not in unchanged

            # Move sliders with the keyboard, as a user can: extra Colombian spraying from month 1.
            def slider(label: str):
                return page.locator(".v-input", has_text=label).locator("[role=slider]")

            slider("Extra aerial eradication, Colombia").focus()
            page.keyboard.press("End")
            slider("Extra eradication starts after").focus()
            page.keyboard.press("Home")
            page.get_by_role("button", name="Reset").click()
            page.get_by_text(
                "Extra aerial eradication, Colombia: 150,000 ha/yr from 1990-02"
            ).wait_for()
            page.get_by_text("(0 of 408 simulated").wait_for()
            hectares.get_by_text(WAITING).wait_for()

            step(3)
            region_map.get_by_text("Coca by region, March 1990").wait_for()
            hectares.get_by_text("Peru").first.wait_for()
            page.wait_for_timeout(500)
            assert hectares.inner_html() != unchanged  # Colombia's line now falls
        finally:
            browser.close()
    assert problems == []
