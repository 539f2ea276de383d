"""Email: each message a plain-text and an HTML template, sent through Django's email backends
by a background job.

A message's subject is rendered from `<template>_subject.txt` with the clinic's name alone, so
no patient's name or health information can reach a subject line (a subject shows on lock
screens and in mail logs). Its body comes from `<template>.txt` and `<template>.html`.
"""

import uuid
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from ketacare.core.jobs import background, enqueue_in_transaction, enqueue_on_commit


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    text: str
    html: str


def render_message(
    template: str, *, to: str, clinic_name: str, context: Mapping[str, Any]
) -> Message:
    subject_context = {"clinic_name": clinic_name}
    subject = " ".join(render_to_string(f"{template}_subject.txt", subject_context).split())
    body = {"clinic_name": clinic_name, "site_url": settings.SITE_URL, **context}
    return Message(
        to=to,
        subject=subject,
        text=render_to_string(f"{template}.txt", body),
        html=render_to_string(f"{template}.html", body),
    )


def send_now(message: Message) -> None:
    """Send through the configured backend; an error is raised for the job to retry."""
    mail = EmailMultiAlternatives(
        message.subject, message.text, settings.DEFAULT_FROM_EMAIL, [message.to]
    )
    mail.attach_alternative(message.html, "text/html")
    mail.send(fail_silently=False)


@background("Send an email", attempts=6)
def send_email(*, clinic: str, to: str, subject: str, text: str, html: str) -> None:
    send_now(Message(to=to, subject=subject, text=text, html=html))


def email_on_commit(message: Message, *, clinic_id: uuid.UUID | None) -> None:
    """Send `message` from the worker once the current transaction commits. Only for a message
    with nothing secret in it: the queue keeps it until the job is pruned. A message carrying
    a sign-in link is built and sent inside its own job instead."""
    enqueue_on_commit(send_email, clinic_id=clinic_id, **asdict(message))


def email_in_transaction(message: Message, *, clinic_id: uuid.UUID | None) -> None:
    """As `email_on_commit`, but queued inside the current transaction (a job sending many)."""
    enqueue_in_transaction(send_email, clinic_id=clinic_id, **asdict(message))
