"""The EMA workbench drives the model: experiments through EMA's own samplers and evaluators."""

import numpy as np
import pytest
from conftest import eradication, small_scenario

from model.experiments.ema import EmaFunction, ema_model, ema_name, load_ema
from model.experiments.paired import PairedEvaluator
from model.experiments.pressure import Target
from model.experiments.sweep import ModelEvaluator, Parameter
from model.scenario.loading import ScenarioError

ema = load_ema()
# A short, small world: 2000-2002 at 1 simulated household per 200, with Colombia eradicating.
BASE = small_scenario(name="base", start="2000-01", end="2002-12", households={"scale": 0.005})
PUSH = BASE.model_copy(
    update={
        "name": "push",
        "policies": small_scenario(
            policies=[eradication("colombia", 40_000, start="2000-07", end="2002-06")]
        ).policies,
    }
)
RANGES = {"market.demand_elasticity": (-1.0, -0.3), "households.migration_rate": (0.0, 0.05)}


def test_names_are_identifiers_and_the_model_gets_the_dotted_paths():
    model = ema_model(BASE, RANGES, ["final_ha_total"])
    names = [u.name for u in model.uncertainties]
    assert names == ["market__demand_elasticity", "households__migration_rate"]
    assert all(name.isidentifier() for name in names)
    assert [u.variable_name for u in model.uncertainties] == [[p] for p in RANGES]
    elasticity = model.uncertainties["market__demand_elasticity"]
    assert (elasticity.lower_bound, elasticity.upper_bound) == (-1.0, -0.3)


def test_sequential_evaluator_runs_a_latin_hypercube_on_common_seeds():
    model = ema_model(BASE, RANGES, ["final_ha_total", "change_ha_colombia"])
    with ema.SequentialEvaluator(model) as evaluator:
        experiments, outcomes = evaluator.perform_experiments(scenarios=4, log_progress=True)
    assert len(experiments) == 4
    # Latin hypercube: one point in each quarter of each range.
    quarters = np.floor((experiments.market__demand_elasticity + 1.0) / 0.7 * 4)
    assert sorted(quarters.astype(int)) == [0, 1, 2, 3]
    assert outcomes["final_ha_total"].shape == (4,)
    assert (outcomes["final_ha_total"] > 50_000).all()  # the Andean world keeps its coca
    # Each experiment is the model at those values on the scenario's first replication seed.
    row = experiments.iloc[0]
    values = {"market.demand_elasticity": row.market__demand_elasticity,
              "households.migration_rate": row.households__migration_rate}  # fmt: skip
    from model.experiments.runner import replication_seeds

    direct = ModelEvaluator(BASE)(values, replication_seeds(BASE.seed, 1)[0])
    assert outcomes["final_ha_total"][0] == pytest.approx(direct["final_ha_total"])


def test_multiprocessing_evaluator_gives_what_the_sequential_one_gives():
    model = ema_model(PUSH, RANGES, ["net_reduction_ha", "removed_ha"], counterfactual=BASE,
                      target="colombia")  # fmt: skip
    same_sample = {"rng": 11}  # both evaluators get the same Latin hypercube
    with ema.SequentialEvaluator(model) as evaluator:
        first, sequential = evaluator.perform_experiments(
            scenarios=3, uncertainty_sampling_kwargs=same_sample, log_progress=True
        )
    with ema.MultiprocessingEvaluator(model, n_processes=2) as evaluator:
        again, parallel = evaluator.perform_experiments(
            scenarios=3, uncertainty_sampling_kwargs=same_sample, log_progress=True
        )
    np.testing.assert_allclose(again.market__demand_elasticity, first.market__demand_elasticity)
    np.testing.assert_allclose(parallel["net_reduction_ha"], sequential["net_reduction_ha"])
    # The policy removes coca from its target at every point.
    assert (sequential["removed_ha"] > 500).all()


def test_replications_run_on_common_seeds_and_report_their_mean():
    # With eradication (who is hit is drawn), so that seeds matter: BASE alone stays put exactly.
    model = ema_model(PUSH, {"market.demand_elasticity": (-1.0, -0.3)}, ["final_ha_total"],
                      replications=2)  # fmt: skip
    assert isinstance(model, ema.ReplicatorModel)
    experiments, outcomes = ema.perform_experiments(model, scenarios=2, log_progress=True)
    from model.experiments.runner import replication_seeds

    seeds = replication_seeds(PUSH.seed, 2)
    values = {"market.demand_elasticity": experiments.market__demand_elasticity.iloc[0]}
    runs = [ModelEvaluator(PUSH)(values, seed)["final_ha_total"] for seed in seeds]
    assert runs[0] != runs[1]  # two seeds, two different runs...
    assert outcomes["final_ha_total"][0] == pytest.approx(np.mean(runs))  # ...and their mean


def test_paired_function_sets_the_values_on_both_scenarios():
    function = EmaFunction(PairedEvaluator(PUSH, BASE, Target("colombia")), ("net_reduction_ha",))
    same = EmaFunction(PairedEvaluator(BASE, BASE, Target("colombia")), ("net_reduction_ha",))
    values = {"households.migration_rate": 0.01, "seed": 3}
    assert same(**dict(values)) == {"net_reduction_ha": 0.0}  # no policy, no effect
    assert function(**dict(values))["net_reduction_ha"] != 0.0


def test_whole_number_keys_become_integer_parameters():
    model = ema_model(BASE, [Parameter("traffickers.exit_after_months", 2, 6)], ["final_ha_total"])
    (uncertainty,) = model.uncertainties
    assert isinstance(uncertainty, ema.IntegerParameter)
    assert (uncertainty.lower_bound, uncertainty.upper_bound) == (2, 6)


@pytest.mark.parametrize(
    ("parameters", "outcomes", "message"),
    [
        ({"market.nope": (0, 1)}, ["final_ha_total"], "market.nope"),
        ({"market.demand_elasticity": (-5, -1)}, ["final_ha_total"], "demand_elasticity"),
        ({"market.demand_elasticity": (-0.3, -1)}, ["final_ha_total"], "low must be below high"),
        (RANGES, ["hectares"], "choose from final_ha_total"),
        (RANGES, [], "choose from"),
    ],
)
def test_bad_parameters_and_outcomes_are_one_line_errors(parameters, outcomes, message):
    with pytest.raises(ScenarioError, match=message) as caught:
        ema_model(BASE, parameters, outcomes)
    assert "\n" not in str(caught.value)


def test_balloon_metrics_are_the_outcomes_of_a_paired_model():
    with pytest.raises(ScenarioError, match="choose from displacement_ratio"):
        ema_model(PUSH, RANGES, ["final_ha_total"], counterfactual=BASE, target="colombia")
    assert ema_name("policies.0.schedule.0.value") == "policies__0__schedule__0__value"
