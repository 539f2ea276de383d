"""The REMS monitoring form built from the session as recorded (REFERENCE §1.11), each value
with its source, then the staff's answers laid over it. The judgement calls (sex mapping,
sedation and dissociation suggestions, vitals acceptable, treatment minutes) are the core's
`clinical.rems_prefill`; this module only gathers the facts, in a fixed number of queries."""

import dataclasses
import datetime as dt
import zoneinfo
from dataclasses import dataclass
from typing import Any

from django.db.models import Min, Q
from django.utils import timezone

from ketacare import clinical
from ketacare.clinical import rems_prefill
from ketacare.dosing.models import Administration, Checkpoint, DosingSession, VitalsReading
from ketacare.dosing.queries import session_with_timeline
from ketacare.patients.models import Medication, RemsClass
from ketacare.rems.models import ANSWER_FIELDS, RemsMonitoringForm

ESKETAMINE_ROUTE = "esketamine_nasal"
AS_SUBMITTED = "as submitted"
CONCOMITANT = {
    RemsClass.BENZODIAZEPINE: "benzodiazepines",
    RemsClass.NON_BENZO_SEDATIVE_HYPNOTIC: "non_benzodiazepine_sedative_hypnotics",
    RemsClass.PSYCHOSTIMULANT: "psychostimulants",
    RemsClass.MAOI: "maois",
    RemsClass.OPIOID: "opioids",
}


@dataclass(frozen=True)
class Prefilled:
    """The form as it stands: values, where each came from, what stands in the way."""

    session: DosingSession
    record: RemsMonitoringForm | None
    form: clinical.RemsForm
    sources: dict[str, str]
    problems: list[clinical.Finding]
    due_on: dt.date | None

    @property
    def blanks(self) -> list[clinical.Finding]:
        return [f for f in self.problems if f.code == f"rems_{f.field}_missing"]

    @property
    def hard_stops(self) -> list[clinical.Finding]:
        return [f for f in self.problems if f.kind == "hard_stop"]

    @property
    def warnings(self) -> list[clinical.Finding]:
        blank = {f.code for f in self.blanks}
        return [f for f in self.problems if f.kind == "warning" and f.code not in blank]


def prefill(session: DosingSession, record: RemsMonitoringForm | None = None) -> Prefilled:
    """The form for `session` (an esketamine session), with `record`'s answers laid over."""
    session = session_with_timeline(session)
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    _patient(session, values, sources)
    _session_facts(session, values, sources)
    _course(session, values, sources)
    _medications(session, values["treatment_date"], values, sources)
    _hcp_and_setting(session, values, sources)
    _vitals(session, values, sources)
    _observations(session, values, sources)
    if record is not None:
        _answers(record, values, sources)
    form = clinical.RemsForm(**values)
    due = clinical.rems_form_due(form.treatment_date) if form.treatment_date else None
    return Prefilled(session, record, form, sources, clinical.rems_form_problems(form), due)


def form_as_it_stands(session: DosingSession, record: RemsMonitoringForm | None) -> Prefilled:
    """The form every output shows (page, PDF, CSV, API): once submitted, exactly as submitted,
    every value's source "as submitted" (the REMS holds that form; later changes to the record
    do not rewrite it); before that, prefilled from the record with the staff's answers."""
    if record is None or not record.submitted:
        return prefill(session, record)
    form = form_from_values(record.submitted_form)
    sources = {field.name: AS_SUBMITTED for field in dataclasses.fields(form)}
    due = clinical.rems_form_due(form.treatment_date) if form.treatment_date else None
    return Prefilled(session, record, form, sources, clinical.rems_form_problems(form), due)


def _zone(session: DosingSession) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(session.clinic.timezone)


def _clock(session: DosingSession, moment: dt.datetime) -> str:
    return f"{timezone.localtime(moment, _zone(session)):%H:%M}"


def _set(
    values: dict[str, Any], sources: dict[str, str], field: str, value: Any, source: str
) -> None:
    values[field], sources[field] = value, source


def _patient(session: DosingSession, values: dict[str, Any], sources: dict[str, str]) -> None:
    patient = session.patient
    for field, value in (
        ("patient_first_name", patient.given_name),
        ("patient_last_name", patient.family_name),
        ("patient_birth_date", patient.date_of_birth),
        ("patient_sex", rems_prefill.rems_sex(patient.sex)),
    ):
        _set(values, sources, field, value, "patient record")


def _administration(session: DosingSession) -> Administration | None:
    return next((a for a in session.administrations.all() if not a.entered_in_error), None)


def treatment_start(session: DosingSession) -> dt.datetime:
    """When the treatment started: the first valid device (REFERENCE §1.11 counts the treatment
    from it), else the dose start, else check-in. The form and the forms-due list both date the
    treatment from this; it reads `administrations` and their `devices`, prefetched by callers
    that list many sessions."""
    given = _administration(session)
    devices = (
        [d.administered_at for d in given.devices.all() if not d.entered_in_error] if given else []
    )
    return min(devices, default=None) or session.dose_started_at or session.checked_in_at


def _session_facts(session: DosingSession, values: dict[str, Any], sources: dict[str, str]) -> None:
    start = treatment_start(session)
    day = timezone.localtime(start, _zone(session)).date()
    _set(
        values, sources, "treatment_date", day, f"session, clinic time ({session.clinic.timezone})"
    )
    given = _administration(session)
    if given is not None:
        _set(values, sources, "dose_mg", int(given.dose_mg), "administration record")
        _set(values, sources, "lot_number", given.lot_number, "administration record")
    if session.discharged_at is not None:
        minutes = rems_prefill.rems_treatment_minutes(start, session.discharged_at)
        ended = _clock(session, session.discharged_at)
        note = f"first device {_clock(session, start)} to discharge {ended}"
        _set(values, sources, "treatment_minutes", minutes, note)
    _first_treatment(session, start, values, sources)


def _first_treatment(
    session: DosingSession, start: dt.datetime, values: dict[str, Any], sources: dict[str, str]
) -> None:
    # Each earlier esketamine dose with its first valid device (None: no device was used).
    first_devices = (
        Administration.objects.filter(
            patient=session.patient, route=ESKETAMINE_ROUTE, entered_in_error=False
        )
        .exclude(session=session)
        .annotate(
            first_device=Min("devices__administered_at", filter=Q(devices__entered_in_error=False))
        )
        .values_list("first_device", flat=True)
    )
    earlier = rems_prefill.rems_earlier_treatment(first_devices, start)
    source = (
        f"earlier esketamine dose on {timezone.localtime(earlier, _zone(session)):%Y-%m-%d}"
        if earlier
        else "no earlier esketamine dose recorded"
    )
    _set(values, sources, "first_treatment", earlier is None, source)


def _course(session: DosingSession, values: dict[str, Any], sources: dict[str, str]) -> None:
    course = session.course
    if course.rems_enrolled_on is None:
        _set(values, sources, "enrolled_in_rems", False, "course: no REMS enrollment recorded")
        return
    enrolled = rems_prefill.rems_enrolled(course.rems_enrolled_on, values["treatment_date"])
    note = f"course: REMS enrollment {course.rems_enrollment_id} on {course.rems_enrolled_on}"
    if not enrolled:
        note += ", after the treatment date"
    _set(values, sources, "enrolled_in_rems", enrolled, note)


def _medications(
    session: DosingSession, day: dt.date, values: dict[str, Any], sources: dict[str, str]
) -> None:
    rows = Medication.objects.filter(patient=session.patient, entered_in_error=False).exclude(
        rems_class=""
    )
    named: dict[str, list[str]] = {field: [] for field in CONCOMITANT.values()}
    for medication in rows:
        taken = (medication.started_on is None or medication.started_on <= day) and (
            medication.stopped_on is None or medication.stopped_on >= day
        )
        if taken:
            named[CONCOMITANT[RemsClass(medication.rems_class)]].append(medication.name)
    for field, names in named.items():
        source = f"medication list: {', '.join(names)}" if names else "medication list: none"
        _set(values, sources, field, bool(names), source)


def _hcp_and_setting(
    session: DosingSession, values: dict[str, Any], sources: dict[str, str]
) -> None:
    clinic = session.clinic
    given = _administration(session)
    clinician = session.discharged_by or (given.recorded_by if given else None)
    if clinician is not None:
        first, _, last = clinician.full_name.strip().partition(" ")
        how = "discharged by" if session.discharged_by else "dose recorded by"
        for field, value in (("hcp_first_name", first), ("hcp_last_name", last.strip())):
            _set(values, sources, field, value, f"{how} {clinician.full_name}")
    _set(values, sources, "hcp_phone", clinic.phone, "clinic telephone")
    _set(values, sources, "hcp_email", clinic.email, "clinic email")
    for field, value in (
        ("setting_name", clinic.name),
        ("setting_address1", clinic.address_line1),
        ("setting_city", clinic.city),
        ("setting_state", clinic.state),
        ("setting_zip", clinic.postal_code),
    ):
        _set(values, sources, field, value, "clinic address")


CHECKPOINTS = (
    (Checkpoint.PRE_DOSE, "bp_before", "vitals_acceptable_before"),
    (Checkpoint.POST_40, "bp_40_min", None),
    (Checkpoint.PRE_DISCHARGE, "bp_at_completion", "vitals_acceptable_at_completion"),
)


def _latest(readings: list[VitalsReading], checkpoint: str) -> VitalsReading | None:
    found = [r for r in readings if r.checkpoint == checkpoint and not r.entered_in_error]
    return max(found, key=lambda r: (r.measured_at, r.pk), default=None)


def _vitals(session: DosingSession, values: dict[str, Any], sources: dict[str, str]) -> None:
    readings = list(session.vitals.all())
    for checkpoint, bp_field, acceptable_field in CHECKPOINTS:
        reading = _latest(readings, checkpoint)
        if reading is None:
            continue
        where = (
            f"{Checkpoint(checkpoint).label.lower()} reading {_clock(session, reading.measured_at)}"
        )
        if reading.sbp is not None and reading.dbp is not None:
            _set(values, sources, bp_field, clinical.BloodPressure(reading.sbp, reading.dbp), where)
        if acceptable_field is not None:
            kinds = [finding["kind"] for finding in reading.findings]
            acceptable = clinical.vitals_acceptable(kinds)
            note = f"{where}: {'no' if acceptable else 'a'} warning raised (suggested)"
            _set(values, sources, acceptable_field, acceptable, note)


def _observations(session: DosingSession, values: dict[str, Any], sources: dict[str, str]) -> None:
    scores = [s.assessment for s in session.scores.all() if not s.entered_in_error]
    moaas = [a.total for a in scores if a.instrument == "moaas" and a.total is not None]
    cadss = [a.total for a in scores if a.instrument == "cadss6" and a.total is not None]
    effects = {e.kind for e in session.side_effects.all() if not e.entered_in_error}
    sedation = rems_prefill.rems_sedation_suggested(moaas, "sedation" in effects)
    dissociation = rems_prefill.rems_dissociation_suggested(cadss, "dissociation" in effects)
    if sedation is not None:
        low = f"lowest MOAA/S {min(moaas)}" if moaas else "no MOAA/S"
        _set(values, sources, "sedation", sedation, f"suggested: {low}; side effects noted")
    if dissociation is not None:
        high = f"highest CADSS-6 {max(cadss)}" if cadss else "no CADSS-6"
        _set(
            values, sources, "dissociation", dissociation, f"suggested: {high}; side effects noted"
        )
    events = [e for e in session.adverse_events.all() if not e.entered_in_error]
    if events:
        text = "; ".join(_event_text(session, event) for event in events)
        _set(values, sources, "adverse_event_notes", text, "adverse events on the timeline")


def _event_text(session: DosingSession, event: Any) -> str:
    serious = ", serious" if event.serious else ""
    action = f" Action: {event.action_taken}" if event.action_taken else ""
    when = _clock(session, event.onset_at)
    return f"{when} {event.description} ({event.severity}{serious}).{action}"


def _answers(record: RemsMonitoringForm, values: dict[str, Any], sources: dict[str, str]) -> None:
    """Staff answers replace the record's suggestions; a blank answer leaves them."""
    for field in ANSWER_FIELDS:
        answer = getattr(record, field)
        if answer is None or answer == "":
            continue
        before = values.get(field)
        note = (
            "staff answer"
            if before in (None, "") or before == answer
            else "staff answer (record suggested otherwise)"
        )
        _set(values, sources, field, answer, note)


def form_values(form: clinical.RemsForm) -> dict[str, Any]:
    """The form as plain JSON-able values (dates ISO, blood pressures "sbp/dbp")."""
    return {name: _plain(value) for name, value in dataclasses.asdict(form).items()}


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):  # asdict turns a BloodPressure into a dict
        return f"{value['sbp']}/{value['dbp']}"
    return value


_DATES = ("patient_birth_date", "treatment_date")
_PRESSURES = ("bp_before", "bp_40_min", "bp_at_completion")


def form_from_values(values: dict[str, Any]) -> clinical.RemsForm:
    """`form_values` read back: a stored snapshot as the form."""
    return clinical.RemsForm(**{name: _typed(name, value) for name, value in values.items()})


def _typed(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name in _DATES:
        return dt.date.fromisoformat(value)
    if name in _PRESSURES:
        sbp, dbp = value.split("/")
        return clinical.BloodPressure(int(sbp), int(dbp))
    return value
