"""Reading a page in a test without depending on how its template is laid out.

djLint formats the templates (`make lint` checks it), so the markup a page sends gains line breaks
and indentation that a browser ignores: `<h1>Contact</h1>` may arrive as `<h1>\n    Contact\n</h1>`,
and a tag's attributes may be spread over several lines. Tests that look for a fragment of markup
use `contains`, and tests that need a link read it with `anchors`, never a regular expression over
raw markup."""

import re
from html.parser import HTMLParser


def squash(markup: str) -> str:
    """Runs of whitespace become one space, and none is kept beside a tag's brackets, so two
    layouts of the same markup read the same."""
    one = re.sub(r"\s+", " ", markup)
    return re.sub(r"\s*(<[^<>]*>)\s*", r"\1", one)


def contains(markup: str, fragment: str) -> bool:
    """``fragment`` is in ``markup``, whatever the whitespace around tags in either."""
    return squash(fragment) in squash(markup)


class _Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.found.append({name: value or "" for name, value in attrs})


def anchors(markup: str, css_class: str | None = None) -> list[dict[str, str]]:
    """The attributes of every ``<a>`` (entities decoded: ``&amp;`` is ``&``), optionally only
    those whose class list holds ``css_class``."""
    parser = _Anchors()
    parser.feed(markup)
    parser.close()
    if css_class is None:
        return parser.found
    return [a for a in parser.found if css_class in a.get("class", "").split()]


def without_glosses(markup: str) -> str:
    """``markup`` with each inline glossary explanation (glossary.inline) taken out and the word it
    explained left in place, so "Coronary stent insertion" reads as written whatever is explained."""
    return re.sub(
        r'<details class="gloss">\s*<summary>(.*?)</summary>\s*<span class="gloss-body">.*?</a>\s*</span>\s*</details>',
        r"\1",
        markup,
        flags=re.S,
    )
