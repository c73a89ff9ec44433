"""Each figure against counts worked out by hand on the fixed data set in data.py:

c1 NG en Ana  answered 2 h   India accepted 5000 USD, travelled, home, follow-up complete
c2 NG en Ana  answered 30 h  India accepted 6000 USD, travelled (breach: after the 24 h clock)
c3 GB en Bo   answered 5 h   Turkey accepted 4000 EUR (no home reference for GB)
c4 NG fr Bo   answered 1 h   Turkey quoted 4500 USD, 60 h after the request (late)
c5 NG fr --   not answered   (breach: clock ran out)
c6 NG en Ana  answered 3 h   cancelled from "in review", reason " Too expensive "
c7 NG en Ana  60 days ago (outside the range), open (follow-up): only in the workload
"""

from decimal import Decimal

import pytest

from medijourney.insights.figures import suppressed_rows
from medijourney.insights.filters import Filters
from medijourney.insights.selectors import destinations, funnel, response, savings, turnaround, workload

from .data import World, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return build_world()


def period(world: World, **kw: str) -> Filters:
    return Filters(start=world.start, end=world.today, **kw)


def test_destination_shares(world: World) -> None:
    fig = destinations(period(world))
    assert fig.n == 3
    assert [(r[0], r[1], r[2]) for r in fig.rows] == [("India", 2, 0.6667), ("Türkiye", 1, 0.3333)]
    assert fig.bars is not None and fig.bars.texts == ["67% (n=2)", "33% (n=1)"]


def test_funnel_steps_conversion_and_dropouts(world: World) -> None:
    fig = funnel(period(world))
    assert {r[3]: r[1] for r in fig.rows} == {
        "inquiries": 6,
        "answered": 5,
        "requested": 4,
        "received": 4,
        "accepted": 3,
        "travelled": 2,
        "home": 1,
        "followed_up": 1,
    }
    conversions = [r[2] for r in fig.rows]
    assert conversions == [None, 0.8333, 0.8, 1.0, 0.75, 0.6667, 0.5, 1.0]
    (drop,) = fig.tables
    assert drop.rows == [["In review", 1, "too expensive", 0.1667]]


def test_first_response(world: World) -> None:
    fig = response(period(world))
    assert fig.n == 6
    assert fig.extra["within_24h"] == 4  # c1, c3, c4, c6
    assert fig.extra["share_within_24h"] == 0.6667
    assert fig.extra["breaches"] == 2  # c2 late, c5 never answered
    assert fig.extra["answered"] == 5
    assert fig.extra["median_hours"] == 3.0  # 1, 2, [3], 5, 30
    assert fig.extra["p90_hours"] == 30.0
    assert sum(r[1] for r in fig.rows if isinstance(r[1], int)) == 6


def test_quote_turnaround_per_hospital(world: World) -> None:
    rows = {r[0]: r[1:] for r in turnaround(period(world)).rows}
    assert rows["Demo Hospital Pune"] == [2, 2, 1.0, 20.0]
    assert rows["Demo Hospital Istanbul"] == [2, 2, 0.5, 40.0]


def test_savings_only_where_a_home_reference_exists(world: World) -> None:
    fig = savings(period(world))
    assert fig.extra["cases_with_reference"] == 2  # c1, c2 against NG's lowest figure, 20000 USD
    assert fig.extra["cases_without_reference"] == 1  # c3 (GB)
    # 11000 USD quoted against 40000 USD, at 1.1 USD per EUR.
    assert Decimal(fig.extra["quoted_total"]) == Decimal("10000.00")
    assert Decimal(fig.extra["home_total"]) == Decimal("36363.64")
    assert Decimal(fig.extra["saved_total"]) == Decimal("26363.64")
    assert Decimal(fig.extra["saved_mean"]) == Decimal("13181.82")


def test_workload_counts_open_cases_now(world: World) -> None:
    fig = workload(period(world))
    assert sorted(fig.rows) == sorted([["Ana Manager", 2], ["Bo Manager", 2], ["not assigned", 1]])
    assert sorted(fig.tables[0].rows) == [["en", 3], ["fr", 2]]


def test_filters_narrow_every_figure(world: World) -> None:
    def counts(**kw: str) -> object:
        return funnel(period(world, **kw)).rows[0][1]

    assert counts(team="north") == 3
    assert counts(destination="TR") == 2
    assert counts(hospital=str(world.india.public_id)) == 2
    assert counts(origin="GB") == 1
    assert counts(specialty="cardiology") == 0
    assert destinations(period(world, team="north")).n == 2


def test_small_cells_are_suppressed(world: World) -> None:
    rows, hidden = suppressed_rows(destinations(period(world)))
    assert hidden == 2
    assert rows == [["India", "<5", "<5", "<5"], ["Türkiye", "<5", "<5", "<5"]]
