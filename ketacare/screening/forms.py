"""Screening forms. They check shape; the services (and the clinical core) check meaning."""

from typing import Any

from django import forms

from ketacare.core.forms import LocalTimeField
from ketacare.screening.models import (
    MEDICAL_FLAGS,
    AntidepressantTrial,
    Decision,
    Intake,
)
from ketacare.screening.services import INTAKE_FIELDS, TRIAL_FIELDS


class IntakeForm(forms.ModelForm[Intake]):
    class Meta:
        model = Intake
        fields = INTAKE_FIELDS
        widgets = {
            "psychiatric_history": forms.Textarea(attrs={"rows": 4}),
            "substance_use": forms.Textarea(attrs={"rows": 3}),
        }
        labels = dict(MEDICAL_FLAGS)

    @property
    def flag_fields(self) -> list[forms.BoundField]:
        return [self[name] for name, _ in MEDICAL_FLAGS]

    @property
    def other_fields(self) -> list[forms.BoundField]:
        flags = {name for name, _ in MEDICAL_FLAGS}
        return [self[name] for name in INTAKE_FIELDS if name not in flags]


class TrialForm(forms.ModelForm[AntidepressantTrial]):
    class Meta:
        model = AntidepressantTrial
        fields = TRIAL_FIELDS
        labels = {"weeks": "Weeks at this dose"}


def _reading(label: str) -> forms.IntegerField:
    # No min/max here: the clinical core names the field and its allowed range.
    return forms.IntegerField(label=label, required=False)


class VitalsForm(forms.Form):
    measured_at = LocalTimeField(help_text="When the readings were taken.")
    sbp = _reading("Systolic BP (mmHg)")
    dbp = _reading("Diastolic BP (mmHg)")
    hr = _reading("Heart rate (/min)")
    spo2 = _reading("SpO2 (%)")
    rr = _reading("Respiratory rate (/min)")
    weight_kg = forms.DecimalField(
        label="Weight (kg)", required=False, max_digits=5, decimal_places=1
    )
    height_cm = forms.DecimalField(
        label="Height (cm)", required=False, max_digits=4, decimal_places=1
    )
    confirm_readings = forms.BooleanField(label="I confirm these readings", required=False)

    @property
    def needs_confirmation(self) -> bool:
        """Show the confirmation box once an unusual reading has been flagged."""
        return "confirm_readings" in self.errors or bool(self.data.get("confirm_readings"))

    @property
    def shown_fields(self) -> list[forms.BoundField]:
        hidden = set() if self.needs_confirmation else {"confirm_readings"}
        return [field for field in self if field.name not in hidden]


class SignForm(forms.Form):
    route = forms.CharField(widget=forms.HiddenInput)
    facts_digest = forms.CharField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        choices=[(Decision.ELIGIBLE, "Eligible"), (Decision.NOT_ELIGIBLE, "Not eligible")],
        widget=forms.RadioSelect,
        help_text="Choosing eligible despite warnings records an override with your reason.",
    )
    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required to override a warning. Hard stops cannot be overridden.",
    )

    def service_kwargs(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class MarkErrorForm(forms.Form):
    reason = forms.CharField(
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why this entry is wrong. It stays on the intake, struck out.",
    )
