"""What the patient is told before and after a session (REFERENCE §1.4, §1.7)."""

import dataclasses

from ketacare.clinical import get_protocol, patient_instructions
from ketacare.clinical.protocols.model import PreDoseRule


def test_esketamine_patients_are_told_to_fast_arrange_a_driver_and_not_drive_until_next_day() -> (
    None
):
    told = patient_instructions(get_protocol("esketamine_trd"))
    assert told == (
        "Do not eat for 2 hours before your session.",
        "Do not drink anything for 30 minutes before your session.",
        "If you use a steroid or decongestant nose spray, use it at least 1 hour before "
        "your session.",
        "Arrange for someone to drive you home afterwards.",
        "Do not drive or use machinery until the next day, after a restful sleep.",
    )


def test_an_iv_protocol_tells_the_patient_nothing_its_checklist_does_not_ask_of_them() -> None:
    assert patient_instructions(get_protocol("iv_ketamine_twice_weekly")) == ()


def test_a_rule_without_a_time_keeps_the_protocols_words_and_odd_minutes_stay_minutes() -> None:
    protocol = dataclasses.replace(
        get_protocol("iv_ketamine_twice_weekly"),
        pre_dose=(
            PreDoseRule("no_food", "Nothing to eat from midnight.", "clinic"),
            PreDoseRule("no_liquids", "No drinks.", "clinic", 45),
            PreDoseRule("blood_pressure", "BP measured.", "clinic"),
        ),
    )
    assert patient_instructions(protocol) == (
        "Nothing to eat from midnight.",
        "Do not drink anything for 45 minutes before your session.",
    )
