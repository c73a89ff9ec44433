"""Safe uploads, shared by every app that accepts files (medical reports, accreditation evidence,
quote attachments).

* The type is sniffed from the bytes (the signature at offset 0), never trusted from the file name
  or the browser, and the name kept for display ends with the sniffed type's extension
  (``upload_filename``): ``scan.html`` holding a PDF is stored and served as ``scan.pdf``.
* PDFs that carry JavaScript, automatic actions, embedded files, or any action that can send data
  or run code (``_ACTIVE_ACTION_TYPES``, wherever the action dictionary sits) are refused.
* Images are decoded and re-encoded, which drops EXIF (including GPS) and anything appended.
* Size and count limits come from settings (UPLOAD_MAX_BYTES, UPLOAD_MAX_FILES).
* Optional virus scanning through clamd on a local socket (CLAMAV_SOCKET): see ``scan_bytes``.

Every refusal is a ``ValidationError`` whose message a patient can act on.
"""

import hashlib
import io
import re
import socket
import struct
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pikepdf
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps, UnidentifiedImageError

KINDS = {
    "pdf": ("application/pdf", "pdf"),
    "jpeg": ("image/jpeg", "jpg"),
    "png": ("image/png", "png"),
}
KIND_LABELS = {"pdf": "PDF", "jpeg": "JPEG", "png": "PNG"}
# Dictionary keys that make a document do something by itself (scripts, automatic actions,
# embedded files, rich media, XFA forms).
_ACTIVE_PDF_KEYS = {"/JavaScript", "/JS", "/OpenAction", "/AA", "/Launch", "/EmbeddedFiles", "/EmbeddedFile",
                    "/RichMedia", "/XFA"}  # fmt: skip
# Action types (the /S of an action dictionary) that send data, fetch from elsewhere or run code:
# forms that submit or import, scripts, programs, remote and embedded documents (a UNC path leaks
# the reader's Windows credentials), media renditions (which may carry scripts), 3D/rich-media
# commands and legacy movies and sounds. Checked on every dictionary, wherever it sits: link and
# widget annotations, outlines, /Next chains, name trees.
_ACTIVE_ACTION_TYPES = {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/GoToR", "/GoToE", "/Rendition",
                        "/RichMediaExecute", "/Movie", "/Sound"}  # fmt: skip
# A /URI action is an ordinary link only with one of these schemes.
_SAFE_URI_SCHEMES = ("http://", "https://", "mailto:")
_MAX_PIXELS = 40_000_000


class StorageFullError(Exception):
    """The disk that holds uploaded documents is full (or over quota). Nothing was stored: no
    partial file is left and the database transaction is rolled back. Pages show it on the upload
    field; the API answers 507 naming the field."""

    message = (
        "We could not store your document because our document storage is full. Nothing was saved; "
        "please try again later. Your case manager has not been sent a partial file."
    )


def max_upload_bytes() -> int:
    return int(getattr(settings, "UPLOAD_MAX_BYTES", 10 * 1024 * 1024))


def max_upload_files() -> int:
    return int(getattr(settings, "UPLOAD_MAX_FILES", 5))


@dataclass(frozen=True)
class CleanUpload:
    data: bytes
    kind: str  # "pdf" | "jpeg" | "png"
    original_name: str
    sha256: str

    @property
    def content_type(self) -> str:
        return KINDS[self.kind][0]

    @property
    def extension(self) -> str:
        return KINDS[self.kind][1]

    @property
    def size(self) -> int:
        return len(self.data)


def sniff_kind(head: bytes) -> str | None:
    """The file type from its first bytes: 'pdf', 'jpeg', 'png' or None."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    # At offset 0 only: readers also accept a header later in the first kilobyte, which is how an
    # HTML page with a PDF behind it passes as both.
    if head.startswith(b"%PDF-"):
        return "pdf"
    return None


_NAME_MAX = 120


def safe_name(name: str) -> str:
    """A display name without paths, control characters or invisible format characters (such as
    right-to-left overrides that make ``fdp.exe`` look like ``exe.pdf``). The name in storage is
    always random; this one is only shown and offered as the download name."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch) not in {"Cc", "Cf"}).strip()
    return base[:_NAME_MAX] or "document"


def upload_filename(name: str, kind: str) -> str:
    """The display name with the extension of the sniffed type, whatever the sender called it:
    the last extension is replaced (``invoice.exe`` -> ``invoice.pdf``, ``evil.pdf<NUL>.html`` ->
    ``evil.pdf``), a name that already ends with it is kept (``report.v2.pdf``)."""
    extension = KINDS[kind][1] if kind in KINDS else "bin"
    base = safe_name(name)
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = stem.rstrip(". ")
    if stem.lower().endswith(f".{extension}"):
        stem = stem[: -len(extension) - 1]
    stem = stem.rstrip(". ") or "document"
    return f"{stem[: _NAME_MAX - len(extension) - 1]}.{extension}"


def _claimed_kind(name: str) -> str | None:
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return {"pdf": "pdf", "jpg": "jpeg", "jpeg": "jpeg", "png": "png"}.get(ext)


def _active_dictionary(obj: Any) -> bool:
    """Does this dictionary make the document act: an active key, or an action whose type can
    send data or run code, or a link to something other than a web or mail address? ``/S`` is
    checked whatever ``/Type`` says (readers ignore a wrong one)."""
    if set(obj.keys()) & _ACTIVE_PDF_KEYS:
        return True
    action = obj.get("/S")
    if not isinstance(action, pikepdf.Name):
        return False
    if str(action) in _ACTIVE_ACTION_TYPES:
        return True
    if str(action) == "/URI":
        target = obj.get("/URI")
        return not str(target if target is not None else "").strip().lower().startswith(_SAFE_URI_SCHEMES)
    return False


def _active_pdf_content(pdf: pikepdf.Pdf) -> bool:
    """Walk the whole object graph from the trailer (direct and indirect objects, every key,
    parents included) looking for a dictionary that makes the PDF act on its own."""
    stack: list[Any] = [pdf.trailer]
    seen: set[tuple[int, int]] = set()
    visited = 0
    while stack:
        obj = stack.pop()
        visited += 1
        if visited > 200_000:
            return True  # absurdly deep or large graph: refuse rather than guess
        if getattr(obj, "is_indirect", False):
            if obj.objgen in seen:
                continue
            seen.add(obj.objgen)
        if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
            if _active_dictionary(obj):
                return True
            stack.extend(value for _key, value in obj.items())
        elif isinstance(obj, pikepdf.Array):
            stack.extend(obj)
    return False


def _check_pdf(data: bytes, name: str) -> bytes:
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            if pdf.is_encrypted:
                raise ValidationError(
                    _("“%(name)s” is password-protected. Please upload a copy without a password.") % {"name": name},
                    code="pdf_encrypted",
                )
            if _active_pdf_content(pdf):
                raise ValidationError(
                    _(
                        "“%(name)s” contains active content (scripts, automatic actions or embedded "
                        "files), which we do not accept for safety. Please print it to a new PDF or "
                        "upload a scan or photo instead."
                    )
                    % {"name": name},
                    code="pdf_active_content",
                )
    except pikepdf.PdfError:
        raise ValidationError(
            _("“%(name)s” says it is a PDF but cannot be read as one. Please check the file and try again.")
            % {"name": name},
            code="pdf_unreadable",
        ) from None
    return data


def _reencode_image(data: bytes, kind: str, name: str) -> bytes:
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.width * probe.height > _MAX_PIXELS:
                raise ValidationError(
                    _("“%(name)s” is too large an image. Please upload a smaller photo or scan.") % {"name": name},
                    code="image_too_large",
                )
            probe.verify()
        with Image.open(io.BytesIO(data)) as opened:
            opened.load()
            img: Image.Image = ImageOps.exif_transpose(opened)  # keep the picture upright once EXIF is gone
            out = io.BytesIO()
            if kind == "jpeg":
                img.convert("RGB").save(out, format="JPEG", quality=90, optimize=True)
            else:
                if img.mode not in ("RGB", "RGBA", "L", "LA", "P"):
                    img = img.convert("RGBA")
                img.save(out, format="PNG", optimize=True)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        label = KIND_LABELS[kind]
        raise ValidationError(
            _("“%(name)s” says it is a %(kind)s image but cannot be read as one.") % {"name": name, "kind": label},
            code="image_unreadable",
        ) from None


def validate_upload(
    upload: Any, *, allowed: Sequence[str] = ("pdf", "jpeg", "png"), max_bytes: int | None = None
) -> CleanUpload:
    """Check one uploaded file (a Django UploadedFile or any object with .read() and .name) and
    return its cleaned bytes. Raises ValidationError with a clear message otherwise."""
    name = safe_name(getattr(upload, "name", "") or "document")
    limit = max_bytes or max_upload_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ValidationError(
            _("“%(name)s” is %(size)s; the limit is %(limit)s per file.")
            % {"name": name, "size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="too_big",
        )
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(
            _("“%(name)s” is larger than the limit of %(limit)s per file.")
            % {"name": name, "limit": filesizeformat(limit)},
            code="too_big",
        )
    if not data:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name}, code="empty")
    kind = sniff_kind(data[:1024])
    claimed = _claimed_kind(name)
    accepted = ", ".join(KIND_LABELS[k] for k in allowed)
    if kind is None or kind not in allowed:
        if claimed is not None and claimed in allowed:
            raise ValidationError(
                _("“%(name)s” says it is a %(claimed)s but its content is not. Accepted files: %(accepted)s.")
                % {"name": name, "claimed": KIND_LABELS[claimed], "accepted": accepted},
                code="type_mismatch",
            )
        raise ValidationError(
            _("“%(name)s” is not an accepted file type. Accepted files: %(accepted)s.")
            % {"name": name, "accepted": accepted},
            code="type_not_allowed",
        )
    clean = _check_pdf(data, name) if kind == "pdf" else _reencode_image(data, kind, name)
    return CleanUpload(
        data=clean, kind=kind, original_name=upload_filename(name, kind), sha256=hashlib.sha256(clean).hexdigest()
    )


def validate_uploads(
    uploads: Iterable[Any], *, allowed: Sequence[str] = ("pdf", "jpeg", "png"), max_files: int | None = None
) -> list[CleanUpload]:
    """Validate several files, enforcing the count limit; all errors are reported together."""
    files = [f for f in uploads if f]
    limit = max_files or max_upload_files()
    if len(files) > limit:
        raise ValidationError(
            _("You attached %(count)d files; the limit is %(limit)d at a time.")
            % {"count": len(files), "limit": limit},
            code="too_many",
        )
    cleaned, errors = [], []
    for f in files:
        try:
            cleaned.append(validate_upload(f, allowed=allowed))
        except ValidationError as exc:
            errors.extend(exc.error_list)
    if errors:
        raise ValidationError(errors)
    return cleaned


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class UploadsField(forms.FileField):
    """A form field for zero or more files, cleaned with ``validate_uploads``. ``cleaned_data``
    holds a list of ``CleanUpload``. Files cannot be kept across a failed submit (browsers do not
    allow it), so the form says so beside the field while keeping every other value."""

    default_error_messages = {"required": gettext_lazy("Please attach at least one file.")}

    def __init__(
        self, *args: Any, allowed: Sequence[str] = ("pdf", "jpeg", "png"), max_files: int | None = None, **kwargs: Any
    ) -> None:
        self.allowed = tuple(allowed)
        self.max_files = max_files
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ",".join(KINDS[k][0] for k in self.allowed)}))
        super().__init__(*args, **kwargs)

    def to_python(self, data: Any) -> Any:
        return data

    def clean(self, data: Any, initial: Any = None) -> list[CleanUpload]:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not files:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        return validate_uploads(files, allowed=self.allowed, max_files=self.max_files)


# --- Virus scanning ---------------------------------------------------------------------------


class ScannerUnavailableError(Exception):
    """clamd is configured but did not answer: callers must fail closed (keep the file unserved)."""


def scanning_enabled() -> bool:
    return bool(getattr(settings, "CLAMAV_SOCKET", ""))


def scan_bytes(data: bytes, *, timeout: float = 30.0) -> tuple[bool, str]:
    """Scan bytes with clamd's INSTREAM command over CLAMAV_SOCKET (a Unix socket path, or
    host:port). Returns (clean, signature). Raises ScannerUnavailableError when clamd cannot be
    reached or answers strangely. Only call when ``scanning_enabled()``."""
    target = settings.CLAMAV_SOCKET
    try:
        if ":" in target and not target.startswith("/"):
            host, port = target.rsplit(":", 1)
            sock = socket.create_connection((host, int(port)), timeout=timeout)
        else:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(timeout)
            sock.connect(target)
        with sock:
            sock.sendall(b"zINSTREAM\0")
            for i in range(0, len(data), 64 * 1024):
                chunk = data[i : i + 64 * 1024]
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
            reply = b""
            while not reply.endswith(b"\0"):
                part = sock.recv(4096)
                if not part:
                    break
                reply += part
    except OSError as exc:
        raise ScannerUnavailableError(f"clamd unavailable: {type(exc).__name__}") from exc
    text = reply.rstrip(b"\0").decode("utf-8", "replace")
    if text.endswith("OK"):
        return True, ""
    if text.endswith("FOUND"):
        return False, text.split(":", 1)[-1].removesuffix("FOUND").strip()
    raise ScannerUnavailableError(f"clamd answered unexpectedly: {text[:80]}")
