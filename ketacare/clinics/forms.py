"""The clinic's own details, as its admin edits them."""

from django import forms

from ketacare.clinics.models import Clinic
from ketacare.clinics.services import CLINIC_DETAILS


class ClinicDetailsForm(forms.ModelForm[Clinic]):
    class Meta:
        model = Clinic
        fields = CLINIC_DETAILS
        labels = {"address_line1": "Address", "address_line2": "Address (line 2)"}
