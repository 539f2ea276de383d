"""C-SSRS Screener, recent (REFERENCE §4.6): yes/no questions with skip logic; a risk level, no
total (§6.1)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from ketacare.clinical.scales.base import Anchor, Item, Scale

__all__ = ["ASKED_WHEN", "CSSRS_SCREENER"]

# Question -> the question whose "Yes" opens it (§4.6 skip logic). Others are always asked.
ASKED_WHEN: Mapping[str, str] = MappingProxyType({"3": "2", "4": "2", "5": "2", "6a": "6"})


def _asked_when(item_id: str) -> str | None:
    parent = ASKED_WHEN.get(item_id)
    return None if parent is None else f"Asked only when question {parent} is Yes."


_ITEMS = (
    (
        "1",
        "Have you wished you were dead or wished you could go to sleep and not wake up?",
        "93246-7",
    ),
    ("2", "Have you actually had any thoughts of killing yourself?", "93247-5"),
    ("3", "Have you been thinking about how you might do this?", "93248-3"),
    ("4", "Have you had these thoughts and had some intention of acting on them?", "93249-1"),
    (
        "5",
        "Have you started to work out or worked out the details of how to kill yourself? "
        "Do you intend to carry out this plan?",
        "93250-9",
    ),
    (
        "6",
        "Have you ever done anything, started to do anything, or prepared to do anything to end "
        "your life?",
        "93267-3",
    ),
    ("6a", "Was this within the past 3 months?", "93269-9"),
)

CSSRS_SCREENER = Scale(
    code="cssrs_screener",
    name="Columbia-Suicide Severity Rating Scale Screener, recent (C-SSRS)",
    items=tuple(
        Item(
            item_id,
            text,
            kind="boolean",
            maximum=1,
            loinc=loinc,
            required=item_id not in ASKED_WHEN,
            note=_asked_when(item_id),
        )
        for item_id, text, loinc in _ITEMS
    ),
    total_range=None,
    bands=(),
    rater="clinician",
    recall="Ideation: past month; behaviour: lifetime and past 3 months",
    source="REFERENCE §4.6, §6.1",
    loinc_panel="93373-9",
    anchors=(Anchor(True, "Yes", "LA33-6"), Anchor(False, "No", "LA32-8")),
    permission=(
        "For health/behavioral health care providers, there is no cost or license required to "
        "put the Columbia Protocol tools into your EHR/EMR."
    ),
)
