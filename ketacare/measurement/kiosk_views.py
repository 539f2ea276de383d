"""The clinic tablet's kiosk: a code typed at `/kiosk/` opens one patient's due questionnaires,
answered with the portal's pages; the kiosk locks when nothing is left, when the patient
finishes, after `kiosk.IDLE_MINUTES` idle or when the code expires.

The pages are open to anyone (the tablet is not signed in): the code held in the browser's
session is the key, and without a live one every kiosk page leads back to the code entry.
Entering a code first signs the browser out, so the tablet never carries a staff sign-in."""

import uuid
import zoneinfo
from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ketacare.clinics.actors import KioskActor
from ketacare.core.http import PUBLIC
from ketacare.core.middleware import client_ip
from ketacare.measurement import kiosk, queries
from ketacare.measurement.services import portal_page_read
from ketacare.measurement.views import Place, answer_page, sent_context
from ketacare.patients.models import Patient

CODE_KEY = "kiosk_code"
SEEN_KEY = "kiosk_seen"
AT_KIOSK = Place(
    "measurement/kiosk_base.html",
    "measurement:kiosk_due",
    "Back to my questionnaires",
    "measurement:kiosk_sent",
)

KioskView = Callable[..., HttpResponse]
# Wrong codes one address may type in a quarter of an hour (past this, codes are guessed, not
# mistyped); counted in the cache, so per server process where the cache is local memory.
WRONG_PER_ADDRESS = 20
WRONG_WINDOW_S = 15 * 60
TOO_MANY = "Too many codes were tried here. Please ask the front desk for help."
# A page left open reloads itself once the idle limit has passed, and so locks the tablet.
LOCKING = {"kiosk_lock_after": kiosk.IDLE_MINUTES * 60 + 15}


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Kiosk code",
        max_length=20,
        help_text="The 8 letters and digits the front desk gave you.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


def kiosk_view(view: KioskView) -> KioskView:
    """The kiosk's patient from the session's code, or back to the code entry once locked."""

    @wraps(view)
    @never_cache
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        actor = kiosk.kiosk_actor(
            request.session.get(CODE_KEY, ""), request.session.get(SEEN_KEY, "")
        )
        if actor is None:
            request.session.flush()
            return redirect("measurement:kiosk")
        request.session[SEEN_KEY] = timezone.now().isoformat()
        timezone.activate(zoneinfo.ZoneInfo(actor.clinic.timezone))
        return view(request, actor, *args, **kwargs)

    wrapped.permission_rule = PUBLIC  # type: ignore[attr-defined]
    return wrapped


@never_cache
def entry(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST or None)
    if request.method == "POST" and _tried_too_often(request):
        form.add_error("code", TOO_MANY)
        return render(request, "measurement/kiosk_entry.html", {"form": form}, status=429)
    if request.method == "POST" and form.is_valid():
        try:
            actor = kiosk.kiosk_start(form.cleaned_data["code"])
        except ValidationError as error:
            _count_wrong(request)
            form.add_error("code", error.message_dict["code"])
        else:
            request.session.flush()  # no staff sign-in survives onto the tablet
            request.session[CODE_KEY] = str(actor.code_public_id)
            request.session[SEEN_KEY] = timezone.now().isoformat()
            return redirect("measurement:kiosk_due")
    return render(request, "measurement/kiosk_entry.html", {"form": form})


entry.permission_rule = PUBLIC  # type: ignore[attr-defined]


@kiosk_view
def due(request: HttpRequest, actor: KioskActor) -> HttpResponse:
    patient = _patient(actor)
    rows = queries.due_now(patient.pk)
    if not rows:
        return _lock(request, actor, "nothing left to answer")
    portal_page_read(actor=actor, page="due")
    return render(
        request,
        "measurement/kiosk_due.html",
        {"patient": patient, "clinic": patient.clinic, "due": rows, **LOCKING},
    )


@kiosk_view
def questionnaire(
    request: HttpRequest, actor: KioskActor, assignment_id: uuid.UUID
) -> HttpResponse:
    if _require_shown(actor, assignment_id) and request.method == "GET":
        # Sent already: the tablet never shows the answers again, to whoever holds it next.
        return redirect("measurement:kiosk_sent", assignment_id=assignment_id)
    return answer_page(request, actor, _patient(actor), assignment_id, AT_KIOSK, LOCKING)


@kiosk_view
def sent(request: HttpRequest, actor: KioskActor, assignment_id: uuid.UUID) -> HttpResponse:
    _require_shown(actor, assignment_id)
    patient = _patient(actor)
    context = sent_context(actor, patient, assignment_id) | {"place": AT_KIOSK}
    locked = not queries.due_now(patient.pk)
    if locked:
        kiosk.kiosk_end(actor, reason="nothing left to answer")
        request.session.flush()
    context["kiosk"] = {"locked": locked}
    if not locked:
        context |= LOCKING
    return render(request, "measurement/sent.html", context)


@kiosk_view
@require_POST
def finish(request: HttpRequest, actor: KioskActor) -> HttpResponse:
    return _lock(request, actor, "finished by the patient")


def _lock(request: HttpRequest, actor: KioskActor, reason: str) -> HttpResponse:
    kiosk.kiosk_end(actor, reason=reason)
    request.session.flush()
    messages.success(request, "Thank you. The tablet is locked: please hand it back.")
    return redirect("measurement:kiosk")


def _wrong_key(request: HttpRequest) -> str:
    return f"kiosk-wrong:{client_ip(request) or 'unknown'}"


def _tried_too_often(request: HttpRequest) -> bool:
    return int(cache.get(_wrong_key(request), 0)) >= WRONG_PER_ADDRESS


def _count_wrong(request: HttpRequest) -> None:
    key = _wrong_key(request)
    cache.add(key, 0, WRONG_WINDOW_S)
    cache.incr(key)


def _require_shown(actor: KioskActor, assignment_id: uuid.UUID) -> bool:
    """404 unless the kiosk may show it; whether it is already answered."""
    answered = kiosk.kiosk_shows(actor, assignment_id)
    if answered is None:
        raise Http404("No such questionnaire.")
    return answered


def _patient(actor: KioskActor) -> Patient:
    return Patient.objects.select_related("clinic").get(pk=actor.patient_id)
