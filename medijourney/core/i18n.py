"""``gettext`` for hot paths. Django's ``gettext`` finds the active language's translation object
and looks the message up on every call (about 15 µs); a search page builds some 350 texts. A
message's translation in a language does not change while the process runs (the catalogues are
compiled before it starts), so it is kept per (language, message). Tests empty it between tests
(``clear``), since they may build catalogues of their own.

Finding the active language is itself about 5 µs (Django keeps it in an asgiref ``Local``), and a
page of search results asks some 90 times: inside ``language_fixed()`` it is read once, at entry.
Nothing inside may switch language (``translation.override``): the search engine and its JSON
documents do not."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils.translation import get_language
from django.utils.translation import gettext as django_gettext

_CACHE: dict[tuple[str | None, str], str] = {}
_TEXTS: dict[tuple[str | None, object], str] = {}
MAX_ENTRIES = 50_000  # messages x languages; past this it starts again
_FIXED: ContextVar[str | None] = ContextVar("medijourney_i18n_language", default=None)


@contextmanager
def language_fixed() -> Iterator[None]:
    """The active language, read once for what runs inside (also a decorator)."""
    token = _FIXED.set(get_language())
    try:
        yield
    finally:
        _FIXED.reset(token)


def _language() -> str | None:
    return _FIXED.get() or get_language()


def gettext(message: str) -> str:
    key = (_language(), message)
    found = _CACHE.get(key)
    if found is None:
        if len(_CACHE) >= MAX_ENTRIES:
            _CACHE.clear()
        found = _CACHE[key] = django_gettext(message)
    return found


def cached_text(kind: str, value: object, make: Callable[[], str]) -> str:
    """Any other text that depends only on the language and ``value`` (a date written out)."""
    key = (_language(), (kind, value))
    found = _TEXTS.get(key)
    if found is None:
        if len(_TEXTS) >= MAX_ENTRIES:
            _TEXTS.clear()
        found = _TEXTS[key] = make()
    return found


def clear() -> None:
    _CACHE.clear()
    _TEXTS.clear()
