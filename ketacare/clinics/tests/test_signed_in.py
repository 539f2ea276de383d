"""Pages need a login; a part of a page fetched by htmx after the login ended sends the whole
page to the sign-in form."""

import pytest
from django.test import Client

from conftest import World, client_for

pytestmark = pytest.mark.django_db


def test_a_signed_out_page_request_is_redirected_to_sign_in() -> None:
    response = Client().get("/sessions/board/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/sessions/board/"


def test_a_signed_out_board_poll_sends_the_whole_page_to_sign_in() -> None:
    response = Client().get(
        "/sessions/board/?opened=1",
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/sessions/board/"},
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/accounts/login/?next=/sessions/board/"
    assert b"Sign in" not in response.content


def test_no_page_shown_to_a_signed_in_person_is_kept_in_the_browsers_cache(world: World) -> None:
    chart = client_for(world.nina).get(f"/patients/{world.patient.public_id}/")
    assert chart.status_code == 200
    assert "no-store" in chart["Cache-Control"]
    assert "private" in chart["Cache-Control"]
    assert "no-store" in client_for(world.paula).get("/portal/")["Cache-Control"]
