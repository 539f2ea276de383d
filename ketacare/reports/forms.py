import datetime as dt

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

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


# The dates a ledger report may cover: a date outside is a typing slip (and the day after
# 9999-12-31 cannot be computed).
EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2100, 12, 31)


def _report_date(label: str) -> forms.DateField:
    message = f"Choose a date from {EARLIEST:%d %b %Y} to {LATEST:%d %b %Y}."
    return forms.DateField(
        widget=DATE,
        label=label,
        validators=[
            MinValueValidator(EARLIEST, message=message),
            MaxValueValidator(LATEST, message=message),
        ],
    )


class LedgerPeriodForm(forms.Form):
    first = _report_date("From")
    last = _report_date("To (and inventory at the end of)")

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        first, last = data.get("first"), data.get("last")
        if first and last and first > last:
            self.add_error("last", "The end date must be on or after the start date.")
        elif first and last and (last - first).days > LONGEST_PERIOD_DAYS:
            self.add_error("first", f"Choose at most {LONGEST_PERIOD_DAYS} days.")
        return data
