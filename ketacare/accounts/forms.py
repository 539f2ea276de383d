from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm

from ketacare.accounts.models import User
from ketacare.accounts.services import user_password_set


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email",
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )


class ApiTokenForm(forms.Form):
    name = forms.CharField(max_length=80, help_text="What the token is for, e.g. 'EHR bridge'.")


class PasswordResetRequestForm(forms.Form):
    email = forms.EmailField(
        label="Email", widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )


if TYPE_CHECKING:  # the stubs make Django's form generic; at run time it is not subscriptable
    _SetPassword = SetPasswordForm[User]
else:
    _SetPassword = SetPasswordForm


class NewPasswordForm(_SetPassword):
    """Django's form for a new password; saved through `user_password_set`, so it is audited."""

    def save(self, commit: bool = True) -> Any:
        return user_password_set(user=self.user, password=self.cleaned_data["new_password1"])
