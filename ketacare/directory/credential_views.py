"""The clinic admin's credentials page: every credential kept, its state (verified, expiring,
expired), the form to record one with its document, and each one's verification, retirement
and document on file."""

import datetime as dt
import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotAllowed
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render

from ketacare.clinics.access import staff_view
from ketacare.clinics.http import StaffRequest
from ketacare.clinics.models import Membership
from ketacare.clinics.permissions import Perm
from ketacare.core.forms import apply_errors
from ketacare.directory import credentials
from ketacare.directory.forms import CredentialForm, RetireForm, VerifyForm

EXPIRING_DAYS = 60  # shown as expiring soon: the first reminder's step


def _page(request: StaffRequest, form: CredentialForm, status: int = 200) -> HttpResponse:
    clinic = request.membership.clinic
    context = {
        "form": form,
        "credentials": credentials.credentials_of(clinic),
        "today": clinic.today(),
        "soon": clinic.today() + dt.timedelta(days=EXPIRING_DAYS),
        "verify_form": VerifyForm(),
        "retire_form": RetireForm(),
    }
    return render(request, "directory/credentials.html", context, status=status)


def _form(request: StaffRequest) -> CredentialForm:
    members = list(
        Membership.objects.active().filter(clinic=request.membership.clinic).select_related("user")
    )
    data = request.POST if request.method == "POST" else None
    return CredentialForm(data, request.FILES or None, members=members)


@staff_view(Perm.CREDENTIALS_MANAGE)
def credential_list(request: StaffRequest) -> HttpResponse:
    form = _form(request)
    if request.method == "POST" and form.is_valid():
        try:
            credentials.credential_add(actor=request.actor, clinic=request.membership.clinic,
                                       **form.service_kwargs())  # fmt: skip
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Credential recorded. Verify it against its source.")
            return redirect("directory:credentials")
    return _page(request, form, status=400 if form.errors else 200)


def _acted(request: StaffRequest, done: str, error: ValidationError | None) -> HttpResponse:
    if error is not None:
        for problem in error.messages:
            messages.error(request, problem)
    else:
        messages.success(request, done)
    return redirect("directory:credentials")


# Each action finds its credential before it looks at the method, so another clinic's is a 404
# whatever the method (the permission matrix asks this of every page).
@staff_view(Perm.CREDENTIALS_MANAGE)
def credential_verify(request: StaffRequest, credential_id: uuid.UUID) -> HttpResponse:
    credential = credentials.credential_for(request.actor, credential_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = VerifyForm(request.POST)
    if not form.is_valid():
        return _acted(
            request, "", ValidationError([f"Checked against: {e}" for e in form.errors["against"]])
        )
    try:
        credentials.credential_verify(actor=request.actor, credential=credential,
                                      against=form.cleaned_data["against"])  # fmt: skip
    except ValidationError as error:
        return _acted(request, "", error)
    return _acted(request, "Verification recorded.", None)


@staff_view(Perm.CREDENTIALS_MANAGE)
def credential_retire(request: StaffRequest, credential_id: uuid.UUID) -> HttpResponse:
    credential = credentials.credential_for(request.actor, credential_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = RetireForm(request.POST)
    if not form.is_valid():
        return _acted(
            request,
            "",
            ValidationError([f"Why it is no longer held: {e}" for e in form.errors["reason"]]),
        )
    try:
        credentials.credential_retire(actor=request.actor, credential=credential,
                                      reason=form.cleaned_data["reason"])  # fmt: skip
    except ValidationError as error:
        return _acted(request, "", error)
    return _acted(request, "Credential retired; it stays on record.", None)


@staff_view(Perm.CREDENTIALS_MANAGE)
def credential_document(request: StaffRequest, credential_id: uuid.UUID) -> HttpResponseBase:
    credential = credentials.credential_for(request.actor, credential_id)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    if not credential.document:
        raise Http404("No document is on file for this credential.")
    return FileResponse(credential.document.open("rb"), as_attachment=True)
