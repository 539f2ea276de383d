"""The clinic's own details and care settings, as its admin edits them."""

from typing import Any

from django import forms

from ketacare.clinical import ROUTE_NAMES, ROUTES
from ketacare.clinics.models import Clinic
from ketacare.clinics.services import CLINIC_CARE_SETTINGS, CLINIC_DETAILS


class ClinicDetailsForm(forms.ModelForm[Clinic]):
    class Meta:
        model = Clinic
        fields = CLINIC_DETAILS
        labels = {"address_line1": "Address", "address_line2": "Address (line 2)"}


class PerCentsField(forms.Field):
    """Whole per cents typed as "0, 50": read as a list of numbers, refused when any is not."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return ", ".join(str(p) for p in value)
        return value

    widget = forms.TextInput

    def to_python(self, value: Any) -> list[int]:
        text = str(value or "")
        parts = [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]
        if not all(part.isdigit() and int(part) < 100 for part in parts):
            raise forms.ValidationError(
                "Give whole per cents from 0 (when it opens) to 99, separated by commas."
            )
        return sorted({int(part) for part in parts})


class ClinicCareForm(forms.ModelForm[Clinic]):
    acls_routes = forms.MultipleChoiceField(
        label="Treatments whose sessions need someone with current ACLS",
        choices=[(route, ROUTE_NAMES[route]) for route in ROUTES],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="A dosing session of these warns when nobody recording on it holds a current "
        "ACLS certification (kept on the Credentials page). REFERENCE §2.4 names ACLS for IV "
        "ketamine; record your staff's certifications before choosing.",
    )
    reminder_points = PerCentsField(
        label="Reminder points",
        required=False,
        help_text=(
            "When each questionnaire reminder goes, in per cent of the way from the "
            "questionnaire opening (0) to closing: 0, 50 means when it opens and halfway."
        ),
    )

    class Meta:
        model = Clinic
        fields = CLINIC_CARE_SETTINGS
        labels = {
            "crisis_line": "Crisis line shown to patients",
            "alert_escalation_minutes": "Escalate an unacknowledged alert after (minutes)",
            "reminder_max": "At most this many reminders per questionnaire",
            "quiet_from": "Quiet hours: no reminders from",
            "quiet_until": "Quiet hours: until",
        }
        help_texts = {
            "crisis_line": "Shown with the clinic's number whenever a patient's answers raise "
            "a suicide-risk alert.",
            "alert_escalation_minutes": "The clinic admins are emailed when nobody has "
            "acknowledged an alert by then (5 to 1440).",
            "quiet_from": "In the clinic's time zone; suicide-risk alerts are never held back.",
            "quiet_until": "Equal times mean no quiet hours.",
            "ledger_required": "Each dose then names the lot and place it is drawn from, and "
            "the remainder is wasted with a witness. Turn it on once your stock is received "
            "on the Controlled substances page.",
        }
        widgets = {
            "quiet_from": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "quiet_until": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
