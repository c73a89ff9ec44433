"""Site-wide form rendering: every field gets its label, its help text and its errors beside it,
linked with aria-describedby, and invalid fields are marked aria-invalid. The first invalid
field receives focus (static/js/site.js). Values typed are kept because forms re-render bound."""

from django.forms.renderers import TemplatesSetting


class AccessibleFormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
