"""Forms for the patient record. They validate shape; services re-validate the model."""

from typing import Any

from django import forms

from ketacare.clinical import codes
from ketacare.core.forms import LocalTimeField
from ketacare.patients.models import Allergy, BodyMeasurement, Medication, Patient
from ketacare.patients.services import DEMOGRAPHIC_FIELDS

DATE = forms.DateInput(attrs={"type": "date"})


class PatientForm(forms.ModelForm[Patient]):
    class Meta:
        model = Patient
        fields = DEMOGRAPHIC_FIELDS
        widgets = {"date_of_birth": DATE}


class PatientSearchForm(forms.Form):
    q = forms.CharField(
        required=False, max_length=100, label="Search by name, date of birth or MRN"
    )


class MeasurementForm(forms.ModelForm[BodyMeasurement]):
    class Meta:
        model = BodyMeasurement
        fields = ("measured_at", "weight_kg", "height_cm")
        field_classes = {"measured_at": LocalTimeField}
        labels = {"weight_kg": "Weight (kg)", "height_cm": "Height (cm)"}


class AllergyForm(forms.ModelForm[Allergy]):
    class Meta:
        model = Allergy
        fields = ("substance", "reaction", "severity")


class MedicationForm(forms.ModelForm[Medication]):
    class Meta:
        model = Medication
        fields = ("name", "dose", "frequency", "started_on", "stopped_on", "rems_class")
        widgets = {"started_on": DATE, "stopped_on": DATE}


def _diagnosis_choices() -> list[tuple[str, str]]:
    return [(f"{system}:{code}", f"{code} — {term}") for system, code, term in codes.DIAGNOSES]


class DiagnosisForm(forms.Form):
    diagnosis = forms.ChoiceField(
        choices=_diagnosis_choices, help_text="ICD-10-CM or SNOMED CT depression code."
    )
    onset_on = forms.DateField(required=False, widget=DATE, label="Onset")

    def service_kwargs(self) -> dict[str, Any]:
        system, code = self.cleaned_data["diagnosis"].split(":", 1)
        return {"system": system, "code": code, "onset_on": self.cleaned_data["onset_on"]}


class MarkErrorForm(forms.Form):
    reason = forms.CharField(
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why this entry is wrong. It stays on the chart, struck out.",
    )
