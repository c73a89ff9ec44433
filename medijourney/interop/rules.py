"""The IPS document rules we check ourselves, because the offline validator (@medplum, see
``scripts/fhir_validate.cjs``) cannot load the whole-Bundle profile and mis-reads the
Composition's section slices: a document Bundle whose first entry is a Composition of type LOINC
60591-5 with a subject and an author; the required sections (Medications 10160-0, Allergies
48765-2, Problems 11450-4), each with entries or an ``emptyReason``; narrative on every section;
every reference in the Composition and its sections resolving to an entry of the Bundle.

``ips_problems(bundle)`` takes parsed JSON and returns a list of (where, what) problems; empty
means the rules hold. It never raises on odd input."""

from typing import Any

IPS_TYPE = "60591-5"
LOINC = "http://loinc.org"
REQUIRED = {"10160-0": "Medications", "48765-2": "Allergies and intolerances", "11450-4": "Problems"}

Problem = tuple[str, str]


def _codes(concept: Any) -> set[tuple[str, str]]:
    if not isinstance(concept, dict):
        return set()
    return {
        (str(c.get("system", "")), str(c.get("code", ""))) for c in concept.get("coding") or [] if isinstance(c, dict)
    }


def _resolves(reference: str, full_urls: set[str]) -> bool:
    """A reference resolves when it is an entry's fullUrl, or the tail ``Type/id`` of one."""
    return reference in full_urls or any(url.endswith("/" + reference) for url in full_urls)


def _references(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["reference"]] if isinstance(node.get("reference"), str) else []
        for value in node.values():
            found += _references(value)
        return found
    if isinstance(node, list):
        return [r for item in node for r in _references(item)]
    return []


def _section_problems(sections: list[Any]) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[str] = set()
    for i, section in enumerate(sections):
        where = f"Composition.section[{i}]"
        if not isinstance(section, dict):
            problems.append((where, "a section must be an object"))
            continue
        codes = {code for system, code in _codes(section.get("code")) if system == LOINC}
        seen |= codes
        div = (section.get("text") or {}).get("div") if isinstance(section.get("text"), dict) else None
        if not isinstance(div, str) or "<div" not in div:
            problems.append((f"{where}.text", "every section needs its human-readable narrative"))
        if codes & REQUIRED.keys() and not section.get("entry") and not section.get("emptyReason"):
            problems.append((where, "a required section needs entries or an emptyReason"))
    for code, name in REQUIRED.items():
        if code not in seen:
            problems.append(("Composition.section", f"the required section {name} (LOINC {code}) is missing"))
    return problems


def _composition_problems(composition: dict[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    if (LOINC, IPS_TYPE) not in _codes(composition.get("type")):
        problems.append(("Composition.type", f"must be LOINC {IPS_TYPE} (Patient summary Document)"))
    if not isinstance(composition.get("subject"), dict):
        problems.append(("Composition.subject", "the patient is missing"))
    if not composition.get("author"):
        problems.append(("Composition.author", "the author is missing"))
    sections = composition.get("section")
    if not isinstance(sections, list) or not sections:
        problems.append(("Composition.section", "the Composition has no sections"))
    else:
        problems += _section_problems(sections)
    return problems


def ips_problems(bundle: Any) -> list[Problem]:
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        return [("resourceType", "not a FHIR Bundle")]
    if bundle.get("type") != "document":
        return [("Bundle.type", "must be 'document'")]
    entries = bundle.get("entry")
    if not isinstance(entries, list) or not entries:
        return [("Bundle.entry", "the Bundle has no entries")]
    if not all(isinstance(e, dict) and isinstance(e.get("resource"), dict) for e in entries):
        return [("Bundle.entry", "every entry needs a resource")]
    composition = entries[0]["resource"]
    if composition.get("resourceType") != "Composition":
        return [("Bundle.entry[0]", "the first entry must be a Composition")]
    problems = _composition_problems(composition)
    full_urls = {e["fullUrl"] for e in entries if isinstance(e.get("fullUrl"), str)}
    for reference in _references({k: v for k, v in composition.items() if k != "text"}):
        if not reference.startswith("#") and not _resolves(reference, full_urls):
            problems.append(("Composition", f"reference {reference} does not resolve inside the Bundle"))
    return problems
