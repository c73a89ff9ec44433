"""Pure statistics for outcome figures (no Django): the Wilson score interval and the rule that
a figure below ``MIN_N`` says "not enough data yet"."""

import math
from dataclasses import dataclass

Z95 = 1.959963984540054  # the 97.5th percentile of the standard normal distribution
MIN_N = 10


def wilson_interval(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval for k successes in n trials (95 % by default), not the normal
    approximation: it stays inside [0, 1] and behaves at k = 0 or k = n. ``n`` must be > 0."""
    if n <= 0:
        raise ValueError("n must be positive")
    if not 0 <= k <= n:
        raise ValueError("k must be between 0 and n")
    p = k / n
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    margin = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator
    return max(0.0, centre - margin), min(1.0, centre + margin)


@dataclass(frozen=True)
class Figure:
    """A share with its sample size. ``enough`` is False below ``MIN_N``: then share and interval
    are None and the page says "not enough data yet (n = …)"."""

    k: int
    n: int
    share: float | None
    low: float | None
    high: float | None

    @property
    def enough(self) -> bool:
        return self.share is not None


def figure(k: int, n: int, min_n: int = MIN_N) -> Figure:
    if n < min_n or n <= 0:
        return Figure(k=k, n=n, share=None, low=None, high=None)
    low, high = wilson_interval(k, n)
    return Figure(k=k, n=n, share=k / n, low=low, high=high)
