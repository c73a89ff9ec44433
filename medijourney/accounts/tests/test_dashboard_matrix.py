import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_dashboard_matrix(matrix):
    matrix.check(
        method="GET",
        url=lambda obj: reverse("accounts:dashboard"),
        expect={
            "anonymous": 302,
            **dict.fromkeys(
                ["patient", "case_manager", "partner", "quality_lead", "specialist", "clinician", "admin"], 200
            ),
        },
    )


def test_matrix_helper_fails_when_a_role_is_missing(matrix):
    with pytest.raises(AssertionError, match="does not cover"):
        matrix.check(method="GET", url=lambda obj: "/", expect={"anonymous": 200, "patient": 200})


def test_matrix_helper_fails_on_a_wrong_status(matrix):
    with pytest.raises(AssertionError, match="expected 403, got 200"):
        matrix.check(
            method="GET",
            url=lambda obj: reverse("accounts:dashboard"),
            expect={
                "anonymous": 302,
                "patient": 403,
                "case_manager": 200,
                "partner": 200,
                "quality_lead": 200,
                "specialist": 200,
                "clinician": 200,
                "admin": 200,
            },
        )
