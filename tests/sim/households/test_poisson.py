import numpy as np
import pytest
from scipy import stats

from model.sim.households.poisson import normal_quantile, poisson_counts, poisson_quantile


@pytest.mark.parametrize("mean", [0.3, 2.0, 12.0, 39.0])
def test_counts_are_the_poisson_quantiles_where_the_distribution_is_inverted_exactly(mean):
    u = np.linspace(0.001, 0.999, 400)
    got = poisson_counts(u, np.full(len(u), mean), np.empty(len(u), dtype=np.int64))
    assert (got == stats.poisson.ppf(u, mean)).all()


@pytest.mark.parametrize("mean", [60.0, 500.0, 20_000.0])
def test_large_means_keep_the_poisson_mean_and_spread(mean):
    u = (np.arange(200_000) + 0.5) / 200_000  # an even grid of uniforms: the distribution itself
    got = poisson_counts(u, np.full(len(u), mean), np.empty(len(u), dtype=np.int64))
    assert got.mean() == pytest.approx(mean, rel=2e-3)
    assert got.std() == pytest.approx(np.sqrt(mean), rel=2e-2)
    assert np.abs(got - stats.poisson.ppf(u, mean)).max() <= 1


@pytest.mark.parametrize("mean", [0.5, 7.0, 39.9])
def test_a_slightly_higher_mean_gives_the_same_count_or_one_more(mean):
    u = np.random.default_rng(0).random(5_000)
    low = poisson_counts(u, np.full(len(u), mean), np.empty(len(u), dtype=np.int64))
    high = poisson_counts(u, np.full(len(u), mean + 0.02), np.empty(len(u), dtype=np.int64))
    assert set(np.unique(high - low)) <= {0, 1} and (high > low).mean() < 0.05


def test_across_the_switch_to_the_approximation_counts_stay_within_one():
    u = (np.arange(65_536) + 0.5) / 65_536
    low = poisson_counts(u, np.full(len(u), 40.0), np.empty(len(u), dtype=np.int64))
    high = poisson_counts(u, np.full(len(u), 40.01), np.empty(len(u), dtype=np.int64))
    assert np.abs(high - low).max() <= 1 and (high < low).mean() < 0.005


def test_no_mean_no_count():
    assert poisson_quantile(0.999, 0.0) == 0


def test_the_normal_quantile_matches_scipy():
    p = np.r_[1e-9, np.linspace(0.001, 0.999, 101), 1 - 1e-9]
    got = np.array([normal_quantile(x) for x in p])
    assert np.allclose(got, stats.norm.ppf(p), rtol=2e-9, atol=1e-8)
