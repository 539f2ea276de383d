"""A service's ValidationError shown on the form that posted it."""

from django import forms
from django.core.exceptions import ValidationError

from ketacare.core.forms import apply_errors


class _ReasonForm(forms.Form):
    reason = forms.CharField()


def _form() -> _ReasonForm:
    form = _ReasonForm({"reason": "typed"})
    assert form.is_valid()
    return form


def test_a_field_error_lands_on_its_field_and_an_unknown_field_on_top() -> None:
    form = _form()
    apply_errors(form, ValidationError({"reason": "Too short.", "dose_mg": "Too high."}))
    assert form.errors["reason"] == ["Too short."]
    assert form.non_field_errors() == ["Too high."]


def test_an_error_without_a_field_lands_on_top_keeping_what_was_typed() -> None:
    form = _form()
    apply_errors(form, ValidationError(["The course is paused.", "Ask a prescriber."]))
    assert form.non_field_errors() == ["The course is paused.", "Ask a prescriber."]
    assert form.data["reason"] == "typed"
