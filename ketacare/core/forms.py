"""Form helpers every app's pages share."""

import datetime as dt
import zoneinfo
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.fields import BaseTemporalField
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from ketacare.core.local_time import aware_local

LOCAL_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class LocalTimeField(forms.DateTimeField):
    """A time typed in the clinic's zone (the active one), shown the same way. Unlike Django's
    own field it also takes a time in the hour that happens twice when the clocks go back
    (`aware_local`), so nothing recorded that night is refused."""

    widget = LOCAL_INPUT

    def to_python(self, value: Any) -> Any:
        if not isinstance(value, str) or not value.strip():
            return super().to_python(value)
        try:
            parsed = parse_datetime(value.strip())
        except ValueError as error:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from error
        naive = parsed or BaseTemporalField.to_python(self, value)
        if not isinstance(naive, dt.datetime) or timezone.is_aware(naive):
            return naive
        zone = zoneinfo.ZoneInfo(timezone.get_current_timezone_name())
        return aware_local(naive, zone, timezone.now())


class When(LocalTimeField):
    """When something happened, typed as it happens: defaults to now, in the clinic's zone."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(initial=lambda: timezone.localtime().replace(second=0), **kwargs)


def apply_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's `ValidationError` on the form: each message on its field when the form
    has that field, else at the top, so the page re-renders with what was typed."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)
