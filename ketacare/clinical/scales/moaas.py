"""MOAA/S sedation score (REFERENCE §4.1, §4.8): one observer score 0-5."""

from __future__ import annotations

from ketacare.clinical.scales.base import Anchor, Band, Item, Scale

__all__ = ["MOAAS"]

_ANCHORS = (
    Anchor(5, "Responds readily to name spoken in normal tone"),
    Anchor(4, "Lethargic response to name spoken in normal tone"),
    Anchor(3, "Responds only after name is called loudly and/or repeatedly"),
    Anchor(2, "Responds only after mild prodding or shaking"),
    Anchor(1, "Responds only after painful trapezius squeeze"),
    Anchor(0, "Does not respond to painful trapezius squeeze"),
)

# The reference names only 5 (alert), 4 (mild sedation, J&J) and 0 (loss of consciousness, label);
# grades 3-1 are named after their anchors because "sedation = MOAA/S <= 3" is unverified (§4.8).
MOAAS = Scale(
    code="moaas",
    name="Modified Observer's Assessment of Alertness/Sedation (MOAA/S)",
    items=(Item("1", "Sedation score", maximum=5),),
    total_range=(0, 5),
    bands=(
        Band("unresponsive", 0, 0, "No response to painful stimulus (loss of consciousness)"),
        Band("responds_to_pain_only", 1, 1, "Responds only to painful stimulus"),
        Band("responds_to_prodding", 2, 2, "Responds only to mild prodding or shaking"),
        Band("responds_to_loud_voice", 3, 3, "Responds only to name called loudly or repeatedly"),
        Band("mild_sedation", 4, 4, "Mild sedation (lethargic response to name)"),
        Band("alert", 5, 5, "Alert"),
    ),
    rater="observer",
    recall="Now",
    source="REFERENCE §4.1, §4.8",
    anchors=_ANCHORS,
    permission="Published scale; licence terms unverified (REFERENCE §4.1).",
)
