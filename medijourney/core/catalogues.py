"""The interface's translation catalogues: compiled from the committed ``.po`` files with Babel
(installed by the project), so a fresh machine needs no system gettext.

``compile_catalogues()`` runs in ``make run`` and ``make test`` (through ``manage.py
compile_catalogues``) and at the start of every pytest session; it rewrites a ``.mo`` only when its
``.po`` is newer. Fuzzy entries are never compiled: they fall back to English.
"""

from __future__ import annotations

import os
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings


def catalogue_paths() -> list[Path]:
    return sorted(Path(p) for root in settings.LOCALE_PATHS for p in Path(root).glob("*/LC_MESSAGES/django.po"))


def compile_catalogues(*, force: bool = False) -> list[Path]:
    """Compile every catalogue whose ``.mo`` is missing or older than its ``.po``; the ones written."""
    written = []
    for po in catalogue_paths():
        mo = po.with_suffix(".mo")
        if not force and mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as f:
            catalog = read_po(f, locale=po.parent.parent.name)
        tmp = mo.with_name(f"{mo.name}.{os.getpid()}.tmp")  # pytest-xdist workers compile at once
        with tmp.open("wb") as f:
            write_mo(f, catalog, use_fuzzy=False)
        tmp.replace(mo)
        written.append(mo)
    return written
