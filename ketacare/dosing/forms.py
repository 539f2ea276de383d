"""Forms of the session screen. Each maps onto one service's keyword arguments; the services
do the checking, so a form only parses what was typed (times in the clinic's zone)."""

from decimal import Decimal
from typing import Any

from django import forms

from ketacare.core.forms import When
from ketacare.dosing.models import Checkpoint, InterventionKind, Severity, SideEffectKind
from ketacare.dosing.services import CHECKLIST_FIELDS, CHECKLIST_LABELS
from ketacare.inventory.witness import WitnessedForm


class ChecklistForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in CHECKLIST_FIELDS:
            self.fields[name] = forms.BooleanField(label=CHECKLIST_LABELS[name], required=False)


class VitalsForm(forms.Form):
    measured_at = When(label="Taken at")
    checkpoint = forms.ChoiceField(choices=Checkpoint.choices, initial=Checkpoint.ROUTINE)
    sbp = forms.IntegerField(label="SBP (mmHg)", required=False)
    dbp = forms.IntegerField(label="DBP (mmHg)", required=False)
    hr = forms.IntegerField(label="HR (/min)", required=False)
    spo2 = forms.IntegerField(label="SpO2 (%)", required=False)
    rr = forms.IntegerField(label="RR (/min)", required=False)
    confirm_readings = forms.BooleanField(label="I have re-checked unusual values", required=False)


class MoaasForm(forms.Form):
    administered_at = When(label="Scored at")
    score = forms.TypedChoiceField(
        label="MOAA/S", coerce=int, choices=[(n, str(n)) for n in range(5, -1, -1)]
    )

    def answers(self) -> dict[str, int]:
        return {"1": self.cleaned_data["score"]}


class CadssForm(forms.Form):
    administered_at = When(label="Scored at")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for item in range(1, 7):
            self.fields[f"item_{item}"] = forms.TypedChoiceField(
                label=f"CADSS-6 item {item}", coerce=int, choices=[(n, str(n)) for n in range(5)]
            )

    def answers(self) -> dict[str, int]:
        return {str(item): self.cleaned_data[f"item_{item}"] for item in range(1, 7)}


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class AdministrationForm(forms.Form):
    # The stock choices (lot and place, with what is left) are the session screen's to set.
    stock_id = forms.UUIDField(
        label="Drawn from (lot and place)", required=False, widget=forms.Select(choices=[])
    )
    drawn_quantity = forms.DecimalField(
        label="Quantity drawn",
        max_digits=10,
        decimal_places=3,
        min_value=Decimal("0.001"),
        required=False,
        help_text="In the lot's unit (mL, devices, tablets); leave empty when exactly the "
        "dose is drawn. What is drawn beyond the dose is wasted with a witness.",
    )
    lot_number = forms.CharField(max_length=40, required=False)
    lot_expiry = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    dose_mg = forms.DecimalField(label="Dose (mg)", max_digits=6, decimal_places=1, min_value=0)
    started_at = When(label="Started at")
    concentration_mg_per_ml = forms.DecimalField(
        label="IV concentration (mg/mL)", max_digits=6, decimal_places=2, required=False
    )
    infusion_minutes = forms.IntegerField(label="Infusion minutes", required=False, min_value=1)
    difference_reason = forms.CharField(
        label="Reason the dose differs from the order", max_length=300, required=False
    )
    override_reason = forms.CharField(
        label="Prescriber override reason", required=False, widget=forms.Textarea({"rows": 2})
    )
    weight_acknowledged = forms.BooleanField(
        label="I acknowledge the weight is older than the protocol allows",
        required=False,
        help_text="Only asked when the screen warns about the weight's age.",
    )


class WasteForm(WitnessedForm):
    waste_quantity = forms.DecimalField(
        label="Quantity wasted", max_digits=10, decimal_places=3, min_value=Decimal("0.001")
    )
    wasted_at = When(label="Wasted at")
    field_order = ["waste_quantity", "wasted_at", "witness_email", "witness_password"]


class DeviceForm(forms.Form):
    administered_at = When(label="Device used at")


class PauseForm(forms.Form):
    paused_at = When(label="Paused at")
    reason = forms.CharField(max_length=300)


class ResumeForm(forms.Form):
    resumed_at = When(label="Resumed at")


class StopForm(forms.Form):
    stopped_at = When(label="Stopped at")
    reason = forms.CharField(label="Reason (if early)", max_length=300, required=False)


class SideEffectForm(forms.Form):
    observed_at = When(label="Observed at")
    kind = forms.ChoiceField(choices=SideEffectKind.choices)
    other = forms.CharField(label="Other (name it)", max_length=200, required=False)
    severity = forms.ChoiceField(choices=Severity.choices)


class InterventionForm(forms.Form):
    given_at = When(label="Given at")
    kind = forms.ChoiceField(choices=InterventionKind.choices)
    detail = forms.CharField(max_length=300, required=False)


class AdverseEventForm(forms.Form):
    onset_at = When(label="Onset")
    severity = forms.ChoiceField(choices=Severity.choices)
    serious = forms.BooleanField(required=False)
    description = forms.CharField(max_length=500)
    action_taken = forms.CharField(max_length=500, required=False)


class DischargeForm(forms.Form):
    discharged_at = When(label="Discharged at")
    vitals_acceptable = forms.BooleanField(label="Vital signs acceptable", required=False)
    clinician_confirms = forms.BooleanField(
        label="I confirm the patient is clinically stable to leave", required=False
    )
    no_driving_instruction_given = forms.BooleanField(
        label="No-driving instruction given (not until the next day after a restful sleep)",
        required=False,
    )


class CorrectionForm(forms.Form):
    entry_id = forms.UUIDField(widget=forms.HiddenInput)
    reason = forms.CharField(label="Why is it wrong?", max_length=300)


class CheckInForm(forms.Form):
    chair = forms.CharField(max_length=40, required=False)
