"""Writing and verifying the audit trail (HIPAA audit controls).

Every audited action appends one `AuditEvent` inside the caller's transaction, so if the
audit write fails the change it describes rolls back with it. Each row's hash covers its
content and the previous row's hash in the same chain; `verify_chains` recomputes them.
"""

import hashlib
import json
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from ketacare.core.actors import Audited
from ketacare.core.models import (
    AuditAction,
    AuditChainHead,
    AuditEvent,
    AuditOutcome,
    PublicIdModel,
)
from ketacare.core.request_context import current_origin

SYSTEM_CHAIN = "system"
GENESIS_HASH = "0" * 64
HASHED_FIELDS = (
    "chain",
    "seq",
    "occurred_at",
    "actor_id",
    "actor_email",
    "actor_role",
    "clinic_id",
    "patient_id",
    "action",
    "object_type",
    "object_id",
    "changes",
    "ip_address",
    "user_agent",
    "outcome",
    "prev_hash",
)
# Added after rows already existed: hashed only when set, so those rows still verify.
HASHED_WHEN_SET = ("actor_kind", "actor_task")


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """What an audited action says about itself; who and where are filled in by `record`."""

    action: AuditAction
    object_type: str = ""
    object_id: str = ""
    clinic_id: uuid.UUID | None = None
    patient_id: uuid.UUID | None = None
    changes: Mapping[str, Any] = field(default_factory=dict)
    outcome: AuditOutcome = AuditOutcome.SUCCESS


def entry_for(
    action: AuditAction,
    obj: PublicIdModel,
    changes: Mapping[str, Any],
    *,
    clinic: PublicIdModel,
    patient: PublicIdModel | None = None,
) -> AuditEntry:
    """The entry about a change to `obj`, a row of `clinic` (and of `patient`'s record)."""
    return AuditEntry(
        action=action,
        object_type=obj._meta.model_name or "",
        object_id=str(obj.public_id),
        clinic_id=clinic.public_id,
        patient_id=patient.public_id if patient is not None else None,
        changes=changes,
    )


def list_read_entry(
    object_type: str,
    clinic: PublicIdModel,
    patients: Sequence[uuid.UUID],
    *,
    via: str,
    **shown: Sequence[str],
) -> AuditEntry:
    """The one read event of a response that listed several patients: which patients it
    showed (in order, once each) and the ids of the rows it showed of them, so the audit
    report finds the read by patient."""
    named = list(dict.fromkeys(str(patient) for patient in patients))
    return AuditEntry(
        action=AuditAction.READ,
        object_type=object_type,
        object_id=str(clinic.public_id),
        clinic_id=clinic.public_id,
        changes={"via": via, "patients": named, **{k: list(v) for k, v in shown.items()}},
    )


def _canonical(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def compute_hash(values: Mapping[str, Any]) -> str:
    hashed = {name: _canonical(values[name]) for name in HASHED_FIELDS}
    hashed |= {name: values[name] for name in HASHED_WHEN_SET if values.get(name)}
    payload = json.dumps(
        hashed,
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def record(entry: AuditEntry, actor: Audited) -> AuditEvent:
    """Append one audit event; must run inside the transaction of the change it records."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must run inside transaction.atomic")
    chain = str(entry.clinic_id) if entry.clinic_id else SYSTEM_CHAIN
    head = _locked_head(chain)
    origin = current_origin()
    who = actor.audit_identity(entry.clinic_id)
    values: dict[str, Any] = {
        "chain": chain,
        "seq": head.seq + 1,
        "occurred_at": timezone.now(),
        "actor_kind": who.kind.value,
        "actor_task": who.task,
        "actor_id": who.id,
        "actor_email": who.email,
        "actor_role": who.role,
        "clinic_id": entry.clinic_id,
        "patient_id": entry.patient_id,
        "action": entry.action.value,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "changes": json.loads(json.dumps(dict(entry.changes), default=str)),
        "ip_address": origin.ip_address,
        "user_agent": origin.user_agent,
        "outcome": entry.outcome.value,
        "prev_hash": head.hash,
    }
    event = AuditEvent.objects.create(**values, hash=compute_hash(values))
    head.seq, head.hash = event.seq, event.hash
    head.save(update_fields=["seq", "hash"])
    return event


def _locked_head(chain: str) -> AuditChainHead:
    AuditChainHead.objects.get_or_create(chain=chain)
    return AuditChainHead.objects.select_for_update().get(chain=chain)


def record_now(entry: AuditEntry, actor: Audited) -> AuditEvent:
    """Record an event that has no surrounding change (a login, a denied read)."""
    with transaction.atomic():
        return record(entry, actor)


def field_values(instance: Model, fields: Sequence[str]) -> dict[str, Any]:
    return {name: getattr(instance, name) for name in fields}


def assign_and_diff(
    instance: Model, fields: Sequence[str], updates: Mapping[str, Any]
) -> dict[str, dict[str, Any]]:
    """Set `updates` on `instance`, validate it, and return the changes as old/new pairs."""
    before = field_values(instance, fields)
    for name, value in updates.items():
        setattr(instance, name, value)
    instance.full_clean()
    return diff(before, field_values(instance, fields))


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Changed fields as {field: {"old": ..., "new": ...}}."""
    return {
        name: {"old": _canonical(before.get(name)), "new": _canonical(after[name])}
        for name in after
        if before.get(name) != after[name]
    }


@dataclass(frozen=True, slots=True)
class ChainProblem:
    chain: str
    seq: int
    problem: str

    def __str__(self) -> str:
        return f"chain {self.chain} row seq={self.seq}: {self.problem}"


def verify_chains() -> list[ChainProblem]:
    """Recompute every chain; report edited, missing (gaps) and truncated rows."""
    problems: list[ChainProblem] = []
    heads = {h.chain: h for h in AuditChainHead.objects.all()}
    for chain in sorted(heads):
        problems.extend(_verify_chain(chain, heads[chain]))
    return problems


def _verify_chain(chain: str, head: AuditChainHead) -> Iterator[ChainProblem]:
    expected_seq, prev_hash = 1, GENESIS_HASH
    fields = (*HASHED_FIELDS, *HASHED_WHEN_SET, "hash")
    rows = AuditEvent.objects.filter(chain=chain).order_by("seq").values(*fields)
    for row in rows.iterator(chunk_size=2000):
        if row["seq"] != expected_seq:
            yield ChainProblem(chain, expected_seq, f"missing rows up to seq={row['seq'] - 1}")
        elif row["prev_hash"] != prev_hash:
            yield ChainProblem(chain, row["seq"], "previous-hash link broken")
        if compute_hash(row) != row["hash"]:
            yield ChainProblem(chain, row["seq"], "content does not match its hash (edited)")
        expected_seq, prev_hash = row["seq"] + 1, row["hash"]
    if expected_seq - 1 != head.seq or prev_hash != head.hash:
        yield ChainProblem(chain, expected_seq, f"chain truncated: head expects seq={head.seq}")
