"""``gettext`` for hot paths. Django's ``gettext`` finds the active language's translation object
and looks the message up on every call (about 15 µs); a search page builds some 350 texts. A
message's translation in a language does not change while the process runs (the catalogues are
compiled before it starts), so it is kept per (language, message). Tests empty it between tests
(``clear``), since they may build catalogues of their own."""

from collections.abc import Callable

from django.utils.translation import get_language
from django.utils.translation import gettext as django_gettext

_CACHE: dict[tuple[str | None, str], str] = {}
_TEXTS: dict[tuple[str | None, object], str] = {}
MAX_ENTRIES = 50_000  # messages x languages; past this it starts again


def gettext(message: str) -> str:
    key = (get_language(), message)
    found = _CACHE.get(key)
    if found is None:
        if len(_CACHE) >= MAX_ENTRIES:
            _CACHE.clear()
        found = _CACHE[key] = django_gettext(message)
    return found


def cached_text(kind: str, value: object, make: Callable[[], str]) -> str:
    """Any other text that depends only on the language and ``value`` (a date written out)."""
    key = (get_language(), (kind, value))
    found = _TEXTS.get(key)
    if found is None:
        if len(_TEXTS) >= MAX_ENTRIES:
            _TEXTS.clear()
        found = _TEXTS[key] = make()
    return found


def clear() -> None:
    _CACHE.clear()
    _TEXTS.clear()
