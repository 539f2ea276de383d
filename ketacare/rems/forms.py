from typing import Any

from django import forms

from ketacare.rems.models import ANSWER_FIELDS, RemsMonitoringForm


class YesNo(forms.NullBooleanSelect):
    """Yes / No, or blank: the record's value (shown beside the question) stands."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.choices = [("unknown", "— (record's value)"), ("true", "Yes"), ("false", "No")]


class AnswersForm(forms.ModelForm[RemsMonitoringForm]):
    """The staff's answers. A blank answer lets the record's value (shown beside it) stand."""

    class Meta:
        model = RemsMonitoringForm
        fields = ANSWER_FIELDS
        widgets = {
            name: YesNo()
            for name in (
                "sedation",
                "dissociation",
                "respiratory_depression",
                "vitals_acceptable_before",
                "vitals_acceptable_at_completion",
            )
        } | {"adverse_event_notes": forms.Textarea(attrs={"rows": 3})}
        labels = {
            "sedation": "Did the patient experience sedation?",
            "dissociation": "Did the patient experience dissociation?",
            "respiratory_depression": "Did the patient experience respiratory depression?",
            "vitals_acceptable_before": "Vital signs acceptable before administration?",
            "vitals_acceptable_at_completion": "Vital signs acceptable before completion?",
            "ready_to_leave_minutes": "Ready to leave without the 2-hour minimum (minutes)",
        }


class SubmitForm(forms.Form):
    confirmation = forms.CharField(
        label="REMS confirmation or fax reference",
        max_length=80,
        help_text="Submit the form at www.SPRAVATOrems.com or by fax, then record what the REMS "
        "gave back.",
    )
    acknowledge_warnings = forms.BooleanField(
        label="I have read the warnings above and submit anyway", required=False
    )
