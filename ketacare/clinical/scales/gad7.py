"""GAD-7 (REFERENCE §4.1, §4.3): seven items 0-3 summed to 0-21, plus an unscored item 8."""

from __future__ import annotations

from ketacare.clinical.scales.base import Band, Item, Scale
from ketacare.clinical.scales.phq9 import FREQUENCY_ANCHORS, PHQ_PERMISSION

__all__ = ["GAD7"]

_ITEMS = (
    ("1", "Feeling nervous, anxious or on edge", "69725-0"),
    ("2", "Not being able to stop or control worrying", "68509-9"),
    ("3", "Worrying too much about different things", "69733-4"),
    ("4", "Trouble relaxing", "69734-2"),
    ("5", "Being so restless that it is hard to sit still", "69735-9"),
    ("6", "Becoming easily annoyed or irritable", "69689-8"),
    ("7", "Feeling afraid, as if something awful might happen", "69736-7"),
)

GAD7 = Scale(
    code="gad7",
    name="Generalized Anxiety Disorder-7 (GAD-7)",
    items=(
        *(Item(item_id, text, loinc=loinc) for item_id, text, loinc in _ITEMS),
        Item(
            "8",
            None,
            scored=False,
            required=False,
            note="Difficulty item: recorded, never added to the total; LOINC code unverified.",
        ),
    ),
    total_range=(0, 21),
    bands=(
        Band("minimal", 0, 4, "Minimal"),
        Band("mild", 5, 9, "Mild"),
        Band("moderate", 10, 14, "Moderate"),
        Band("severe", 15, 21, "Severe"),
    ),
    rater="self",
    recall="Over the last 2 weeks, how often have you been bothered by…",
    source="REFERENCE §4.1, §4.3",
    loinc_panel="69737-5",
    loinc_total="70274-6",
    anchors=FREQUENCY_ANCHORS,
    permission=PHQ_PERMISSION,
)
