import math
from dataclasses import dataclass

import pandas as pd
import pytest
import yaml
from conftest import eradication

from model.cli import main
from model.experiments.sensitivity import Ishigami, run_sensitivity
from model.experiments.sweep import Parameter, SweepError


def test_exact_ishigami_indices_match_the_literature():
    exact = Ishigami().exact_indices()
    # Saltelli et al. (2008), Global Sensitivity Analysis: The Primer, for a = 7, b = 0.1
    assert exact.S1.tolist() == pytest.approx([0.3139, 0.4424, 0.0], abs=1e-4)
    assert exact.ST.tolist() == pytest.approx([0.5576, 0.4424, 0.2437], abs=1e-4)


def test_sobol_indices_of_ishigami_come_out_right(tmp_path):
    function = Ishigami()
    result = run_sensitivity(function, function.parameters(), "sobol", 1024, ["y"], tmp_path,
                             seed=11, executor="inline")  # fmt: skip
    indices = result.indices.set_index("parameter")
    exact = function.exact_indices()
    assert len(result.sweep.table) == 1024 * (3 + 2)
    for name in ("x1", "x2", "x3"):
        for index in ("S1", "ST"):
            estimate, half_width = indices.at[name, index], indices.at[name, f"{index}_conf"]
            assert estimate == pytest.approx(exact.at[name, index], abs=0.06), (name, index)
            assert 0 < half_width < 0.1
            assert abs(estimate - exact.at[name, index]) < 2.5 * half_width, (name, index)
    saved = pd.read_csv(tmp_path / "indices.csv")
    assert saved.columns.tolist() == ["metric", "parameter", "S1", "S1_conf", "ST", "ST_conf"]


@dataclass(frozen=True)
class Linear:
    """y = 3 a + 0.5 b (c has no effect)."""

    def __call__(self, values, seed):
        return {"y": 3 * values["a"] + 0.5 * values["b"] + 0 * values["c"]}

    def fingerprint(self):
        return {"function": "linear"}


def test_morris_effects_of_a_linear_function_are_its_slopes_times_ranges(tmp_path):
    parameters = [Parameter("a", 0.0, 2.0), Parameter("b", 10.0, 14.0), Parameter("c", -1.0, 1.0)]
    result = run_sensitivity(Linear(), parameters, "morris", 10, ["y"], tmp_path, seed=1,
                             executor="inline")  # fmt: skip
    indices = result.indices.set_index("parameter")
    assert len(result.sweep.table) == 10 * 4
    assert indices.mu_star.tolist() == pytest.approx([6.0, 2.0, 0.0], abs=1e-9)
    assert indices.mu.tolist() == pytest.approx([6.0, 2.0, 0.0], abs=1e-9)
    assert indices.sigma.tolist() == pytest.approx([0.0, 0.0, 0.0], abs=1e-9)


def test_sobol_needs_a_power_of_two_and_known_metrics(tmp_path):
    function = Ishigami()
    with pytest.raises(SweepError, match="power of two"):
        run_sensitivity(function, function.parameters(), "sobol", 100, ["y"], tmp_path)
    with pytest.raises(SweepError, match="unknown --metric 'z'"):
        run_sensitivity(function, function.parameters(), "morris", 2, ["z"], tmp_path,
                        executor="inline")  # fmt: skip


def test_balloon_sensitivity_writes_indices_and_a_figure(tmp_path, capsys):
    file = tmp_path / "quick.yaml"
    file.write_text(yaml.safe_dump({
        "name": "quick", "start": "1995-01", "end": "1995-12", "households": {"scale": 0.005},
        "policies": [eradication("colombia", 40_000, "1995-02", "1995-10")],
    }))  # fmt: skip
    out = tmp_path / "out"
    command = ["sensitivity", str(file), "--method", "morris", "--samples", "3",
               "--param", "households.profit_sensitivity=0.5:3",
               "--param", "government.manual_kill_rate=0.2:0.9",
               "--metric", "final_ha_colombia", "--metric", "eradicated_ha_total",
               "--executor", "inline", "--quiet", "--out", str(out)]  # fmt: skip
    assert main(command) == 0
    indices = pd.read_csv(out / "indices.csv")
    assert len(indices) == 4 and set(indices.metric) == {"final_ha_colombia", "eradicated_ha_total"}
    assert (indices.mu_star >= 0).all() and indices.mu_star.gt(0).any()
    assert (out / "indices.png").stat().st_size > 10_000
    assert "9 run(s) computed" in capsys.readouterr().out
    assert main([*command, "--resume"]) == 0
    assert "0 run(s) computed, 9 reused" in capsys.readouterr().out
    assert main([*command[:4], "--samples", "3", "--method", "sobol", *command[6:], "--out",
                 str(tmp_path / "other")]) == 2  # fmt: skip
    assert "power of two" in capsys.readouterr().err
    assert math.isfinite(indices.sigma.sum())


# ----------------------------------------------------------------------------- too small a sample


def test_a_tiny_sobol_sample_is_flagged_and_a_large_one_is_not(tmp_path):
    function = Ishigami()
    tiny = run_sensitivity(function, function.parameters(), "sobol", 8, ["y"], tmp_path / "tiny",
                           seed=0, executor="inline")  # fmt: skip
    assert len(tiny.warnings) == 1  # one line for the one metric
    (line,) = tiny.warnings
    assert line.startswith("warning: sobol indices of y are not stable")
    assert "--samples 8" in line and "raise --samples" in line
    indices = tiny.indices
    impossible = (indices.S1 > indices.ST + 0.05) | (indices.S1 > 1.05) | (indices.ST > 1.05)
    assert impossible.any()  # what the warning is about is really in the table
    large = run_sensitivity(function, function.parameters(), "sobol", 1024, ["y"],
                            tmp_path / "large", seed=11, executor="inline")  # fmt: skip
    assert large.warnings == []


def test_sobol_warning_names_each_kind_of_problem():
    from model.experiments.sensitivity import stability_warnings

    indices = pd.DataFrame({
        "metric": ["m", "m", "n", "n"], "parameter": ["a", "b", "a", "b"],
        "S1": [1.22, 0.10, 0.50, 0.01], "S1_conf": [0.3, 0.05, 0.02, 0.01],
        "ST": [0.90, 0.12, 0.55, 0.02], "ST_conf": [0.4, 0.05, 0.03, 0.01],
    })  # fmt: skip
    (line,) = stability_warnings(indices, "sobol", 16)  # metric n is stable
    assert "indices of m" in line
    assert "S1 of a (1.22) is above its ST (0.90)" in line
    assert "S1 of a (1.22) is outside [0, 1]" in line
    assert "wider than the largest index" not in line  # 0.8 wide < 1.22


def test_morris_intervals_wider_than_the_effects_are_flagged():
    from model.experiments.sensitivity import stability_warnings

    wide = pd.DataFrame({"metric": ["m"] * 2, "parameter": ["a", "b"], "mu": [5.0, 1.0],
                         "mu_star": [6060.0, 900.0], "mu_star_conf": [4000.0, 10.0],
                         "sigma": [1.0, 1.0]})  # fmt: skip
    (line,) = stability_warnings(wide, "morris", 3)
    assert "8,000" in line and "6,060" in line  # readable numbers
    assert stability_warnings(wide.assign(mu_star_conf=[100.0, 10.0]), "morris", 3) == []


def test_balloon_sensitivity_warns_on_stderr_and_prints_readable_numbers(tmp_path, capsys):
    from model.cli.experiments import indices_text

    table = pd.DataFrame({"metric": ["final_ha_total"], "parameter": ["a"], "mu": [6060.4],
                          "mu_star": [6060.4], "mu_star_conf": [0.123], "sigma": [12.5]})  # fmt: skip
    text = indices_text(table)
    assert "6,060" in text and "0.123" in text and "12.50" in text and "e+" not in text

    file = tmp_path / "quick.yaml"
    file.write_text(yaml.safe_dump({
        "name": "quick", "start": "1995-01", "end": "1995-06", "households": {"scale": 0.005},
        "policies": [eradication("colombia", 40_000, "1995-02", "1995-05")],
    }))  # fmt: skip
    command = ["sensitivity", str(file), "--method", "sobol", "--samples", "2",
               "--param", "households.profit_sensitivity=0.5:3",
               "--param", "government.manual_kill_rate=0.2:0.9",
               "--metric", "final_ha_colombia", "--executor", "inline", "--quiet",
               "--out", str(tmp_path / "out")]  # fmt: skip
    assert main(command) == 0
    out, err = capsys.readouterr()
    assert "e+0" not in out
    warnings = [line for line in err.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 1 and "raise --samples" in warnings[0]
