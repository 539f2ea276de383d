"""schema.org `MedicalClinic` markup of a published listing, for search engines."""

import json
from typing import Any

from ketacare.directory.listing import Listing
from ketacare.directory.models import WEEKDAYS

# JSON inside <script> must not close the element or open a comment (as `json_script` does).
_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def _address(listing: Listing) -> dict[str, str]:
    street = " ".join(p for p in (listing.address["address_line1"],
                                  listing.address["address_line2"]) if p)  # fmt: skip
    return {
        "@type": "PostalAddress",
        "streetAddress": street,
        "addressLocality": listing.city,
        "addressRegion": listing.state,
        "postalCode": listing.address["postal_code"],
        "addressCountry": "US",
    }


def _hours(day: int, span: list[str]) -> dict[str, str]:
    return {"@type": "OpeningHoursSpecification", "dayOfWeek": WEEKDAYS[day],
            "opens": span[0], "closes": span[1]}  # fmt: skip


def medical_clinic(listing: Listing, url: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "MedicalClinic",
        "name": listing.name,
        "url": url,
        "description": listing.description,
        "telephone": listing.phone,
        "address": _address(listing),
        "medicalSpecialty": "Psychiatric",
        "availableService": [
            {"@type": "MedicalTherapy", "name": f"Ketamine or esketamine: {label}"}
            for label in listing.route_labels
        ],
        "knowsLanguage": listing.languages,
        "isAcceptingNewPatients": listing.accepting_new_patients,
        "openingHoursSpecification": [
            _hours(int(day), span) for day, span in sorted(listing.hours.items())
        ],
    }
    if listing.email:
        data["email"] = listing.email
    if listing.website:
        data["sameAs"] = [listing.website]
    return data


def script_text(data: dict[str, Any]) -> str:
    """The JSON for a `<script type="application/ld+json">`, safe inside the element."""
    return json.dumps(data, sort_keys=True).translate(_ESCAPES)
