from django import forms
from django.utils.translation import gettext_lazy as _


class ErasureRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Why (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("You do not have to give a reason."),
    )
    confirm = forms.BooleanField(
        label=_("I understand that my account, cases, messages and documents will be erased and cannot be restored."),
        required=True,
    )


class ErasureDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve and erase")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note to the patient"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when rejecting (for example: an open treatment or a legal hold)."),
    )

    def clean(self) -> dict:
        data = super().clean()
        assert data is not None
        if data.get("decision") == "reject" and not (data.get("note") or "").strip():
            self.add_error("note", _("Say why the request is rejected; the patient is told."))
        return data
