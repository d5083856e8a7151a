"""The sign-in form, with error messages in our own catalogue (Django's vi catalogue lacks them)."""

from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("Wrong username or password. Both are case-sensitive."),
        "inactive": _("This account has been deactivated. Ask your union secretary."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # volunteers.backends.PhoneNumberBackend: the phone number works as the username too.
        self.fields["username"].label = _("Username or phone number")


class SetPasswordForm(auth_forms.SetPasswordForm):
    """The form behind a volunteer's one-time invitation link."""
