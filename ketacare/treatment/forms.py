"""Treatment forms. They check shape; the services (and the clinical core) check meaning, so
no range is repeated here: the core names the field and its allowed values."""

from typing import Any

from django import forms
from django.db.models import QuerySet

from ketacare import clinical
from ketacare.clinical.protocols import WEEKDAY_NAMES
from ketacare.clinical.safety_watch import TITLES as WATCH_TITLES
from ketacare.treatment.models import Indication, ProtocolVersion, WeightBasis
from ketacare.treatment.protocol_settings import (
    THRESHOLD_GROUPS,
    current_settings,
    setting_names,
)

DATE = forms.DateInput(attrs={"type": "date"})
TIME = forms.TimeInput(attrs={"type": "time"})
REASON = forms.Textarea(attrs={"rows": 2})
_OPTIONAL_BASIS = [("", "As the protocol says"), *WeightBasis.choices]


def _number(label: str, integer: bool = False, required: bool = False) -> forms.Field:
    field = forms.IntegerField if integer else forms.FloatField
    return field(label=label, required=required)


MEASURE_WHEN = {
    "intake": "at the start of the course (baseline)",
    "before_session": "on the day of each session, before the dose",
    "after_first_dose": "the day after the first dose (rapid response)",
    "weekly_induction": "every week of induction",
    "end_of_induction": "after the last induction session",
    "maintenance": "during maintenance",
}


def _measure_field(name: str) -> forms.Field:
    if name == "measure_maintenance_every_weeks":
        return forms.IntegerField(
            label="Maintenance questionnaires every … weeks",
            min_value=1,
            max_value=12,
            required=False,
            help_text="Empty keeps the base version's spacing.",
        )
    instrument, event = name.removeprefix("measure_").split("_", 1)
    short = clinical.get_scale(instrument).name.split(" (")[-1].rstrip(")")  # "PHQ-9"
    return forms.BooleanField(label=f"{short} {MEASURE_WHEN[event]}", required=False)


TREND_LABELS = {
    "trend_rapid_response_pct": "Rapid response: a fall of at least … %",
    "trend_early_improvement_pct": "Early improvement: a fall of at least … %",
    "trend_rise_points": "Flag a rise of … points above the lowest score",
}


THERAPY_LABELS = {
    "therapy_preparation_sessions": "Preparation sessions before the first dose",
    "therapy_integration_min_hours": "Integration session from … hours after each dose",
    "therapy_integration_max_hours": "… until … hours after the dose",
}
PREPARATION_RULES = [
    ("warning", "Fewer is a warning a prescriber may override"),
    ("hard_stop", "Fewer is a hard stop"),
]


def _therapy_field(name: str) -> forms.Field:
    if name == "therapy_preparation_rule":
        choices = [("", "As the base version says"), *PREPARATION_RULES]
        return forms.ChoiceField(label="When fewer were held", choices=choices, required=False)
    field = _number(THERAPY_LABELS[name], integer=True)
    field.help_text = (
        "Empty keeps the base version's number (0: none asked)."
        if name == "therapy_preparation_sessions"
        else "Empty: no window (the reference sets none)."
    )
    return field


WATCH_CUT_OFFS = {
    "blood_pressure": "Positive at a rise of … mmHg (systolic, before the dose)",
    "liver": "Positive above an ALT of … U/L",
}


def _watch_field(name: str) -> forms.Field:
    if name.endswith("_every_weeks"):
        kind = name.removeprefix("watch_").removesuffix("_every_weeks")
        field = _number(f"{WATCH_TITLES[kind]}: every … weeks in maintenance", integer=True)
        field.help_text = (
            "The clinic's setting (the reference gives no schedule). Empty: not checked."
        )
        return field
    if name == "watch_blood_pressure_readings":
        field = _number(f"{WATCH_TITLES['blood_pressure']}: sessions averaged at each end", True)
        field.help_text = "The clinic's setting: the first and the latest sessions compared."
        return field
    if name.endswith("_questions"):
        kind = name.removeprefix("watch_").removesuffix("_questions")
        return forms.CharField(
            label=f"{WATCH_TITLES[kind]}: questions",
            widget=forms.Textarea(attrs={"rows": 3}),
            required=False,
            help_text="One yes-or-no question a line (empty keeps the base version's). The "
            "clinic's content: the reference names the harm, not an instrument.",
        )
    kind = name.removeprefix("watch_").removesuffix("_positive_at")
    label = WATCH_CUT_OFFS.get(kind, "Positive at … yes answers")
    field = _number(f"{WATCH_TITLES[kind]}: {label[0].lower()}{label[1:]}", integer=True)
    field.help_text = "The clinic's cut-off (the reference gives none)."
    return field


def _setting_field(name: str) -> forms.Field:
    if name.startswith("measure_"):
        return _measure_field(name)
    if name.startswith("watch_"):
        return _watch_field(name)
    if name.startswith("therapy_"):
        return _therapy_field(name)
    if name in TREND_LABELS:
        field = _number(TREND_LABELS[name], integer=True)
        field.help_text = (
            "Empty: not flagged (the reference gives no relapse definition)."
            if name == "trend_rise_points"
            else "Empty keeps the base version's threshold."
        )
        return field
    if name == "name":
        return forms.CharField(max_length=200)
    if name == "weight_basis":
        return forms.ChoiceField(choices=WeightBasis.choices)
    if name == "fixed_doses_mg":
        return forms.CharField(label="Doses (mg)", help_text="Separate several with commas.")
    if name.startswith("phase_"):
        required = name.endswith("sessions_per_week")
        return _number(name.removeprefix("phase_").replace("_", " "), True, required)
    if name == "weight_max_age_days":
        field = _number("Weight at most … days old", integer=True)
        field.help_text = "Empty keeps the base version's limit."
        return field
    integer = name in ("min_observation_min", "vitals_interval_min") or name.endswith("moaas_min")
    return _number(name.replace("_", " "), integer)


class ProtocolSettingsForm(forms.Form):
    """The settings of one protocol a clinic may change, filled with the base version's."""

    change_note = forms.CharField(
        max_length=300, required=False, help_text="What this version changes, and why."
    )

    def __init__(self, *args: Any, protocol: clinical.Protocol, **kwargs: Any) -> None:
        self.current = current_settings(protocol)
        initial = {**self.current, "fixed_doses_mg": _doses_text(self.current)}
        for name in self.current:
            if name.endswith("_questions"):
                initial[name] = "\n".join(self.current[name])
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        for name in setting_names(protocol):
            self.fields[name] = _setting_field(name)

    def clean(self) -> dict[str, Any]:
        """A watch questionnaire's lines become its questions; left empty, its questions and
        its cut-off stay the base version's (a questionnaire always asks something)."""
        data = super().clean() or {}
        for name in [n for n in data if n.endswith("_questions")]:
            lines = [line.strip() for line in str(data[name] or "").splitlines() if line.strip()]
            data[name] = lines or self.current[name]
            cut_off = name.replace("_questions", "_positive_at")
            if data.get(cut_off) is None and cut_off in data:
                data[cut_off] = self.current[cut_off]
        return data

    def clean_fixed_doses_mg(self) -> list[int]:
        text = self.cleaned_data["fixed_doses_mg"]
        try:
            return [int(part) for part in text.replace(" ", "").split(",") if part]
        except ValueError as error:
            raise forms.ValidationError("Give whole mg, separated by commas.") from error

    def clean_trend_rapid_response_pct(self) -> int:
        return self._or_current("trend_rapid_response_pct")

    def clean_trend_early_improvement_pct(self) -> int:
        return self._or_current("trend_early_improvement_pct")

    def clean_therapy_preparation_sessions(self) -> int:
        return self._or_current("therapy_preparation_sessions")

    def clean_therapy_preparation_rule(self) -> str:
        value = self.cleaned_data["therapy_preparation_rule"]
        return str(value or self.current["therapy_preparation_rule"])

    def _or_current(self, name: str) -> int:
        value = self.cleaned_data[name]
        return int(self.current[name] if value is None else value)

    def clean_measure_maintenance_every_weeks(self) -> int:
        value = self.cleaned_data["measure_maintenance_every_weeks"]
        return int(self.current["measure_maintenance_every_weeks"] if value is None else value)

    def clean_weight_max_age_days(self) -> int:
        value = self.cleaned_data["weight_max_age_days"]
        return int(self.current["weight_max_age_days"] if value is None else value)

    def changes(self) -> dict[str, Any]:
        """Only the settings that differ from the base version."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name in self.current and value != self.current[name]
        }

    def groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        """Fields grouped for the page: general, dose, monitoring, thresholds, schedule."""
        named = {field.name: field for field in self}
        groups: list[tuple[str, list[forms.BoundField]]] = [
            ("Version", [named["name"], named["change_note"]]),
            ("Dose", [named[n] for n in named if "dose" in n or n.startswith("weight_")]),
            ("Monitoring", [named[n] for n in ("min_observation_min", "vitals_interval_min")]),
        ]
        for group in THRESHOLD_GROUPS:
            title = group.replace("_", "-").capitalize() + " vital-sign limits"
            groups.append((title, [named[n] for n in named if n.startswith(group)]))
        groups.append(("Schedule", [named[n] for n in named if n.startswith("phase_")]))
        groups.append(("Questionnaires", [named[n] for n in named if n.startswith("measure_")]))
        groups.append(("Trend flags", [named[n] for n in named if n.startswith("trend_")]))
        therapy = [named[n] for n in named if n.startswith("therapy_")]
        groups.append(("Therapy alongside the drug", therapy))
        watch = [named[n] for n in named if n.startswith("watch_")]
        groups.append(("Long-term safety watch", watch))
        return [(title, fields) for title, fields in groups if fields]


def _doses_text(values: dict[str, Any]) -> str:
    return ", ".join(str(mg) for mg in values.get("fixed_doses_mg", []))


class DoseFields(forms.Form):
    dose_mg_per_kg = _number("Dose (mg/kg)")
    weight_basis = forms.ChoiceField(choices=_OPTIONAL_BASIS, required=False)
    max_dose_mg = _number("Maximum dose (mg)")
    fixed_dose_mg = _number("Fixed dose (mg)", integer=True)
    override_reason = forms.CharField(
        required=False,
        widget=REASON,
        help_text="Required to order a dose outside the protocol or the label's next dose.",
    )

    def dose_kwargs(self) -> dict[str, Any]:
        names = ("dose_mg_per_kg", "weight_basis", "max_dose_mg", "fixed_dose_mg")
        # Left empty: the protocol's value. Zero is kept, for the core to refuse by name.
        return {
            name: self.cleaned_data[name]
            for name in names
            if self.cleaned_data[name] not in (None, "")
        }


class CourseStartForm(DoseFields):
    protocol_version = forms.ModelChoiceField(
        queryset=ProtocolVersion.objects.none(), label="Protocol version"
    )
    indication = forms.ChoiceField(
        choices=[("", "—"), *Indication.choices], required=False, help_text="Esketamine only."
    )
    start_date = forms.DateField(widget=DATE)
    weekdays = forms.MultipleChoiceField(
        choices=[(str(n), name.capitalize()) for n, name in enumerate(WEEKDAY_NAMES)],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="As many as the busiest phase's sessions a week; empty for the defaults.",
    )
    start_phase = forms.CharField(required=False, help_text="A phase code to start later in.")
    maintenance_interval_weeks = _number("Maintenance interval (weeks)", integer=True)
    plan_weeks = _number("Plan this many weeks", integer=True)
    field_order = ["protocol_version", "indication", "start_date", "weekdays"]

    def __init__(self, *args: Any, versions: QuerySet[ProtocolVersion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["protocol_version"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = versions

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "protocol_version": data["protocol_version"],
            "start_date": data["start_date"],
            "weekdays": [int(day) for day in data["weekdays"]] or None,
            "start_phase": data["start_phase"],
            "maintenance_interval_weeks": data["maintenance_interval_weeks"],
            "plan_weeks": data["plan_weeks"],
            "indication": data["indication"],
            "override_reason": data["override_reason"],
            **self.dose_kwargs(),
        }


class DoseChangeForm(DoseFields):
    reason = forms.CharField(max_length=300, widget=REASON, help_text="Why the dose changes.")

    def service_kwargs(self) -> dict[str, Any]:
        return {
            "reason": self.cleaned_data["reason"],
            "override_reason": self.cleaned_data["override_reason"],
            **self.dose_kwargs(),
        }


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=300, widget=REASON, help_text="Kept on the record.")


class ResumeForm(forms.Form):
    resume_on = forms.DateField(widget=DATE, help_text="The held sessions are planned from here.")


class RemsForm(forms.Form):
    enrollment_id = forms.CharField(max_length=40, label="REMS patient enrollment ID")
    enrolled_on = forms.DateField(widget=DATE, label="Enrolled on")


class BookForm(forms.Form):
    scheduled_time = forms.TimeField(widget=TIME, label="Time")
    chair = forms.CharField(max_length=40, required=False, label="Chair or room")


class MoveForm(forms.Form):
    scheduled_on = forms.DateField(widget=DATE, label="New date")
    scheduled_time = forms.TimeField(widget=TIME, required=False, label="New time")
