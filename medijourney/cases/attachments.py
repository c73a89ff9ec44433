"""Extra files a later app may take with the inquiry (the patient's home record, say), without
cases importing that app: it registers an ``InquiryAttachment`` (usually from its ``hooks.py``).

The inquiry form grows one optional file field per attachment. A file is checked while the form is
validated, so a refused file refuses the whole inquiry with the app's message beside its field,
keeps everything typed and stores nothing; an accepted file is stored by ``attach`` once the case
exists (a replayed inquiry — a double click — attaches nothing again)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class InquiryAttachment:
    name: str  # the form field's name
    field: Callable[[], forms.Field]  # an optional FileField
    check: Callable[[Any], Any]  # the upload → what ``attach`` needs, or a ValidationError saying what is wrong
    attach: Callable[..., Any]  # attach(case=, checked=, actor=), inside the caller's transaction
    legend: Any = ""  # the heading of its part of the form


_ATTACHMENTS: dict[str, InquiryAttachment] = {}


def register_inquiry_attachment(attachment: InquiryAttachment) -> None:
    _ATTACHMENTS[attachment.name] = attachment


def inquiry_attachments() -> list[InquiryAttachment]:
    return list(_ATTACHMENTS.values())


def attachment_check(attachment: InquiryAttachment, upload: Any) -> tuple[Any, list[str]]:
    """(what ``attach`` needs, []) or (None, the messages of the refusal)."""
    try:
        return attachment.check(upload), []
    except ValidationError as exc:
        return None, list(exc.messages)
