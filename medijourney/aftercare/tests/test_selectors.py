"""Aggregate counts per hospital × group (read by insights and discovery): counted by GROUP BY
queries, the n < 10 rule, and no figure without its n."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from medijourney.aftercare.models import CheckIn, FollowUp, Review, Status
from medijourney.aftercare.rules import Group
from medijourney.aftercare.selectors import outcome_counts, outcome_figures, quality_signal
from medijourney.catalog.tests.factories import ProcedureFactory
from medijourney.discovery.quality import quality_signals
from medijourney.network.tests.factories import HospitalFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 1)


def _follow_up(hospital, procedure, *, flagged_day: int | None = None, answered=(2, 7), readmitted=False):
    fu = FollowUp.objects.create(
        hospital=hospital, procedure=procedure, group=Group.JOINT, discharged_on=TODAY - datetime.timedelta(days=40)
    )
    for day in (2, 7, 14, 30, 90):
        status = Status.ANSWERED if day in answered else Status.SCHEDULED
        CheckIn.objects.create(
            follow_up=fu,
            day=day,
            due_on=fu.discharged_on + datetime.timedelta(days=day),
            status=status,
            flagged=day == flagged_day,
            readmitted=readmitted if status == Status.ANSWERED else None,
        )
    return fu


def _review(hospital, procedure, recommend: bool):
    Review.objects.create(
        hospital=hospital,
        procedure=procedure,
        group=Group.JOINT,
        month=datetime.date(2026, 10, 1),
        care=4,
        communication=4,
        cleanliness=4,
        value=4,
        would_recommend=recommend,
        text="Fine.",
    )


def test_counts_per_hospital_and_group():
    hospital, other = HospitalFactory(), HospitalFactory()
    procedure = ProcedureFactory()
    _follow_up(hospital, procedure, flagged_day=7)
    _follow_up(hospital, procedure, flagged_day=90, answered=(2, 90), readmitted=True)  # day 90: outside 30 days
    _follow_up(hospital, procedure, answered=())  # silent patient
    _follow_up(other, procedure)
    _review(hospital, procedure, True)
    _review(hospital, procedure, False)
    rows = {r.hospital_id: r for r in outcome_counts(today=TODAY)}
    mine = rows[hospital.pk]
    assert mine.group == Group.JOINT
    assert mine.follow_ups == 3
    assert mine.check_ins_scheduled == 13  # days 2, 7, 14, 30 of three (due by today) + the answered day 90
    assert mine.check_ins_answered == 4
    assert (mine.red_flag_30d, mine.red_flag_30d_n) == (1, 2)
    assert (mine.readmitted, mine.readmitted_n) == (1, 2)
    assert (mine.would_recommend, mine.reviews) == (1, 2)
    assert rows[other.pk].reviews == 0
    assert [r.hospital_id for r in outcome_counts(hospital_ids=[other.pk], today=TODAY)] == [other.pk]


def test_counts_take_a_fixed_number_of_queries():
    procedure = ProcedureFactory()
    hospitals = [HospitalFactory() for _ in range(3)]
    for h in hospitals:
        _follow_up(h, procedure)
    with CaptureQueriesContext(connection) as few:
        outcome_counts(today=TODAY)
    for h in hospitals:
        for _ in range(3):
            _follow_up(h, procedure)
            _review(h, procedure, True)
    with CaptureQueriesContext(connection) as many:
        outcome_counts(today=TODAY)
    assert len(many) == len(few) == 3


def test_below_ten_there_is_no_share_and_every_figure_has_its_n():
    hospital = HospitalFactory(is_demo=True)
    procedure = ProcedureFactory()
    for _ in range(9):
        _review(hospital, procedure, True)
    _follow_up(hospital, procedure)
    (fig,) = outcome_figures(hospital_ids=[hospital.pk], today=TODAY)
    assert fig.is_demo
    assert fig.would_recommend.n == 9 and not fig.would_recommend.enough and fig.would_recommend.share is None
    assert quality_signal([hospital.pk]) == {}
    _review(hospital, procedure, False)
    (fig,) = outcome_figures(hospital_ids=[hospital.pk], today=TODAY)
    assert fig.would_recommend.n == 10 and fig.would_recommend.share == 0.9
    assert fig.completion.n == 4 and fig.completion.k == 2  # completion is always computed beside
    assert quality_signal([hospital.pk])[hospital.pk] == fig
    note = quality_signals([hospital.pk])["outcomes"][hospital.pk]  # what discovery reads
    assert note.is_demo and "would recommend: 90 % (95 % CI 60 %–98 %, n = 10)" in note.text
    assert note.text.endswith("follow-up completion: not enough data yet (n = 4)")
