"""The clinic admin's page of the clinic's recent background jobs."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import World, client_for
from ketacare.accounts.services import password_reset_email

pytestmark = pytest.mark.django_db
PAGE = "/clinic/jobs/"


def _queue(world: World, clinic_id: uuid.UUID) -> None:
    password_reset_email.enqueue(
        clinic=str(clinic_id), job=str(uuid.uuid4()), attempt=1, user=str(world.nina.user.public_id)
    )


def test_the_clinic_admin_sees_the_clinics_jobs_in_words(world: World) -> None:
    _queue(world, world.harbor.public_id)
    page = client_for(world.ada).get(PAGE).content.decode()
    assert "Send a password-reset link" in page
    assert "Queued" in page
    assert "1 of 3" in page
    assert "ketacare." not in page


def test_another_clinics_jobs_never_show(world: World) -> None:
    _queue(world, world.summit.public_id)
    page = client_for(world.ada).get(PAGE).content.decode()
    assert "No background jobs for this clinic yet." in page


def test_only_the_clinic_admin_opens_the_page(world: World) -> None:
    assert client_for(world.nina).get(PAGE).status_code == 403
    assert client_for(world.paula).get(PAGE).status_code == 404


def test_the_page_reads_a_bounded_number_of_queries(world: World) -> None:
    client = client_for(world.ada)
    _queue(world, world.harbor.public_id)
    with CaptureQueriesContext(connection) as one:
        client.get(PAGE)
    for _ in range(10):
        _queue(world, world.harbor.public_id)
    with CaptureQueriesContext(connection) as many:
        assert client.get(PAGE).content.decode().count("Send a password-reset link") == 11
    assert len(many.captured_queries) == len(one.captured_queries)
