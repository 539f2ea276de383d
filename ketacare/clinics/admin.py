from django.contrib import admin

from ketacare.clinics.models import Clinic, Membership
from ketacare.core.admin import ReadOnlyAdmin


@admin.register(Clinic)
class ClinicAdmin(ReadOnlyAdmin):
    list_display = ("name", "slug", "timezone")


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ("user", "clinic", "role", "is_active")
    list_filter = ("role", "clinic")
