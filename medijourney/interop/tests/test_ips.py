"""The International Patient Summary: every exported Bundle (a full summary, no medications, no
allergies, no summary at all, a corrected summary) passes the IPS resource-profile validation
(@medplum, Node) and the Composition rules; the five official IPS examples pass both; broken copies
fail. The API and the download are audited and follow visibility."""

import copy
import datetime
import json
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction

from medijourney.aftercare.services import check_in_submit, follow_ups_sweep, send_at
from medijourney.aftercare.tests.factories import GOOD, check_in, journey_of, returned_home
from medijourney.interop.ips import ips_json
from medijourney.interop.rules import ips_problems
from medijourney.interop.selectors import ips_source
from medijourney.interop.validator import validate_bundles
from medijourney.journeys.tests.factories import accepted_journey
from medijourney.privacy.models import AuditEvent

from .factories import with_summary

pytestmark = pytest.mark.django_db

EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "fhir_ips" / "examples"


def official() -> dict[str, dict[str, Any]]:
    return {p.stem: json.loads(p.read_text()) for p in sorted(EXAMPLES.glob("Bundle-*.json"))}


def exported_bundles() -> dict[str, dict[str, Any]]:
    today = datetime.date.today()
    out = {}
    journey, _m, partner = accepted_journey()
    with_summary(journey, partner)
    out["full"] = journey.case
    journey, _m, partner = accepted_journey()
    with_summary(journey, partner, medications=[])
    out["no medications"] = journey.case
    journey, _m, partner = accepted_journey()
    with_summary(journey, partner, allergies=[], devices=[], complications="Minor wound ooze, resolved")
    out["no allergies, no devices, a complication"] = journey.case
    journey, _m, partner = accepted_journey()
    out["no discharge summary yet"] = journey.case
    journey, _m, partner = accepted_journey()
    with_summary(
        journey,
        partner,
        procedure_date=today - datetime.timedelta(days=5),
        complications="Bleeding at the access site, stopped with pressure",
        procedures=[
            {"text": "Coronary angiography", "system": "", "code": "", "date": ""},
            {"text": "Coronary stent insertion", "system": "snomed", "code": "36969009", "date": ""},
            {
                "text": "Wound revision",
                "system": "",
                "code": "",
                "date": (today - datetime.timedelta(days=3)).isoformat(),
            },
        ],
    )
    out["several procedures"] = journey.case
    journey, _m, partner = accepted_journey()
    with_summary(journey, partner)
    with_summary(
        journey,
        partner,
        correction_reason="Second implant added",
        procedures=[{"text": "Total knee replacement, left", "system": "", "code": "", "date": ""}],
        medications=[{"name": "Ibuprofen", "dose": "400 mg", "frequency": "", "until": today.isoformat()}],
        devices=[
            {"type": "Knee joint prosthesis", "manufacturer": "", "model": "", "lot": "", "serial": "S1"},
            {"type": "Patellar component", "manufacturer": "Demo Ortho", "model": "P1", "lot": "", "serial": ""},
        ],
    )
    out["corrected summary"] = journey.case
    # Home after the trip, with the day-7 check-in answered (aftercare's QuestionnaireResponse).
    follow_up, _m, partner = returned_home()
    assert follow_up.case is not None
    with_summary(journey_of(follow_up), partner)
    item = check_in(follow_up, 7)
    follow_ups_sweep(now=send_at(item))
    item.refresh_from_db()
    check_in_submit(check_in=item, actor=follow_up.case.patient, data=GOOD)
    out["home, a check-in answered"] = follow_up.case
    return {name: json.loads(ips_json(ips_source(case))) for name, case in out.items()}


def broken_copies(bundle: dict[str, Any]) -> dict[str, tuple[dict[str, Any], str]]:
    """(copy, what the rules or the validator must say) for each way of breaking a good Bundle."""
    broken: dict[str, tuple[dict[str, Any], str]] = {}

    def edit(name: str, where: str, change: Any) -> None:
        b = copy.deepcopy(bundle)
        change(b)
        broken[name] = (b, where)

    comp = lambda b: b["entry"][0]["resource"]  # noqa: E731
    edit("wrong Composition type", "rules", lambda b: comp(b)["type"]["coding"][0].update(code="34133-9"))
    edit(
        "allergies section removed",
        "rules",
        lambda b: comp(b).update(
            section=[s for s in comp(b)["section"] if s["code"]["coding"][0]["code"] != "48765-2"]
        ),
    )
    edit("a section without narrative", "rules", lambda b: comp(b)["section"][0].pop("text"))
    edit(
        "a dangling reference",
        "rules",
        lambda b: (
            comp(b)["section"][0]
            .setdefault("entry", [])
            .append({"reference": "urn:uuid:00000000-0000-0000-0000-000000000000"})
        ),
    )
    edit("not a document", "rules", lambda b: b.update(type="collection"))
    edit("Composition not first", "rules", lambda b: b.update(entry=b["entry"][1:] + b["entry"][:1]))

    def patient(b: dict[str, Any]) -> dict[str, Any]:
        return next(e["resource"] for e in b["entry"] if e["resource"]["resourceType"] == "Patient")

    def first(b: dict[str, Any], kind: str) -> dict[str, Any]:
        return next(e["resource"] for e in b["entry"] if e["resource"]["resourceType"] == kind)

    # medplum checks structure, cardinality, types and the profiles' invariants, not terminology.
    edit("Patient without a name", "validator", lambda b: patient(b).pop("name"))
    edit(
        "Patient without a birth date",
        "validator",
        lambda b: [patient(b).pop(k, None) for k in ("birthDate", "_birthDate")],
    )
    edit("Patient with an unknown element", "validator", lambda b: patient(b).update(colour="blue"))
    edit("Composition without a status", "validator", lambda b: comp(b).pop("status"))
    edit("Organization's name a number", "validator", lambda b: first(b, "Organization").update(name=42))
    return broken


@pytest.fixture(scope="module")
def bundles(django_db_setup: Any, django_db_blocker: Any) -> dict[str, dict[str, Any]]:
    with django_db_blocker.unblock(), transaction.atomic():
        made = exported_bundles()
        transaction.set_rollback(True)
    return made


@pytest.fixture(scope="module")
def validated(bundles: dict[str, dict[str, Any]]) -> dict[str, list[Any]]:
    """One Node run for everything: exported, official and broken Bundles."""
    named: dict[str, dict[str, Any]] = {}
    named.update({f"export: {k}": v for k, v in bundles.items()})
    named.update({f"official: {k}": v for k, v in official().items()})
    for source in ("full", "no discharge summary yet"):
        for k, (b, _where) in broken_copies(bundles[source]).items():
            named[f"broken {source}: {k}"] = b
    for k, (b, _where) in broken_copies(official()["Bundle-IPS-examples-Bundle-01"]).items():
        named[f"broken official: {k}"] = b
    results = validate_bundles(list(named.values()))
    return dict(zip(named, results, strict=True))


def errors(results: list[Any]) -> list[str]:
    return [f"{r.resource_type} ({r.profile}): {e}" for r in results for e in r.errors]


def test_every_exported_bundle_passes_the_profiles_and_the_rules(bundles, validated):
    assert len(bundles) == 7
    for name, bundle in bundles.items():
        assert errors(validated[f"export: {name}"]) == [], name
        assert ips_problems(bundle) == [], name


def test_every_exported_resource_was_checked_against_its_ips_profile(bundles, validated):
    for name in bundles:
        unprofiled = {r.resource_type for r in validated[f"export: {name}"] if r.profile is None}
        # The Bundle and the Composition: their IPS profiles do not load in medplum (rules.py checks them).
        # QuestionnaireResponse: IPS has no profile for it (checked against base R4).
        assert unprofiled <= {"Bundle", "Composition", "QuestionnaireResponse"}, (name, unprofiled)


def test_the_five_official_examples_pass(validated):
    examples = official()
    assert len(examples) == 5
    for name, bundle in examples.items():
        assert errors(validated[f"official: {name}"]) == [], name
        assert ips_problems(bundle) == [], name


def test_broken_copies_fail(bundles, validated):
    sources = {"full": bundles["full"], "no discharge summary yet": bundles["no discharge summary yet"]}
    cases = [(f"broken {s}", broken_copies(b)) for s, b in sources.items()]
    cases.append(("broken official", broken_copies(official()["Bundle-IPS-examples-Bundle-01"])))
    for prefix, copies in cases:
        for name, (bundle, where) in copies.items():
            if where == "rules":
                assert ips_problems(bundle), f"{prefix}: {name}"
            else:
                assert errors(validated[f"{prefix}: {name}"]), f"{prefix}: {name}"


def test_empty_required_sections_say_no_information(bundles):
    comp = bundles["no discharge summary yet"]["entry"][0]["resource"]
    codes = {s["code"]["coding"][0]["code"]: s for s in comp["section"]}
    assert set(codes) == {"10160-0", "48765-2", "11450-4"}
    for section in codes.values():
        assert section["emptyReason"]["coding"][0]["code"] == "unavailable"
        assert "No information" in section["text"]["div"]


def test_answered_check_ins_are_questionnaire_responses_and_the_schedule_is_in_the_plan(bundles):
    bundle = bundles["home, a check-in answered"]
    responses = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "QuestionnaireResponse"]
    assert len(responses) == 1 and responses[0]["status"] == "completed"
    patient_url = next(e["fullUrl"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient")
    assert responses[0]["subject"]["reference"] == patient_url
    plan = next(s for s in bundle["entry"][0]["resource"]["section"] if s["code"]["coding"][0]["code"] == "18776-5")
    assert "Day 7 check-in" in plan["text"]["div"]


def test_full_bundle_carries_medications_implant_and_plan(bundles):
    bundle = bundles["full"]
    types = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert types[0] == "Composition"
    for needed in (
        "Patient",
        "Practitioner",
        "Organization",
        "MedicationStatement",
        "AllergyIntolerance",
        "Condition",
        "Procedure",
        "Device",
        "DeviceUseStatement",
    ):
        assert needed in types, needed
    device = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Device")
    assert device["serialNumber"] == "SN-000123" and device["lotNumber"] == "L2026-11"
    sections = {s["code"]["coding"][0]["code"] for s in bundle["entry"][0]["resource"]["section"]}
    assert {"47519-4", "46264-8", "18776-5"} <= sections
    condition = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Condition")
    assert condition["code"]["coding"][0] == {"system": "http://hl7.org/fhir/sid/icd-10", "code": "M17.1"}


def test_several_procedures_are_one_procedure_resource_each_in_the_procedures_section(bundles, validated):
    bundle = bundles["several procedures"]
    by_url = {e["fullUrl"]: e["resource"] for e in bundle["entry"]}
    section = next(s for s in bundle["entry"][0]["resource"]["section"] if s["code"]["coding"][0]["code"] == "47519-4")
    procedures = [by_url[r["reference"]] for r in section["entry"]]
    assert [p["resourceType"] for p in procedures] == ["Procedure"] * 3
    assert [p["code"]["text"] for p in procedures] == [
        "Coronary angiography",
        "Coronary stent insertion",
        "Wound revision",
    ]
    assert procedures[1]["code"]["coding"][0] == {"system": "http://snomed.info/sct", "code": "36969009"}
    assert procedures[0]["performedDateTime"] == procedures[1]["performedDateTime"]
    assert procedures[2]["performedDateTime"] > procedures[0]["performedDateTime"]
    assert "complication" in procedures[0] and "complication" not in procedures[1]
    for text in ("Coronary angiography", "Coronary stent insertion", "Wound revision", "Bleeding"):
        assert text in section["text"]["div"]
    profiled = [r for r in validated["export: several procedures"] if r.resource_type == "Procedure"]
    assert len(profiled) == 3 and all(r.profile for r in profiled)
    # A copy with the second procedure's reference broken is refused by the Composition rules.
    broken = copy.deepcopy(bundle)
    broken_section = next(
        s for s in broken["entry"][0]["resource"]["section"] if s["code"]["coding"][0]["code"] == "47519-4"
    )
    broken_section["entry"][1]["reference"] = "urn:uuid:00000000-0000-0000-0000-000000000001"
    assert ips_problems(broken)


def test_api_and_download_are_audited_and_follow_visibility(client):
    journey, manager, partner = accepted_journey()
    with_summary(journey, partner)
    ref = journey.case.reference
    client.force_login(journey.case.patient)
    response = client.get(f"/api/v1/cases/{ref}/ips")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    assert response.json()["entry"][0]["resource"]["type"]["coding"][0]["code"] == "60591-5"
    download = client.get(f"/interop/case/{ref}/ips.json")
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    assert AuditEvent.objects.filter(action="ips.export", outcome="allowed").count() == 2
    client.force_login(partner)  # the hospital wrote the summary; the whole IPS is not its to read
    assert client.get(f"/api/v1/cases/{ref}/ips").status_code == 403
    other, _m, _p = accepted_journey()
    client.force_login(manager)
    assert client.get(f"/api/v1/cases/{ref}/ips").status_code == 200
    assert client.get(f"/api/v1/cases/{other.case.reference}/ips").status_code == 404
    assert AuditEvent.objects.filter(action="ips.export", outcome="denied").count() == 2
