"""MADRS (REFERENCE §4.1, §4.5): ten clinician-rated items 0-6, total 0-60, Snaith bands."""

from __future__ import annotations

from ketacare.clinical.scales.base import Band, Item, Scale

__all__ = ["MADRS"]

_ITEMS = (
    "Apparent sadness",
    "Reported sadness",
    "Inner tension",
    "Reduced sleep",
    "Reduced appetite",
    "Concentration difficulties",
    "Lassitude",
    "Inability to feel",
    "Pessimistic thoughts",
    "Suicidal thoughts",
)

MADRS = Scale(
    code="madrs",
    name="Montgomery-Åsberg Depression Rating Scale (MADRS)",
    items=tuple(Item(str(number), text, maximum=6) for number, text in enumerate(_ITEMS, start=1)),
    total_range=(0, 60),
    bands=(
        Band("normal", 0, 6, "Normal"),
        Band("mild", 7, 19, "Mild"),
        Band("moderate", 20, 34, "Moderate"),
        Band("severe", 35, 60, "Severe"),
    ),
    rater="clinician",
    recall="Clinician interview (SIGMA structured guide exists)",
    source="REFERENCE §4.1, §4.5",
    suicide_item="10",
    permission="Licensing unverified (REFERENCE §4.5).",
)
