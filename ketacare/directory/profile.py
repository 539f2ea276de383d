"""Write paths of a clinic's public profile: edit the draft, publish it, withdraw it. Each
audited in its own transaction, the clinic's profile row locked so two admins queue."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ketacare import clinical
from ketacare.clinics.actors import Actor
from ketacare.clinics.models import Clinic, Membership
from ketacare.clinics.permissions import Perm
from ketacare.core import audit
from ketacare.core.models import AuditAction
from ketacare.directory.listing import facts_of, latest_versions
from ketacare.directory.models import ClinicProfile
from ketacare.directory.outcomes import PREVIEW
from ketacare.treatment.queries import protocol_of

EDITABLE = (
    "description",
    "website",
    "accepting_new_patients",
    "telehealth",
    "rems_certified",
    "languages",
    "hours",
    "protocol_codes",
    "publish_outcomes",
)
# The clinic's own details a listing cannot do without: a visitor searches by them.
NEEDED_TO_PUBLISH = {"city": "city", "state": "state", "phone": "telephone"}


def profile_of(clinic: Clinic) -> ClinicProfile:
    """The clinic's profile, or an empty draft not yet saved."""
    return ClinicProfile.objects.filter(clinic=clinic).first() or ClinicProfile(clinic=clinic)


def _locked(clinic: Clinic) -> ClinicProfile:
    profile, _ = ClinicProfile.objects.get_or_create(clinic=clinic)
    return ClinicProfile.objects.select_for_update().select_related("clinic").get(pk=profile.pk)


def _check_protocols(clinic: Clinic, codes: list[str]) -> None:
    versions = {version.code: version for version in latest_versions(clinic, codes)}
    unknown = [code for code in codes if code not in versions]
    if unknown:
        raise ValidationError({"protocol_codes": "Choose protocols from the clinic's library."})
    placeholders = [v.name for v in versions.values() if v.is_builtin and protocol_of(v).template]
    if placeholders:
        raise ValidationError(
            {
                "protocol_codes": f"{placeholders[0]} is a template whose schedule is a "
                "placeholder: make the clinic's own version before offering it."
            }
        )


def _check_rems(clinic: Clinic, profile: ClinicProfile) -> None:
    routes = [v.route for v in latest_versions(clinic, list(profile.protocol_codes))]
    if clinical.setting_certification_required(routes) and not profile.rems_certified:
        raise ValidationError(
            {
                "rems_certified": "A clinic that offers esketamine nasal spray must be a "
                "certified SPRAVATO REMS healthcare setting."
            }
        )


def _record(profile: ClinicProfile, changes: dict[str, Any], actor: Actor) -> None:
    entry = audit.entry_for(AuditAction.UPDATE, profile, changes, clinic=profile.clinic)
    audit.record(entry, actor)


def _team_ids(profile: ClinicProfile) -> list[str]:
    return sorted(str(m.public_id) for m in profile.team.all())


def profile_update(
    *, actor: Actor, clinic: Clinic, team: list[Membership] | None = None, **fields: Any
) -> ClinicProfile:
    """Change the draft (nothing the public sees changes until it is published); old and new
    values audited, the team as membership ids."""
    actor.demand(Perm.PROFILE_MANAGE, clinic)
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValidationError({name: "Not a profile field." for name in sorted(unknown)})
    if team is not None and any(m.clinic_id != clinic.pk or not m.is_active for m in team):
        raise ValidationError({"team": "Choose people who work at this clinic."})
    with transaction.atomic():
        profile = _locked(clinic)
        changes = audit.assign_and_diff(profile, EDITABLE, fields)
        if profile.publish_outcomes and profile.outcomes_public_from is None:
            profile.outcomes_public_from = clinic.today() + PREVIEW
            changes["outcomes_public_from"] = {
                "old": None,
                "new": str(profile.outcomes_public_from),
            }
        _check_protocols(clinic, list(profile.protocol_codes))
        _check_rems(clinic, profile)
        profile.save()
        if team is not None:
            before = _team_ids(profile)
            profile.team.set(team)
            if _team_ids(profile) != before:
                changes["team"] = {"old": before, "new": _team_ids(profile)}
        if changes:
            _record(profile, changes, actor)
        return profile


def _check_publishable(profile: ClinicProfile) -> None:
    clinic = profile.clinic
    missing = {
        name: f"Give the clinic's {label} on Clinic details before publishing."
        for name, label in NEEDED_TO_PUBLISH.items()
        if not getattr(clinic, name)
    }
    if not profile.description.strip():
        missing["description"] = "Describe the clinic before publishing."
    if not profile.protocol_codes:
        missing["protocol_codes"] = "Offer at least one protocol before publishing."
    if missing:
        raise ValidationError(missing)
    _check_rems(clinic, profile)


def _go_live(profile: ClinicProfile, live: dict[str, Any] | None) -> None:
    now = timezone.now()
    profile.live, profile.live_changed_at = live, now
    profile.public_version += 1  # the row is locked: the directory's key moves on
    if live is not None:
        profile.published_at = now
    fields = ["live", "published_at", "live_changed_at", "public_version", "updated_at"]
    profile.save(update_fields=fields)


def profile_publish(*, actor: Actor, clinic: Clinic) -> ClinicProfile:
    """Put the draft as it stands in the directory (again, when already listed)."""
    actor.demand(Perm.PROFILE_MANAGE, clinic)
    with transaction.atomic():
        profile = _locked(clinic)
        _check_publishable(profile)
        first = profile.live is None
        _go_live(profile, facts_of(profile))
        changes = {"published": "listed" if first else "republished"}
        _record(profile, changes, actor)
        return profile


def profile_withdraw(*, actor: Actor, clinic: Clinic, reason: str) -> ClinicProfile:
    """Take the clinic out of the directory; its profile page then answers 404."""
    actor.demand(Perm.PROFILE_MANAGE, clinic)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the profile is withdrawn."})
    with transaction.atomic():
        profile = _locked(clinic)
        if profile.live is None:
            raise ValidationError({"published": "The profile is not published."})
        _go_live(profile, None)
        changes = {"published": "withdrawn", "reason": reason.strip()}
        _record(profile, changes, actor)
        return profile
