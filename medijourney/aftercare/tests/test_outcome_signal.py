"""Outcome figures outside aftercare's own pages: the quality signal in search results (only when
n >= 10, completion beside it, demo labelled, never a change of order, a fixed number of queries
whatever the number of rows) and the median pain at day 30 (hospital page, scorecards, API) with
its n, "not enough data yet" below 10."""

import datetime
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from medijourney.accounts.roles import Role
from medijourney.accounts.tests.factories import UserFactory
from medijourney.aftercare.models import CheckIn, FollowUp, Review, Status
from medijourney.aftercare.rules import Group
from medijourney.aftercare.selectors import Median, median_pain_day30, outcome_figures
from medijourney.catalog.models import Procedure
from medijourney.discovery.quality import quality_notes
from medijourney.discovery.tests.world import World, add_hospital, standard_world
from medijourney.network.models import Hospital
from medijourney.testing.html import squash

from .factories import returned_home

pytestmark = pytest.mark.django_db
SEARCH = reverse("discovery:search")
PARAMS = {"procedure": "knee-replacement", "origin": "GB"}
TITLE = "Outcomes after returning home"
NOT_RANKED = "They are shown for information and do not change the ranking."


@pytest.fixture(autouse=True)
def _no_bench_rows(settings: Any) -> None:
    settings.DISCOVERY_INCLUDE_SYNTHETIC = False
    settings.DISCOVERY_REFERENCE_CHECK_SECONDS = 0


def add_reviews(hospital: Hospital, procedure: Procedure, n: int, *, recommend: int) -> None:
    for i in range(n):
        Review.objects.create(
            hospital=hospital,
            procedure=procedure,
            group=Group.JOINT,
            month=datetime.date(2026, 10, 1),
            care=4,
            communication=4,
            cleanliness=4,
            value=4,
            would_recommend=i < recommend,
            text="Fine.",
            is_demo=hospital.is_demo,
        )


def add_follow_ups(hospital: Hospital, procedure: Procedure, pains: list[int | None], *, answer_day: int = 30) -> None:
    """One follow-up per entry: days 2 and ``answer_day`` answered (day-30 pain as given; None:
    the patient went silent after day 2)."""
    today = timezone.localdate()
    for pain in pains:
        fu = FollowUp.objects.create(
            hospital=hospital,
            procedure=procedure,
            group=Group.JOINT,
            discharged_on=today - datetime.timedelta(days=40),
            is_demo=hospital.is_demo,
        )
        for day in sorted({2, answer_day}):
            answered = day == 2 or pain is not None
            CheckIn.objects.create(
                follow_up=fu,
                day=day,
                due_on=fu.discharged_on + datetime.timedelta(days=day),
                status=Status.ANSWERED if answered else Status.SENT,
                pain=(pain if day == answer_day else 5) if answered else None,
            )


def _rows(page: str) -> dict[str, str]:
    """Each result row's HTML by hospital name."""
    rows = {}
    for chunk in page.split('<li class="result"')[1:]:
        name = re.search(r'<a href="/[^"]*">([^<]+)</a></h3>', squash(chunk))
        assert name is not None
        rows[name.group(1)] = chunk.split("</ol>")[0]
    return rows


def _names_in_order(client: Client) -> list[str]:
    return list(_rows(client.get(SEARCH, PARAMS).content.decode()))


def test_search_row_shows_the_outcome_signal_only_from_n_10_with_completion_beside(client):
    world = standard_world()
    delhi, bangkok = world.hospitals["delhi"], world.hospitals["bangkok"]
    add_reviews(delhi, world.procedure, 10, recommend=9)
    add_follow_ups(delhi, world.procedure, [3] * 6 + [None] * 4)
    add_reviews(bangkok, world.procedure, 9, recommend=9)  # n = 9: not shown
    add_follow_ups(bangkok, world.procedure, [2] * 9)
    page = client.get(SEARCH, PARAMS).content.decode()
    rows = _rows(page)
    assert NOT_RANKED in page
    shown = rows[delhi.name]
    assert TITLE in shown
    assert "would recommend: 90 % (95 % CI 60 %–98 %, n = 10)" in shown  # Wilson 9/10: 0.596–0.982
    assert "red flag within 30 days: 0 % (95 % CI 0 %–28 %, n = 10)" in shown
    assert "follow-up completion: 80 % (95 % CI 58 %–92 %, n = 20)" in shown  # 16 answered of 20 due: Wilson
    assert "pain at day 30" not in shown  # six day-30 answers: below 10, left out
    assert "demo figures" not in shown
    assert TITLE not in rows[bangkok.name] and "would recommend" not in rows[bangkok.name]
    assert TITLE not in rows[world.hospitals["istanbul"].name]
    # Nowhere a share without its n.
    for match in re.finditer(r"\d+ % \(95 % CI [^)]*\)", page):
        assert "n = " in match.group(0)


def test_the_signal_never_changes_the_order(client):
    world = standard_world()
    before = _names_in_order(client)
    by_name = {h.name: h for h in world.hospitals.values()}
    worst_first = by_name[before[-1]]  # the last result gets the best figures, the first the worst
    add_reviews(worst_first, world.procedure, 20, recommend=20)
    add_follow_ups(worst_first, world.procedure, [0] * 12)
    add_reviews(by_name[before[0]], world.procedure, 20, recommend=0)
    add_follow_ups(by_name[before[0]], world.procedure, [10] * 12)
    page = client.get(SEARCH, PARAMS).content.decode()
    after = list(_rows(page))
    assert after == before
    assert "would recommend: 100 %" in _rows(page)[before[-1]] and "would recommend: 0 %" in _rows(page)[before[0]]
    api = client.get("/api/v1/search", {**PARAMS, "limit": 20}).json()
    assert [r["hospital"]["name"] for r in api["items"]] == before  # the JSON ranking is the same


def test_a_demo_hospital_signal_is_labelled_demo(client):
    world = standard_world()
    demo = add_hospital(
        world,
        "demo",
        name="Demo Multispeciality Hospital",
        country_code="IN",
        city="New Delhi",
        airport_code="DEL",
        is_demo=True,
    ).hospital
    add_reviews(demo, world.procedure, 12, recommend=10)
    row = _rows(client.get(SEARCH, PARAMS).content.decode())[demo.name]
    assert TITLE in row and "demo figures" in row
    assert "Demo figures: invented follow-ups at a fictional demo hospital, not real outcomes." in row
    assert "follow-up completion: not enough data yet (n = 0)" in row  # always beside, even with no check-ins


def _page_queries(client: Client) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(SEARCH, PARAMS)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def _hospital_with_outcomes(world: World, n: int) -> None:
    offer = add_hospital(world, f"extra{n}", country_code="TH", city="Bangkok", airport_code="BKK")
    add_reviews(offer.hospital, world.procedure, 10, recommend=8)
    add_follow_ups(offer.hospital, world.procedure, [4] * 10)


def test_query_count_does_not_grow_with_the_rows_shown(client):
    world = standard_world()  # three hospitals without outcomes, then some with
    _hospital_with_outcomes(world, 0)
    _page_queries(client)  # warm the per-process reference snapshot
    _hospital_with_outcomes(world, 1)  # measured after a change, as below (the index reads it)
    at_n, page_n = _page_queries(client)  # 5 rows
    for n in range(2, 7):
        _hospital_with_outcomes(world, n)
    at_2n, page_2n = _page_queries(client)  # 10 rows, a full page
    assert page_n.count('<li class="result"') == 5 and page_2n.count('<li class="result"') == 10
    assert page_n.count(f"<strong>{TITLE}</strong>") == 2 and page_2n.count(f"<strong>{TITLE}</strong>") == 7
    assert at_2n == at_n, (at_n, at_2n)
    assert _page_queries(client)[0] < at_n  # nothing changed since: the index has nothing to read


def test_the_outcome_signal_is_one_fixed_set_of_queries_for_all_shown_hospitals():
    world = standard_world()
    ids = []
    for n in range(4):
        _hospital_with_outcomes(world, n)
        ids.append(world.hospitals[f"extra{n}"].pk)
    with CaptureQueriesContext(connection) as few:
        assert len(quality_notes(ids[:2])) == 2
    with CaptureQueriesContext(connection) as many:
        assert len(quality_notes(ids)) == 4
    assert len(few) == len(many) == 5  # three GROUP BY counts, the day-30 pains, the demo flags


# --- Median pain at day 30 ------------------------------------------------------------------------


def test_median_pain_at_day_30_needs_ten_answers():
    world = standard_world()
    hospital, other = world.hospitals["delhi"], world.hospitals["bangkok"]
    add_follow_ups(hospital, world.procedure, list(range(9)))  # 0..8
    add_follow_ups(hospital, world.procedure, [None, None])  # silent at day 30: not counted
    add_follow_ups(hospital, world.procedure, [10, 10], answer_day=14)  # another day: not counted
    add_follow_ups(other, world.procedure, [10] * 10)  # another hospital
    assert median_pain_day30(hospital_id=hospital.pk, group=Group.JOINT) == Median(None, 9)
    add_follow_ups(hospital, world.procedure, [9])
    assert median_pain_day30(hospital_id=hospital.pk, group=Group.JOINT) == Median(4.5, 10)
    assert median_pain_day30(hospital_id=hospital.pk, group=Group.GENERAL) == Median(None, 0)
    (fig,) = outcome_figures(hospital_ids=[hospital.pk])
    assert fig.pain_day30 == Median(4.5, 10) and fig.pain_day30.enough


def test_hospital_page_scorecards_and_api_show_the_median_with_its_n(client):
    world = standard_world()
    hospital = world.hospitals["delhi"]
    add_follow_ups(hospital, world.procedure, list(range(9)))
    url = reverse("network:hospital_detail", args=[hospital.public_id])
    page = client.get(url).content.decode()
    assert "Pain at the day-30 check-in (0 = none, 10 = worst)" in page
    assert "not enough data yet (n = 9)" in page and " of 10</strong>" not in page
    api = f"/api/v1/hospitals/{hospital.public_id}/outcomes"
    assert client.get(api).json()["items"][0]["pain_day30"] == {"n": 9, "median": None, "enough": False}
    add_follow_ups(hospital, world.procedure, [9])
    page = client.get(url).content.decode()
    assert "<strong>4.5 of 10</strong> (median, n = 10)" in page
    assert client.get(api).json()["items"][0]["pain_day30"] == {"n": 10, "median": 4.5, "enough": True}


def test_scorecards_show_the_median_with_its_n():
    follow_up, _m, _p = returned_home()  # a hospital that has had a request: on the scorecards
    lead = Client()
    lead.force_login(UserFactory(role=Role.QUALITY_LEAD))
    cards = lead.get(reverse("quotes:scorecards")).content.decode()
    assert "Pain at day 30 (median, 0–10)" in cards and "not enough data yet (n = 0)" in cards
    add_follow_ups(follow_up.hospital, follow_up.procedure, [4] * 10)
    cards = lead.get(reverse("quotes:scorecards")).content.decode()
    assert "<strong>4 of 10</strong> (median, n = 10)" in cards
