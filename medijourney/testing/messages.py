"""The messages the code marks for translation, found without system gettext: Python files through
Babel's extractor, templates through Django's own ``templatize`` (what ``makemessages`` feeds to
xgettext) and then Babel's extractor. Used by the tests that hold every shipped catalogue to 100%."""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_python
from django.utils.translation.template import templatize

ROOT = Path(__file__).resolve().parents[1]  # medijourney/
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}
_CONTEXT_FUNCS = {"pgettext", "pgettext_lazy", "npgettext", "npgettext_lazy"}
_SKIP = {"tests", "migrations", "testing", "node_modules", "data"}

Key = tuple[str | None, str]  # (context, msgid)


PLURALS: dict[Key, str] = {}  # filled by source_messages(): the plural msgid of a plural message


def _keys(found: object) -> set[Key]:
    out: set[Key] = set()
    for _lineno, funcname, messages, _comments in found:  # type: ignore[attr-defined]
        parts = messages if isinstance(messages, tuple) else (messages,)
        context = parts[0] if funcname in _CONTEXT_FUNCS else None
        strings = [p for p in (parts[1:] if context is not None else parts) if p]
        if strings:
            out.add((context, strings[0]))
            if len(strings) > 1:
                PLURALS[(context, strings[0])] = strings[1]
    return out


def source_messages() -> set[Key]:
    """(context, msgid) of every message marked in ``medijourney/`` (tests and data left out)."""
    keys: set[Key] = set()
    for path in sorted(ROOT.rglob("*")):
        if _SKIP & set(path.relative_to(ROOT).parts):
            continue
        if path.suffix == ".py":
            with path.open("rb") as f:
                keys |= _keys(extract_python(f, KEYWORDS, [], {}))
        elif path.suffix in (".html", ".txt") and "templates" in path.parts:
            code = templatize(path.read_text(encoding="utf-8"), origin=str(path))
            flat = "\n".join(line.lstrip() for line in code.splitlines())  # X-ed text confuses the tokenizer
            keys |= _keys(extract_python(io.BytesIO(flat.encode("utf-8")), KEYWORDS, [], {}))
    return keys
