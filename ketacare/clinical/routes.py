"""Routes of administration KetaCare supports (REFERENCE §1, §2, §3)."""

from __future__ import annotations

from typing import Literal

from ketacare.clinical.errors import require_choice

__all__ = ["ESKETAMINE", "ROUTES", "ROUTE_NAMES", "Route", "check_route"]

Route = Literal["iv", "esketamine_nasal", "im", "sublingual", "oral"]
ROUTES: tuple[Route, ...] = ("iv", "esketamine_nasal", "im", "sublingual", "oral")
ESKETAMINE: Route = "esketamine_nasal"
# What each route is called on a page.
ROUTE_NAMES: dict[Route, str] = {
    "iv": "IV ketamine infusion",
    "esketamine_nasal": "Esketamine nasal spray",
    "im": "IM ketamine",
    "sublingual": "Sublingual ketamine",
    "oral": "Oral ketamine",
}


def check_route(route: object) -> Route:
    """Return `route` if it is one of ROUTES, else raise ClinicalInputError."""
    return require_choice("route", route, ROUTES)
