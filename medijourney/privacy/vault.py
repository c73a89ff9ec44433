"""Encrypted storage for documents (medical reports, passports, evidence files).

Each file is encrypted with AES-256-GCM (the `cryptography` package) under the active key from
the environment (VAULT_KEYS). The file's storage key is bound as associated data, so a
ciphertext copied over another file's place fails to decrypt instead of showing the wrong
document. Files live under PRIVATE_MEDIA_ROOT/vault/, outside the web root, under random names.

File layout: b"MJV1" | len(key_id) (1 byte) | key_id | nonce (12 bytes) | ciphertext+tag.
Keys rotate with ``manage.py rotate_keys``: each file is re-encrypted under the active key and
replaced atomically, so a killed run resumes where it stopped.
"""

import base64
import errno
import os
import re
import secrets
import tempfile
from collections.abc import Iterator
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.utils.http import content_disposition_header

from medijourney.core.uploads import KINDS, StorageFullError, upload_filename

MAGIC = b"MJV1"
_PURPOSE_RE = re.compile(r"^[a-z][a-z0-9_-]{1,30}$")
_KEY_RE = re.compile(r"^[a-z][a-z0-9_-]{1,30}/[0-9a-f]{2}/[0-9a-f]{32}$")


class VaultError(Exception):
    """A stored file is missing, damaged, or was encrypted under a key we no longer hold."""


def _keys() -> list[tuple[str, bytes]]:
    """(key id, 32-byte key) pairs; the first is the active key."""
    configured = getattr(settings, "VAULT_KEYS", None) or []
    keys: list[tuple[str, bytes]] = []
    for item in configured:
        key_id, _, encoded = item.partition(":")
        raw = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        if not key_id or len(raw) != 32 or len(key_id) > 32:
            raise ImproperlyConfigured("VAULT_KEYS entries are '<id>:<urlsafe base64 of 32 bytes>'.")
        keys.append((key_id, raw))
    if not keys:
        if getattr(settings, "IS_PRODUCTION", False):
            raise ImproperlyConfigured("VAULT_KEYS is not set: documents cannot be encrypted.")
        # Development and demo only: a key derived from SECRET_KEY.
        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"medijourney-vault-dev").derive(
            settings.SECRET_KEY.encode()
        )
        keys.append(("dev", derived))
    return keys


def generate_key_entry(key_id: str) -> str:
    """A new VAULT_KEYS entry, for operators (``manage.py rotate_keys --new-key-id``)."""
    return f"{key_id}:{base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip('=')}"


def _root() -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT) / "vault"


def _path(storage_key: str) -> Path:
    if not _KEY_RE.match(storage_key):
        raise VaultError("Malformed storage key.")
    return _root() / storage_key


def _encrypt(data: bytes, storage_key: str) -> bytes:
    key_id, key = _keys()[0]
    nonce = os.urandom(12)
    sealed = AESGCM(key).encrypt(nonce, data, storage_key.encode())
    ident = key_id.encode()
    return MAGIC + bytes([len(ident)]) + ident + nonce + sealed


def _parse(blob: bytes) -> tuple[str, bytes, bytes]:
    if not blob.startswith(MAGIC) or len(blob) < len(MAGIC) + 1 + 12 + 16:
        raise VaultError("Not a vault file.")
    n = blob[len(MAGIC)]
    start = len(MAGIC) + 1
    key_id = blob[start : start + n].decode()
    nonce = blob[start + n : start + n + 12]
    return key_id, nonce, blob[start + n + 12 :]


def _write_atomic(path: Path, blob: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(blob)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def vault_store(*, data: bytes, purpose: str) -> str:
    """Encrypt and store ``data``; return the opaque storage key to keep on the model."""
    if not _PURPOSE_RE.match(purpose):
        raise ValueError("purpose must be a short lowercase word, e.g. 'documents'")
    token = secrets.token_hex(16)
    storage_key = f"{purpose}/{token[:2]}/{token}"
    try:
        _write_atomic(_path(storage_key), _encrypt(data, storage_key))
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):  # the partial temporary file is already removed
            raise StorageFullError(StorageFullError.message) from exc
        raise
    return storage_key


def vault_read(storage_key: str) -> bytes:
    path = _path(storage_key)
    try:
        blob = path.read_bytes()
    except FileNotFoundError:
        raise VaultError("The stored file is missing.") from None
    key_id, nonce, sealed = _parse(blob)
    key = dict(_keys()).get(key_id)
    if key is None:
        raise VaultError(f"The file is encrypted under key '{key_id}', which is not configured.")
    try:
        return AESGCM(key).decrypt(nonce, sealed, storage_key.encode())
    except InvalidTag:
        raise VaultError("The stored file failed its integrity check.") from None


def vault_delete(storage_key: str) -> None:
    _path(storage_key).unlink(missing_ok=True)


def vault_key_id(storage_key: str) -> str:
    return _parse(_path(storage_key).read_bytes()[:64])[0]


def vault_rotate(storage_key: str) -> bool:
    """Re-encrypt one file under the active key. Returns True if it changed. Idempotent."""
    active = _keys()[0][0]
    if vault_key_id(storage_key) == active:
        return False
    data = vault_read(storage_key)
    _write_atomic(_path(storage_key), _encrypt(data, storage_key))
    return True


def vault_keys_stored() -> Iterator[str]:
    """Every storage key present on disk."""
    root = _root()
    if not root.exists():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.name.startswith(".tmp-"):
            key = path.relative_to(root).as_posix()
            if _KEY_RE.match(key):
                yield key


def vault_attachment_response(storage_key: str, *, filename: str, kind: str) -> HttpResponse:
    """Serve a stored file as a download: decrypted, ``Content-Disposition: attachment``, the
    sniffed content type (``kind`` from core.uploads), ``nosniff`` and ``no-store``. The caller has
    already checked permission and written the audit row. The download name always ends with the
    sniffed type's extension, also for names stored before that rule. Raises VaultError if the
    file is gone."""
    data = vault_read(storage_key)
    response = HttpResponse(data, content_type=KINDS.get(kind, ("application/octet-stream", "bin"))[0])
    response["Content-Disposition"] = content_disposition_header(True, upload_filename(filename, kind))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    response["Content-Length"] = str(len(data))
    return response


# --- Short secrets in a database field (passport numbers) ---------------------------------------------


def seal_text(text: str, *, context: str) -> str:
    """Encrypt a short text (a passport number) for a database field, under the active vault key.
    ``context`` (e.g. "passport:<row public id>") is bound as associated data, so a value copied to
    another row does not decrypt. Returns ASCII: ``<key id>:<urlsafe base64 of nonce|ciphertext>``."""
    key_id, key = _keys()[0]
    nonce = os.urandom(12)
    sealed = AESGCM(key).encrypt(nonce, text.encode(), context.encode())
    return f"{key_id}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"


def open_text(value: str, *, context: str) -> str:
    """Decrypt a value written by :func:`seal_text` (VaultError if damaged, moved or the key is gone)."""
    key_id, _, encoded = (value or "").partition(":")
    key = dict(_keys()).get(key_id)
    if key is None or not encoded:
        raise VaultError("The sealed value cannot be opened with the configured keys.")
    try:
        raw = base64.urlsafe_b64decode(encoded)
        return AESGCM(key).decrypt(raw[:12], raw[12:], context.encode()).decode()
    except (InvalidTag, ValueError):
        raise VaultError("The sealed value failed its integrity check.") from None
