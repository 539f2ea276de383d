"""A second staff member's signature on a waste, a return, a destruction or a count's
adjustment: they type their own email and password on the screen of the one recording.

It goes through `authenticate` with the request, so a wrong password counts towards the same
per-account and per-address lockout as a sign-in (django-axes) and a failed try is audited as
one; the password is never kept or shown again."""

from django import forms
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from ketacare.accounts.models import User


def witness_signature(request: HttpRequest, email: str, password: str) -> User:
    user = authenticate(request, username=email, password=password)
    if not isinstance(user, User) or not user.is_active:
        message = "This email and password do not match: the witness signs with their own."
        raise ValidationError({"witness_password": message})
    return user


class WitnessedForm(forms.Form):
    """A form a second person signs; `sign` turns the typed credentials into `witness`."""

    witness_email = forms.EmailField(label="Witness's email")
    witness_password = forms.CharField(
        label="Witness's password", strip=False, widget=forms.PasswordInput
    )

    def sign(self, request: HttpRequest) -> None:
        email = self.cleaned_data.pop("witness_email")
        password = self.cleaned_data.pop("witness_password")
        self.cleaned_data["witness"] = witness_signature(request, email, password)
