import datetime as dt

import pytest

from ketacare.clinical import PROTOCOLS, ClinicalInputError, WatchCheck, customise
from ketacare.clinical.safety_watch import (
    DEFAULT_WATCH,
    STARTING_QUESTIONS,
    check_watch,
    sbp_rise,
    watch_due,
    watch_positive,
)

MAY_1 = dt.date(2026, 5, 1)
BLADDER = WatchCheck(
    "bladder", every_weeks=4, positive_at=1, questions=STARTING_QUESTIONS["bladder"]
)


def test_the_built_in_watch_lists_every_harm_and_schedules_nothing_until_the_clinic_does() -> None:
    assert [check.kind for check in DEFAULT_WATCH] == [
        "bladder",
        "cognition",
        "misuse",
        "blood_pressure",
        "liver",
    ]
    assert all(check.every_weeks is None for check in DEFAULT_WATCH)
    assert all(protocol.watch == DEFAULT_WATCH for protocol in PROTOCOLS.values())
    assert all(
        watch_due(check, MAY_1, None, MAY_1 + dt.timedelta(weeks=10)) is None
        for check in DEFAULT_WATCH
    )


def test_every_check_names_its_reference_section_and_says_its_content_is_the_clinics() -> None:
    for check in DEFAULT_WATCH:
        assert "REFERENCE §1." in check.source
        assert "the clinic's setting" in check.source
    assert [check.title for check in DEFAULT_WATCH][:2] == [
        "Bladder and urinary symptoms",
        "Memory and concentration",
    ]


def test_a_check_is_due_its_weeks_after_maintenance_began_then_after_the_last_one_done() -> None:
    first = watch_due(BLADDER, MAY_1, None, MAY_1 + dt.timedelta(days=27))
    assert first is not None
    assert (first.due_on, first.overdue) == (dt.date(2026, 5, 29), False)
    late = watch_due(BLADDER, MAY_1, None, dt.date(2026, 5, 30))
    assert late is not None
    assert late.overdue
    after = watch_due(BLADDER, MAY_1, dt.date(2026, 6, 3), dt.date(2026, 6, 4))
    assert after is not None
    assert (after.due_on, after.overdue) == (dt.date(2026, 7, 1), False)


def test_a_check_before_maintenance_is_not_due() -> None:
    assert watch_due(BLADDER, None, None, MAY_1) is None


def test_a_questionnaire_is_positive_at_the_clinics_number_of_yes_answers() -> None:
    two = WatchCheck("bladder", every_weeks=4, positive_at=2, questions=("a?", "b?", "c?"))
    assert not watch_positive(two, answers=(True, False, False))
    assert watch_positive(two, answers=(True, False, True))
    with pytest.raises(ClinicalInputError) as refused:
        watch_positive(two, answers=(True,))
    assert refused.value.field == "answers"


def test_the_blood_pressure_trend_compares_the_latest_sessions_with_the_first() -> None:
    assert sbp_rise([120] * 5, 3) is None
    assert sbp_rise([120, 122, 118, 130, 141, 139, 140], 3) == 20.0
    assert sbp_rise([120, 150], 1) == 30.0
    with pytest.raises(ClinicalInputError) as refused:
        sbp_rise([120, 150], 0)
    assert refused.value.field == "readings"
    check = WatchCheck("blood_pressure", every_weeks=8, positive_at=20, readings=3)
    assert watch_positive(check, value=20.0)
    assert not watch_positive(check, value=19.9)


def test_liver_tests_are_positive_above_the_clinics_alt_limit() -> None:
    check = WatchCheck("liver", every_weeks=12, positive_at=120)
    assert not watch_positive(check, value=120)
    assert watch_positive(check, value=121)


def test_a_check_without_a_cut_off_cannot_be_judged() -> None:
    with pytest.raises(ClinicalInputError) as refused:
        watch_positive(WatchCheck("liver"), value=50)
    assert refused.value.field == "watch_liver_positive_at"


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: WatchCheck("kidney"), "kind"),
        (
            lambda: WatchCheck("bladder", every_weeks=0, positive_at=1, questions=("a?",)),
            "watch_bladder_every_weeks",
        ),
        (lambda: WatchCheck("bladder", positive_at=1), "watch_bladder_questions"),
        (
            lambda: WatchCheck("bladder", positive_at=1, questions=("a?", " ")),
            "watch_bladder_questions",
        ),
        (lambda: WatchCheck("misuse", questions=("a?",)), "watch_misuse_positive_at"),
        (
            lambda: WatchCheck("misuse", positive_at=2, questions=("a?",)),
            "watch_misuse_positive_at",
        ),
        (lambda: WatchCheck("liver", questions=("a?",)), "watch_liver_questions"),
        (lambda: WatchCheck("liver", positive_at=0), "watch_liver_positive_at"),
        (lambda: WatchCheck("blood_pressure", every_weeks=8), "watch_blood_pressure_positive_at"),
        (
            lambda: WatchCheck("blood_pressure", every_weeks=8, positive_at=20),
            "watch_blood_pressure_readings",
        ),
        (
            lambda: WatchCheck("blood_pressure", positive_at=20, readings=11),
            "watch_blood_pressure_readings",
        ),
        (lambda: WatchCheck("liver", readings=3), "watch_liver_readings"),
    ],
)
def test_a_check_the_clinic_cannot_apply_is_refused_by_its_setting(
    make: object, field: str
) -> None:
    with pytest.raises(ClinicalInputError) as refused:
        make()  # type: ignore[operator]
    assert refused.value.field == field


def test_a_protocol_holds_each_check_once() -> None:
    check_watch(DEFAULT_WATCH)
    with pytest.raises(ClinicalInputError) as refused:
        customise(PROTOCOLS["esketamine_trd"], watch=(BLADDER, BLADDER))
    assert refused.value.field == "watch"
