from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

from ketacare.clinics.actors import StaffActor
from ketacare.clinics.permissions import Perm
from ketacare.inventory.queries import open_discrepancies


def stock_discrepancies(request: HttpRequest) -> dict[str, Callable[[], int]]:
    """How many count discrepancies are open in the active clinic, for the staff landing page.
    A callable, so the count is asked only by a page that shows it (templates call it)."""
    actor: Any = getattr(request, "actor", None)
    if not isinstance(actor, StaffActor) or actor.active is None:
        return {"stock_discrepancies": lambda: 0}
    clinic = actor.active.clinic
    if not actor.can(Perm.STOCK_VIEW, clinic):
        return {"stock_discrepancies": lambda: 0}
    return {"stock_discrepancies": lambda: open_discrepancies(clinic).count()}
