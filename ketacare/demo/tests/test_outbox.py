"""The demo's outbox: messages kept as files instead of sent, listed on a staff page with their
links, and no page at all where email is really sent."""

from pathlib import Path
from typing import Any

import pytest
from django.core.mail import EmailMultiAlternatives

from conftest import World, client_for

pytestmark = pytest.mark.django_db
PAGE = "/demo/outbox/"


@pytest.fixture
def outbox(settings: Any, tmp_path: Path) -> Path:
    settings.EMAIL_BACKEND = "ketacare.core.outbox.OutboxBackend"
    settings.EMAIL_OUTBOX_DIR = tmp_path / "outbox"
    return Path(settings.EMAIL_OUTBOX_DIR)


def _send() -> None:
    message = EmailMultiAlternatives(
        "Reset your KetaCare password",
        "Open https://demo.test/accounts/password/reset/x/y/ within 60 minutes.",
        "KetaCare <no-reply@localhost>",
        ["fran@harbor.test"],
    )
    message.attach_alternative("<p>Open the link</p>", "text/html")
    message.send()


def test_a_message_is_kept_as_a_file_and_one_line_names_it_but_not_its_address(
    outbox: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _send()
    (kept,) = outbox.glob("*.eml")
    assert b"Reset your KetaCare password" in kept.read_bytes()
    (line,) = capsys.readouterr().out.splitlines()
    assert "Reset your KetaCare password" in line
    assert str(kept) in line
    assert "fran@harbor.test" not in line


def test_staff_follow_the_links_of_the_kept_messages(outbox: Path, world: World) -> None:
    _send()
    page = client_for(world.fran).get(PAGE).content.decode()
    assert "Reset your KetaCare password" in page
    assert 'href="https://demo.test/accounts/password/reset/x/y/"' in page
    assert "Demo outbox" in client_for(world.fran).get("/patients/").content.decode()


def test_nobody_sees_a_message_sent_to_someone_else(outbox: Path, world: World) -> None:
    _send()
    for other in (world.ada, world.sol):
        page = client_for(other).get(PAGE).content.decode()
        assert "/accounts/password/reset/x/y/" not in page
        assert "No email for you yet" in page


def test_where_email_is_sent_there_is_no_outbox(settings: Any, world: World) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    assert client_for(world.fran).get(PAGE).status_code == 404
    assert "Demo outbox" not in client_for(world.fran).get("/patients/").content.decode()
