"""The OpenAPI document and the API agree (issue 11, item 8). The full check is the schemathesis
run (`make api-fuzz`); these are the rules behind it, checked on every `pytest` run."""

import json

import pytest
from django.test import Client, override_settings
from ninja import Schema

import medijourney.api  # noqa: F401 - loads every router and its schemas

pytestmark = pytest.mark.django_db


def _subclasses(cls: type) -> set[type]:
    found: set[type] = set()
    subs: list[type] = cls.__subclasses__()
    for sub in subs:
        found |= {sub} | _subclasses(sub)
    return found


def test_schema_class_names_are_unique_because_openapi_components_are_named_by_class():
    # Two classes with one name become one component: discovery's StayOut replaced the
    # catalogue's, so /api/v1/procedures answers broke their own document.
    ours = [c for c in _subclasses(Schema) if c.__module__.startswith("medijourney.")]
    names: dict[str, list[str]] = {}
    for cls in ours:
        names.setdefault(cls.__name__, []).append(f"{cls.__module__}.{cls.__qualname__}")
    assert {n: where for n, where in names.items() if len(where) > 1} == {}


def test_every_operation_documents_its_error_answers():
    doc = Client().get("/api/v1/openapi.json").json()
    for path, operations in doc["paths"].items():
        for method, op in operations.items():
            codes = set(op["responses"])
            assert "414" in codes, (method, path)
            if op.get("parameters") or op.get("requestBody"):
                assert "422" in codes, (method, path)
            if op.get("requestBody"):
                assert "400" in codes, (method, path)
            if "{" in path:
                assert "404" in codes, (method, path)
            if op.get("security"):
                assert {"401", "403"} <= codes, (method, path)
            if method == "post":
                assert "Retry-After" in op["responses"]["429"]["headers"], (method, path)


def test_amount_digit_limits_are_in_the_document():
    components = Client().get("/api/v1/openapi.json").json()["components"]["schemas"]
    budget = components["InquiryIn"]["properties"]["budget_amount"]
    number = next(b for b in budget["anyOf"] if b.get("type") == "number")
    text = next(b for b in budget["anyOf"] if b.get("type") == "string")
    assert number["maximum"] == 9999999999.99 and text["pattern"] == r"^\d{1,10}(\.\d{1,2})?$"
    assert "12 digits" in budget["description"]


def test_procedures_answer_with_the_fields_their_schema_requires():
    doc = Client().get("/api/v1/openapi.json").json()
    stay = doc["components"]["schemas"]["StayOut"]
    assert set(stay["required"]) == {"inpatient_nights", "total_days", "source", "as_of"}


@override_settings(RATE_LIMITS={**__import__("django.conf").conf.settings.RATE_LIMITS, "intake": (1, 3600)})
def test_a_429_answer_has_the_documented_shape_and_header():
    body = json.dumps(
        {
            "full_name": "Rate Limited",
            "email": "limited@example.org",
            "phone": "+44 20 7946 0000",
            "country_of_residence": "GB",
            "passport_country": "GB",
            "preferred_language": "en",
            "need": "A hip replacement.",
            "consent": True,
        }
    )
    Client().post("/api/v1/inquiries", body, content_type="application/json")
    refused = Client().post("/api/v1/inquiries", body, content_type="application/json")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert set(refused.json()) == {"detail", "errors"}
