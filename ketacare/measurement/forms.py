"""The portal's questionnaire form (built from the clinical core's scale, worded for the
patient) and the staff forms: invitation, sending a questionnaire, working an alert."""

from typing import Any

from django import forms

from ketacare import clinical
from ketacare.assessments.models import AlertAction
from ketacare.clinical import Scale
from ketacare.clinical.scales import Item
from ketacare.clinical.scoring import Answer
from ketacare.core.forms import LocalTimeField
from ketacare.measurement.models import PORTAL_INSTRUMENTS


def portal_items(scale: Scale) -> list[Item]:
    """The items a patient answers: the scored and required ones. The optional difficulty item
    (PHQ-9 item 10) is left out: its answer wording is not in the reference, and the scale's
    anchors are the frequency answers of the other items."""
    return [item for item in scale.items if item.scored or item.required]


def item_text(item: Item) -> str:
    return item.text or f"Question {item.id}"


def item_choices(scale: Scale, item: Item) -> list[tuple[int, str]]:
    """Each answer's value and the words the patient sees (the scale's anchors)."""
    anchors = {int(anchor.value): anchor.text for anchor in scale.anchors}
    return [(v, anchors.get(v, str(v))) for v in range(item.minimum, item.maximum + 1)]


class QuestionnaireForm(forms.Form):
    """Every item may be left blank here, so a half-answered questionnaire can be saved; the
    core names the missing items when it is sent."""

    def __init__(self, scale: Scale, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scale = scale
        for item in portal_items(scale):
            self.fields[f"item_{item.id}"] = forms.TypedChoiceField(
                label=item_text(item),
                choices=[(str(v), text) for v, text in item_choices(scale, item)],
                coerce=int,
                widget=forms.RadioSelect,
                required=False,
                empty_value=None,
            )

    def answers(self) -> dict[str, Answer]:
        found: dict[str, Answer] = {}
        for name, value in self.cleaned_data.items():
            if value is not None:
                found[name.removeprefix("item_")] = value
        return found

    def add_service_errors(self, problems: dict[str, list[str]]) -> None:
        """The core's errors beside the questions they name, in the patient's words."""
        for key, messages in problems.items():
            item = key.removeprefix("answers.") if key.startswith("answers.") else ""
            name = f"item_{item}" if f"item_{item}" in self.fields else None
            for message in messages:
                wording = f"Please answer question {item}." if "required" in message else message
                self.add_error(name, wording if name else message)


class InviteForm(forms.Form):
    email = forms.EmailField(label="Patient's email address", max_length=254)


INSTRUMENT_CHOICES = [(code, clinical.get_scale(code).name) for code in PORTAL_INSTRUMENTS]


class AssignForm(forms.Form):
    instrument = forms.ChoiceField(label="Questionnaire", choices=INSTRUMENT_CHOICES)
    expires_at = LocalTimeField(
        label="Answer by", help_text="Clinic time. It opens now and closes at this time."
    )


class AcknowledgeForm(forms.Form):
    note = forms.CharField(
        label="Note (optional)", required=False, max_length=2000, widget=forms.Textarea({"rows": 2})
    )


class ResolveForm(forms.Form):
    actions = forms.MultipleChoiceField(
        label="What was done",
        choices=AlertAction.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Tick at least one thing that was done."},
    )
    note = forms.CharField(
        label="Note", required=False, max_length=2000, widget=forms.Textarea({"rows": 3})
    )
