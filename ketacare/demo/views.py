"""The demo's outbox: the messages KetaCare would have sent to the signed-in person, so someone
trying it can open the links in them. Nobody sees another person's messages (a reset link is a
credential). Only while email goes to the outbox (the demo); elsewhere the page is a 404."""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render

from ketacare.clinics.access import any_staff_view
from ketacare.clinics.context_processors import OUTBOX_BACKEND
from ketacare.clinics.http import StaffRequest
from ketacare.core.outbox import outbox_messages


@any_staff_view
def outbox(request: StaffRequest) -> HttpResponse:
    if settings.EMAIL_BACKEND != OUTBOX_BACKEND:
        raise Http404("There is no outbox: email is sent.")
    messages = outbox_messages(settings.EMAIL_OUTBOX_DIR, to=request.user.email)
    return render(request, "demo/outbox.html", {"messages": messages})
