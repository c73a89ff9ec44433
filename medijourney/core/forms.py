"""Site-wide form rendering: every field gets its label, its help text and its errors beside it,
linked with aria-describedby, and invalid fields are marked aria-invalid. The first invalid
field receives focus (static/js/site.js). Values typed are kept because forms re-render bound."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms import Textarea
from django.forms.renderers import TemplatesSetting


class AccessibleFormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """The form's choice field ``name`` (typed, so its choices can be set in ``__init__``)."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField), name
    return field


def add_service_errors(form: forms.Form, exc: ValidationError, rename: Callable[[str], str] | None = None) -> None:
    """Show a service's ``ValidationError`` on a bound form: each message beside the field it
    names (after ``rename``, e.g. ``lines.x`` → ``x_status``), the rest at the top of the form."""
    grouped = exc.error_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.error_list}
    for field, errors in grouped.items():
        name = rename(field) if rename else field
        for error in errors:
            form.add_error(name if name in form.fields else None, error)


class CountedTextarea(Textarea):
    """A textarea that says its limit in text (works without JavaScript) and, with
    static/js/charcount.js, counts as you type. It drops the ``maxlength`` attribute Django adds
    for a CharField's max_length: browsers cut a pasted text there silently, whereas the form
    then says the text is too long and keeps all of it."""

    template_name = "forms/widgets/counted_textarea.html"

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        limit = widget_attrs.pop("maxlength", None) or self.attrs.get("data-maxchars")
        if limit:
            widget_attrs["data-maxchars"] = str(limit)
            count_id = f"{widget_attrs.get('id', name)}_count"
            described = widget_attrs.get("aria-describedby", "")
            widget_attrs["aria-describedby"] = f"{described} {count_id}".strip()
            context["widget"]["limit"] = int(limit)
            context["widget"]["count_id"] = count_id
        return context
