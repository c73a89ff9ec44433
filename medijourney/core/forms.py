"""Site-wide form rendering: every field gets its label, its help text and its errors beside it,
linked with aria-describedby, and invalid fields are marked aria-invalid. The first invalid
field receives focus (static/js/site.js). Values typed are kept because forms re-render bound."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms import Textarea
from django.forms.renderers import TemplatesSetting
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


class AccessibleFormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        """Django's select widget (``select.html``, an ``include`` of ``select_option.html`` per
        option) is written here in Python instead, to the same characters: a country list is some
        250 options, and the template engine took about 6 ms for each such list (the search page
        has three, the most of its rendering time). Any other template, or a select whose options
        use another template, is rendered as usual."""
        if template_name == SELECT_TEMPLATE:
            widget = context["widget"]
            if all(o["template_name"] == OPTION_TEMPLATE for _n, options, _i in widget["optgroups"] for o in options):
                return select_html(widget)
        return super().render(template_name, context, request)


def _attrs_html(attrs: dict[str, Any]) -> str:
    """``django/forms/widgets/attrs.html``: `` name="value"`` each, `` name`` for True, none for False."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _label_html(label: Any) -> str:
    """As ``{{ widget.label }}`` writes it: localised if not text, then escaped unless safe."""
    return str(conditional_escape(label if isinstance(label, str) else localize(label)))


def select_html(widget: dict[str, Any]) -> SafeString:
    """``select.html`` with its ``select_option.html`` options, character for character (a test
    compares the two)."""
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs_html(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for o in options:
            parts.append(
                f'\n  <option value="{conditional_escape(o["value"])}"{_attrs_html(o["attrs"])}>{_label_html(o["label"])}</option>\n'
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703 - every value above is escaped unless already safe


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
