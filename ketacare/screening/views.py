"""Screening pages: the intake, its trials and vitals, and the eligibility review and sign-off."""

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from ketacare.assessments.queries import latest_by_instrument
from ketacare.clinics.access import staff_view
from ketacare.clinics.http import StaffRequest
from ketacare.clinics.permissions import Perm, role_can
from ketacare.core.forms import apply_errors
from ketacare.patients.models import Patient
from ketacare.patients.queries import patient_for
from ketacare.patients.services import patient_chart_read
from ketacare.screening import services
from ketacare.screening.forms import IntakeForm, MarkErrorForm, SignForm, TrialForm, VitalsForm
from ketacare.screening.models import MEDICAL_FLAGS, Intake
from ketacare.screening.queries import (
    current_intake,
    decisions_of,
    intake_with_entries,
    open_intake,
)
from ketacare.screening.review import eligibility_review

BASELINE_SCALES = (("phq9", "PHQ-9"), ("gad7", "GAD-7"), ("cssrs_screener", "C-SSRS Screener"))


def _to_intake(patient: Patient) -> HttpResponse:
    return redirect("screening:intake", patient_id=patient.public_id)


@staff_view(Perm.INTAKE_VIEW)
def intake_page(request: StaffRequest, patient_id: uuid.UUID) -> HttpResponse:
    access = patient_for(request.actor, patient_id, Perm.INTAKE_VIEW)
    patient = access.patient
    patient_chart_read(actor=request.actor, patient=patient)
    intake = current_intake(patient)
    context: dict[str, Any] = {
        "patient": patient,
        "intake": intake_with_entries(intake) if intake else None,
        "flags": [
            (name, label) for name, label in MEDICAL_FLAGS if intake and getattr(intake, name)
        ],
        "medications": list(patient.medications.order_by("entered_in_error", "name")),
        "latest_measurement": patient.measurements.filter(entered_in_error=False).first(),
        "baseline": _baseline_rows(patient),
        "decision": decisions_of(patient).first(),
        "can_record": role_can(access.role, Perm.INTAKE_RECORD),
        "can_record_chart": role_can(access.role, Perm.CHART_RECORD),
        "can_assess": role_can(access.role, Perm.ASSESSMENT_RECORD),
        "here": request.path,
    }
    return render(request, "screening/intake.html", context)


def _baseline_rows(patient: Patient) -> list[tuple[str, str, Any]]:
    latest = latest_by_instrument(patient)
    return [(code, name, latest.get(code)) for code, name in BASELINE_SCALES]


@staff_view(Perm.INTAKE_RECORD)
def intake_edit(request: StaffRequest, patient_id: uuid.UUID) -> HttpResponse:
    patient = patient_for(request.actor, patient_id, Perm.INTAKE_RECORD).patient
    intake = open_intake(patient)
    form = IntakeForm(
        request.POST or None, instance=Intake.objects.get(pk=intake.pk) if intake else None
    )
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in services.INTAKE_FIELDS}
        try:
            if intake:
                services.intake_update(actor=request.actor, intake=intake, **data)
            else:
                services.intake_start(actor=request.actor, patient=patient, **data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Intake saved.")
            return _to_intake(patient)
    title = "Edit intake" if intake else "Start intake"
    return render(
        request, "screening/intake_form.html", {"form": form, "patient": patient, "title": title}
    )


def _entry_form(
    request: StaffRequest,
    patient_id: uuid.UUID,
    form: forms.BaseForm,
    title: str,
    save: Any,
) -> HttpResponse:
    patient = patient_for(request.actor, patient_id, Perm.INTAKE_RECORD).patient
    intake = open_intake(patient)
    if intake is None:
        messages.info(request, "Start the intake first.")
        return redirect("screening:intake_edit", patient_id=patient.public_id)
    if request.method == "POST" and form.is_valid():
        try:
            save(actor=request.actor, intake=intake, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"{title} saved.")
            return _to_intake(patient)
    return render(
        request, "screening/entry_form.html", {"form": form, "patient": patient, "title": title}
    )


@staff_view(Perm.INTAKE_RECORD)
def trial_add(request: StaffRequest, patient_id: uuid.UUID) -> HttpResponse:
    form = TrialForm(request.POST or None)
    return _entry_form(request, patient_id, form, "Antidepressant trial", services.trial_record)


@staff_view(Perm.INTAKE_RECORD)
def vitals_add(request: StaffRequest, patient_id: uuid.UUID) -> HttpResponse:
    form = VitalsForm(request.POST or None)
    return _entry_form(request, patient_id, form, "Intake vitals", services.intake_vitals_record)


@staff_view(Perm.INTAKE_RECORD)
def trial_mark_error(
    request: StaffRequest, patient_id: uuid.UUID, trial_id: uuid.UUID
) -> HttpResponse:
    patient = patient_for(request.actor, patient_id, Perm.INTAKE_RECORD).patient
    trial = patient.trials.filter(public_id=trial_id).first()
    if trial is None:
        raise Http404("No such trial on this intake.")
    form = MarkErrorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.trial_mark_error(
                actor=request.actor, trial=trial, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Marked as entered in error.")
            return _to_intake(patient)
    context = {"form": form, "patient": patient, "title": f"Mark entered in error: {trial}"}
    return render(request, "screening/entry_form.html", context)


@staff_view(Perm.INTAKE_VIEW)
def eligibility_page(request: StaffRequest, patient_id: uuid.UUID) -> HttpResponse:
    access = patient_for(request.actor, patient_id, Perm.INTAKE_VIEW)
    patient_chart_read(actor=request.actor, patient=access.patient)
    return _eligibility(request, access.patient, access.role, request.GET.get("route", ""))


def _eligibility(
    request: StaffRequest,
    patient: Patient,
    role: str,
    route: str,
    form: SignForm | None = None,
) -> HttpResponse:
    intake = current_intake(patient)
    review = eligibility_review(intake, route) if intake else None
    if form is None and review is not None:
        form = SignForm(initial={"route": review.route, "facts_digest": review.digest})
    context = {
        "patient": patient,
        "intake": intake,
        "review": review,
        "form": form,
        "can_sign": role_can(role, Perm.ELIGIBILITY_SIGN),
        "decisions": list(decisions_of(patient)),
        "routes": Intake._meta.get_field("intended_route").choices,
    }
    return render(request, "screening/eligibility.html", context)


@staff_view(Perm.ELIGIBILITY_SIGN)
def eligibility_sign(request: StaffRequest, patient_id: uuid.UUID) -> HttpResponse:
    access = patient_for(request.actor, patient_id, Perm.ELIGIBILITY_SIGN)
    patient = access.patient
    intake = open_intake(patient)
    if request.method != "POST" or intake is None:
        return redirect("screening:eligibility", patient_id=patient.public_id)
    form = SignForm(request.POST)
    if form.is_valid():
        try:
            services.eligibility_sign(actor=request.actor, intake=intake, **form.service_kwargs())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Eligibility decision signed.")
            url = reverse("screening:eligibility", kwargs={"patient_id": patient.public_id})
            return redirect(f"{url}?route={form.cleaned_data['route']}")
    return _eligibility(request, patient, access.role, request.POST.get("route", ""), form)
