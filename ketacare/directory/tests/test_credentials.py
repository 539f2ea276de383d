"""Credentials a clinic keeps of its staff and itself: recorded with their dates and document,
verified against a named source, retired not deleted, shown on the public profile (expired
ones as expired, DEA numbers never), and the ACLS warning at the chair."""

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from conftest import World, client_for
from ketacare.clinics.models import Role
from ketacare.clinics.services import clinic_update
from ketacare.core.models import AuditEvent
from ketacare.directory.credentials import credential_add, credential_retire, credential_verify
from ketacare.directory.models import StaffCredential
from ketacare.directory.tests.builders import membership, published
from ketacare.dosing.models import Status
from ketacare.dosing.tests.builders import IV, checked_in, prepared
from tests.factories import staff

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4 licence"


def _licence(world: World, **more: Any) -> StaffCredential:
    fields: dict[str, Any] = {
        "kind": "licence", "issuer": "Massachusetts Board of Registration in Medicine",
        "state": "MA", "number": "MD-22817", "licence_type": "MD",
        "issued_on": dt.date(2020, 1, 1), "expires_on": dt.date(2027, 6, 30),
    } | more  # fmt: skip
    return credential_add(actor=world.ada, clinic=world.harbor, membership=membership(world.pia),
                          **fields)  # fmt: skip


def _acls(world: World, expires_on: dt.date) -> StaffCredential:
    issued_on = expires_on - dt.timedelta(days=730)
    return credential_add(actor=world.ada, clinic=world.harbor, membership=membership(world.nina),
                          kind="acls", issuer="American Heart Association",
                          issued_on=issued_on, expires_on=expires_on)  # fmt: skip


def test_a_credential_is_recorded_verified_against_a_source_and_retired_never_deleted(
    world: World,
) -> None:
    licence = _licence(world)
    with pytest.raises(ValidationError) as unnamed:
        credential_verify(actor=world.ada, credential=licence, against=" ")
    assert unnamed.value.message_dict == {"against": ["Name the source it was checked against."]}
    verified = credential_verify(actor=world.ada, credential=licence, against="MA board lookup")
    assert (verified.verified_by, verified.verified_against) == (world.ada.user, "MA board lookup")
    retired = credential_retire(actor=world.ada, credential=verified, reason="Moved to Ohio")
    assert retired.retire_reason == "Moved to Ohio"
    assert StaffCredential.objects.count() == 1
    changes = [e.changes for e in AuditEvent.objects.filter(object_type="staffcredential")
               .order_by("seq")]  # fmt: skip
    assert changes[1:] == [{"verified_against": "MA board lookup"}, {"retired": "Moved to Ohio"}]


def test_a_licence_needs_its_state_number_and_type_and_the_rems_certification_is_the_clinics(
    world: World,
) -> None:
    with pytest.raises(ValidationError) as bare:
        _licence(world, state="", number="")
    assert set(bare.value.message_dict) == {"state", "number"}
    with pytest.raises(ValidationError) as person:
        _licence(world, kind="rems_setting")
    assert "the clinic's own" in person.value.message_dict["holder"][0]
    with pytest.raises(ValidationError) as backwards:
        _licence(world, expires_on=dt.date(2019, 1, 1))
    assert backwards.value.message_dict == {
        "expires_on": ["A credential expires after it is issued."]
    }
    with pytest.raises(ValidationError) as text:
        _licence(world, document=SimpleUploadedFile("a.txt", b"hi", content_type="text/plain"))
    assert text.value.message_dict == {"document": ["Attach a PDF, PNG or JPEG file."]}
    assert not StaffCredential.objects.exists()


def test_the_document_on_file_is_served_to_the_clinics_admin_alone(world: World) -> None:
    licence = _licence(
        world, document=SimpleUploadedFile("l.pdf", PDF, content_type="application/pdf")
    )
    url = reverse("directory:credential_document", args=[licence.public_id])
    got = client_for(world.ada).get(url)
    assert b"".join(got.streaming_content) == PDF  # type: ignore[attr-defined]
    assert "no-store" in got["Cache-Control"]
    assert client_for(world.nina).get(url).status_code == 403
    summit_admin = staff(world.summit, Role.CLINIC_ADMIN)
    assert client_for(summit_admin).get(url).status_code == 404
    assert Client().get(url).status_code == 302


def test_the_profile_shows_each_members_credentials_with_dates_expired_and_no_dea_number(
    world: World,
) -> None:
    licence = _licence(world)
    credential_verify(actor=world.ada, credential=licence, against="MA board lookup")
    credential_add(actor=world.ada, clinic=world.harbor, membership=membership(world.pia),
                   kind="dea_registration", issuer="DEA", state="MA", number="BP1234563",
                   issued_on=dt.date(2024, 1, 1), expires_on=dt.date(2027, 1, 31))  # fmt: skip
    _acls(world, expires_on=world.harbor.today() - dt.timedelta(days=1))
    published(world, team=[membership(world.pia), membership(world.nina)])
    text = Client().get(reverse("directory:profile", args=["harbor"])).content.decode()
    assert "Professional licence</strong> (MD), MA, no. MD-22817" in text
    assert "against MA board lookup" in text
    assert "BP1234563" not in text
    assert "number on file" in text
    assert 'tag-danger">expired' in text


def test_an_iv_session_warns_when_nobody_recording_on_it_holds_a_current_acls(
    world: World,
) -> None:
    clinic_update(actor=world.ada, clinic=world.harbor, acls_routes=["iv"])
    world.harbor.refresh_from_db()
    _acls(world, expires_on=world.harbor.today() - dt.timedelta(days=1))  # lapsed yesterday
    # Checked in hours back, as the dosing tests tell a session, so it holds at any hour.
    session = prepared(
        checked_in(world.patient, nurse=world.nina, prescriber=world.pia, code=IV), world.nina
    )
    assert session.status == Status.BLOCKED
    assert [f["code"] for f in session.findings if f["kind"] == "warning"] == ["acls_not_current"]
    current = _acls(world, expires_on=world.harbor.today() + dt.timedelta(days=700))
    assert prepared(session, world.nina).status == Status.BLOCKED  # recorded, not yet verified
    credential_verify(actor=world.ada, credential=current, against="AHA eCard lookup")
    session = prepared(session, world.nina)
    assert session.status == Status.CLEARED
