"""The SPRAVATO REMS Patient Monitoring Form: its fields, completeness, and deadline.

REFERENCE §1.11: outpatient settings complete the form after every esketamine session and submit
it within 7 calendar days; the treatment duration, from the first device to the end of
monitoring, must be at least 2 hours (§1.6). The field list follows the 11/2021 and 2024 form
copies; the exact post-2023 adverse-event wording is UNVERIFIED (§10.2), so adverse events are
kept as yes/no answers with free text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from ketacare.clinical.errors import ClinicalInputError
from ketacare.clinical.findings import Finding, ref
from ketacare.clinical.routes import ESKETAMINE, check_route

__all__ = [
    "REMS_FORM_DUE_DAYS",
    "REMS_MIN_TREATMENT_MINUTES",
    "REMS_REQUIRED_FIELDS",
    "BloodPressure",
    "RemsForm",
    "rems_form_due",
    "rems_form_problems",
    "setting_certification_required",
]

REMS_FORM_DUE_DAYS = 7
REMS_MIN_TREATMENT_MINUTES = 120
RemsSex = Literal["M", "F", "Other"]


@dataclass(frozen=True, slots=True)
class BloodPressure:
    sbp: int
    dbp: int

    def __str__(self) -> str:
        return f"{self.sbp}/{self.dbp} mmHg"


@dataclass(frozen=True, slots=True)
class RemsForm:
    """One session's form, as prefilled from the record. Empty strings and None are blanks."""

    patient_first_name: str = ""
    patient_last_name: str = ""
    patient_birth_date: dt.date | None = None
    patient_sex: RemsSex | None = None
    first_treatment: bool | None = None
    enrolled_in_rems: bool | None = None
    benzodiazepines: bool | None = None
    non_benzodiazepine_sedative_hypnotics: bool | None = None
    psychostimulants: bool | None = None
    maois: bool | None = None
    opioids: bool | None = None
    hcp_first_name: str = ""
    hcp_last_name: str = ""
    hcp_phone: str = ""
    hcp_email: str = ""
    setting_name: str = ""
    setting_address1: str = ""
    setting_city: str = ""
    setting_state: str = ""
    setting_zip: str = ""
    treatment_date: dt.date | None = None
    dose_mg: int | None = None
    lot_number: str = ""
    treatment_minutes: int | None = None
    ready_to_leave_minutes: int | None = None
    vitals_acceptable_before: bool | None = None
    vitals_acceptable_at_completion: bool | None = None
    bp_before: BloodPressure | None = None
    bp_40_min: BloodPressure | None = None
    bp_at_completion: BloodPressure | None = None
    sedation: bool | None = None
    dissociation: bool | None = None
    respiratory_depression: bool | None = None
    adverse_event_notes: str = ""


# Fields the form marks with an asterisk, plus the session answers the REMS asks for (§1.11).
REMS_REQUIRED_FIELDS: tuple[str, ...] = (
    "patient_first_name",
    "patient_last_name",
    "patient_birth_date",
    "patient_sex",
    "first_treatment",
    "benzodiazepines",
    "non_benzodiazepine_sedative_hypnotics",
    "psychostimulants",
    "maois",
    "opioids",
    "hcp_first_name",
    "hcp_last_name",
    "hcp_phone",
    "hcp_email",
    "setting_name",
    "setting_address1",
    "setting_city",
    "setting_state",
    "setting_zip",
    "treatment_date",
    "dose_mg",
    "treatment_minutes",
    "ready_to_leave_minutes",
    "vitals_acceptable_before",
    "vitals_acceptable_at_completion",
    "bp_before",
    "bp_40_min",
    "bp_at_completion",
    "sedation",
    "dissociation",
    "respiratory_depression",
)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _missing(form: RemsForm) -> list[Finding]:
    return [
        Finding(
            f"rems_{name}_missing",
            "warning",
            f"{name.replace('_', ' ')} is required.",
            ref("1.11"),
            field=name,
        )
        for name in REMS_REQUIRED_FIELDS
        if _blank(getattr(form, name))
    ]


def _session_rules(form: RemsForm) -> list[Finding]:
    found = []
    if form.first_treatment and form.enrolled_in_rems is not True:
        found.append(
            Finding(
                "rems_not_enrolled",
                "hard_stop",
                "First treatment without REMS enrollment: "
                "submit the Patient Enrollment Form first.",
                ref("1.11"),
                field="enrolled_in_rems",
            )
        )
    minutes = form.treatment_minutes
    if minutes is not None and minutes < REMS_MIN_TREATMENT_MINUTES:
        found.append(
            Finding(
                "rems_treatment_too_short",
                "warning",
                f"Treatment duration {minutes} min is under the required "
                f"{REMS_MIN_TREATMENT_MINUTES} min (first device to end of monitoring).",
                ref("1.6", "1.11"),
                field="treatment_minutes",
            )
        )
    return found


def rems_form_problems(form: RemsForm) -> list[Finding]:
    """What stands between this form and submission: blanks, and rule breaches (§1.11)."""
    return _session_rules(form) + _missing(form)


def rems_form_due(treatment_date: dt.date) -> dt.date:
    """The last day to submit: 7 calendar days after the session (REFERENCE §1.11)."""
    if not isinstance(treatment_date, dt.date):
        raise ClinicalInputError("treatment_date", "must be a date")
    return treatment_date + dt.timedelta(days=REMS_FORM_DUE_DAYS)


def setting_certification_required(routes: list[str]) -> bool:
    """Whether a setting offering `routes` must be a certified SPRAVATO REMS outpatient
    healthcare setting: any that gives esketamine (REFERENCE §1.11, "Outpatient setting
    certification")."""
    return any(check_route(route) == ESKETAMINE for route in routes)
