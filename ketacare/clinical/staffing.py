"""Who may run a dosing session (REFERENCE §2.4): Sanacora 2017, via secondary summaries, has
the staff who administer ketamine certified in Advanced Cardiac Life Support (ACLS). The
reference names it for IV ketamine and gives no rule for the other routes, so the routes a
clinic asks it for are the clinic's setting, IV by default."""

from __future__ import annotations

from ketacare.clinical.findings import Finding, ref
from ketacare.clinical.routes import check_route

__all__ = ["DEFAULT_ACLS_ROUTES", "acls_finding"]

# What REFERENCE §2.4 names ACLS for: the routes a clinic is offered to choose first.
DEFAULT_ACLS_ROUTES = ("iv",)


def acls_finding(route: str, acls_routes: list[str], *, anyone_current: bool) -> Finding | None:
    """A warning when the session's route is one the clinic asks ACLS for and nobody who has
    recorded on the session holds a current ACLS certification."""
    wanted = [check_route(r) for r in acls_routes]
    if check_route(route) not in wanted or anyone_current:
        return None
    return Finding(
        code="acls_not_current",
        kind="warning",
        message="Nobody on this session holds a current ACLS certification, which the clinic "
        "asks of whoever runs this treatment.",
        source=ref("2.4") + " (the clinic's setting)",
    )
