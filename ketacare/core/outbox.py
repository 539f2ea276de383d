"""The demo's mail: each message kept as a file in `var/outbox/` (and one line on the console)
instead of being sent, so someone trying KetaCare can open a link a patient or colleague would
get. A staff page lists each person's own in demo mode (`demo.views.outbox`)."""

import datetime as dt
import email
import email.policy
import itertools
import sys
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage as DjangoMessage
from django.utils import timezone


class OutboxBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[DjangoMessage]) -> int:
        directory = Path(settings.EMAIL_OUTBOX_DIR)
        directory.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            path = directory / f"{timezone.now():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}.eml"
            path.write_bytes(message.message().as_bytes())
            # The subject only: it never carries patient data; an address could be a patient's.
            print(f"Email kept in the demo outbox: {message.subject} ({path})", file=sys.stdout)
        sys.stdout.flush()
        return len(email_messages)


@dataclass(frozen=True)
class OutboxMessage:
    name: str
    to: str
    subject: str
    sent_at: dt.datetime | None
    text: str


def outbox_messages(directory: Path, to: str, limit: int = 100) -> list[OutboxMessage]:
    """The newest messages addressed to `to`, first. Only the addressee's: a message can hold
    a sign-in link, which is theirs alone."""
    paths = sorted(directory.glob("*.eml"), reverse=True) if directory.exists() else []
    theirs = (message for message in map(_read, paths) if message.to.lower() == to.lower())
    return list(itertools.islice(theirs, limit))


def _read(path: Path) -> OutboxMessage:
    parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    body = parsed.get_body(preferencelist=("plain",))
    sent = parsed["Date"]
    return OutboxMessage(
        name=path.stem,
        to=str(parsed["To"] or ""),
        subject=str(parsed["Subject"] or ""),
        sent_at=sent.datetime if sent is not None else None,
        text=body.get_content() if isinstance(body, EmailMessage) else "",
    )
