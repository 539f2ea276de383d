"""Form helpers every app's pages share."""

from django import forms
from django.core.exceptions import ValidationError


def apply_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's `ValidationError` on the form: each message on its field when the form
    has that field, else at the top, so the page re-renders with what was typed."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)
