"""QIDS-SR16 (REFERENCE §4.1, §4.4): sixteen items 0-3 folded into nine domains, total 0-27."""

from __future__ import annotations

from ketacare.clinical.scales.base import Band, Item, Scale

__all__ = ["DOMAINS", "ONE_OF", "QIDS_SR16"]

_ITEMS = (
    "Falling asleep",
    "Sleep during the night",
    "Waking up too early",
    "Sleeping too much",
    "Feeling sad",
    "Decreased appetite",
    "Increased appetite",
    "Decreased weight (within the last two weeks)",
    "Increased weight (within the last two weeks)",
    "Concentration/decision making",
    "View of myself",
    "Thoughts of death or suicide",
    "General interest",
    "Energy level",
    "Feeling slowed down",
    "Feeling restless",
)

_NOTES = {
    "6": "Answer either 6 or 7, not both.",
    "7": "Answer either 6 or 7, not both.",
    "8": "Answer either 8 or 9, not both.",
    "9": "Answer either 8 or 9, not both.",
}

# The form says "Please complete either 6 or 7 (not both)" and "either 8 or 9 (not both)".
ONE_OF: tuple[tuple[str, str], ...] = (("6", "7"), ("8", "9"))

# Nine domains; a domain of several items scores the highest answered item (§4.4 algorithm).
DOMAINS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("sleep", ("1", "2", "3", "4")),
    ("sad_mood", ("5",)),
    ("appetite_weight", ("6", "7", "8", "9")),
    ("concentration", ("10",)),
    ("view_of_self", ("11",)),
    ("suicidal_ideation", ("12",)),
    ("interest", ("13",)),
    ("energy", ("14",)),
    ("psychomotor", ("15", "16")),
)

QIDS_SR16 = Scale(
    code="qids_sr16",
    name="Quick Inventory of Depressive Symptomatology, Self-Report (QIDS-SR16)",
    items=tuple(
        Item(str(number), text, required=str(number) not in _NOTES, note=_NOTES.get(str(number)))
        for number, text in enumerate(_ITEMS, start=1)
    ),
    total_range=(0, 27),
    bands=(
        Band("none", 0, 5, "None"),
        Band("mild", 6, 10, "Mild"),
        Band("moderate", 11, 15, "Moderate"),
        Band("severe", 16, 20, "Severe"),
        Band("very_severe", 21, 27, "Very severe"),
    ),
    rater="self",
    recall="The last 7 days",
    source="REFERENCE §4.1, §4.4",
    suicide_item="12",
    permission="Licensing unverified (REFERENCE §4.4): see ids-qids.org before use.",
)
