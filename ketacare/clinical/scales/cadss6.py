"""CADSS-6 dissociation score (REFERENCE §4.1, §4.7): six CADSS items 0-4, total 0-24, no bands."""

from __future__ import annotations

from ketacare.clinical.scales.base import Item, Scale

__all__ = ["CADSS6", "CADSS_ITEM_NUMBERS"]

# CADSS-6 item n is item CADSS_ITEM_NUMBERS[n - 1] of the 23-item CADSS (§4.7).
CADSS_ITEM_NUMBERS = (1, 2, 6, 7, 15, 22)

CADSS6 = Scale(
    code="cadss6",
    name="Clinician-Administered Dissociative States Scale, 6-item (CADSS-6)",
    items=tuple(
        Item(
            str(number),
            None,
            maximum=4,
            note=f"Item {original} of the 23-item CADSS; wording unverified (§4.7).",
        )
        for number, original in enumerate(CADSS_ITEM_NUMBERS, start=1)
    ),
    total_range=(0, 24),
    bands=(),
    rater="clinician",
    recall="Present state",
    source="REFERENCE §4.1, §4.7",
    permission="Item wording and licence unverified; ask the author (REFERENCE §4.7).",
)
