"""The clinic admin's profile form; `profile.py` checks everything again."""

from typing import Any

from django import forms

from ketacare.clinics.models import Membership
from ketacare.directory.models import (
    DESCRIPTION_MAX,
    WEEKDAYS,
    CredentialKind,
    Language,
    ReplyTemplate,
    WithholdReason,
)
from ketacare.treatment.models import ProtocolVersion


class MemberChoices(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        credentials = f", {obj.credentials}" if obj.credentials else ""
        return f"{obj.user.full_name}{credentials} ({obj.get_role_display().lower()})"


def _day_fields(day: int, name: str) -> dict[str, forms.TimeField]:
    widget = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    return {
        f"opens_{day}": forms.TimeField(label=f"{name} opens", required=False, widget=widget),
        f"closes_{day}": forms.TimeField(label=f"{name} closes", required=False, widget=widget),
    }


class ProfileForm(forms.Form):
    description = forms.CharField(
        label="About the clinic",
        max_length=DESCRIPTION_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What a person choosing a clinic should know. Never name a patient.",
    )
    website = forms.URLField(label="Website", required=False, assume_scheme="https")
    accepting_new_patients = forms.BooleanField(label="Accepting new patients", required=False)
    telehealth = forms.BooleanField(
        label="Offers telehealth (preparation, integration, follow-up)", required=False
    )
    rems_certified = forms.BooleanField(
        label="Certified SPRAVATO REMS healthcare setting", required=False
    )
    languages = forms.MultipleChoiceField(
        label="Languages care is given in",
        choices=Language.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    protocol_codes = forms.MultipleChoiceField(
        label="Protocols offered",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The public sees the latest version of each, in plain words.",
    )
    publish_outcomes = forms.BooleanField(
        label="Publish the clinic's outcomes",
        required=False,
        help_text="Response and remission for every treatment offered, worked out each night "
        "from the clinic's records. The first time, the public sees them after 30 days; until "
        "then the preview shows them to you.",
    )
    team = MemberChoices(
        label="Team shown on the profile",
        queryset=Membership.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self, *args: Any, versions: list[ProtocolVersion], members: list[Membership], **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["protocol_codes"].choices = [(v.code, v.name) for v in versions]  # type: ignore[attr-defined]
        team = Membership.objects.filter(pk__in=[m.pk for m in members]).select_related("user")
        self.fields["team"].queryset = team.order_by("role", "user__full_name")  # type: ignore[attr-defined]
        for day, name in enumerate(WEEKDAYS):
            self.fields.update(_day_fields(day, name))

    def day_fields(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        return [(name, self[f"opens_{d}"], self[f"closes_{d}"]) for d, name in enumerate(WEEKDAYS)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        hours: dict[str, list[str]] = {}
        for day, name in enumerate(WEEKDAYS):
            opens, closes = data.get(f"opens_{day}"), data.get(f"closes_{day}")
            if (opens is None) != (closes is None):
                missing = f"closes_{day}" if closes is None else f"opens_{day}"
                self.add_error(missing, f"{name}: give both times, or neither when closed.")
            elif opens is not None and closes is not None:
                if closes <= opens:
                    self.add_error(f"closes_{day}", f"{name}: close after opening.")
                hours[str(day)] = [opens.strftime("%H:%M"), closes.strftime("%H:%M")]
        data["hours"] = hours
        return data

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        names = ("description", "website", "accepting_new_patients", "telehealth",
                 "rems_certified", "languages", "protocol_codes", "hours",
                 "publish_outcomes")  # fmt: skip
        return {name: data[name] for name in names} | {"team": list(data["team"])}


def initial_of(profile: Any, team: list[Membership]) -> dict[str, Any]:
    """The form's starting values from the saved draft."""
    initial: dict[str, Any] = {
        name: getattr(profile, name)
        for name in ("description", "website", "accepting_new_patients", "telehealth",
                     "rems_certified", "languages", "protocol_codes", "publish_outcomes")
    }  # fmt: skip
    initial["team"] = [m.pk for m in team]
    for day, (opens, closes) in profile.hours.items():
        initial[f"opens_{day}"], initial[f"closes_{day}"] = opens, closes
    return initial


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Why is the profile withdrawn?", max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}), help_text="Kept in the audit trail.",
    )  # fmt: skip


CLINIC_ITSELF = "clinic"


class CredentialForm(forms.Form):
    holder = forms.ChoiceField(label="Whose credential")
    kind = forms.ChoiceField(label="Credential", choices=CredentialKind.choices)
    issuer = forms.CharField(
        label="Issued by",
        max_length=120,
        help_text="e.g. the state board, the American Heart Association",
    )
    state = forms.CharField(
        label="State", max_length=40, required=False, help_text="For a licence or DEA registration."
    )
    number = forms.CharField(label="Number", max_length=40, required=False)
    licence_type = forms.CharField(
        label="Licence type", max_length=40, required=False, help_text="e.g. MD, RN, NP, LCSW"
    )
    issued_on = forms.DateField(label="Issued on", widget=forms.DateInput(attrs={"type": "date"}))
    expires_on = forms.DateField(
        label="Expires on",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave empty for training that does not expire.",
    )
    document = forms.FileField(label="Document on file", required=False,
                               help_text="The certificate or licence: PDF, PNG or JPEG, at most "
                               "10 MB. Kept for staff; never shown to the public.")  # fmt: skip

    def __init__(self, *args: Any, members: list[Membership], **kw: Any) -> None:
        super().__init__(*args, **kw)
        people = [(str(m.public_id), f"{m.user.full_name} ({m.get_role_display().lower()})")
                  for m in sorted(members, key=lambda m: m.user.full_name)]  # fmt: skip
        self.fields["holder"].choices = [(CLINIC_ITSELF, "The clinic itself"), *people]  # type: ignore[attr-defined]
        self.members = {str(m.public_id): m for m in members}

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        holder = data.pop("holder")
        return data | {"membership": self.members.get(holder)}


class VerifyForm(forms.Form):
    against = forms.CharField(
        label="Checked against", max_length=200,
        help_text="The source you checked it with, e.g. the state board's licence lookup.",
    )  # fmt: skip


class RetireForm(forms.Form):
    reason = forms.CharField(label="Why is it no longer held?", max_length=300)


STARS = [(n, f"{n} of 5") for n in range(5, 0, -1)]


def _stars(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=label, choices=STARS, coerce=int, widget=forms.RadioSelect)


class ReviewForm(forms.Form):
    overall = _stars("Overall")
    safety = _stars("Safety and monitoring")
    communication = _stars("Explanations and communication")
    comfort = _stars("Comfort of the setting")
    text = forms.CharField(
        label="Your review", max_length=2000, widget=forms.Textarea(attrs={"rows": 6}),
        help_text="At most 2,000 characters. Please do not name other patients or staff's "
        "private details; see the moderation policy.",
    )  # fmt: skip
    display_name = forms.CharField(
        label="Name shown with your review", max_length=40, required=False,
        help_text="Leave empty to be shown as \"Verified patient\". Your real name is never "
        "shown unless you type it here.",
    )  # fmt: skip


class ReportForm(forms.Form):
    reason = forms.CharField(label="What is wrong with this review?", max_length=300)


class WithholdForm(forms.Form):
    reason = forms.ChoiceField(label="Ground under the policy", choices=WithholdReason.choices)


class ReplyForm(forms.Form):
    template = forms.ChoiceField(
        label="Reply", choices=ReplyTemplate.choices, widget=forms.RadioSelect,
        help_text="Replies never say or imply that the reviewer was a patient.",
    )  # fmt: skip
    confirm = forms.BooleanField(
        label="I confirm this reply is shown under the review, once, as written."
    )
