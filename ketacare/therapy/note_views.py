"""The therapy note pages: the session therapist's draft (saved, then signed), a note with
its addenda, adding an addendum and marking a note entered in error."""

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from ketacare.clinics.access import staff_view
from ketacare.clinics.http import StaffRequest
from ketacare.clinics.permissions import Perm
from ketacare.clinics.services import access_denied
from ketacare.core.forms import apply_errors
from ketacare.patients.models import Patient
from ketacare.patients.queries import patient_for, patient_read_for
from ketacare.therapy import notes, queries
from ketacare.therapy.forms import AddendumForm, NoteForm, ReasonForm
from ketacare.therapy.models import NoteKind, TherapyNote, TherapySession


def _note_url(note: TherapyNote) -> str:
    return reverse("therapy:note", args=[note.patient.public_id, note.public_id])


def _draft_for(request: StaffRequest, session: TherapySession, kind: str) -> TherapyNote | None:
    return TherapyNote.objects.filter(
        session=session, author=request.actor.user, kind=kind, entered_in_error=False
    ).first()


@staff_view(Perm.THERAPY_NOTE_WRITE)
def note_write(
    request: StaffRequest, patient_id: uuid.UUID, therapy_id: uuid.UUID, kind: str
) -> HttpResponse:
    """The draft note of `kind` for the session: saved as typed, signed when asked."""
    patient = patient_read_for(
        request.actor, patient_id, Perm.THERAPY_NOTE_WRITE, via="web"
    ).patient
    session = queries.therapy_session_for(request.actor, therapy_id, Perm.THERAPY_NOTE_WRITE)
    if session.patient_id != patient.pk or kind not in NoteKind.values:
        raise access_denied(actor=request.actor, model=TherapySession, public_id=therapy_id)
    draft = _draft_for(request, session, kind)
    if draft is not None and draft.is_signed:
        return redirect(_note_url(draft))
    initial = {name: getattr(draft, name) for name in notes.NOTE_FIELDS} if draft else {}
    form = NoteForm(
        request.POST or None,
        initial=initial,
        template=notes.TEMPLATES[session.kind],
        private=kind == NoteKind.PSYCHOTHERAPY,
    )
    if draft is not None and request.method == "GET":
        queries.note_read(actor=request.actor, note=draft)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, session, kind, form)
        if saved is not None:
            return saved
    context = {
        "patient": patient,
        "session": session,
        "form": form,
        "kind": NoteKind(kind),
        "draft": draft,
    }
    return render(request, "therapy/note_form.html", context)


def _save(
    request: StaffRequest, session: TherapySession, kind: str, form: NoteForm
) -> HttpResponse | None:
    try:
        with transaction.atomic():  # a refused draft leaves no empty note behind
            note = notes.note_start(actor=request.actor, session=session, kind=kind)
            note = notes.note_save(actor=request.actor, note=note, **form.cleaned_data)
        if "sign" in request.POST:
            note = notes.note_sign(actor=request.actor, note=note)
    except ValidationError as error:
        apply_errors(form, error)
        return None
    messages.success(request, "Note signed and locked." if note.is_signed else "Draft saved.")
    return redirect(_note_url(note))


def _note(request: StaffRequest, patient: Patient, note_id: uuid.UUID, perm: Perm) -> TherapyNote:
    note = queries.note_for(request.actor, note_id, perm)
    if note.patient_id != patient.pk:
        raise access_denied(actor=request.actor, model=TherapyNote, public_id=note_id)
    return note


def _note_page(
    request: StaffRequest, note: TherapyNote, addendum: AddendumForm | None = None
) -> HttpResponse:
    queries.note_read(actor=request.actor, note=note)
    context: dict[str, Any] = {
        "patient": note.patient,
        "note": note,
        "template": notes.TEMPLATES[note.session.kind],
        "mine": note.author_id == request.actor.user.pk,
        "addendum_form": addendum or AddendumForm(),
    }
    return render(request, "therapy/note.html", context)


@staff_view(Perm.THERAPY_NOTE_READ)
def note_page(request: StaffRequest, patient_id: uuid.UUID, note_id: uuid.UUID) -> HttpResponse:
    patient = patient_for(request.actor, patient_id, Perm.THERAPY_NOTE_READ).patient
    return _note_page(request, _note(request, patient, note_id, Perm.THERAPY_NOTE_READ))


@staff_view(Perm.THERAPY_NOTE_WRITE)
def note_addendum(request: StaffRequest, patient_id: uuid.UUID, note_id: uuid.UUID) -> HttpResponse:
    """Add an addendum; a refusal shows the note again with what was typed."""
    patient = patient_for(request.actor, patient_id, Perm.THERAPY_NOTE_WRITE).patient
    note = _note(request, patient, note_id, Perm.THERAPY_NOTE_WRITE)
    if request.method != "POST":
        return redirect(_note_url(note))
    form = AddendumForm(request.POST)
    if form.is_valid():
        try:
            notes.note_addendum_add(actor=request.actor, note=note, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Addendum added.")
            return redirect(_note_url(note))
    return _note_page(request, note, addendum=form)


@staff_view(Perm.THERAPY_NOTE_WRITE)
def note_error(request: StaffRequest, patient_id: uuid.UUID, note_id: uuid.UUID) -> HttpResponse:
    patient = patient_read_for(
        request.actor, patient_id, Perm.THERAPY_NOTE_WRITE, via="web"
    ).patient
    note = _note(request, patient, note_id, Perm.THERAPY_NOTE_WRITE)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            notes.note_mark_error(actor=request.actor, note=note, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "The note is marked entered in error.")
            return redirect(_note_url(note))
    context = {
        "patient": patient,
        "form": form,
        "title": f"Mark this {note.get_kind_display().lower()} entered in error",
        "back": _note_url(note),
    }
    return render(request, "therapy/action_form.html", context)
