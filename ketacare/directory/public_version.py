"""Which version of a clinic's public page is current: `ClinicProfile.public_version` goes up
whenever a row the page shows is saved (a protocol version of the clinic's library, a
credential, a review, a membership, the clinic itself), when the nightly outcomes are
replaced and when the profile is published or withdrawn, so the page kept in the cache
under the old version is never served again, on any server process."""

from typing import Any

from django.db.models import F
from django.db.models.signals import post_save
from django.dispatch import receiver

from ketacare.clinics.models import Clinic, Membership
from ketacare.directory.models import ClinicProfile, Review, StaffCredential
from ketacare.treatment.models import ProtocolVersion


def public_changed(clinic_id: int) -> None:
    ClinicProfile.objects.filter(clinic_id=clinic_id).update(public_version=F("public_version") + 1)


@receiver(post_save, sender=Clinic)
def _clinic_saved(sender: type, instance: Clinic, **kwargs: Any) -> None:
    public_changed(instance.pk)  # a reply gives the clinic's telephone as it is now


@receiver(post_save, sender=Membership)
@receiver(post_save, sender=ProtocolVersion)
@receiver(post_save, sender=StaffCredential)
@receiver(post_save, sender=Review)
def _shown_row_saved(sender: type, instance: Any, **kwargs: Any) -> None:
    public_changed(instance.clinic_id)
