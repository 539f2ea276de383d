"""The Django admin is a read-only window for platform staff.

Every write must go through a service so it is validated and audited; the admin therefore
offers no add, change or delete on any KetaCare model, and patients are not shown at all
(an unaudited chart view would break the audit rule).
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ketacare.core.models import AuditEvent


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = (
        "occurred_at",
        "actor_email",
        "actor_role",
        "action",
        "outcome",
        "object_type",
        "chain",
        "seq",
    )
    list_filter = ("action", "outcome")
    search_fields = ("actor_email", "object_id")
