from django import forms

from ketacare.core.models import AuditAction, AuditOutcome

DATE = forms.DateInput(attrs={"type": "date"})


class AuditFilterForm(forms.Form):
    user = forms.CharField(required=False, max_length=254, label="User email")
    patient = forms.CharField(required=False, max_length=40, label="Patient MRN")
    action = forms.ChoiceField(required=False, choices=[("", "Any action"), *AuditAction.choices])
    outcome = forms.ChoiceField(
        required=False, choices=[("", "Any outcome"), *AuditOutcome.choices]
    )
    date_from = forms.DateField(required=False, widget=DATE, label="From")
    date_to = forms.DateField(required=False, widget=DATE, label="To")

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date must be on or after the start date.")
        return data


# The biennial inventory looks back two years; a longer period is a typing slip.
LONGEST_PERIOD_DAYS = 800


class LedgerPeriodForm(forms.Form):
    first = forms.DateField(widget=DATE, label="From")
    last = forms.DateField(widget=DATE, label="To (and inventory at the end of)")

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        first, last = data.get("first"), data.get("last")
        if first and last and first > last:
            self.add_error("last", "The end date must be on or after the start date.")
        elif first and last and (last - first).days > LONGEST_PERIOD_DAYS:
            self.add_error("first", f"Choose at most {LONGEST_PERIOD_DAYS} days.")
        return data
