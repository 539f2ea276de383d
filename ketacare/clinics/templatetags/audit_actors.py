"""How an audit row's actor reads on a page: a person's email or a task's name, and the role
or kind they acted as, in words."""

from django import template

from ketacare.clinics.models import Role
from ketacare.clinics.permissions import Scope
from ketacare.core.models import AuditEvent

register = template.Library()
ACTED_AS = {
    **dict(Role.choices),
    Scope.PATIENT: "Patient",
    Scope.SYSTEM: "System task",
    Scope.PUBLIC: "Public",
}


@register.filter
def acted_by(event: AuditEvent) -> str:
    if event.actor_task:
        return f"Task: {event.actor_task}"
    return event.actor_email or "—"


@register.filter
def acted_as(event: AuditEvent) -> str:
    return str(ACTED_AS.get(event.actor_role) or event.get_actor_kind_display())
