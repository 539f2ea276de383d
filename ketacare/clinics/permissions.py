"""Who may do what: the one table every view, API operation and service is checked against.

Its rows are the staff roles and three scopes for actors who are not staff: a patient (in
their own clinic, on their own record), a system task (in the clinic it works for) and the
public. `clinics.actors` resolves which row applies to an actor in a clinic. A view declares
its permission with `@staff_view(Perm.X)` (`clinics.access`) or `@public_view` /
`@authenticated_view` (`core.http`); the permission-matrix test refuses any without one.
"""

from enum import StrEnum

from ketacare.clinics.models import Role


class Scope(StrEnum):
    PATIENT = "patient"
    KIOSK = "kiosk"
    SYSTEM = "system"
    PUBLIC = "public"


class Perm(StrEnum):
    PATIENT_LIST = "patient.list"
    PATIENT_VIEW = "patient.view"
    PATIENT_REGISTER = "patient.register"
    PATIENT_EDIT = "patient.edit"
    CHART_VIEW_CLINICAL = "chart.view_clinical"
    CHART_RECORD = "chart.record"
    DIAGNOSIS_RECORD = "diagnosis.record"
    AUDIT_VIEW = "audit.view"
    INTAKE_VIEW = "intake.view"
    INTAKE_RECORD = "intake.record"
    ASSESSMENT_RECORD = "assessment.record"
    ELIGIBILITY_SIGN = "eligibility.sign"
    PROTOCOL_VIEW = "protocol.view"
    PROTOCOL_MANAGE = "protocol.manage"
    PROTOCOL_LIBRARY_SYNC = "protocol.library_sync"
    COURSE_VIEW = "course.view"
    COURSE_MANAGE = "course.manage"
    REMS_ENROLL = "rems.enroll"
    SCHEDULE_VIEW = "schedule.view"
    SCHEDULE_MANAGE = "schedule.manage"
    SESSION_VIEW = "session.view"
    SESSION_CHECKIN = "session.checkin"
    SESSION_RECORD = "session.record"
    SESSION_ADMINISTER = "session.administer"
    SESSION_OVERRIDE = "session.override"
    SESSION_DISCHARGE = "session.discharge"
    REMS_FORM_VIEW = "rems_form.view"
    REMS_FORM_RECORD = "rems_form.record"
    CLINIC_EDIT = "clinic.edit"
    JOBS_VIEW = "jobs.view"
    ALERT_VIEW = "alert.view"
    ALERT_ACKNOWLEDGE = "alert.acknowledge"
    ALERT_RESOLVE = "alert.resolve"
    ALERT_RESOLVE_URGENT = "alert.resolve_urgent"
    ALERT_ESCALATE = "alert.escalate"
    PORTAL_MANAGE = "portal.manage"
    QUESTIONNAIRE_ASSIGN = "questionnaire.assign"
    PORTAL_USE = "portal.use"
    QUESTIONNAIRE_ANSWER = "questionnaire.answer"
    KIOSK_OPEN = "kiosk.open"
    OUTCOMES_VIEW = "outcomes.view"
    CARE_TEAM_VIEW = "care_team.view"
    CARE_TEAM_MANAGE = "care_team.manage"
    THERAPY_BOOK = "therapy.book"
    THERAPY_RECORD = "therapy.record"
    THERAPY_NOTE_READ = "therapy_note.read"
    THERAPY_NOTE_WRITE = "therapy_note.write"
    PROFILE_MANAGE = "profile.manage"
    OUTCOMES_PUBLISH = "outcomes.publish"
    CREDENTIALS_MANAGE = "credentials.manage"
    REVIEWS_REPLY = "reviews.reply"
    STOCK_VIEW = "stock.view"
    STOCK_RECORD = "stock.record"
    STOCK_WITNESS = "stock.witness"
    STOCK_RESOLVE = "stock.resolve"
    WATCH_VIEW = "watch.view"
    WATCH_RECORD = "watch.record"
    WATCH_REVIEW = "watch.review"

    @property
    def label(self) -> str:
        """What the permission allows, in words for a refusal message."""
        return PERM_LABELS[self]


PERM_LABELS = {
    Perm.PATIENT_LIST: "list patients",
    Perm.PATIENT_VIEW: "open a patient's record",
    Perm.PATIENT_REGISTER: "register patients",
    Perm.PATIENT_EDIT: "edit patient details",
    Perm.CHART_VIEW_CLINICAL: "read the clinical chart",
    Perm.CHART_RECORD: "record on the chart",
    Perm.DIAGNOSIS_RECORD: "record diagnoses",
    Perm.AUDIT_VIEW: "read the audit report",
    Perm.INTAKE_VIEW: "read intakes",
    Perm.INTAKE_RECORD: "record intakes",
    Perm.ASSESSMENT_RECORD: "record rating scales",
    Perm.ELIGIBILITY_SIGN: "sign eligibility decisions",
    Perm.PROTOCOL_VIEW: "read the protocol library",
    Perm.PROTOCOL_MANAGE: "manage the protocol library",
    Perm.PROTOCOL_LIBRARY_SYNC: "copy the built-in protocols into the library",
    Perm.COURSE_VIEW: "read treatment courses",
    Perm.COURSE_MANAGE: "order and change treatment courses",
    Perm.REMS_ENROLL: "record REMS enrollments",
    Perm.SCHEDULE_VIEW: "read the schedule",
    Perm.SCHEDULE_MANAGE: "book, move or cancel sessions",
    Perm.SESSION_VIEW: "open dosing sessions",
    Perm.SESSION_CHECKIN: "check patients in",
    Perm.SESSION_RECORD: "record at the chair",
    Perm.SESSION_ADMINISTER: "record a dose",
    Perm.SESSION_OVERRIDE: "override a session's warnings",
    Perm.SESSION_DISCHARGE: "discharge patients",
    Perm.REMS_FORM_VIEW: "read REMS monitoring forms",
    Perm.REMS_FORM_RECORD: "complete REMS monitoring forms",
    Perm.CLINIC_EDIT: "edit the clinic's details",
    Perm.JOBS_VIEW: "see the clinic's background jobs",
    Perm.ALERT_VIEW: "see suicide-risk alerts",
    Perm.ALERT_ACKNOWLEDGE: "acknowledge suicide-risk alerts",
    Perm.ALERT_RESOLVE: "resolve suicide-risk alerts",
    Perm.ALERT_RESOLVE_URGENT: "resolve urgent suicide-risk alerts",
    Perm.ALERT_ESCALATE: "escalate unacknowledged alerts",
    Perm.PORTAL_MANAGE: "invite patients to the portal or revoke their access",
    Perm.QUESTIONNAIRE_ASSIGN: "send patients questionnaires",
    Perm.PORTAL_USE: "use the patient portal",
    Perm.QUESTIONNAIRE_ANSWER: "answer questionnaires",
    Perm.KIOSK_OPEN: "open a kiosk code for a patient's questionnaires",
    Perm.OUTCOMES_VIEW: "see the clinic's outcomes",
    Perm.CARE_TEAM_VIEW: "see a patient's care team",
    Perm.CARE_TEAM_MANAGE: "change a patient's care team",
    Perm.THERAPY_BOOK: "book, move or cancel therapy sessions",
    Perm.THERAPY_RECORD: "record a therapy session as held or missed",
    Perm.THERAPY_NOTE_READ: "read therapy progress notes",
    Perm.THERAPY_NOTE_WRITE: "write therapy notes",
    Perm.PROFILE_MANAGE: "edit and publish the clinic's public profile",
    Perm.OUTCOMES_PUBLISH: "work out the outcomes the clinic publishes",
    Perm.CREDENTIALS_MANAGE: "record and verify staff credentials",
    Perm.REVIEWS_REPLY: "reply to the clinic's reviews",
    Perm.STOCK_VIEW: "read the controlled-substance ledger",
    Perm.STOCK_RECORD: "receive, move, count and return controlled stock",
    Perm.STOCK_WITNESS: "witness a waste, return, destruction or count adjustment",
    Perm.STOCK_RESOLVE: "resolve a count discrepancy",
    Perm.WATCH_VIEW: "see the long-term safety watch: checks due and positive results",
    Perm.WATCH_RECORD: "record a safety-watch check",
    Perm.WATCH_REVIEW: "review a positive safety-watch check",
}


# Who is on a patient's care team is known to all who schedule and treat them.
_EVERY_ROLE = {Perm.PATIENT_LIST, Perm.PATIENT_VIEW, Perm.SCHEDULE_VIEW, Perm.CARE_TEAM_VIEW}
# Whoever checks a patient in may open the clinic tablet's kiosk for the questionnaires due.
_FRONT_DESK = _EVERY_ROLE | {
    Perm.PATIENT_REGISTER,
    Perm.PATIENT_EDIT,
    Perm.SCHEDULE_MANAGE,
    Perm.KIOSK_OPEN,
}
_CLINICAL_READ = _EVERY_ROLE | {
    Perm.CHART_VIEW_CLINICAL,
    Perm.INTAKE_VIEW,
    Perm.PROTOCOL_VIEW,
    Perm.COURSE_VIEW,
}
# Screening data is recorded by the clinicians who take it. Therapists administer rating
# scales in their sessions, so they record assessments but not the medical intake. Only a
# prescriber signs an eligibility decision (DESIGN: clinical decisions are signed by the
# right role); the clinic admin reads but never records clinical data.
_SCREENING = {Perm.INTAKE_RECORD, Perm.ASSESSMENT_RECORD}
# Treatment: the clinic admin keeps the protocol library; only a prescriber orders a course or
# a dose; the prescriber or nurse records the REMS enrollment (REFERENCE §1.11); front desk,
# nurses and prescribers keep the schedule (front desk inherits it from _FRONT_DESK; the
# admin does not, as the admin reads but does not write clinical work).
# Dosing sessions: front desk checks a patient in from today's list but neither reads nor
# records the clinical session; nurses and prescribers run the chair; only a prescriber
# overrides a warning or a high suicide triage (DESIGN: signed by the right role).
_SESSION_CHAIR = {
    Perm.SESSION_VIEW,
    Perm.SESSION_CHECKIN,
    Perm.SESSION_RECORD,
    Perm.SESSION_ADMINISTER,
    Perm.SESSION_DISCHARGE,
}
# The clinic admin keeps the clinic's own name, contact and address (the REMS form's setting).
# The REMS monitoring form (REFERENCE §1.11) is completed by the nurse or prescriber who ran the
# session; the clinic admin follows the forms due but does not record them.
_REMS_FORM = {Perm.REMS_FORM_VIEW, Perm.REMS_FORM_RECORD}
# Suicide-risk alerts (REFERENCE §6.2): every clinician sees them and the clinic admin, to whom
# an unacknowledged one escalates; nurses and prescribers act on them; an urgent one, which
# blocks dosing, is resolved by a prescriber only. Portal access is given and taken away by
# whoever keeps the patient's details; clinicians send questionnaires. The clinic's outcomes
# (aggregates, small numbers suppressed) are for its admin and prescribers.
_ALERTS_SEEN = {Perm.ALERT_VIEW}
_ALERTS_WORKED = {Perm.ALERT_VIEW, Perm.ALERT_ACKNOWLEDGE, Perm.ALERT_RESOLVE}
_CLINICIAN_MEASURES = {Perm.QUESTIONNAIRE_ASSIGN, Perm.KIOSK_OPEN}
# Therapy (REFERENCE §7): the clinic admin, prescribers and nurses put clinicians on a
# patient's care team; whoever books dosing sessions books therapy sessions too, and so do
# therapists, who keep their own diaries; only a therapist records a session held or missed.
# Progress notes are read by the clinicians who treat (not the clinic admin or front desk);
# a therapist writes notes, and a psychotherapy note is read by its author alone, whatever
# the role (HIPAA's psychotherapy notes; checked on the note, not in this table).
_THERAPY_BOOKING = {Perm.THERAPY_BOOK}
_NOTES_READ = {Perm.THERAPY_NOTE_READ}
# The controlled-substance ledger (Schedule III, REFERENCE §1.1): those who hold and give the
# drug keep its books (nurses, prescribers) and so does the clinic admin, who receives
# deliveries; any of them witnesses another's waste. A count discrepancy is resolved by a
# prescriber or the admin (the registrant's side), never by front desk or a therapist.
_STOCK = {Perm.STOCK_VIEW, Perm.STOCK_RECORD, Perm.STOCK_WITNESS}
# The long-term safety watch (REFERENCE §1.9): nurses and prescribers ask and record the
# checks, the clinic admin sees what is due; a positive one is reviewed by a prescriber.
_WATCH = {Perm.WATCH_VIEW, Perm.WATCH_RECORD}

GRANTS: dict[str, frozenset[Perm]] = {
    Role.CLINIC_ADMIN: frozenset(
        (_FRONT_DESK - {Perm.SCHEDULE_MANAGE})
        | _CLINICAL_READ
        | {
            Perm.AUDIT_VIEW,
            Perm.PROTOCOL_MANAGE,
            Perm.PROTOCOL_LIBRARY_SYNC,
            Perm.SESSION_VIEW,
            Perm.REMS_FORM_VIEW,
            Perm.CLINIC_EDIT,
            Perm.JOBS_VIEW,
            Perm.PORTAL_MANAGE,
            Perm.OUTCOMES_VIEW,
            Perm.CARE_TEAM_MANAGE,
            Perm.PROFILE_MANAGE,  # DESIGN: the admin keeps the public profile
            Perm.CREDENTIALS_MANAGE,  # DESIGN: "staff and their credentials"
            Perm.REVIEWS_REPLY,  # the reply is shown once the admin confirms it
            Perm.STOCK_RESOLVE,
            Perm.WATCH_VIEW,
        }
        | _ALERTS_SEEN
        | _STOCK
    ),
    Role.PRESCRIBER: frozenset(
        _FRONT_DESK
        | _CLINICAL_READ
        | _SCREENING
        | {
            Perm.CHART_RECORD,
            Perm.DIAGNOSIS_RECORD,
            Perm.ELIGIBILITY_SIGN,
            Perm.COURSE_MANAGE,
            Perm.REMS_ENROLL,
            Perm.SESSION_OVERRIDE,
            Perm.ALERT_RESOLVE_URGENT,
            Perm.PORTAL_MANAGE,
            Perm.OUTCOMES_VIEW,
            Perm.CARE_TEAM_MANAGE,
            Perm.STOCK_RESOLVE,
            Perm.WATCH_REVIEW,
        }
        | _WATCH
        | _THERAPY_BOOKING
        | _NOTES_READ
        | _SESSION_CHAIR
        | _STOCK
        | _REMS_FORM
        | _ALERTS_WORKED
        | _CLINICIAN_MEASURES
    ),
    Role.NURSE: frozenset(
        _FRONT_DESK
        | _CLINICAL_READ
        | _SCREENING
        | _SESSION_CHAIR
        | _REMS_FORM
        | _ALERTS_WORKED
        | _CLINICIAN_MEASURES
        | _THERAPY_BOOKING
        | _NOTES_READ
        | _STOCK
        | _WATCH
        | {Perm.CHART_RECORD, Perm.REMS_ENROLL, Perm.PORTAL_MANAGE, Perm.CARE_TEAM_MANAGE}
    ),
    Role.THERAPIST: frozenset(
        _CLINICAL_READ
        | _ALERTS_SEEN
        | _CLINICIAN_MEASURES
        | _THERAPY_BOOKING
        | _NOTES_READ
        | {Perm.ASSESSMENT_RECORD, Perm.SESSION_VIEW, Perm.THERAPY_RECORD, Perm.THERAPY_NOTE_WRITE}
    ),
    Role.FRONT_DESK: frozenset(
        _FRONT_DESK | _THERAPY_BOOKING | {Perm.SESSION_CHECKIN, Perm.PORTAL_MANAGE}
    ),
    # A patient reads and answers only what is theirs, at the portal; no staff page or
    # operation exists for them (404).
    Scope.PATIENT: frozenset({Perm.PORTAL_USE, Perm.QUESTIONNAIRE_ANSWER}),
    # A patient at the clinic's tablet, let in by a kiosk code: their questionnaires due, no
    # portal pages, and only until the kiosk locks.
    Scope.KIOSK: frozenset({Perm.QUESTIONNAIRE_ANSWER}),
    # A task works for one clinic, doing only what its job needs: setting a new clinic up
    # copies the built-in protocols into its library; the REMS forms-due digest reads the
    # forms due (REFERENCE §1.11); the alert jobs read the alerts they tell people of and
    # mark the unacknowledged ones escalated; the nightly refresh works out the outcomes a
    # clinic publishes (aggregates only). A task records no clinical data.
    Scope.SYSTEM: frozenset(
        {
            Perm.PROTOCOL_LIBRARY_SYNC,
            Perm.REMS_FORM_VIEW,
            Perm.ALERT_VIEW,
            Perm.ALERT_ESCALATE,
            Perm.OUTCOMES_PUBLISH,
        }
    ),
    # The public reads only what a clinic published, on `@public_view` pages that ask no
    # permission; nothing is granted to it here.
    Scope.PUBLIC: frozenset(),
}


def role_can(role: str | None, perm: Perm) -> bool:
    """Whether the table's row `role` (a staff role or a scope) holds `perm`."""
    return role is not None and perm in GRANTS.get(role, frozenset())
