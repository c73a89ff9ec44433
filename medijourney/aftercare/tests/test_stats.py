"""The Wilson interval against known values, and the n < 10 rule."""

import pytest

from medijourney.aftercare.stats import MIN_N, figure, wilson_interval


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [
        (8, 10, 0.490, 0.943),  # the example
        (0, 10, 0.000, 0.278),
        (10, 10, 0.722, 1.000),
        (50, 100, 0.404, 0.596),
        (1, 20, 0.009, 0.236),
    ],
)
def test_wilson_interval_known_values(k: int, n: int, low: float, high: float) -> None:
    got_low, got_high = wilson_interval(k, n)
    assert round(got_low, 3) == low
    assert round(got_high, 3) == high


def test_wilson_is_not_the_normal_approximation() -> None:
    # The normal (Wald) interval for 10/10 is [1, 1]; Wilson's is not.
    assert wilson_interval(10, 10)[0] < 1.0


@pytest.mark.parametrize(("k", "n"), [(1, 0), (-1, 5), (6, 5)])
def test_wilson_refuses_impossible_counts(k: int, n: int) -> None:
    with pytest.raises(ValueError):
        wilson_interval(k, n)


def test_below_ten_is_not_enough_data() -> None:
    small = figure(8, MIN_N - 1)
    assert not small.enough and small.share is None and small.low is None and small.n == 9
    enough = figure(8, MIN_N)
    assert enough.enough and enough.share == 0.8
    assert enough.low is not None and round(enough.low, 3) == 0.490
    assert figure(0, 0).n == 0 and not figure(0, 0).enough
