"""Importing the patient's home IPS (a FHIR JSON document Bundle): refused when too large, not JSON,
not a FHIR R4 Bundle, or breaking the IPS Composition rules (``rules.ips_problems``), each with a
message naming what is wrong; nothing is stored from a refused file. From an accepted one only the
problems, medications and allergies (text and code), the document's date and its author are kept."""

import datetime
import json
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from fhir.resources.R4B.bundle import Bundle
from pydantic import ValidationError as PydanticError

from medijourney.accounts.models import User
from medijourney.cases.models import Case
from medijourney.cases.services import case_event_add
from medijourney.privacy.services import audit_record

from ..models import HomeRecord
from ..rules import ips_problems

# LOINC section code → what we keep, and the resource types whose code we read.
KEPT = {"11450-4": "problems", "10160-0": "medications", "48765-2": "allergies"}
MAX_ITEMS = 200


def _max_bytes() -> int:
    """The project's upload limit (``UPLOAD_MAX_BYTES``, 10 MB by default)."""
    return int(getattr(settings, "UPLOAD_MAX_BYTES", 10 * 1024 * 1024))


def _too_large() -> ValidationError:
    return ValidationError(
        {
            "file": _("The file is larger than %(mb)d MB: a patient summary is much smaller.")
            % {"mb": _max_bytes() // 2**20}
        }
    )


def _concept_item(concept: Any) -> dict[str, str] | None:
    if not isinstance(concept, dict):
        return None
    codings = [c for c in concept.get("coding") or [] if isinstance(c, dict)]
    text = concept.get("text") or next((c.get("display") for c in codings if c.get("display")), "")
    code = next((f"{c.get('system', '')}|{c.get('code')}" for c in codings if c.get("code")), "")
    if not text and not code:
        return None
    return {"text": str(text)[:300], "code": str(code)[:300]}


def _concept_of(resource: dict[str, Any], by_url: dict[str, dict[str, Any]]) -> Any:
    kind = resource.get("resourceType")
    if kind in ("MedicationStatement", "MedicationRequest"):
        if "medicationCodeableConcept" in resource:
            return resource["medicationCodeableConcept"]
        ref = (resource.get("medicationReference") or {}).get("reference", "")
        medication = _lookup(ref, by_url)
        return (medication or {}).get("code")
    return resource.get("code")


def _lookup(reference: str, by_url: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    if not reference:
        return None
    if reference in by_url:
        return by_url[reference]
    return next((r for url, r in by_url.items() if url.endswith("/" + reference)), None)


def _read_file(data: bytes) -> dict[str, Any]:
    if len(data) > _max_bytes():
        raise _too_large()
    try:
        parsed = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ValidationError({"file": _("This is not a JSON file (%(e)s).") % {"e": str(exc)[:120]}}) from exc
    problems = ips_problems(parsed)
    if problems:
        text = "; ".join(f"{where}: {what}" for where, what in problems[:5])
        raise ValidationError({"file": _("This is not an International Patient Summary: %(p)s.") % {"p": text}})
    try:
        Bundle.model_validate(parsed)
    except PydanticError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise ValidationError(
            {
                "file": _("The Bundle is not valid FHIR: %(where)s: %(what)s.")
                % {"where": where, "what": first.get("msg", "")}
            }
        ) from exc
    return dict(parsed)


def home_record_check(*, data: bytes) -> dict[str, Any]:
    """The fields of the record to store, or a ValidationError on ``file`` saying what is wrong."""
    bundle = _read_file(data)
    entries = bundle["entry"]
    by_url = {e["fullUrl"]: e["resource"] for e in entries if isinstance(e.get("fullUrl"), str)}
    composition = entries[0]["resource"]
    kept: dict[str, list[dict[str, str]]] = {name: [] for name in KEPT.values()}
    for section in composition.get("section") or []:
        codes = {c.get("code") for c in (section.get("code") or {}).get("coding") or [] if isinstance(c, dict)}
        name = next((KEPT[c] for c in codes if c in KEPT), None)
        if name is None:
            continue
        for ref in section.get("entry") or []:
            resource = _lookup(str((ref or {}).get("reference", "")), by_url)
            item = _concept_item(_concept_of(resource, by_url)) if resource else None
            if item and len(kept[name]) < MAX_ITEMS:
                kept[name].append(item)
    author: dict[str, Any] = next(iter(composition.get("author") or []), {})
    author_resource = _lookup(str(author.get("reference", "")), by_url) or {}
    return {
        "document_date": _date(composition.get("date")),
        "document_author": str(author_resource.get("name") or author.get("display") or "")[:300],
        **kept,
    }


def _date(value: Any) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def home_record_upload_check(*, upload: Any) -> dict[str, Any]:
    """``upload``: an uploaded file (its size is checked before a byte of it is read). The fields
    of the record to store, or a ValidationError on ``file`` saying what is wrong."""
    if upload is None:
        raise ValidationError({"file": _("Choose the JSON file of your patient summary.")})
    if upload.size > _max_bytes():
        raise _too_large()
    return home_record_check(data=upload.read(_max_bytes() + 1))


def home_record_store(*, case: Case, fields: dict[str, Any], actor: User | None) -> HomeRecord:
    """Store what ``home_record_check`` kept of an accepted file (timeline event, audited)."""
    with transaction.atomic():
        record = HomeRecord(case=case, uploaded_by=actor, created_by=actor, **fields)
        record.full_clean()
        record.save()
        case_event_add(case=case, kind="home_record_imported", actor=actor)
        audit_record(actor=actor, action="home_record.import", obj=record, patient=case.patient)
    return record


def home_record_import(*, case: Case, upload: Any, actor: User) -> HomeRecord:
    """Check an uploaded file and store what it says, or refuse it storing nothing."""
    return home_record_store(case=case, fields=home_record_upload_check(upload=upload), actor=actor)
