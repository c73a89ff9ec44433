"""A patient's right of access, portability and erasure.

privacy never imports a domain app. Each app registers a ``DataSource`` saying what it holds
about a patient (export), which files, who received what (recipients), how to erase it, and how
to tell outside recipients. The export is a ZIP of JSON files and original documents; erasure
runs every source's ``erase`` and then removes the account, leaving only pseudonymous audit
rows and the erasure request itself."""

import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from medijourney.accounts.models import User

from .models import AuditEvent
from .vault import VaultError, vault_read

FileEntry = tuple[str, str | bytes]  # (path in the ZIP, vault storage key or raw bytes)


@dataclass(frozen=True)
class DataSource:
    name: str
    export: Callable[[User], dict[str, Any]]
    files: Callable[[User], list[FileEntry]] | None = None
    recipients: Callable[[User], list[dict[str, Any]]] | None = None
    erase: Callable[[User], dict[str, int] | None] | None = None
    notify: Callable[[User], int | None] | None = None


_SOURCES: dict[str, DataSource] = {}


def register_data_source(source: DataSource) -> None:
    _SOURCES[source.name] = source


def data_sources() -> list[DataSource]:
    return [_SOURCES[name] for name in sorted(_SOURCES)]


def _account(user: User) -> dict[str, Any]:
    return {
        "id": str(user.public_id),
        "email": user.email,
        "full_name": user.full_name,
        "role": user.role,
        "preferred_language": user.preferred_language,
        "spoken_languages": user.spoken_languages,
        "time_zone": user.time_zone,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
    }


def _access_log(user: User) -> list[dict[str, Any]]:
    """Who touched this patient's data: role, action, time and outcome (staff identities stay
    internal; the patient sees which kind of person looked and when)."""
    return [
        {"when": e.occurred_at, "role": e.actor_role, "action": e.action, "outcome": e.outcome}
        for e in AuditEvent.objects.filter(patient_id=user.public_id).order_by("occurred_at", "id")
    ]


def _dump(data: Any) -> bytes:
    return json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False).encode()


def patient_export_build(patient: User) -> bytes:
    """The ZIP of everything MediJourney holds about ``patient``."""
    generated = timezone.now()
    buf = io.BytesIO()
    recipients: list[dict[str, Any]] = []
    missing_files: list[str] = []
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("account.json", _dump(_account(patient)))
        for source in data_sources():
            zf.writestr(f"{source.name}.json", _dump(source.export(patient)))
            for path, content in source.files(patient) if source.files else []:
                try:
                    data = content if isinstance(content, bytes) else vault_read(content)
                except VaultError:
                    missing_files.append(path)
                    continue
                zf.writestr(f"files/{path}", data)
            if source.recipients:
                recipients.extend({"source": source.name, **r} for r in source.recipients(patient))
        zf.writestr("recipients.json", _dump(recipients))
        zf.writestr("access_log.json", _dump(_access_log(patient)))
        zf.writestr(
            "README.txt",
            (
                "Your MediJourney data, exported on "
                f"{generated:%Y-%m-%d %H:%M} UTC.\n\n"
                "account.json      your account\n"
                + "".join(
                    f"{s.name}.json".ljust(18) + f"what the {s.name} part of MediJourney holds about you\n"
                    for s in data_sources()
                )
                + "recipients.json   which hospital or person outside MediJourney received which of your data, and when\n"
                "access_log.json   every time your health data was opened or refused, by role and time\n"
                "files/            your original documents\n"
                + (
                    f"\nThese files could not be read and are missing: {', '.join(missing_files)}\n"
                    if missing_files
                    else ""
                )
            ),
        )
        zf.writestr(
            "manifest.json",
            _dump({"generated_at": generated, "patient": str(patient.public_id), "format": "medijourney-export/1",
                   "sections": ["account", *[s.name for s in data_sources()], "recipients", "access_log"]}),
        )  # fmt: skip
    return buf.getvalue()


def patient_erase(patient: User) -> dict[str, Any]:
    """Tell outside recipients, erase every source's data, then the account itself. Runs inside
    the caller's transaction. Returns counts per source (no personal data)."""
    summary: dict[str, Any] = {}
    for source in data_sources():
        if source.notify:
            summary[f"{source.name}_notified"] = source.notify(patient) or 0
    for source in data_sources():
        if source.erase:
            summary[source.name] = source.erase(patient) or {}
    sessions = [s.pk for s in Session.objects.all() if str(s.get_decoded().get("_auth_user_id")) == str(patient.pk)]
    Session.objects.filter(pk__in=sessions).delete()
    attempts = AccessAttempt.objects.filter(username__iexact=patient.email).delete()[0]
    # Finished background tasks keep their arguments; drop those that named this person.
    tasks = (
        DBTaskResult.objects.exclude(status__in=["READY", "RUNNING"])
        .annotate(text=Cast("args_kwargs", TextField()), result=Cast("return_value", TextField()))
        .filter(
            Q(text__icontains=patient.email)
            | Q(text__icontains=str(patient.public_id))
            | Q(result__icontains=patient.email)
        )
    )
    task_rows = DBTaskResult.objects.filter(pk__in=list(tasks.values_list("pk", flat=True))).delete()[0]
    summary["account"] = {"sessions": len(sessions), "login_attempts": attempts, "task_records": task_rows}
    patient.delete()
    return summary


def export_filename(patient: User, when: datetime | None = None) -> str:
    return f"medijourney-export-{(when or timezone.now()):%Y%m%d-%H%M}.zip"
