"""The landing page and the clinic switcher."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ketacare.clinics.http import SignedInRequest
from ketacare.clinics.middleware import SESSION_KEY
from ketacare.clinics.permissions import authenticated_view
from ketacare.clinics.queries import memberships_of


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
