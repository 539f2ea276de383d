"""The patient portal: the welcome link that sets a password, the home page (what is due, the
scores in plain words, the next sessions, how to reach the clinic), and answering a
questionnaire. Every page is the signed-in patient's own and is audited with them as actor."""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ketacare import clinical
from ketacare.clinics.access import portal_view
from ketacare.clinics.actors import Answerer, PatientActor
from ketacare.clinics.http import ActorRequest
from ketacare.clinics.permissions import Perm
from ketacare.core.http import public_view
from ketacare.measurement import assignments, invites, queries
from ketacare.measurement.forms import QuestionnaireForm
from ketacare.measurement.models import AssignmentStatus, QuestionnaireAssignment
from ketacare.measurement.services import (
    portal_page_read,
    portal_reminders_set,
    questionnaire_page_read,
)
from ketacare.patients.models import Patient


def _patient(request: ActorRequest) -> tuple[PatientActor, Patient]:
    actor = request.actor
    assert isinstance(actor, PatientActor)  # portal_view let only a patient through
    return actor, Patient.objects.select_related("clinic").get(pk=actor.patient_id)


@public_view
@never_cache
def welcome(request: ActorRequest, token: str) -> HttpResponse:
    user = invites.invited_user(token)
    form = SetPasswordForm(user, request.POST or None) if user else None
    if form is not None and request.method == "POST" and form.is_valid():
        password = form.cleaned_data["new_password1"]
        try:
            actor = invites.portal_password_set(token=token, password=password)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            login(request, actor.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "Your password is set. Welcome to your portal.")
            return redirect("measurement:home")
    return render(request, "measurement/welcome.html", {"form": form})


@portal_view(Perm.PORTAL_USE)
@never_cache
def home(request: ActorRequest) -> HttpResponse:
    actor, patient = _patient(request)
    portal_page_read(actor=actor, page="home")
    context = {
        "patient": patient,
        "clinic": patient.clinic,
        "due": queries.due_now(patient.pk),
        "changes": queries.score_changes(patient),
        "upcoming": queries.upcoming_sessions(patient),
        "reminders_on": patient.account.reminders,
        "answered": list(
            queries.assignments_of(patient)
            .filter(status=AssignmentStatus.COMPLETED)
            .order_by("-completed_at")[:5]
        ),
    }
    return render(request, "measurement/home.html", context)


@portal_view(Perm.PORTAL_USE)
@require_POST
def reminders(request: ActorRequest) -> HttpResponse:
    actor, _patient_row = _patient(request)
    on = request.POST.get("reminders") == "on"
    portal_reminders_set(actor=actor, on=on)
    messages.success(
        request,
        "We will email you when a questionnaire is waiting."
        if on
        else "We will not email you reminders. Your care team still hears of urgent answers.",
    )
    return redirect("measurement:home")


@dataclass(frozen=True)
class Place:
    """Where a questionnaire is answered: the portal at home, or the clinic's kiosk. The pages
    are the same; what they extend and where they lead differ."""

    base: str
    due: str
    back_label: str
    sent: str


AT_HOME = Place(
    "measurement/portal_base.html", "measurement:home", "Back to my portal", "measurement:sent"
)


@portal_view(Perm.QUESTIONNAIRE_ANSWER)
@never_cache
def questionnaire(request: ActorRequest, assignment_id: uuid.UUID) -> HttpResponse:
    actor, patient = _patient(request)
    return answer_page(request, actor, patient, assignment_id, AT_HOME)


def answer_page(
    request: HttpRequest,
    actor: Answerer,
    patient: Patient,
    assignment_id: uuid.UUID,
    place: Place,
    extra: Mapping[str, object] | None = None,
) -> HttpResponse:
    """A questionnaire to answer (or, sent or closed, what was answered)."""
    row = queries.assignment_of(actor, assignment_id)
    if row is None:
        raise Http404("No such questionnaire.")
    questionnaire_page_read(actor=actor, row=row)
    scale = clinical.get_scale(row.instrument)
    answered = row.assessment.answers if row.assessment else row.draft
    initial = {f"item_{key}": str(value) for key, value in answered.items()}
    form = QuestionnaireForm(scale, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = _send(request, actor, row, form, place)
        if done is not None:
            return done
    context = {"row": row, "scale": scale, "form": form, "clinic": patient.clinic}
    context |= {"closed": _closed_reason(row), "place": place, **(extra or {})}
    return render(request, "measurement/questionnaire.html", context)


def _send(
    request: HttpRequest,
    actor: Answerer,
    row: QuestionnaireAssignment,
    form: QuestionnaireForm,
    place: Place,
) -> HttpResponse | None:
    """Save the draft or send the answers; None re-renders the form with what was typed."""
    try:
        if "send" not in request.POST:
            assignments.questionnaire_save_draft(
                actor=actor, assignment=row, answers=form.answers()
            )
            messages.success(request, "Saved. You can finish it later.")
            return redirect(place.due)
        sent = assignments.questionnaire_submit(actor=actor, assignment=row, answers=form.answers())
    except assignments.AssignmentClosed as error:
        form.add_error(None, error.messages)
        return None
    except ValidationError as error:
        form.add_service_errors(error.message_dict)
        # Nothing typed is lost: what was answered is kept as the draft too.
        assignments.questionnaire_save_draft(actor=actor, assignment=row, answers=form.answers())
        return None
    return redirect(place.sent, assignment_id=sent.assignment.public_id)


def _closed_reason(row: QuestionnaireAssignment) -> str:
    try:
        assignments.require_open(row)
    except assignments.AssignmentClosed as error:
        return error.messages[0]
    return ""


@portal_view(Perm.QUESTIONNAIRE_ANSWER)
@never_cache
def sent(request: ActorRequest, assignment_id: uuid.UUID) -> HttpResponse:
    actor, patient = _patient(request)
    context = sent_context(actor, patient, assignment_id) | {"place": AT_HOME}
    return render(request, "measurement/sent.html", context)


def sent_context(actor: Answerer, patient: Patient, assignment_id: uuid.UUID) -> dict[str, Any]:
    """Thanks, and at once the crisis message when the answers raised an alert (§6.2)."""
    row = queries.assignment_of(actor, assignment_id)
    if row is None or row.assessment is None:
        raise Http404("No such questionnaire.")
    portal_page_read(actor=actor, page="questionnaire_sent", object_id=str(row.public_id))
    return {
        "row": row,
        "alert": getattr(row.assessment, "alert", None),
        "clinic": patient.clinic,
        "scale": clinical.get_scale(row.instrument),
    }
