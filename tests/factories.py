"""Factories that build test data through the services, as the app itself does."""

import datetime as dt
from typing import Any

import factory

from ketacare.accounts.models import User
from ketacare.accounts.services import user_create
from ketacare.clinics.actors import StaffActor, SystemActor, staff_actor
from ketacare.clinics.models import Clinic, Role
from ketacare.clinics.services import clinic_create, membership_grant
from ketacare.patients.models import Patient
from ketacare.patients.services import patient_register

PASSWORD = "correct horse battery staple"
# Who sets a test's world up: an operator's task, as a real clinic is set up.
SETUP = SystemActor("test setup")


class UserFactory(factory.Factory[User]):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    full_name = factory.Faker("name")

    @classmethod
    def _create(cls, model_class: type[User], **kwargs: Any) -> User:
        return user_create(actor=SETUP, password=PASSWORD, check_password=False, **kwargs)


class ClinicFactory(factory.Factory[Clinic]):
    class Meta:
        model = Clinic

    name = factory.Sequence(lambda n: f"Clinic {n}")
    slug = factory.Sequence(lambda n: f"clinic-{n}")

    @classmethod
    def _create(cls, model_class: type[Clinic], **kwargs: Any) -> Clinic:
        return clinic_create(actor=SETUP, **kwargs)


def staff(clinic: Clinic, role: Role, **kwargs: Any) -> StaffActor:
    """A new user with `role` in `clinic`, as the actor their requests would resolve to."""
    user = UserFactory.create(**kwargs)
    membership_grant(actor=SETUP.for_clinic(clinic), clinic=clinic, user=user, role=role)
    return staff_actor(user)


class PatientFactory(factory.Factory[Patient]):
    class Meta:
        model = Patient

    given_name = factory.Faker("first_name")
    family_name = factory.Faker("last_name")
    date_of_birth = dt.date(1980, 5, 17)
    sex = "female"

    @classmethod
    def _create(
        cls, model_class: type[Patient], *, clinic: Clinic, actor: StaffActor, **kwargs: Any
    ) -> Patient:
        return patient_register(actor=actor, clinic=clinic, **kwargs)
