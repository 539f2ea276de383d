"""Forms of the care-team and therapy pages; the services check everything again."""

from typing import Any

from django import forms
from django.utils import timezone

from ketacare.clinics.models import Membership
from ketacare.core.forms import LocalTimeField
from ketacare.dosing.models import DosingSession
from ketacare.therapy.appointments import MAX_MINUTES, MIN_MINUTES
from ketacare.therapy.models import RiskCheck, TeamRole, TherapyKind, TherapyMode
from ketacare.therapy.notes import NoteTemplate

REASON = forms.Textarea(attrs={"rows": 2})


class MemberChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        credentials = f", {obj.credentials}" if obj.credentials else ""
        return f"{obj.user.full_name}{credentials} ({obj.get_role_display().lower()})"


class CareTeamAddForm(forms.Form):
    membership = MemberChoice(
        label="Clinician", queryset=Membership.objects.none(), empty_label="Choose…"
    )
    primary = forms.BooleanField(
        label="Primary for this role", required=False, help_text="Replaces the current primary."
    )

    def __init__(self, *args: Any, candidates: list[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["membership"]
        field.queryset = Membership.objects.filter(pk__in=[m.pk for m in candidates])  # type: ignore[attr-defined]
        field.queryset = field.queryset.select_related("user").order_by("role", "user__full_name")  # type: ignore[attr-defined]

    def service_kwargs(self) -> dict[str, Any]:
        membership: Membership = self.cleaned_data["membership"]
        return {
            "member": membership.user,
            "team_role": TeamRole(membership.role),
            "primary": self.cleaned_data["primary"],
        }


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=300, widget=REASON, help_text="Kept on the record.")


class NoFieldsForm(forms.Form):
    """A confirmation: the button is the whole form."""


class DosingChoice(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        given = obj.dose_started_at
        when = timezone.localtime(given).strftime("%Y-%m-%d %H:%M") if given else ""
        return f"Dosing session of {when}"


class TherapyBookForm(forms.Form):
    therapist = MemberChoice(queryset=Membership.objects.none(), empty_label="Choose…")
    kind = forms.ChoiceField(label="Kind of session", choices=TherapyKind.choices)
    mode = forms.ChoiceField(label="Where", choices=TherapyMode.choices)
    starts_at = LocalTimeField(label="Starts")
    duration_minutes = forms.IntegerField(
        label="Length (minutes)", min_value=MIN_MINUTES, max_value=MAX_MINUTES, initial=60
    )
    room = forms.CharField(label="Room", max_length=60, required=False)
    follows = DosingChoice(
        label="Follows the dosing session(s)",
        queryset=DosingSession.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="For an integration session.",
    )

    def __init__(
        self,
        *args: Any,
        therapists: list[Membership],
        dosing: list[DosingSession],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["therapist"].queryset = Membership.objects.filter(  # type: ignore[attr-defined]
            pk__in=[m.pk for m in therapists]
        ).select_related("user")
        self.fields["follows"].queryset = DosingSession.objects.filter(  # type: ignore[attr-defined]
            pk__in=[d.pk for d in dosing]
        ).order_by("-dose_started_at")

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["therapist"] = data["therapist"].user
        data["follows"] = list(data["follows"])
        return data


class TherapyMoveForm(forms.Form):
    starts_at = LocalTimeField(label="New start")
    duration_minutes = forms.IntegerField(
        label="Length (minutes)",
        min_value=MIN_MINUTES,
        max_value=MAX_MINUTES,
        required=False,
        help_text="Leave empty to keep the length.",
    )


class NoteForm(forms.Form):
    """A note's parts, with the prompts of its session kind's template."""

    goals = forms.CharField(
        required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    themes = forms.CharField(
        required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    coping_skills = forms.CharField(
        label="Coping skills and homework", required=False, max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
    share_with_patient = forms.BooleanField(
        label="Show the coping skills and homework to the patient in their portal", required=False
    )
    risk_check = forms.ChoiceField(
        label="Risk check: suicidal thoughts since the last session",
        choices=[("", "Choose…"), *RiskCheck.choices],
        required=False,
        help_text="Suicidal thoughts raise a suicide-risk alert when the note is signed; "
        "complete a C-SSRS Screener with the patient.",
    )
    risk_note = forms.CharField(
        label="Risk check notes", required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip
    plan = forms.CharField(
        required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, template: NoteTemplate, private: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if private:  # the risk check belongs to the progress note the care team reads
            del (
                self.fields["risk_check"],
                self.fields["risk_note"],
                self.fields["share_with_patient"],
            )
        for name in ("goals", "themes", "coping_skills", "plan"):
            self.fields[name].widget.attrs["placeholder"] = getattr(template, name)


class AddendumForm(forms.Form):
    text = forms.CharField(
        label="Addendum", max_length=4000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Signed as you add it; the note itself does not change.",
    )  # fmt: skip
