"""The synthetic demo network: two clinics, staff in every role, patients with histories.

Everything is made through the same services the app uses, so the demo's audit trail is
real. The generator is deterministic (seeded), and seeding twice changes nothing.
"""

import datetime as dt
import random
from collections.abc import Callable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ketacare.accounts.models import User
from ketacare.accounts.services import user_create
from ketacare.assessments.services import assessment_record
from ketacare.clinics.actors import Actor, StaffActor, SystemActor, staff_actor
from ketacare.clinics.models import Clinic, Role
from ketacare.clinics.services import clinic_create, membership_grant
from ketacare.demo import sessions
from ketacare.demo.directory import seed_directory
from ketacare.demo.history import seed_history
from ketacare.demo.ledger import count_stock, seed_ledger
from ketacare.demo.network import (
    BOARD,
    CLINICS,
    DEMO_PASSWORD,
    ROUTE_OF_CLINIC,
    STAFF,
    DemoClinic,
    chair_of,
    staff_email,
)
from ketacare.demo.portal import seed_portal
from ketacare.demo.reviews import seed_reviews
from ketacare.demo.therapy import seed_therapy
from ketacare.demo.today import lay_out_today
from ketacare.demo.watch import seed_watch_protocol, seed_watch_result
from ketacare.patients import services as patients
from ketacare.patients.models import Patient
from ketacare.screening import services as screening
from ketacare.screening.models import Intake
from ketacare.screening.review import eligibility_review
from ketacare.treatment import library as protocols
from ketacare.treatment import services as treatment
from ketacare.treatment.models import ProtocolVersion, TreatmentCourse
from ketacare.treatment.queries import eligible_decision

SEED = SystemActor("demo seed")


GIVEN_F = [
    "Maria",
    "Aisha",
    "Emily",
    "Grace",
    "Hannah",
    "Leah",
    "Nora",
    "Olivia",
    "Rosa",
    "Sofia",
    "Tara",
    "Yuki",
    "Chloe",
    "Imani",
]
GIVEN_M = [
    "Aaron",
    "Ben",
    "Carlos",
    "David",
    "Elijah",
    "Felix",
    "Hassan",
    "Jamal",
    "Kenji",
    "Liam",
    "Marcus",
    "Noah",
    "Omar",
    "Peter",
]
FAMILY = [
    "Rivera",
    "Chen",
    "Okonkwo",
    "Schmidt",
    "Patel",
    "Johnson",
    "Nguyen",
    "Haddad",
    "Kowalski",
    "Garcia",
    "Murphy",
    "Tanaka",
    "Brown",
    "Silva",
    "Cohen",
    "Adeyemi",
    "Larsen",
    "Moreau",
    "Singh",
    "Walker",
]
ANTIDEPRESSANTS = [
    ("Sertraline", "100 mg"),
    ("Escitalopram", "20 mg"),
    ("Venlafaxine XR", "225 mg"),
    ("Bupropion XL", "300 mg"),
    ("Duloxetine", "60 mg"),
    ("Mirtazapine", "30 mg"),
    ("Fluoxetine", "40 mg"),
    ("Vortioxetine", "20 mg"),
]
OTHER_MEDS = [
    ("Lisinopril", "10 mg", "daily"),
    ("Levothyroxine", "75 mcg", "daily"),
    ("Lorazepam", "0.5 mg", "as needed"),
    ("Zolpidem", "5 mg", "at night"),
    ("Atorvastatin", "20 mg", "daily"),
    ("Methylphenidate ER", "36 mg", "daily"),
]
ALLERGIES = [
    ("Penicillin", "Hives", "moderate"),
    ("Sulfonamides", "Rash", "mild"),
    ("Latex", "Contact dermatitis", "mild"),
    ("Codeine", "Nausea and vomiting", "mild"),
    ("Peanuts", "Anaphylaxis", "severe"),
]
REMS_CLASSES = {
    "Lorazepam": "benzodiazepine",
    "Zolpidem": "non_benzo_sedative_hypnotic",
    "Methylphenidate ER": "psychostimulant",
}
DIAGNOSES = [("icd10cm", "F33.2"), ("icd10cm", "F33.1"), ("icd10cm", "F32.2"), ("icd10cm", "F33.9")]
PATIENTS_PER_CLINIC = 24
SCREENED_DAYS_AGO = 56


def seed(progress: Callable[[str], None] = print) -> bool:
    """Create the demo network; returns False if it already exists, after laying out today's
    board where the last one is of an earlier day (`lay_out_today`)."""
    if Clinic.objects.filter(slug__in=[c.slug for c in CLINICS]).exists():
        progress("Demo network already present; keeping it.")
        lay_out_today(progress)
        return False
    rng = random.Random(20261126)
    for spec in CLINICS:
        with transaction.atomic():
            clinic, nurse, prescriber = _seed_clinic(spec, progress)
            _seed_protocols(clinic, spec)
            clinic = seed_ledger(clinic, _admin(spec), nurse)
            seeded = []
            for number in range(PATIENTS_PER_CLINIC):
                patient = _seed_patient(rng, clinic, nurse, prescriber)
                _seed_screening(patient, number, nurse, prescriber)
                _seed_treatment(patient, number, nurse, prescriber)
                seeded.append(patient)
                if (number + 1) % 8 == 0:
                    progress(f"  {spec.name}: {number + 1}/{PATIENTS_PER_CLINIC} patients")
            seed_portal(spec, seeded, prescriber, with_alert=spec is CLINICS[0])
            seed_therapy(spec, seeded, nurse, prescriber)
            seed_history(clinic, nurse.user, prescriber.user)
            seed_directory(spec, clinic)
            seed_reviews(spec, clinic, DEMO_PASSWORD)
            # Counted when all is done: one small shortfall at Northside stays open.
            count_stock(clinic, nurse, discrepancy=spec is CLINICS[0])
            if spec.slug == "lakeshore":
                seed_watch_result(clinic, nurse)
    return True


def _seed_clinic(
    spec: DemoClinic, progress: Callable[[str], None]
) -> tuple[Clinic, StaffActor, StaffActor]:
    progress(f"Creating {spec.name}")
    clinic = clinic_create(
        actor=SEED,
        name=spec.name,
        slug=spec.slug,
        timezone=spec.timezone,
        city=spec.city,
        state=spec.state,
        mrn_prefix=spec.mrn_prefix,
        phone="555-0100",
        email=f"care@{spec.slug}.demo",
        address_line1=spec.address_line1,
        postal_code=spec.postal_code,
    )
    users: dict[Role, StaffActor] = {}
    for role, key, names, credentials in STAFF:
        user = user_create(
            actor=SEED,
            email=staff_email(key, spec),
            full_name=names[CLINICS.index(spec)],
            password=DEMO_PASSWORD,
            check_password=False,
        )
        membership_grant(
            actor=SEED.for_clinic(clinic),
            clinic=clinic,
            user=user,
            role=role,
            credentials=credentials,
        )
        users[role] = staff_actor(user)
    return clinic, users[Role.NURSE], users[Role.PRESCRIBER]


def _seed_patient(rng: random.Random, clinic: Clinic, nurse: Actor, prescriber: Actor) -> Patient:
    sex = rng.choice(["female", "male"])
    given = rng.choice(GIVEN_F if sex == "female" else GIVEN_M)
    family = rng.choice(FAMILY)
    birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 52))
    patient = patients.patient_register(
        actor=nurse,
        clinic=clinic,
        given_name=given,
        family_name=family,
        date_of_birth=birth,
        sex=sex,
        phone=f"555-01{rng.randint(10, 99)}",
        email=f"{given.lower()}.{family.lower()}@example.org",
        address_line1=f"{rng.randint(10, 999)} Elm Street",
        city=clinic.city,
        state=clinic.state,
        postal_code=f"{rng.randint(10000, 99999)}",
        emergency_contact_name=f"{rng.choice(GIVEN_F + GIVEN_M)} {family}",
        emergency_contact_relationship=rng.choice(["Spouse", "Parent", "Sibling", "Friend"]),
        emergency_contact_phone=f"555-02{rng.randint(10, 99)}",
    )
    _seed_history(rng, patient, nurse, prescriber, sex)
    return patient


def _seed_history(
    rng: random.Random, patient: Patient, nurse: Actor, prescriber: Actor, sex: str
) -> None:
    height = Decimal(rng.randint(152, 172) if sex == "female" else rng.randint(165, 190))
    weight = Decimal(rng.randint(55, 115))
    now = timezone.now()
    for months_ago in sorted(rng.sample(range(1, 18), rng.randint(1, 4)), reverse=True):
        weight += Decimal(rng.randint(-3, 3))
        patients.measurement_record(
            actor=nurse,
            patient=patient,
            measured_at=now - dt.timedelta(days=30 * months_ago),
            weight_kg=weight,
            height_cm=height,
        )
    system, code = rng.choice(DIAGNOSES)
    patients.diagnosis_record(
        actor=prescriber,
        patient=patient,
        system=system,
        code=code,
    )
    patients.diagnosis_record(
        actor=prescriber,
        patient=patient,
        system="snomed",
        code="1153570009",
    )
    for name, dose in rng.sample(ANTIDEPRESSANTS, rng.randint(2, 4)):
        started = (now - dt.timedelta(days=rng.randint(60, 900))).date()
        patients.medication_record(
            actor=nurse,
            patient=patient,
            name=name,
            dose=dose,
            frequency="daily",
            started_on=started,
        )
    for name, dose, frequency in rng.sample(OTHER_MEDS, rng.randint(0, 2)):
        patients.medication_record(
            actor=nurse,
            patient=patient,
            name=name,
            dose=dose,
            frequency=frequency,
            rems_class=REMS_CLASSES.get(name, ""),
        )
    for substance, reaction, severity in rng.sample(ALLERGIES, rng.choice([0, 0, 1, 1, 2])):
        patients.allergy_record(
            actor=nurse,
            patient=patient,
            substance=substance,
            reaction=reaction,
            severity=severity,
        )


def _seed_screening(patient: Patient, number: int, nurse: Actor, prescriber: Actor) -> None:
    """Every sixth patient has an intake in progress, half the patients a complete one with
    a signed decision, and patient 2 of each clinic a hard stop signed not eligible."""
    # A stream of its own, so the patients' histories stay as they were before screening.
    rng = random.Random(f"{patient.clinic.slug}-{number}")
    route = ROUTE_OF_CLINIC[patient.clinic.slug]
    if number % 6 == 0:
        intake = _seed_intake(rng, patient, nurse, route, trials=1)
        _seed_scale(rng, patient, nurse, "phq9", days_ago=3)
    elif number % 6 in (1, 3, 5) or number == 2:
        intake = _seed_intake(rng, patient, nurse, route, trials=3, hard_stop=number == 2)
        # Screened before any course began (the longest demo course started seven weeks ago).
        for instrument in ("phq9", "gad7", "cssrs_screener"):
            _seed_scale(rng, patient, nurse, instrument, days_ago=SCREENED_DAYS_AGO)
        _seed_decision(intake, prescriber, route)


def _seed_intake(
    rng: random.Random,
    patient: Patient,
    nurse: Actor,
    route: str,
    trials: int,
    hard_stop: bool = False,
) -> Intake:
    intake = screening.intake_start(
        actor=nurse,
        patient=patient,
        referral_source=rng.choice(["psychiatrist", "primary_care", "therapist", "self"]),
        psychiatric_history="Recurrent major depression since early adulthood.",
        intended_route=route,
        on_oral_antidepressant=True,
        pregnancy_status="not_pregnant" if patient.sex == "female" else "not_applicable",
        substance_use="Alcohol socially; no other substances.",
        ketamine_hypersensitivity=hard_stop,  # a hard stop on every route (§1.8, §2.5)
    )
    for name, dose in rng.sample(ANTIDEPRESSANTS, trials):
        screening.trial_record(
            actor=nurse,
            intake=intake,
            drug=name,
            dose=dose,
            weeks=rng.randint(6, 12),
            adequate=True,
            outcome=rng.choice(["no_response", "partial_response"]),
        )
    screening.intake_vitals_record(
        actor=nurse,
        intake=intake,
        measured_at=timezone.now() - dt.timedelta(days=3),
        sbp=rng.randint(110, 135),
        dbp=rng.randint(70, 85),
        hr=rng.randint(60, 90),
        spo2=rng.randint(96, 99),
        rr=rng.randint(12, 18),
    )
    return intake


def _seed_scale(
    rng: random.Random, patient: Patient, nurse: Actor, instrument: str, days_ago: int
) -> None:
    answers: dict[str, int | bool]
    if instrument == "cssrs_screener":
        answers = {"1": False, "2": False, "6": False}
    else:
        items = 9 if instrument == "phq9" else 7
        answers = {str(item): rng.randint(1, 3) for item in range(1, items + 1)}
        answers["9" if instrument == "phq9" else "7"] = 0
    assessment_record(
        actor=nurse,
        patient=patient,
        instrument=instrument,
        answers=answers,
        administered_at=timezone.now() - dt.timedelta(days=days_ago),
    )


def _seed_decision(intake: Intake, prescriber: Actor, route: str) -> None:
    review = eligibility_review(intake, route)
    status = review.eligibility.status if review.eligibility else "ineligible"
    decision = {"eligible": "eligible", "needs_review": "eligible", "ineligible": "not_eligible"}
    reason = "Reviewed with the patient; closer monitoring planned." if review.warnings else ""
    screening.eligibility_sign(
        actor=prescriber,
        intake=intake,
        route=route,
        decision=decision[status],
        reason=reason,
        facts_digest=review.digest,
    )


# --- treatment ---------------------------------------------------------------------------------

PROTOCOL_OF_CLINIC = {"northside": "iv_ketamine_twice_weekly", "lakeshore": "esketamine_trd"}


def _admin(spec: DemoClinic) -> StaffActor:
    return staff_actor(User.objects.get(email=staff_email("admin", spec)))


def _seed_protocols(clinic: Clinic, spec: DemoClinic) -> None:
    """The built-in library; at Northside a clinic version with its vital-sign limits, at
    Lakeshore one with its long-term safety watch."""
    admin = _admin(spec)
    if spec.slug == "northside":
        base = ProtocolVersion.objects.get(clinic=clinic, code="iv_ketamine_twice_weekly")
        limits = {"sbp_max": 180.0, "hr_min": 50.0, "hr_max": 120.0, "spo2_min": 95.0}
        # A resting BP above 140/90 delays the start: one clinic's rule quoted in §2.6.
        start = {"pre_dose_sbp_max": 140.0, "pre_dose_dbp_max": 90.0}
        protocols.protocol_version_create(
            actor=admin,
            base=base,
            change_note="Northside vital-sign limits before and during the infusion "
            "(REFERENCE §2.6 data points).",
            **{f"in_session_{name}": value for name, value in limits.items()},
            **start,
        )
    if spec.slug == "lakeshore":
        seed_watch_protocol(clinic, admin)


def _seed_treatment(patient: Patient, number: int, nurse: Actor, prescriber: Actor) -> None:
    """Of the patients signed eligible: 1 is mid-course with a past adverse event (Northside
    in IV induction, Lakeshore in esketamine maintenance), 7 ended a course, 13 is paused,
    19 and 23 still await a course, and the `BOARD` patients have a session on today's board."""
    route = ROUTE_OF_CLINIC[patient.clinic.slug]
    on_board = number in BOARD
    if number not in (1, 7, 13, *BOARD) or eligible_decision(patient, route) is None:
        return
    staff = sessions.Staff(nurse=nurse, prescriber=prescriber)
    now = timezone.now()
    # A board session's day: today, or yesterday evening when it began before midnight.
    day = sessions.board_day(patient.clinic, BOARD[number], now) if on_board else None
    today = day or patient.clinic.today()
    weeks_ago = 1 if on_board or route == "iv" else 6
    course = treatment.course_start(
        actor=prescriber,
        patient=patient,
        protocol_version=_protocol_version(patient.clinic),
        start_date=today - dt.timedelta(weeks=weeks_ago, days=0 if on_board else 3),
        weekdays=[today.weekday(), (today.weekday() + 3) % 7] if on_board else None,
        indication="trd" if route == "esketamine_nasal" else "",
    )
    if route == "esketamine_nasal":
        _seed_rems_enrollment(course, nurse, today, weeks_ago)
    if number == 1 or on_board:
        sessions.past_sessions(course, staff, before=today, incident_at=1 if number == 1 else None)
    if on_board:
        sessions.board_session(course, staff, stage=BOARD[number], chair=chair_of(number), now=now)
    elif number == 7:
        treatment.course_end(
            actor=prescriber, course=course, reason="Remission; moved to follow-up."
        )
    elif number == 13:
        treatment.course_pause(actor=prescriber, course=course, reason="Patient travelling abroad.")


def _protocol_version(clinic: Clinic) -> ProtocolVersion:
    version = (
        ProtocolVersion.objects.filter(clinic=clinic, code=PROTOCOL_OF_CLINIC[clinic.slug])
        .order_by("-version")
        .first()
    )
    assert version is not None
    return version


def _seed_rems_enrollment(
    course: TreatmentCourse, nurse: Actor, today: dt.date, weeks_ago: int
) -> None:
    treatment.rems_enrollment_record(
        actor=nurse,
        course=course,
        enrollment_id=f"REMS-{course.patient.mrn}",
        enrolled_on=today - dt.timedelta(weeks=weeks_ago, days=7),
    )
