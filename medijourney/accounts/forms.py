from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
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


class SignupForm(forms.Form):
    """A patient account without an inquiry: the address first (confirmed by a link), the
    password once the link is opened (SignupPasswordForm)."""

    full_name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        error_messages={"required": _("Tell us your name.")},
        widget=forms.TextInput(attrs={"autocomplete": "name", "autofocus": True}),
    )
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        help_text=_("We send a link to this address. The account exists once you open it and choose a password."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def clean_full_name(self) -> str:
        name = " ".join(str(self.cleaned_data.get("full_name") or "").split())
        if not name:
            raise forms.ValidationError(_("Tell us your name."))
        return name

    def clean_email(self) -> str:
        return login_normalize(self.cleaned_data.get("email"))


class SignupPasswordForm(SetPasswordForm):
    """Django's set-password form (both fields, every AUTH_PASSWORD_VALIDATORS check), run
    against the account about to be created so "similar to your email" works too."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("Choose a password")
        self.fields["new_password2"].label = _("The same password again")
        self.fields["new_password2"].help_text = _("To make sure there is no typing mistake.")
