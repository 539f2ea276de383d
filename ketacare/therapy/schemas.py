"""Request and response bodies of the therapy endpoints."""

import datetime as dt
import uuid
from typing import Literal

from ninja import Field, Schema
from pydantic import AwareDatetime

from ketacare.core.schemas import InputSchema
from ketacare.therapy.models import NoteAddendum, TherapyNote, TherapySession

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
    starts_at: AwareDatetime = Field(description="With its time zone, e.g. 2031-01-06T15:00Z.")
    duration_minutes: int
    room: str = Field("", max_length=60)
    follows: list[uuid.UUID] = Field(
        default_factory=list, description="Dosing sessions an integration session follows."
    )


class TherapyMoveIn(InputSchema):
    starts_at: AwareDatetime = Field(description="With its time zone, e.g. 2031-01-06T15:00Z.")
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


RiskCheckValue = Literal["none", "thoughts", "intent_or_plan"]
NoteKindValue = Literal["progress", "psychotherapy"]


class NotePartsIn(InputSchema):
    goals: str = Field("", max_length=4000)
    themes: str = Field("", max_length=4000)
    coping_skills: str = Field("", max_length=4000)
    share_with_patient: bool = False
    risk_check: RiskCheckValue | Literal[""] = ""
    risk_note: str = Field("", max_length=2000)
    plan: str = Field("", max_length=4000)


class NoteIn(NotePartsIn):
    kind: NoteKindValue


class NotePatch(InputSchema):
    goals: str | None = Field(None, max_length=4000)
    themes: str | None = Field(None, max_length=4000)
    coping_skills: str | None = Field(None, max_length=4000)
    share_with_patient: bool | None = None
    risk_check: RiskCheckValue | Literal[""] | None = None
    risk_note: str | None = Field(None, max_length=2000)
    plan: str | None = Field(None, max_length=4000)


class AddendumIn(InputSchema):
    text: str = Field(max_length=4000)


class AddendumOut(Schema):
    id: uuid.UUID = Field(alias="public_id")
    author: str = Field(alias="author.full_name")
    text: str
    created_at: dt.datetime


class NoteOut(Schema):
    id: uuid.UUID = Field(alias="public_id")
    patient_id: uuid.UUID = Field(alias="patient.public_id")
    session_id: uuid.UUID = Field(alias="session.public_id")
    author: str = Field(alias="author.full_name")
    kind: str
    goals: str
    themes: str
    coping_skills: str
    share_with_patient: bool
    risk_check: str
    risk_note: str
    plan: str
    signed_at: dt.datetime | None
    entered_in_error: bool
    error_reason: str
    addenda: list[AddendumOut]

    @staticmethod
    def resolve_addenda(note: TherapyNote) -> list[NoteAddendum]:
        return list(note.addenda.all())
