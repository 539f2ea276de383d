"""PHQ-9 (REFERENCE §4.1, §4.2): nine items 0-3 summed to 0-27, plus an unscored item 10."""

from __future__ import annotations

from ketacare.clinical.scales.base import Anchor, Band, Item, Scale

__all__ = ["FREQUENCY_ANCHORS", "PHQ9", "PHQ_PERMISSION"]

# The PHQ-9 and GAD-7 share these answers; "nearly every day" LA6571-9 is unverified (§4.2).
FREQUENCY_ANCHORS = (
    Anchor(0, "Not at all", "LA6568-5"),
    Anchor(1, "Several days", "LA6569-3"),
    Anchor(2, "More than half the days", "LA6570-1"),
    Anchor(3, "Nearly every day", None),
)

PHQ_PERMISSION = (
    "Copyright © Pfizer Inc. All rights reserved. Developed by Drs. Robert L. Spitzer, "
    "Janet B.W. Williams, Kurt Kroenke and colleagues, with an educational grant from Pfizer Inc. "
    "No permission required to reproduce, translate, display or distribute."
)

_ITEMS = (
    ("1", "Little interest or pleasure in doing things", "44250-9"),
    ("2", "Feeling down, depressed, or hopeless", "44255-8"),
    ("3", "Trouble falling or staying asleep, or sleeping too much", "44259-0"),
    ("4", "Feeling tired or having little energy", "44254-1"),
    ("5", "Poor appetite or overeating", "44251-7"),
    (
        "6",
        "Feeling bad about yourself — or that you are a failure or have let yourself or your "
        "family down",
        "44258-2",
    ),
    (
        "7",
        "Trouble concentrating on things, such as reading the newspaper or watching television",
        "44252-5",
    ),
    (
        "8",
        "Moving or speaking so slowly that other people could have noticed? Or the opposite — "
        "being so fidgety or restless that you have been moving around a lot more than usual",
        "44253-3",
    ),
    (
        "9",
        "Thoughts that you would be better off dead or of hurting yourself in some way",
        "44260-8",
    ),
)

PHQ9 = Scale(
    code="phq9",
    name="Patient Health Questionnaire-9 (PHQ-9)",
    items=(
        *(Item(item_id, text, loinc=loinc) for item_id, text, loinc in _ITEMS),
        Item(
            "10",
            "If you checked off any problems, how difficult have these problems made it for you "
            "to do your work, take care of things at home, or get along with other people?",
            loinc="69722-7",
            scored=False,
            required=False,
            note="Difficulty item: recorded, never added to the total.",
        ),
    ),
    total_range=(0, 27),
    bands=(
        Band("minimal", 0, 4, "None-minimal"),
        Band("mild", 5, 9, "Mild"),
        Band("moderate", 10, 14, "Moderate"),
        Band("moderately_severe", 15, 19, "Moderately severe"),
        Band("severe", 20, 27, "Severe"),
    ),
    rater="self",
    recall="Over the last 2 weeks, how often have you been bothered by…",
    source="REFERENCE §4.1, §4.2",
    loinc_panel="44249-1",
    loinc_total="44261-6",
    anchors=FREQUENCY_ANCHORS,
    suicide_item="9",
    permission=PHQ_PERMISSION,
)
