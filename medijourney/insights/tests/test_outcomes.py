"""The follow-up panel from aftercare's aggregates: n and Wilson interval, "not enough data"
below n = 10, hospital filter, suppression in the CSV."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from medijourney.accounts.roles import Role
from medijourney.accounts.tests.factories import UserFactory
from medijourney.aftercare.models import CheckIn, FollowUp, Status
from medijourney.aftercare.stats import wilson_interval
from medijourney.insights.filters import Filters
from medijourney.insights.outcomes import outcomes
from medijourney.network.models import Hospital

from .data import World, build_world

pytestmark = pytest.mark.django_db


def follow_ups(world: World, hospital: Hospital, n: int, flagged: int) -> None:
    today = timezone.localdate()
    for i in range(n):
        fu = FollowUp.objects.create(
            hospital=hospital,
            procedure=world.knee,
            group="joint_replacement",
            discharged_on=today - datetime.timedelta(days=20),
        )
        CheckIn.objects.create(
            follow_up=fu, day=7, due_on=today - datetime.timedelta(days=13), status=Status.ANSWERED,
            answered_at=timezone.now(), flagged=i < flagged,
        )  # fmt: skip


@pytest.fixture
def world() -> World:
    w = build_world()
    follow_ups(w, w.india, 12, 3)
    follow_ups(w, w.turkey, 2, 0)
    return w


def test_rates_with_n_and_wilson_interval(world: World) -> None:
    rows = {r[0]: r for r in outcomes(Filters(start=world.start, end=world.today)).rows}
    india = rows["Demo Hospital Pune"]
    assert india[1] == 12 and india[2] == "Joint replacement"
    assert str(india[3]).startswith("100% (12 of 12; 95% CI")
    low, high = wilson_interval(3, 12)
    assert india[4] == f"25% (3 of 12; 95% CI {low * 100:.0f}–{high * 100:.0f}%)"
    assert rows["Demo Hospital Istanbul"][3] == "not enough data (n = 2)"


def test_hospital_filter_and_csv_suppression(world: World, client: Client) -> None:
    only = outcomes(Filters(start=world.start, end=world.today, hospital=str(world.turkey.public_id)))
    assert [r[0] for r in only.rows] == ["Demo Hospital Istanbul"]
    client.force_login(UserFactory(role=Role.QUALITY_LEAD))
    body = client.get(reverse("insights:csv", args=["outcomes"]), world.params()).content.decode()
    assert "Demo Hospital Istanbul,<5,<5,<5,<5" in body
    assert "Demo Hospital Pune,12," in body
