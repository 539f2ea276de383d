"""The request as KetaCare's middleware leaves it, for typed views and API operations."""

from ketacare.accounts.http import SignedInRequest
from ketacare.clinics.actors import Actor, StaffActor
from ketacare.clinics.models import Membership


class ActorRequest(SignedInRequest):
    """A signed-in request with its actor: staff, or a patient at their portal."""

    actor: Actor
    membership: Membership | None


class StaffRequest(ActorRequest):
    """A request that passed `staff_view` or `requires`: a staff member; on a page, with a
    role in the active clinic (`membership`)."""

    actor: StaffActor
    membership: Membership
