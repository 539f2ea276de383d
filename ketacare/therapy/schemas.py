"""Request and response bodies of the therapy endpoints."""

import datetime as dt
import uuid
from typing import Literal

from ninja import Field, Schema

from ketacare.core.schemas import InputSchema
from ketacare.therapy.models import TherapySession

TeamRoleValue = Literal["prescriber", "nurse", "therapist"]
KindValue = Literal["preparation", "integration", "therapy", "group_integration"]
ModeValue = Literal["in_person", "telehealth"]


class CareTeamIn(InputSchema):
    member_id: uuid.UUID = Field(description="The clinician's user id.")
    team_role: TeamRoleValue
    primary: bool = False


class CareTeamOut(Schema):
    id: uuid.UUID = Field(alias="public_id")
    patient_id: uuid.UUID = Field(alias="patient.public_id")
    member_id: uuid.UUID = Field(alias="member.public_id")
    member: str = Field(alias="member.full_name")
    team_role: str
    is_primary: bool
    started_at: dt.datetime
    ended_at: dt.datetime | None
    end_reason: str


class CaseloadOut(Schema):
    patient_id: uuid.UUID = Field(alias="patient.public_id")
    patient: str = Field(alias="patient.display_name")
    mrn: str = Field(alias="patient.mrn")
    team_role: str
    is_primary: bool


class ReasonIn(InputSchema):
    reason: str = Field(max_length=300)


class TherapyBookIn(InputSchema):
    therapist_id: uuid.UUID = Field(description="The therapist's user id.")
    kind: KindValue
    mode: ModeValue
    starts_at: dt.datetime
    duration_minutes: int
    room: str = Field("", max_length=60)
    follows: list[uuid.UUID] = Field(
        default_factory=list, description="Dosing sessions an integration session follows."
    )


class TherapyMoveIn(InputSchema):
    starts_at: dt.datetime
    duration_minutes: int | None = None


class TherapySessionOut(Schema):
    id: uuid.UUID = Field(alias="public_id")
    patient_id: uuid.UUID = Field(alias="patient.public_id")
    course_id: uuid.UUID = Field(alias="course.public_id")
    therapist_id: uuid.UUID = Field(alias="therapist.public_id")
    therapist: str = Field(alias="therapist.full_name")
    kind: str
    mode: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    duration_minutes: int
    room: str
    status: str
    status_reason: str
    previous_starts_at: dt.datetime | None
    follows: list[uuid.UUID]

    @staticmethod
    def resolve_follows(session: TherapySession) -> list[uuid.UUID]:
        return [dosing.public_id for dosing in session.follows.all()]
