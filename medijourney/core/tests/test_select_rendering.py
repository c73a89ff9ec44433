"""The site's form renderer writes Django's select widget in Python (``core.forms.select_html``);
it must give exactly what Django's own templates give, for every kind of select the site uses."""

import datetime
import re
from decimal import Decimal
from typing import Any

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting
from django.test import Client
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from medijourney.core.forms import AccessibleFormRenderer

TEMPLATES = TemplatesSetting()
FAST = AccessibleFormRenderer()


class Everything(forms.Form):
    plain = forms.ChoiceField(choices=[("", "—"), ("GB", "United Kingdom"), ("US", "United States")])
    grouped = forms.ChoiceField(
        choices=[
            ("Europe", [("DE", "Germany"), ("FR", "France")]),
            ("Asia", [("IN", "India"), ("TH", "Thailand")]),
            ("XX", "Nowhere"),
        ]
    )
    awkward = forms.ChoiceField(
        choices=[
            ('a"b', 'quote " and <tag> & ampersand'),
            ("<script>", mark_safe("<b>already safe</b>")),
            ("lazy", gettext_lazy("Currency")),
            (3, 12500),
            (Decimal("1.5"), Decimal("1234.5")),
            ("when", datetime.date(2026, 12, 3)),
        ],
        required=False,
    )
    many = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B"), ("c", "C")], required=False)
    yes_no = forms.NullBooleanField()
    typed = forms.TypedChoiceField(choices=[(1, "one"), (2, "two")], coerce=int)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["plain"].widget.attrs.update(
            {"class": "wide", "data-x": 'a"<b', "autofocus": True, "hidden": False}
        )
        self.fields["grouped"].disabled = True


DATA = [
    None,
    {"plain": "GB", "grouped": "IN", "awkward": "<script>", "many": ["a", "c"], "yes_no": "true", "typed": "2"},
    {"plain": "nope", "grouped": "", "awkward": 'a"b', "many": ["z"], "yes_no": "unknown", "typed": "9"},
]


@pytest.mark.parametrize("data", DATA)
@pytest.mark.parametrize("language", ["en", "ar", "de"])
def test_every_select_is_written_as_the_templates_write_it(data: dict | None, language: str) -> None:
    with override(language):
        for name in Everything.base_fields:
            form = Everything(data)
            form.is_valid()
            bound = form[name]
            fast = bound.as_widget(attrs={"aria-describedby": f"{name}_help", "aria-invalid": "true"})
            widget = bound.field.widget
            context = widget.get_context(
                bound.html_name, bound.value(), widget.build_attrs(widget.attrs, {"id": bound.auto_id})
            )
            assert fast.startswith("<select"), name
            assert FAST.render(widget.template_name, context) == TEMPLATES.render(widget.template_name, context), name
            # and the widget's own render, through each renderer
            attrs = {"id": bound.auto_id, "aria-invalid": "true"}
            value = bound.value()
            assert widget.render(bound.html_name, value, attrs, FAST) == widget.render(
                bound.html_name, value, attrs, TEMPLATES
            )


def test_values_are_escaped_and_safe_labels_are_not() -> None:
    html = str(Everything({"awkward": 'a"b'})["awkward"])
    assert '<option value="a&quot;b" selected>quote &quot; and &lt;tag&gt; &amp; ampersand</option>' in html
    assert '<option value="&lt;script&gt;"><b>already safe</b></option>' in html
    assert "<script>" not in html


def test_a_select_with_another_option_template_is_left_to_the_templates() -> None:
    class Custom(forms.Select):
        option_template_name = "django/forms/widgets/input_option.html"

    widget = Custom(choices=[("a", "A")])
    context = widget.get_context("x", "a", {"id": "id_x"})
    assert FAST.render(widget.template_name, context) == TEMPLATES.render(widget.template_name, context)
    assert "<option" not in FAST.render(widget.template_name, context)  # the other template was used


def _without_tokens(html: bytes) -> bytes:
    return re.sub(rb'(X-CSRFToken": "|csrfmiddlewaretoken" value="|nonce="|name="token" value=")[^"]+', rb"\1-", html)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/search/?origin=GB&passport=NG&currency=EUR", "/search/?origin=nowhere", "/inquiry/"]
)
def test_pages_with_selects_are_the_same_as_through_the_templates(client: Client, monkeypatch: Any, path: str) -> None:
    fast = client.get(path)
    monkeypatch.setattr(AccessibleFormRenderer, "render", TemplatesSetting.render)
    slow = client.get(path)
    assert fast.status_code == slow.status_code == 200
    assert b"<select" in fast.content
    assert _without_tokens(fast.content) == _without_tokens(slow.content)
