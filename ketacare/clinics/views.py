"""The landing page, the clinic switcher and the clinic's own details."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ketacare.clinics.forms import ClinicDetailsForm
from ketacare.clinics.http import SignedInRequest, StaffRequest
from ketacare.clinics.middleware import SESSION_KEY
from ketacare.clinics.models import Clinic
from ketacare.clinics.permissions import Perm, authenticated_view, staff_view
from ketacare.clinics.queries import memberships_of
from ketacare.clinics.services import CLINIC_DETAILS, clinic_update
from ketacare.core.forms import apply_errors


@authenticated_view
def home(request: SignedInRequest) -> HttpResponse:
    if getattr(request, "membership", None):
        return redirect("patients:list")
    return render(request, "clinics/no_clinic.html", status=200)


@authenticated_view
@require_POST
def switch_clinic(request: SignedInRequest) -> HttpResponse:
    wanted = request.POST.get("clinic", "")
    chosen = next(
        (m for m in memberships_of(request.user) if str(m.clinic.public_id) == wanted), None
    )
    if chosen is None:
        messages.error(request, "You are not a member of that clinic.")
    else:
        request.session[SESSION_KEY] = str(chosen.clinic.public_id)
        messages.success(request, f"Now working in {chosen.clinic.name}.")
    return redirect("home")


@staff_view(Perm.CLINIC_EDIT)
def clinic_details(request: StaffRequest) -> HttpResponse:
    clinic = request.membership.clinic
    # A fresh row for the form: validating a bound form changes its instance in memory.
    form = ClinicDetailsForm(request.POST or None, instance=Clinic.objects.get(pk=clinic.pk))
    if request.method == "POST" and form.is_valid():
        try:
            details = {name: form.cleaned_data[name] for name in CLINIC_DETAILS}
            clinic_update(actor=request.user, clinic=clinic, **details)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Clinic details saved.")
            return redirect("clinic_details")
    return render(request, "clinics/details.html", {"form": form, "clinic": clinic})
