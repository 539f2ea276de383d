"""API shapes for patients."""

import datetime as dt
import uuid
from typing import Literal

from ninja import Schema
from pydantic import Field

from ketacare.core.schemas import InputSchema

SexValue = Literal["female", "male", "other", "unknown"]


class PatientIn(InputSchema):
    clinic_id: uuid.UUID | None = Field(
        None, description="Required when you belong to more than one clinic."
    )
    mrn: str = Field("", max_length=20, description="Left empty, the clinic assigns one.")
    given_name: str = Field(min_length=1, max_length=80)
    family_name: str = Field(min_length=1, max_length=80)
    preferred_name: str = Field("", max_length=80)
    date_of_birth: dt.date
    sex: SexValue
    pronouns: str = Field("", max_length=30)
    phone: str = Field("", max_length=30)
    email: str = Field("", max_length=254)
    address_line1: str = Field("", max_length=120)
    address_line2: str = Field("", max_length=120)
    city: str = Field("", max_length=80)
    state: str = Field("", max_length=40)
    postal_code: str = Field("", max_length=12)
    emergency_contact_name: str = Field("", max_length=120)
    emergency_contact_relationship: str = Field("", max_length=60)
    emergency_contact_phone: str = Field("", max_length=30)


class PatientPatch(InputSchema):
    given_name: str | None = Field(None, min_length=1, max_length=80)
    family_name: str | None = Field(None, min_length=1, max_length=80)
    preferred_name: str | None = Field(None, max_length=80)
    date_of_birth: dt.date | None = None
    sex: SexValue | None = None
    pronouns: str | None = Field(None, max_length=30)
    phone: str | None = Field(None, max_length=30)
    email: str | None = Field(None, max_length=254)
    address_line1: str | None = Field(None, max_length=120)
    address_line2: str | None = Field(None, max_length=120)
    city: str | None = Field(None, max_length=80)
    state: str | None = Field(None, max_length=40)
    postal_code: str | None = Field(None, max_length=12)
    emergency_contact_name: str | None = Field(None, max_length=120)
    emergency_contact_relationship: str | None = Field(None, max_length=60)
    emergency_contact_phone: str | None = Field(None, max_length=30)


class PatientOut(Schema):
    id: uuid.UUID = Field(alias="public_id")
    clinic_id: uuid.UUID = Field(alias="clinic.public_id")
    mrn: str
    given_name: str
    family_name: str
    preferred_name: str
    date_of_birth: dt.date
    sex: str
    pronouns: str
    phone: str
    email: str
    address_line1: str
    address_line2: str
    city: str
    state: str
    postal_code: str
    emergency_contact_name: str
    emergency_contact_relationship: str
    emergency_contact_phone: str


RemsClassValue = Literal[
    "", "benzodiazepine", "non_benzo_sedative_hypnotic", "psychostimulant", "maoi", "opioid"
]


class MedicationIn(InputSchema):
    name: str = Field(min_length=1, max_length=120)
    dose: str = Field("", max_length=80)
    frequency: str = Field("", max_length=80)
    started_on: dt.date | None = None
    stopped_on: dt.date | None = None
    rems_class: RemsClassValue = Field(
        "", description="The SPRAVATO REMS concomitant class, if any (empty: none)."
    )


class MedicationOut(MedicationIn):
    id: uuid.UUID = Field(alias="public_id")
    entered_in_error: bool
    error_reason: str
