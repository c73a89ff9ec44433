"""Loading a licensed FHIR Questionnaire through the admin: a valid one is stored, anything else is
refused naming the field."""

import json

import pytest

from medijourney.aftercare.admin import LoadedQuestionnaireForm
from medijourney.aftercare.questionnaire import questionnaire_resource

pytestmark = pytest.mark.django_db


def test_valid_questionnaire_loads():
    form = LoadedQuestionnaireForm(
        data={
            "name": "Licensed instrument",
            "licence": "Licence from the owner, clinical use, until 2027",
            "resource": json.dumps(questionnaire_resource()),
        }
    )
    assert form.is_valid(), form.errors
    obj = form.save()
    assert obj.url.endswith("medijourney-check-in")


@pytest.mark.parametrize(
    "resource",
    [
        {"resourceType": "Patient"},
        {"resourceType": "Questionnaire"},  # no status
        {"resourceType": "Questionnaire", "status": "active", "item": [{"type": "string"}]},  # no linkId
        {"resourceType": "Questionnaire", "status": "active", "bogus": 1},
        ["x"],
    ],
)
def test_invalid_resources_are_refused(resource):
    form = LoadedQuestionnaireForm(
        data={"name": "x", "licence": "Licence from the owner", "resource": json.dumps(resource)}
    )
    assert not form.is_valid() and "resource" in form.errors


def test_a_licence_must_be_described():
    form = LoadedQuestionnaireForm(
        data={"name": "x", "licence": "yes", "resource": json.dumps(questionnaire_resource())}
    )
    assert not form.is_valid() and "licence" in form.errors
