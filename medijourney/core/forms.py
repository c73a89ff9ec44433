"""Site-wide form rendering: every field gets its label, its help text and its errors beside it,
linked with aria-describedby, and invalid fields are marked aria-invalid. The first invalid
field receives focus (static/js/site.js). Values typed are kept because forms re-render bound."""

from collections.abc import Callable

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.renderers import TemplatesSetting


class AccessibleFormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


def add_service_errors(form: forms.Form, exc: ValidationError, rename: Callable[[str], str] | None = None) -> None:
    """Show a service's ``ValidationError`` on a bound form: each message beside the field it
    names (after ``rename``, e.g. ``lines.x`` → ``x_status``), the rest at the top of the form."""
    grouped = exc.error_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.error_list}
    for field, errors in grouped.items():
        name = rename(field) if rename else field
        for error in errors:
            form.add_error(name if name in form.fields else None, error)
