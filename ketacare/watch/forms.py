"""The safety watch's forms: a check as its protocol asks it (one yes-or-no question a line of
a questionnaire, the ALT of liver tests; the blood-pressure trend is computed, not typed), and
a prescriber's review."""

from typing import Any

from django import forms

from ketacare import clinical
from ketacare.core.forms import When

YES_NO = [("yes", "Yes"), ("no", "No")]


class CheckForm(forms.Form):
    done_at = When(label="Asked or taken at")
    note = forms.CharField(max_length=300, required=False, widget=forms.Textarea({"rows": 2}))

    def __init__(self, *args: Any, check: clinical.WatchCheck, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.check = check
        for number, question in enumerate(check.questions, start=1):
            self.fields[f"answer_{number}"] = forms.ChoiceField(
                label=question, choices=YES_NO, widget=forms.RadioSelect
            )
        if check.kind == "liver":
            self.fields["value"] = forms.DecimalField(
                label="ALT (U/L)", max_digits=6, decimal_places=1
            )
        self.order_fields(["done_at", *(f"answer_{n}" for n in range(1, 21)), "value", "note"])

    def answers(self) -> list[bool]:
        count = len(self.check.questions)
        return [self.cleaned_data[f"answer_{n}"] == "yes" for n in range(1, count + 1)]


class ReviewForm(forms.Form):
    review_note = forms.CharField(
        label="What you did", max_length=300, widget=forms.Textarea({"rows": 2})
    )


class ErrorForm(forms.Form):
    reason = forms.CharField(label="Why this result is wrong", max_length=300)
