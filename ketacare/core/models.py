"""Base models shared by every app, and the append-only audit trail."""

import uuid
from typing import Any, ClassVar, NoReturn

from django.db import models

from ketacare.core.actors import ActorKind


class PublicIdModel(models.Model):
    """A row addressed in URLs and the API by a UUID, never by its integer key."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class AuditAction(models.TextChoices):
    CREATE = "create", "Create"
    READ = "read", "Read"
    UPDATE = "update", "Update"
    CORRECT = "correct", "Correction"
    LOGIN = "login", "Login"
    LOGIN_FAILED = "login_failed", "Failed login"
    LOGOUT = "logout", "Logout"
    EXPORT = "export", "Export"


class AuditOutcome(models.TextChoices):
    SUCCESS = "success", "Success"
    DENIED = "denied", "Denied"
    FAILURE = "failure", "Failure"


class AppendOnlyError(Exception):
    """Raised when code tries to change or remove an audit event."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit events cannot be changed")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("audit events cannot be deleted")

    def for_clinic(self, clinic_public_id: uuid.UUID) -> "AuditEventQuerySet":
        return self.filter(clinic_id=clinic_public_id)


class AuditEvent(models.Model):
    """One audited action. Rows form hash chains (one per clinic) so edits are detectable.

    Who/where values are copied in, not foreign keys: the record must keep saying what was
    true at the time even if a user is renamed or a clinic is restructured.
    """

    chain = models.CharField(max_length=40, db_index=True)
    seq = models.PositiveBigIntegerField()
    occurred_at = models.DateTimeField(db_index=True)
    actor_kind = models.CharField(max_length=10, blank=True, choices=ActorKind.choices)
    actor_task = models.CharField(max_length=80, blank=True, help_text="A system task's name.")
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_email = models.CharField(max_length=254, blank=True)
    actor_role = models.CharField(max_length=32, blank=True)
    clinic_id = models.UUIDField(null=True, blank=True, db_index=True)
    patient_id = models.UUIDField(null=True, blank=True, db_index=True)
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    outcome = models.CharField(
        max_length=10, choices=AuditOutcome.choices, default=AuditOutcome.SUCCESS
    )
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects: ClassVar[AuditEventQuerySet] = AuditEventQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["chain", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="audit_chain_seq_unique"),
        ]
        indexes = [models.Index(fields=["clinic_id", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.chain}#{self.seq} {self.action} by {self.actor_email or 'anonymous'}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit events cannot be deleted")


class AuditChainHead(models.Model):
    """The last sequence number and hash of one chain; its row lock serialises appends."""

    chain = models.CharField(max_length=40, unique=True)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"{self.chain} at seq {self.seq}"


class PeriodicRun(models.Model):
    """When a periodic job (`core.jobs.periodic`, by its task path) is next due. Its row is
    locked while a worker queues it, so two workers never queue one run twice."""

    name = models.CharField(max_length=200, unique=True)
    next_run_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} next at {self.next_run_at:%Y-%m-%d %H:%M}"
