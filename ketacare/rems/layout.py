"""The form's sections and labels as the REMS form prints them (REFERENCE §1.11), and how a
value is written on it. The page, the PDF and the CSV share this one layout."""

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from ketacare.clinical.rems import REMS_REQUIRED_FIELDS
from ketacare.rems.prefill import Prefilled

SECTIONS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "Patient",
        (
            ("patient_first_name", "First name"),
            ("patient_last_name", "Last name"),
            ("patient_birth_date", "Birthdate"),
            ("patient_sex", "Sex"),
        ),
    ),
    (
        "First treatment",
        (
            ("first_treatment", "First treatment"),
            ("enrolled_in_rems", "Enrolled in the REMS"),
        ),
    ),
    (
        "Concomitant medication",
        (
            ("benzodiazepines", "Benzodiazepines"),
            ("non_benzodiazepine_sedative_hypnotics", "Non-benzodiazepine sedative hypnotics"),
            ("psychostimulants", "Psychostimulants"),
            ("maois", "MAOIs"),
            ("opioids", "Opioids"),
        ),
    ),
    (
        "Healthcare provider conducting monitoring",
        (
            ("hcp_first_name", "First name"),
            ("hcp_last_name", "Last name"),
            ("hcp_phone", "Telephone"),
            ("hcp_email", "Email"),
        ),
    ),
    (
        "Healthcare setting",
        (
            ("setting_name", "Name"),
            ("setting_address1", "Address 1"),
            ("setting_city", "City"),
            ("setting_state", "State"),
            ("setting_zip", "ZIP"),
        ),
    ),
    (
        "Session",
        (
            ("treatment_date", "Treatment date"),
            ("dose_mg", "Dose administered (mg)"),
            ("lot_number", "Lot number"),
            (
                "treatment_minutes",
                "Treatment duration (minutes, first device to end of monitoring)",
            ),
            ("ready_to_leave_minutes", "Ready to leave without the 2-hour minimum (minutes)"),
        ),
    ),
    (
        "Vital signs",
        (
            ("vitals_acceptable_before", "Acceptable before administration"),
            ("vitals_acceptable_at_completion", "Acceptable before session completion"),
            ("bp_before", "BP before administration"),
            ("bp_40_min", "BP 40 min after administration"),
            ("bp_at_completion", "BP before session completion"),
        ),
    ),
    (
        "Adverse events",
        (
            ("sedation", "Sedation"),
            ("dissociation", "Dissociation"),
            ("respiratory_depression", "Respiratory depression"),
            ("adverse_event_notes", "Adverse events"),
        ),
    ),
)
FIELDS: tuple[str, ...] = tuple(name for _title, rows in SECTIONS for name, _label in rows)


def shown(value: Any) -> str:
    """A value as the form writes it: Y/N, MM/DD/YYYY, "sbp/dbp mmHg"; blank as ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.date):
        return f"{value:%m/%d/%Y}"
    return str(value)


@dataclass(frozen=True, slots=True)
class Row:
    field: str
    label: str
    value: str
    source: str
    required: bool


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    rows: tuple[Row, ...]


def sections(current: Prefilled) -> list[Section]:
    values = {f.name: getattr(current.form, f.name) for f in dataclasses.fields(current.form)}
    required = set(REMS_REQUIRED_FIELDS)
    return [
        Section(
            title,
            tuple(
                Row(
                    name,
                    label,
                    shown(values[name]),
                    current.sources.get(name, ""),
                    name in required,
                )
                for name, label in rows
            ),
        )
        for title, rows in SECTIONS
    ]


def csv_row(current: Prefilled) -> list[str]:
    return [shown(getattr(current.form, name)) for name in FIELDS]
