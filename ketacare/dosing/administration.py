"""Write paths of the administration record: the dose given (checked against the course's dose
order, the protocol's cap and, for esketamine, the label's next-dose rule), the esketamine
devices with their 5-minute rests, and the IV infusion's rates, pauses and stop. The rules are
the core's (`weight_based_dose`, `stale_weight_finding`, `infusion`, `esketamine_devices`,
`allowed_esketamine_doses`, `device_rest_findings`)."""

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from ketacare import clinical
from ketacare.accounts.models import User
from ketacare.clinical.administration import device_rest_findings
from ketacare.clinics.actors import Actor, person_of
from ketacare.clinics.permissions import Perm
from ketacare.core import audit
from ketacare.core.models import AuditAction
from ketacare.core.validation import check_effective_time
from ketacare.dosing.models import (
    Administration,
    DeviceUse,
    DosingSession,
    InfusionPause,
    Status,
)
from ketacare.dosing.queries import (
    administered_doses,
    protocol_for_session,
    session_day,
    valid_administration,
)
from ketacare.dosing.services import (
    SessionConflict,
    entry_audit,
    evaluate_clearance,
    locked,
    save_entry,
    save_session,
)
from ketacare.inventory.models import Form, LedgerEntry, Stock, amount
from ketacare.inventory.queries import dose_units
from ketacare.inventory.services import draw_waste, stock_draw, wasted
from ketacare.patients.models import ChartEntry
from ketacare.treatment.queries import latest_measurement
from ketacare.treatment.schedule import schedule_changed

ADMINISTRATION_FIELDS = (
    "drug",
    "lot_number",
    "lot_expiry",
    "dose_mg",
    "ordered_dose_mg",
    "weight_used_kg",
    "weight_basis",
    "weight_measured_at",
    "weight_acknowledged",
    "concentration_mg_per_ml",
    "rate_mg_per_h",
    "rate_ml_per_h",
    "devices_planned",
    "started_at",
    "difference_reason",
    "override_reason",
    "overridden",
)


@dataclass
class OrderedDose:
    """What the course's current dose order gives today, and the warnings on a dose. A
    weight-based dose carries the weight's time and age in days (the clinic's dates)."""

    dose_mg: float
    weight_used_kg: float | None = None
    weight_basis: str = ""
    cap_mg: float | None = None
    allowed_next: frozenset[int] = frozenset()
    warnings: list[clinical.Finding] = field(default_factory=list)
    weight_measured_at: dt.datetime | None = None
    weight_age_days: int | None = None

    @property
    def stale_weight(self) -> clinical.Finding | None:
        return next((w for w in self.warnings if w.code == "weight_stale"), None)


def _core(error: clinical.ClinicalInputError, name: str = "") -> ValidationError:
    return ValidationError({name or error.field.split(" ")[0]: [str(error)]})


def ordered_dose(session: DosingSession) -> OrderedDose:
    """The dose the order gives: weight-based on the patient's latest weight (capped by the
    order), or the fixed dose; for esketamine also the doses the label allows next."""
    course, rule = session.course, protocol_for_session(session).dose_rule
    if course.fixed_dose_mg is not None:
        allowed: frozenset[int] = frozenset()
        if course.protocol_version.drug == "esketamine":
            allow_28 = 28 in rule.allowed_mg
            previous = administered_doses(session)
            allowed = clinical.allowed_esketamine_doses(
                course.indication or "trd", previous, allow_28=allow_28
            )
        return OrderedDose(float(course.fixed_dose_mg), cap_mg=rule.max_mg, allowed_next=allowed)
    return _weight_based(session, rule)


def _weight_based(session: DosingSession, rule: clinical.DoseRule) -> OrderedDose:
    course, patient = session.course, session.patient
    measurement = latest_measurement(patient)
    if measurement is None or course.dose_mg_per_kg is None:
        raise ValidationError({"dose_mg": "No weight is recorded: record one on the chart."})
    try:
        dose = clinical.weight_based_dose(
            float(measurement.weight_kg),
            float(course.dose_mg_per_kg),
            basis=course.weight_basis,
            height_cm=float(measurement.height_cm) if measurement.height_cm else None,
            sex=patient.sex if patient.sex in ("male", "female") else None,
            max_mg=float(course.max_dose_mg) if course.max_dose_mg is not None else None,
        )
    except clinical.ClinicalInputError as error:
        raise _core(error, "dose_mg") from error
    caps = [cap for cap in (dose.max_mg, rule.max_mg) if cap is not None]
    order = OrderedDose(dose.dose_mg, dose.weight_used_kg, dose.basis, min(caps) if caps else None)
    return _weight_age(order, session, measurement.measured_at, rule.weight_max_age_days)


def _weight_age(
    order: OrderedDose, session: DosingSession, measured_at: dt.datetime, max_age_days: int
) -> OrderedDose:
    """The weight's age on the session's day (the clinic's date of check-in, which a session
    running past midnight keeps), and the core's warning when the protocol finds it too old
    (REFERENCE §2.1 leaves the limit to the clinic)."""
    measured_on = timezone.localtime(measured_at, zoneinfo.ZoneInfo(session.clinic.timezone))
    # A weight taken after midnight in a session that began the evening before is of today.
    day = max(session_day(session), measured_on.date())
    try:
        age = clinical.weight_age_days(measured_on.date(), day)
        stale = clinical.stale_weight_finding(measured_on.date(), day, max_age_days=max_age_days)
    except clinical.ClinicalInputError as error:
        raise _core(error, "dose_mg") from error
    order.weight_measured_at, order.weight_age_days = measured_at, age
    order.warnings.extend([stale] if stale else [])
    return order


def _acknowledged(order: OrderedDose, acknowledged: bool) -> bool:
    """A stale weight needs the nurse's acknowledgement (or a fresh weight on the chart);
    True when one was needed and given, so the record keeps it."""
    stale = order.stale_weight
    if stale is None:
        return False
    if not acknowledged:
        hint = "Record a fresh weight on the chart, or acknowledge this weight."
        raise ValidationError({"weight_acknowledged": [stale.message, hint]})
    return True


def dose_warnings(session: DosingSession, dose_mg: float, order: OrderedDose) -> list[str]:
    """What makes `dose_mg` need a prescriber's override: above the order, above the cap, or
    (esketamine) a dose the label does not allow next (REFERENCE §1.3)."""
    problems = []
    if dose_mg > order.dose_mg:
        problems.append(
            f"dose_above_order: {dose_mg:g} mg is above the ordered {order.dose_mg:g} mg."
        )
    if order.cap_mg is not None and dose_mg > order.cap_mg:
        problems.append(f"dose_above_cap: {dose_mg:g} mg is above the cap of {order.cap_mg:g} mg.")
    if order.allowed_next and int(dose_mg) not in order.allowed_next:
        listed = " or ".join(f"{mg} mg" for mg in sorted(order.allowed_next))
        problems.append(
            f"esketamine_dose_not_allowed: the label allows {listed} as this session's dose."
        )
    return problems


def _hard_stops(session: DosingSession) -> None:
    # Re-checked at the moment of dosing: the course or REMS state may have changed since the
    # checklist (REFERENCE §1.11); hard stops are never overridden.
    evaluate_clearance(session)
    stops = [f["message"] for f in session.findings if f["kind"] == "hard_stop"]
    if stops:
        raise ValidationError({NON_FIELD_ERRORS: stops})
    if session.status != Status.CLEARED:
        waiting = [f["message"] for f in session.findings if f["kind"] in ("missing", "warning")]
        raise ValidationError({NON_FIELD_ERRORS: ["Not cleared for dosing.", *waiting]})


def _override(actor: Actor, session: DosingSession, problems: list[str], reason: str) -> list[str]:
    if not problems:
        return []
    messages = [problem.split(": ", 1)[1] for problem in problems]
    if not reason.strip():
        hint = "A prescriber may give it with an override reason."
        raise ValidationError({"dose_mg": [*messages, hint]})
    if not actor.can(Perm.SESSION_OVERRIDE, session.clinic):
        raise PermissionDenied("Only a prescriber may override: " + " ".join(messages))
    return [problem.split(":", 1)[0] for problem in problems]


def _zone(session: DosingSession) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(session.clinic.timezone)


def _after_check_in(session: DosingSession, started_at: dt.datetime) -> None:
    """A dose is given after the patient arrived (to the minute, as the form types it): an
    earlier start is a typing slip, and would also move the day the lot is judged on."""
    arrived = session.checked_in_at.replace(second=0, microsecond=0)
    if started_at < arrived:
        local = timezone.localtime(session.checked_in_at, _zone(session))
        message = f"The patient checked in at {local:%H:%M} on {local:%d %b}: give a later time."
        raise ValidationError({"started_at": message})


def session_record_administration(
    *,
    actor: Actor,
    session: DosingSession,
    dose_mg: Decimal,
    started_at: dt.datetime,
    lot_number: str = "",
    lot_expiry: dt.date | None = None,
    stock: Stock | None = None,
    drawn_quantity: Decimal | None = None,
    concentration_mg_per_ml: Decimal | None = None,
    infusion_minutes: int | None = None,
    difference_reason: str = "",
    override_reason: str = "",
    weight_acknowledged: bool = False,
) -> Administration:
    """Record the dose given. Refused while the session is not cleared (a hard stop, a
    missing REMS enrollment); a weight-based dose on a weight older than the protocol allows
    needs `weight_acknowledged` (kept on the record); a dose above the order or cap, or one
    the label does not allow next, needs a prescriber's override reason; any other difference
    from the order needs a reason. IV rates come from `clinical.infusion`.

    The dose is drawn from `stock` (a lot at a place on the ledger; required when the clinic
    keeps its doses on the ledger), `drawn_quantity` in the lot's unit (the dose's own
    quantity when not given; esketamine: its devices); what is drawn beyond the dose is then
    wasted with a witness (`session_record_waste`). Without the ledger the lot is typed."""
    check_effective_time("started_at", started_at)
    with transaction.atomic():
        row = locked(session, actor, Perm.SESSION_ADMINISTER)
        if valid_administration(row) is not None:
            raise SessionConflict("The dose is already recorded; correct that entry to redo it.")
        _hard_stops(row)
        _after_check_in(row, started_at)
        lot_number, lot_expiry = _typed_lot(row, stock, lot_number, lot_expiry, started_at)
        order = ordered_dose(row)
        stale_acknowledged = _acknowledged(order, weight_acknowledged)
        dose = float(dose_mg)
        overridden = _override(actor, row, dose_warnings(row, dose, order), override_reason)
        if dose != order.dose_mg and not difference_reason.strip():
            message = f"The order gives {order.dose_mg:g} mg: say why {dose:g} mg is given."
            raise ValidationError({"difference_reason": message})
        record = Administration(
            session=row,
            patient=row.patient,
            clinic=row.clinic,
            recorded_by=person_of(actor),
            drug=row.course.protocol_version.drug,
            route=row.route,
            lot_number=stock.lot.lot_number if stock else lot_number,
            lot_expiry=stock.lot.expiry if stock else lot_expiry,
            dose_mg=dose_mg,
            ordered_dose_mg=Decimal(str(order.dose_mg)),
            weight_used_kg=_decimal(order.weight_used_kg),
            weight_basis=order.weight_basis,
            weight_measured_at=order.weight_measured_at,
            weight_acknowledged=stale_acknowledged,
            started_at=started_at,
            difference_reason=difference_reason.strip() if dose != order.dose_mg else "",
            override_by=person_of(actor) if overridden else None,
            override_reason=override_reason.strip() if overridden else "",
            overridden=overridden,
            **_route_details(row, dose, concentration_mg_per_ml, infusion_minutes),
        )
        if stock is not None:
            record.draw = _draw(actor, row, record, stock, drawn_quantity)
        save_entry(record, actor, ADMINISTRATION_FIELDS)
        _dose_started(row, actor, record)
        return record


def _typed_lot(
    session: DosingSession,
    stock: Stock | None,
    lot_number: str,
    lot_expiry: dt.date | None,
    started_at: dt.datetime,
) -> tuple[str, dt.date]:
    """The typed lot of a clinic not on the ledger, checked; a ledger lot is checked by the
    draw. Judged on the day the dose was given: recording it after midnight changes nothing."""
    if stock is not None:
        if lot_number.strip() or lot_expiry is not None:
            message = "The dose is drawn from the ledger's lot chosen: leave the typed lot empty."
            raise ValidationError({"lot_number": message})
        return "", dt.date.min
    if session.clinic.ledger_required:
        raise ValidationError({"stock_id": "Choose the lot and place the dose is drawn from."})
    problems = {}
    if not lot_number.strip():
        problems["lot_number"] = "Give the lot number on the vial or device."
    if lot_expiry is None:
        problems["lot_expiry"] = "Give the lot's expiry date."
    if problems:
        raise ValidationError(problems)
    assert lot_expiry is not None
    if lot_expiry < timezone.localtime(started_at, _zone(session)).date():
        raise ValidationError({"lot_expiry": "This lot has expired: use another lot."})
    return lot_number.strip(), lot_expiry


def _draw(
    actor: Actor,
    session: DosingSession,
    record: Administration,
    stock: Stock,
    drawn: Decimal | None,
) -> LedgerEntry:
    """Draw the dose from the ledger: at least the dose's own quantity (for esketamine
    exactly its devices, which are never split)."""
    needed = dose_units(stock.lot, record.dose_mg, record.devices_planned)
    quantity = needed if drawn is None else drawn
    unit = stock.lot.unit_name
    if stock.lot.form == Form.DEVICE and quantity != needed:
        devices = amount(needed)
        message = f"A {amount(record.dose_mg)} mg dose uses {devices} devices: draw {devices}."
        raise ValidationError({"drawn_quantity": message})
    if quantity < needed:
        message = f"The dose needs {amount(needed)} {unit} of this lot: draw at least that."
        raise ValidationError({"drawn_quantity": message})
    return stock_draw(
        actor=actor,
        stock=stock,
        quantity=quantity,
        drawn_at=record.started_at,
        patient=session.patient,
        drug=record.drug,
    )


def _running_minutes(record: Administration, stopped_at: dt.datetime) -> float:
    """How long the infusion ran up to `stopped_at`, its pauses left out (one still open
    when it stopped ends there)."""
    paused = dt.timedelta()
    for pause in record.pauses.all():  # prefetched by the reconciliation
        if not pause.entered_in_error:
            paused += (pause.resumed_at or stopped_at) - pause.paused_at
    return max((stopped_at - record.started_at - paused).total_seconds() / 60, 0.0)


def given_units(record: Administration) -> Decimal:
    """What the dose took of its lot, in the lot's unit: for esketamine the devices used once
    the session is aborted (else those planned; the dose ends when the last is used), for an
    IV infusion stopped before its time what it gave (`clinical.infused_mg`), else the dose."""
    assert record.draw is not None
    lot = record.draw.stock.lot
    if record.devices_planned is not None and record.session.status == Status.ABORTED:
        used = [d for d in record.devices.all() if not d.entered_in_error]
        return dose_units(lot, record.dose_mg, len(used))
    given = record.dose_mg
    if record.stopped_at is not None and record.infusion_minutes:
        # Past its time the infusion gave its dose, however long the session stayed open.
        running = min(_running_minutes(record, record.stopped_at), record.infusion_minutes)
        infused = clinical.infused_mg(float(record.dose_mg), record.infusion_minutes, running)
        given = min(Decimal(str(infused)), record.dose_mg)
    return dose_units(lot, given, record.devices_planned)


def dose_remainder(record: Administration) -> Decimal:
    """What of the dose's draw was not given and is not yet wasted."""
    if record.draw is None:
        return Decimal(0)
    return record.draw.quantity - given_units(record) - wasted(record.draw)


def session_record_waste(
    *,
    actor: Actor,
    session: DosingSession,
    waste_quantity: Decimal,
    witness: User | None,
    wasted_at: dt.datetime,
) -> LedgerEntry:
    """Waste what the dose's draw left, witnessed by a second staff member who signs. Also
    after discharge: the patient need not wait in the chair for the books."""
    with transaction.atomic():
        actor.demand(Perm.SESSION_ADMINISTER, session.clinic)
        row = DosingSession.objects.select_for_update().get(pk=session.pk)
        record = valid_administration(row)
        if record is None or record.draw is None:
            raise SessionConflict("No dose drawn from the ledger is recorded on this session.")
        if dose_remainder(record) <= 0:
            raise SessionConflict("Nothing of this dose's draw is left to waste.")
        return draw_waste(
            actor=actor,
            draw=record.draw,
            quantity=waste_quantity,
            remainder=record.draw.quantity - given_units(record),
            witness=witness,
            wasted_at=wasted_at,
        )


def _decimal(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _route_details(
    session: DosingSession,
    dose_mg: float,
    concentration: Decimal | None,
    minutes: int | None,
) -> dict[str, Any]:
    rule = protocol_for_session(session).dose_rule
    if session.course.protocol_version.drug == "esketamine":
        try:
            devices = clinical.esketamine_devices(int(dose_mg), allow_28=28 in rule.allowed_mg)
        except clinical.ClinicalInputError as error:
            raise _core(error, "dose_mg") from error
        return {"devices_planned": devices}
    if session.route != "iv":
        return {}
    if concentration is None:
        raise ValidationError({"concentration_mg_per_ml": "Give the concentration for IV."})
    duration = minutes or rule.infusion_minutes
    if duration is None:
        raise ValidationError({"infusion_minutes": "Give the infusion time in minutes."})
    try:
        rates = clinical.infusion(dose_mg, duration, float(concentration))
    except clinical.ClinicalInputError as error:
        raise _core(error) from error
    return {
        "concentration_mg_per_ml": concentration,
        "infusion_minutes": duration,
        "rate_mg_per_h": _decimal(rates.rate_mg_per_h),
        "rate_ml_per_h": _decimal(rates.rate_ml_per_h),
        "volume_ml": _decimal(rates.volume_ml),
    }


def _dose_started(session: DosingSession, actor: Actor, record: Administration) -> None:
    before = {"status": session.status, "dose_started_at": session.dose_started_at}
    # Esketamine's clock starts at the first device; IV and the other routes at the start.
    if record.devices_planned is None:
        session.dose_started_at = record.started_at
    session.status = (
        Status.DOSING if record.devices_planned or record.route == "iv" else (Status.MONITORING)
    )
    save_session(session, actor, before)
    _tell_dose_started(session, before["dose_started_at"])


def _tell_dose_started(session: DosingSession, before: object) -> None:
    """The course's questionnaires asked before this dose close as it starts (the measurement
    plan listens); sent once, when the dose time is first set."""
    if before is None and session.dose_started_at is not None:
        schedule_changed.send(sender=DosingSession, course=session.course)


def _administration(session: DosingSession, *, esketamine: bool) -> Administration:
    record = valid_administration(session)
    if record is None:
        raise SessionConflict("Record the administration first.")
    if esketamine != (record.devices_planned is not None):
        kind = "an esketamine" if esketamine else "an IV"
        raise SessionConflict(f"This step is for {kind} administration.")
    if not esketamine and record.route != "iv":
        raise SessionConflict("This step is for an IV administration.")
    return record


def session_record_device(
    *, actor: Actor, session: DosingSession, administered_at: dt.datetime
) -> DeviceUse:
    """One esketamine device used (REFERENCE §1.4). A device less than 5 minutes after the
    previous one is recorded with the core's warning; the last device starts monitoring."""
    check_effective_time("administered_at", administered_at)
    with transaction.atomic():
        row = locked(session, actor, Perm.SESSION_ADMINISTER)
        record = _administration(row, esketamine=True)
        used = list(DeviceUse.objects.filter(administration=record, entered_in_error=False))
        if len(used) >= (record.devices_planned or 0):
            raise SessionConflict(f"All {record.devices_planned} devices are recorded.")
        try:
            findings = device_rest_findings([d.administered_at for d in used], administered_at)
        except clinical.ClinicalInputError as error:
            raise _core(error) from error
        device = DeviceUse(
            session=row,
            patient=row.patient,
            clinic=row.clinic,
            recorded_by=person_of(actor),
            administration=record,
            device_number=len(used) + 1,
            administered_at=administered_at,
            findings=[{"code": f.code, "kind": f.kind, "message": f.message} for f in findings],
        )
        save_entry(device, actor, ("device_number", "administered_at", "findings"))
        before = {"status": row.status, "dose_started_at": row.dose_started_at}
        if not used:
            row.dose_started_at = administered_at
        if len(used) + 1 == record.devices_planned:
            row.status = Status.MONITORING
        save_session(row, actor, before)
        _tell_dose_started(row, before["dose_started_at"])
        return device


def session_pause_infusion(
    *, actor: Actor, session: DosingSession, paused_at: dt.datetime, reason: str
) -> InfusionPause:
    if not reason.strip():
        raise ValidationError({"reason": "Say why the infusion is paused."})
    check_effective_time("paused_at", paused_at)
    with transaction.atomic():
        row = locked(session, actor, Perm.SESSION_ADMINISTER)
        record = _running_infusion(row)
        if record.pauses.filter(resumed_at__isnull=True, entered_in_error=False).exists():
            raise SessionConflict("The infusion is already paused.")
        pause = InfusionPause(
            session=row,
            patient=row.patient,
            clinic=row.clinic,
            recorded_by=person_of(actor),
            administration=record,
            paused_at=paused_at,
            reason=reason.strip()[:300],
        )
        save_entry(pause, actor, ("paused_at", "reason"))
        return pause


def _audit_update(actor: Actor, entry: ChartEntry, changes: dict[str, Any]) -> None:
    audit.record(entry_audit(AuditAction.UPDATE, entry, changes), actor)


def _running_infusion(session: DosingSession) -> Administration:
    record = _administration(session, esketamine=False)
    if record.stopped_at is not None:
        raise SessionConflict("The infusion has stopped.")
    return record


def session_resume_infusion(
    *, actor: Actor, session: DosingSession, resumed_at: dt.datetime
) -> InfusionPause:
    check_effective_time("resumed_at", resumed_at)
    with transaction.atomic():
        row = locked(session, actor, Perm.SESSION_ADMINISTER)
        record = _running_infusion(row)
        pause = record.pauses.filter(resumed_at__isnull=True, entered_in_error=False).first()
        if pause is None:
            raise SessionConflict("The infusion is not paused.")
        pause.resumed_at = resumed_at
        pause.full_clean()
        pause.save(update_fields=["resumed_at", "updated_at"])
        _audit_update(actor, pause, {"resumed_at": {"old": None, "new": resumed_at}})
        return pause


def session_stop_infusion(
    *, actor: Actor, session: DosingSession, stopped_at: dt.datetime, reason: str = ""
) -> Administration:
    """Stop the infusion; stopping before the planned time needs a reason (REFERENCE §2.6:
    breaches are logged with the action taken). Monitoring follows."""
    check_effective_time("stopped_at", stopped_at)
    with transaction.atomic():
        row = locked(session, actor, Perm.SESSION_ADMINISTER)
        record = _running_infusion(row)
        if stopped_at < record.started_at:
            raise ValidationError({"stopped_at": "The stop is before the start."})
        planned_end = record.started_at + dt.timedelta(minutes=record.infusion_minutes or 0)
        if stopped_at < planned_end and not reason.strip():
            raise ValidationError({"reason": "The infusion stops early: say why."})
        record.stopped_at, record.stop_reason = stopped_at, reason.strip()[:300]
        record.full_clean()
        record.save(update_fields=["stopped_at", "stop_reason", "updated_at"])
        _audit_update(actor, record, {"stopped_at": {"old": None, "new": stopped_at}})
        before = {"status": row.status}
        row.status = Status.MONITORING
        save_session(row, actor, before)
        return record
