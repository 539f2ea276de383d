"""The landing page, the clinic switcher and the clinic's own details."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ketacare.clinics.access import staff_view
from ketacare.clinics.actors import ACTIVE_CLINIC, PatientActor, StaffActor
from ketacare.clinics.forms import ClinicCareForm, ClinicDetailsForm
from ketacare.clinics.http import ActorRequest, StaffRequest
from ketacare.clinics.models import Clinic
from ketacare.clinics.permissions import Perm
from ketacare.clinics.services import CLINIC_CARE_SETTINGS, CLINIC_DETAILS, clinic_update
from ketacare.core.forms import apply_errors
from ketacare.core.http import authenticated_view
from ketacare.core.jobs import recent_jobs


@authenticated_view
def home(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    if isinstance(actor, StaffActor) and actor.active:
        return redirect("patients:list")
    if isinstance(actor, PatientActor):
        return redirect("measurement:home")
    return render(request, "clinics/no_clinic.html")


@authenticated_view
@require_POST
def switch_clinic(request: ActorRequest) -> HttpResponse:
    wanted = request.POST.get("clinic", "")
    memberships = request.actor.memberships if isinstance(request.actor, StaffActor) else ()
    chosen = next((m for m in memberships if str(m.clinic.public_id) == wanted), None)
    if chosen is None:
        messages.error(request, "You are not a member of that clinic.")
    else:
        request.session[ACTIVE_CLINIC] = str(chosen.clinic.public_id)
        messages.success(request, f"Now working in {chosen.clinic.name}.")
    return redirect("home")


@staff_view(Perm.CLINIC_EDIT)
def clinic_details(request: StaffRequest) -> HttpResponse:
    """Two forms on one page, each saved on its own: the details, and the care settings."""
    clinic = request.membership.clinic
    care_posted = "care" in request.POST
    # Fresh rows for the forms: validating a bound form changes its instance in memory.
    form = ClinicDetailsForm(
        None if care_posted else request.POST or None, instance=Clinic.objects.get(pk=clinic.pk)
    )
    care = ClinicCareForm(
        request.POST if care_posted else None, instance=Clinic.objects.get(pk=clinic.pk)
    )
    posted, fields, saved = (
        (care, CLINIC_CARE_SETTINGS, "Care settings saved.")
        if care_posted
        else (form, CLINIC_DETAILS, "Clinic details saved.")
    )
    if request.method == "POST" and posted.is_valid():
        try:
            details = {name: posted.cleaned_data[name] for name in fields}
            clinic_update(actor=request.actor, clinic=clinic, **details)
        except ValidationError as error:
            apply_errors(posted, error)
        else:
            messages.success(request, saved)
            return redirect("clinic_details")
    context = {"form": form, "care_form": care, "clinic": clinic}
    return render(request, "clinics/details.html", context)


@staff_view(Perm.JOBS_VIEW)
def clinic_jobs(request: StaffRequest) -> HttpResponse:
    """The clinic's recent background jobs: what each did, how it went, how often it was
    tried, and what went wrong in words (never a job's data)."""
    clinic = request.membership.clinic
    return render(request, "clinics/jobs.html", {"jobs": recent_jobs(clinic.public_id)})
