"""Rating-scale pages: a patient's administrations, recording one, correcting one."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from ketacare.assessments import services
from ketacare.assessments.forms import (
    FORM_INSTRUMENTS,
    AssessmentForm,
    MarkErrorForm,
    scale_for_form,
)
from ketacare.assessments.models import AssessmentContext
from ketacare.assessments.queries import assessments_of
from ketacare.clinical import get_scale
from ketacare.clinics.access import staff_view
from ketacare.clinics.http import StaffRequest
from ketacare.clinics.permissions import Perm, role_can
from ketacare.patients.queries import patient_for, patient_read_for


def _next_or_list(request: StaffRequest, patient_id: uuid.UUID) -> str:
    # Pages elsewhere (the intake) send staff here and ask to come back; only to this site.
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("assessments:list", kwargs={"patient_id": patient_id})


@staff_view(Perm.CHART_VIEW_CLINICAL)
def assessment_list(request: StaffRequest, patient_id: uuid.UUID) -> HttpResponse:
    access = patient_read_for(request.actor, patient_id, Perm.CHART_VIEW_CLINICAL, via="web")
    context = {
        "patient": access.patient,
        "assessments": list(assessments_of(access.patient)),
        "can_record": role_can(access.role, Perm.ASSESSMENT_RECORD),
        "instruments": [(code, get_scale(code).name) for code in FORM_INSTRUMENTS],
    }
    return render(request, "assessments/list.html", context)


def _initial(request: StaffRequest) -> dict[str, object]:
    """Answered now unless typed otherwise; a page sending staff here (the dosing session)
    may say in which context the scale is given."""
    initial: dict[str, object] = {"administered_at": timezone.localtime().replace(second=0)}
    if request.GET.get("context") in AssessmentContext.values:
        initial["context"] = request.GET["context"]
    return initial


@staff_view(Perm.ASSESSMENT_RECORD)
def assessment_add(request: StaffRequest, patient_id: uuid.UUID, instrument: str) -> HttpResponse:
    patient = patient_for(request.actor, patient_id, Perm.ASSESSMENT_RECORD).patient
    scale = scale_for_form(instrument)
    if scale is None:
        raise Http404("No such rating scale.")
    form = AssessmentForm(scale, request.POST or None, initial=_initial(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_record(
                actor=request.actor, patient=patient, **form.service_kwargs()
            )
        except ValidationError as error:
            for key, problems in error.message_dict.items():
                form.add_error(form.field_for(key), problems)
        else:
            messages.success(request, f"{scale.name} saved.")
            return redirect(_next_or_list(request, patient.public_id))
    context = {
        "patient": patient,
        "form": form,
        "scale": scale,
        "next": request.POST.get("next") or request.GET.get("next", ""),
    }
    return render(request, "assessments/form.html", context)


@staff_view(Perm.ASSESSMENT_RECORD)
def assessment_mark_error(
    request: StaffRequest, patient_id: uuid.UUID, assessment_id: uuid.UUID
) -> HttpResponse:
    patient = patient_for(request.actor, patient_id, Perm.ASSESSMENT_RECORD).patient
    assessment = assessments_of(patient).filter(public_id=assessment_id).first()
    if assessment is None:
        raise Http404("No such assessment on this chart.")
    form = MarkErrorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_mark_error(
                actor=request.actor, assessment=assessment, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error("reason" if "reason" in error.message_dict else None, error.messages)
        else:
            messages.success(request, "Marked as entered in error.")
            return redirect("assessments:list", patient_id=patient.public_id)
    context = {"patient": patient, "form": form, "assessment": assessment}
    return render(request, "assessments/mark_error.html", context)
