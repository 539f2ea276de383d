"""Patient pages: list and search, registration, the chart, and chart entries."""

import uuid
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from ketacare.clinics.access import staff_view
from ketacare.clinics.http import StaffRequest
from ketacare.clinics.permissions import Perm, role_can
from ketacare.core.forms import apply_errors
from ketacare.patients import services
from ketacare.patients.forms import (
    AllergyForm,
    DiagnosisForm,
    MarkErrorForm,
    MeasurementForm,
    MedicationForm,
    PatientForm,
    PatientSearchForm,
)
from ketacare.patients.models import CHART_ENTRY_MODELS, Patient
from ketacare.patients.queries import chart_entries, patient_for, recent_viewers

PAGE_SIZE = 25


@staff_view(Perm.PATIENT_LIST)
def patient_list(request: StaffRequest) -> HttpResponse:
    search = PatientSearchForm(request.GET)
    text = search.cleaned_data["q"] if search.is_valid() else ""
    clinic = request.membership.clinic
    patients = Patient.objects.visible_to(request.actor).filter(clinic=clinic).search(text)
    page = Paginator(patients, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"search": search, "page": page, "q": text}
    template = "patients/_results.html" if request.htmx else "patients/list.html"
    return render(request, template, context)


@staff_view(Perm.PATIENT_REGISTER)
def patient_new(request: StaffRequest) -> HttpResponse:
    form = PatientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            patient = services.patient_register(
                actor=request.actor,
                clinic=request.membership.clinic,
                **{name: form.cleaned_data[name] for name in form.Meta.fields},
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Registered {patient.display_name} ({patient.mrn}).")
            return redirect("patients:chart", patient_id=patient.public_id)
    return render(request, "patients/form.html", {"form": form, "title": "Register a patient"})


@staff_view(Perm.PATIENT_VIEW)
def patient_chart(request: StaffRequest, patient_id: uuid.UUID) -> HttpResponse:
    access = patient_for(request.actor, patient_id, Perm.PATIENT_VIEW)
    services.patient_chart_read(actor=request.actor, patient=access.patient)
    clinical = role_can(access.role, Perm.CHART_VIEW_CLINICAL)
    patient = chart_entries(access.patient) if clinical else access.patient
    context = {
        "patient": patient,
        "clinical": clinical,
        "can_record": role_can(access.role, Perm.CHART_RECORD),
        "can_diagnose": role_can(access.role, Perm.DIAGNOSIS_RECORD),
        "can_edit": role_can(access.role, Perm.PATIENT_EDIT),
        "can_open_sessions": role_can(access.role, Perm.SESSION_VIEW),
        "viewers": recent_viewers(access.patient),
    }
    if clinical:
        measurements = list(patient.measurements.all())
        context["measurements"] = measurements
        context["latest"] = next((m for m in measurements if not m.entered_in_error), None)
    return render(request, "patients/chart.html", context)


@staff_view(Perm.PATIENT_EDIT)
def patient_edit(request: StaffRequest, patient_id: uuid.UUID) -> HttpResponse:
    patient = patient_for(request.actor, patient_id, Perm.PATIENT_EDIT).patient
    form = PatientForm(request.POST or None, instance=Patient.objects.get(pk=patient.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.patient_update(
                actor=request.actor,
                patient=patient,
                **{name: form.cleaned_data[name] for name in form.Meta.fields},
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect("patients:chart", patient_id=patient.public_id)
    context = {"form": form, "title": f"Edit {patient.display_name}", "patient": patient}
    return render(request, "patients/form.html", context)


def _entry_view(
    request: StaffRequest,
    patient_id: uuid.UUID,
    perm: Perm,
    form_class: type[forms.BaseForm],
    title: str,
    save: Callable[..., Any],
) -> HttpResponse:
    patient = patient_for(request.actor, patient_id, perm).patient
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        kwargs = (
            form.service_kwargs() if hasattr(form, "service_kwargs") else dict(form.cleaned_data)
        )
        try:
            save(actor=request.actor, patient=patient, **kwargs)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"{title} saved.")
            return redirect("patients:chart", patient_id=patient.public_id)
    context = {"form": form, "title": title, "patient": patient}
    return render(request, "patients/form.html", context)


@staff_view(Perm.CHART_RECORD)
def measurement_add(request: StaffRequest, patient_id: uuid.UUID) -> HttpResponse:
    return _entry_view(
        request,
        patient_id,
        Perm.CHART_RECORD,
        MeasurementForm,
        "Weight and height",
        services.measurement_record,
    )


@staff_view(Perm.CHART_RECORD)
def allergy_add(request: StaffRequest, patient_id: uuid.UUID) -> HttpResponse:
    return _entry_view(
        request, patient_id, Perm.CHART_RECORD, AllergyForm, "Allergy", services.allergy_record
    )


@staff_view(Perm.CHART_RECORD)
def medication_add(request: StaffRequest, patient_id: uuid.UUID) -> HttpResponse:
    return _entry_view(
        request,
        patient_id,
        Perm.CHART_RECORD,
        MedicationForm,
        "Current medication",
        services.medication_record,
    )


@staff_view(Perm.DIAGNOSIS_RECORD)
def diagnosis_add(request: StaffRequest, patient_id: uuid.UUID) -> HttpResponse:
    return _entry_view(
        request,
        patient_id,
        Perm.DIAGNOSIS_RECORD,
        DiagnosisForm,
        "Diagnosis",
        services.diagnosis_record,
    )


@staff_view(Perm.CHART_RECORD)
def entry_mark_error(
    request: StaffRequest, patient_id: uuid.UUID, kind: str, entry_id: uuid.UUID
) -> HttpResponse:
    perm = Perm.DIAGNOSIS_RECORD if kind == "diagnosis" else Perm.CHART_RECORD
    patient = patient_for(request.actor, patient_id, perm).patient
    model = CHART_ENTRY_MODELS.get(kind)
    entry = (
        model._default_manager.filter(patient=patient, public_id=entry_id).first()
        if model
        else None
    )
    if entry is None:
        raise Http404("No such entry on this chart.")
    form = MarkErrorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.chart_entry_mark_error(
                actor=request.actor,
                entry=entry,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Marked as entered in error.")
            return redirect("patients:chart", patient_id=patient.public_id)
    context = {"form": form, "title": "Mark entered in error", "patient": patient, "entry": entry}
    return render(request, "patients/form.html", context)
