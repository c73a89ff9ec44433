from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .lockout import login_normalize


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email"), widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )

    error_messages = {
        # One answer for an unknown email and a wrong password: no account enumeration.
        "invalid_login": _("That email and password do not match an account. Check both and try again."),
        "inactive": _("That email and password do not match an account. Check both and try again."),
    }

    def clean_username(self) -> str:
        # The spelling the lockout counts is the spelling sign-in matches (lockout.py).
        return login_normalize(self.cleaned_data.get("username"))


class SecondFactorForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The 6-digit code from your authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}),
    )
