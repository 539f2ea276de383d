"""Input checks the services of several apps share."""

from django.core.exceptions import ValidationError


def require_reason(field: str, reason: str) -> str:
    """The reason, stripped; a blank one is refused on `field` (it is kept on the record)."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({field: "Write the reason; it is kept on the record."})
    return reason
