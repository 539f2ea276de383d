"""The rating-scale form: one radio group per item, built from the clinical core's scale
definition, so wording, ranges and anchors have one source."""

from typing import Any

from django import forms

from ketacare.assessments.models import AssessmentContext
from ketacare.clinical import Scale, get_scale
from ketacare.clinical.scales import Item
from ketacare.clinical.scales.cssrs import ASKED_WHEN
from ketacare.clinical.scoring import Answer
from ketacare.core.forms import LocalTimeField

YES_NO = [("yes", "Yes"), ("no", "No")]
# Scales staff enter at screening; MOAA/S and CADSS-6 belong to the dosing session.
FORM_INSTRUMENTS = ("phq9", "gad7", "cssrs_screener", "qids_sr16", "madrs")


def item_field_name(item_id: str) -> str:
    return f"item_{item_id}"


def _label(item: Item) -> str:
    # Where the reference gives no wording (licensed or unverified) only the number is shown.
    return f"{item.id}. {item.text}" if item.text else f"Item {item.id} (wording not shown)"


def _choices(scale: Scale, item: Item) -> list[tuple[str, str]]:
    if item.kind == "boolean":
        return YES_NO
    anchors = {int(anchor.value): anchor.text for anchor in scale.anchors}
    values = range(item.minimum, item.maximum + 1)
    # Anchors are the scored items' wording; the difficulty items have their own, not given.
    if item.scored and all(value in anchors for value in values):
        return [(str(value), f"{value} — {anchors[value]}") for value in values]
    return [(str(value), str(value)) for value in values]


def _item_field(scale: Scale, item: Item) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_label(item),
        choices=_choices(scale, item),
        widget=forms.RadioSelect,
        required=item.required,
        help_text=item.note or "",
        error_messages={"required": f"Answer item {item.id}."},
    )


class AssessmentForm(forms.Form):
    administered_at = LocalTimeField(
        label="Administered at",
        help_text="When the patient answered (clinic time).",
    )
    context = forms.ChoiceField(choices=AssessmentContext.choices, initial="baseline")

    def __init__(self, scale: Scale, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scale = scale
        for item in scale.items:
            self.fields[item_field_name(item.id)] = _item_field(scale, item)

    @property
    def item_rows(self) -> list[tuple[forms.BoundField, str]]:
        """Each item's field, with the field whose "Yes" opens it (C-SSRS skip logic, §4.6)
        so the page can hide questions that are not asked; "" when always asked."""
        opened_by = ASKED_WHEN if self.scale.code == "cssrs_screener" else {}
        return [
            (
                self[item_field_name(item.id)],
                item_field_name(opened_by[item.id]) if item.id in opened_by else "",
            )
            for item in self.scale.items
        ]

    def answers(self) -> dict[str, Answer]:
        """The answered items as the core takes them: ints, or booleans for yes/no items."""
        answers: dict[str, Answer] = {}
        for item in self.scale.items:
            raw = self.cleaned_data.get(item_field_name(item.id))
            if raw:
                answers[item.id] = raw == "yes" if item.kind == "boolean" else int(raw)
        return answers

    def service_kwargs(self) -> dict[str, Any]:
        return {
            "instrument": self.scale.code,
            "answers": self.answers(),
            "administered_at": self.cleaned_data["administered_at"],
            "context": self.cleaned_data["context"],
        }

    def field_for(self, key: str) -> str | None:
        """The form field a service error key names ("answers.3" -> "item_3")."""
        if key.startswith("answers."):
            name = item_field_name(key.removeprefix("answers."))
            return name if name in self.fields else None
        return key if key in self.fields else None


def scale_for_form(instrument: str) -> Scale | None:
    return get_scale(instrument) if instrument in FORM_INSTRUMENTS else None


class MarkErrorForm(forms.Form):
    reason = forms.CharField(
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why this administration is wrong. It stays on record, struck out.",
    )
