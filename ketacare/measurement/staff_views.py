"""Staff pages of measurement-based care: the clinic's suicide-risk alerts (acknowledge, work,
resolve), a patient's portal page (invite, revoke, send a questionnaire) and the clinic's
outcome dashboard with its CSV."""

import datetime as dt
import uuid
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from ketacare import clinical
from ketacare.assessments import alerts as alert_services
from ketacare.assessments.models import RiskAlert
from ketacare.clinics.access import staff_view
from ketacare.clinics.http import StaffRequest
from ketacare.clinics.models import Clinic
from ketacare.clinics.permissions import Perm, role_can
from ketacare.clinics.services import access_denied
from ketacare.core.csv_export import csv_lines
from ketacare.measurement import assignments, invites, kiosk, outcomes, queries
from ketacare.measurement.forms import AcknowledgeForm, AssignForm, InviteForm, ResolveForm
from ketacare.measurement.services import alerts_read, outcomes_exported
from ketacare.patients.models import PatientAccount
from ketacare.patients.queries import patient_for, patient_read_for
from ketacare.patients.services import patient_chart_read


@staff_view(Perm.ALERT_VIEW)
def alert_list(request: StaffRequest) -> HttpResponse:
    clinic = request.actor.active.clinic  # type: ignore[union-attr]
    unresolved = queries.open_alerts(clinic)
    resolved = queries.recently_resolved(clinic)
    alerts_read(actor=request.actor, clinic=clinic, alerts=[*unresolved, *resolved])
    return render(
        request, "measurement/alerts.html", {"unresolved": unresolved, "resolved": resolved}
    )


@staff_view(Perm.ALERT_VIEW)
def alert_detail(request: StaffRequest, alert_id: uuid.UUID) -> HttpResponse:
    alert = queries.alert_for(request.actor, alert_id)
    if alert is None:
        raise access_denied(actor=request.actor, model=RiskAlert, public_id=alert_id)
    patient_chart_read(actor=request.actor, patient=alert.patient, via="alert")
    acknowledge = AcknowledgeForm(request.POST if "acknowledge" in request.POST else None)
    resolve = ResolveForm(request.POST if "resolve" in request.POST else None)
    if request.method == "POST":
        done = _work(request, alert, acknowledge, resolve)
        if done is not None:
            return done
    role = request.actor.scope_in(alert.clinic)
    context = {
        "alert": alert,
        "acknowledge_form": acknowledge,
        "resolve_form": resolve,
        "can_acknowledge": role_can(role, Perm.ALERT_ACKNOWLEDGE),
        "can_resolve": role_can(
            role, Perm.ALERT_RESOLVE_URGENT if alert.level == "urgent" else Perm.ALERT_RESOLVE
        ),
    }
    return render(request, "measurement/alert.html", context)


def _work(
    request: StaffRequest, alert: RiskAlert, acknowledge: AcknowledgeForm, resolve: ResolveForm
) -> HttpResponse | None:
    try:
        if acknowledge.is_bound and acknowledge.is_valid():
            alert_services.alert_acknowledge(
                actor=request.actor, alert=alert, note=acknowledge.cleaned_data["note"]
            )
            messages.success(request, "Alert acknowledged. Record what you do, then resolve it.")
        elif resolve.is_bound and resolve.is_valid():
            alert_services.alert_resolve(
                actor=request.actor,
                alert=alert,
                actions=resolve.cleaned_data["actions"],
                note=resolve.cleaned_data["note"],
            )
            messages.success(request, "Alert resolved.")
        else:
            return None
    except ValidationError as error:
        _form_errors(resolve if resolve.is_bound else acknowledge, error)
        return None
    return redirect("measurement:alert", alert_id=alert.public_id)


def _form_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's refusal on the form: beside the field it names, else at the top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for key, problems in error.message_dict.items():
        form.add_error(key if key in form.fields else None, problems)


@staff_view(Perm.PATIENT_VIEW)
@never_cache  # a kiosk code is shown on it, once
def patient_portal(request: StaffRequest, patient_id: uuid.UUID) -> HttpResponse:
    """The patient's portal access, the questionnaires sent to them and the kiosk code that
    opens the ones due on the clinic's tablet."""
    access = patient_read_for(request.actor, patient_id, Perm.PATIENT_VIEW, via="web")
    patient = access.patient
    account = PatientAccount.objects.filter(patient=patient).select_related("user").first()
    invite = InviteForm(
        request.POST if "invite" in request.POST else None,
        initial={"email": account.user.email if account else patient.email},
    )
    assign = AssignForm(request.POST if "assign" in request.POST else None)
    opened = _kiosk_opened(request, patient_id) if "kiosk" in request.POST else None
    if request.method == "POST" and opened is None:
        done = _manage(request, patient_id, invite, assign)
        if done is not None:
            return done
    context = {
        "kiosk": opened,
        "can_open_kiosk": role_can(access.role, Perm.KIOSK_OPEN),
        "patient": patient,
        "account": account,
        "invite_form": invite,
        "assign_form": assign,
        "assignments": list(queries.assignments_of(patient).order_by("-opens_at")[:30]),
        "can_manage": role_can(access.role, Perm.PORTAL_MANAGE),
        "can_read_scores": role_can(access.role, Perm.CHART_VIEW_CLINICAL),
        "can_assign": role_can(access.role, Perm.QUESTIONNAIRE_ASSIGN),
    }
    return render(request, "measurement/patient_portal.html", context)


@dataclass(frozen=True)
class KioskOpened:
    """What the page shows after "Open a kiosk code": the code, once, or why there is none."""

    code: str = ""
    expires_at: dt.datetime | None = None
    error: str = ""

    @property
    def spaced(self) -> str:
        return f"{self.code[:4]} {self.code[4:]}"


def _kiosk_opened(request: StaffRequest, patient_id: uuid.UUID) -> KioskOpened:
    patient = patient_for(request.actor, patient_id, Perm.KIOSK_OPEN).patient
    try:
        row, code = kiosk.kiosk_code_open(actor=request.actor, patient=patient)
    except ValidationError as error:
        return KioskOpened(error=" ".join(error.messages))
    return KioskOpened(code=code, expires_at=row.expires_at)


def _manage(
    request: StaffRequest, patient_id: uuid.UUID, invite: InviteForm, assign: AssignForm
) -> HttpResponse | None:
    if "revoke" in request.POST:
        patient = patient_for(request.actor, patient_id, Perm.PORTAL_MANAGE).patient
        try:
            invites.portal_access_revoke(actor=request.actor, patient=patient)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Portal access revoked.")
        return redirect("measurement:patient_portal", patient_id=patient_id)
    try:
        if invite.is_bound and invite.is_valid():
            patient = patient_for(request.actor, patient_id, Perm.PORTAL_MANAGE).patient
            invites.portal_invite(
                actor=request.actor, patient=patient, email=invite.cleaned_data["email"]
            )
            messages.success(request, "Invitation sent. The link works once, for a limited time.")
        elif assign.is_bound and assign.is_valid():
            patient = patient_for(request.actor, patient_id, Perm.QUESTIONNAIRE_ASSIGN).patient
            assignments.questionnaire_assign(
                actor=request.actor, patient=patient, **assign.cleaned_data
            )
            messages.success(request, "Questionnaire sent to the patient's portal.")
        else:
            return None
    except ValidationError as error:
        _form_errors(assign if assign.is_bound else invite, error)
        return None
    return redirect("measurement:patient_portal", patient_id=patient_id)


@dataclass(frozen=True)
class Period:
    clinic: Clinic
    months: str
    since: dt.datetime
    until: dt.datetime
    figures: outcomes.Figures


def _courses_for(request: StaffRequest) -> Period:
    """The courses the dashboard and its CSV summarise: the clinic's, over the chosen months."""
    clinic = request.actor.active.clinic  # type: ignore[union-attr]
    months = request.GET.get("months", "12")
    since, until = outcomes.period(months)
    return Period(clinic, months, since, until, outcomes.figures(clinic, since, until))


@staff_view(Perm.OUTCOMES_VIEW)
def outcome_dashboard(request: StaffRequest) -> HttpResponse:
    """The clinic's outcomes over the chosen months: aggregates only, small numbers withheld."""
    try:
        period = _courses_for(request)
    except outcomes.PeriodRefused as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain")
    clinic, months, since, figures = period.clinic, period.months, period.since, period.figures
    acknowledge, resolve = outcomes.alert_times(clinic, since)
    context = {
        "months": months,
        "since": since,
        "until": period.until,
        "periods": list(outcomes.PERIODS),
        "overall": figures.overall,
        "dropped": figures.dropped_after_first,
        "breakdowns": figures.breakdowns,
        "days_to_response": figures.days_to_response,
        "acknowledge": acknowledge,
        "resolve": resolve,
        "completion": outcomes.completion(clinic, since),
        "min_denominator": clinical.MIN_DENOMINATOR,
    }
    return render(request, "measurement/outcomes.html", context)


CSV_HEADER = (
    "Breakdown",
    "Group",
    "Courses started",
    "Completed induction",
    "With both scores",
    "Response (completers)",
    "Response 95% CI",
    "Remission (completers)",
    "Remission 95% CI",
    "Response (intention to treat)",
    "Remission (intention to treat)",
)


@staff_view(Perm.OUTCOMES_VIEW)
def outcome_csv(request: StaffRequest) -> HttpResponse:
    try:
        period = _courses_for(request)
    except outcomes.PeriodRefused as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain")
    clinic, months, figures = period.clinic, period.months, period.figures
    rows = [("All courses", "All", figures.overall)]
    for name, breakdown in figures.breakdowns:
        rows += [(name, b.label, b.summary) for b in breakdown]
    outcomes_exported(actor=request.actor, clinic=clinic, months=months)
    body = "".join(csv_lines(CSV_HEADER, (_csv_row(*row) for row in rows)))
    response = HttpResponse(body, content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="outcomes-{clinic.slug}-{months}m.csv"'
    return response


def _csv_row(name: str, label: str, s: clinical.OutcomeSummary) -> list[object]:
    return [
        name,
        label,
        s.n_started,
        s.n_completed,
        s.n_with_scores,
        outcomes.rate_text(s.response_completers),
        outcomes.interval_text(s.response_completers),
        outcomes.rate_text(s.remission_completers),
        outcomes.interval_text(s.remission_completers),
        outcomes.rate_text(s.response_itt),
        outcomes.rate_text(s.remission_itt),
    ]
