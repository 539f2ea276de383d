"""Built-in protocols and session planning (REFERENCE §1.3, §1.5, §1.6, §2.1, §2.2, §2.6)."""

import dataclasses
import datetime as dt

import pytest

from ketacare.clinical import (
    PROTOCOLS,
    ClinicalInputError,
    VitalThresholds,
    customise,
    get_protocol,
    plan_sessions,
)
from ketacare.clinical.protocols import Phase, Protocol

WEDNESDAY = dt.date(2026, 1, 7)
MONDAY = dt.date(2026, 1, 5)


def test_the_built_in_protocols_are_keyed_by_code() -> None:
    assert set(PROTOCOLS) == {
        "esketamine_trd",
        "esketamine_mdsi",
        "iv_ketamine_twice_weekly",
        "iv_ketamine_thrice_weekly",
        "im_ketamine",
        "sublingual_ketamine",
        "oral_ketamine",
    }
    assert all(code == protocol.code for code, protocol in PROTOCOLS.items())


@pytest.mark.parametrize("protocol", list(PROTOCOLS.values()), ids=list(PROTOCOLS))
def test_every_protocol_names_its_sources_and_monitoring(protocol: Protocol) -> None:
    assert protocol.sources
    assert all(source.startswith("REFERENCE §") for source in protocol.sources)
    assert protocol.version == 1
    assert protocol.monitoring.pulse_oximetry is True


def test_esketamine_trd_follows_the_label_phases() -> None:
    trd = PROTOCOLS["esketamine_trd"]
    assert [(p.code, p.stage, p.weeks, p.sessions_per_week) for p in trd.phases] == [
        ("induction", "induction", 4, 2),
        ("maintenance_w5_8", "maintenance", 4, 1),
        ("maintenance_w9_plus", "maintenance", None, 1),
    ]
    assert trd.phases[2].interval_options == (1, 2)
    assert (trd.dose_rule.first_dose_mg, trd.dose_rule.allowed_mg) == (56, (56, 84))


def test_esketamine_monitoring_is_2_hours_with_three_bp_checkpoints() -> None:
    monitoring = PROTOCOLS["esketamine_trd"].monitoring
    assert monitoring.min_observation_min == 120
    assert monitoring.bp_checkpoints == ("pre_dose", "post_40min", "pre_discharge")
    assert monitoring.pre_dose_thresholds == VitalThresholds(sbp_max=140, dbp_max=90)


def test_esketamine_pre_dose_rules_include_fasting_times() -> None:
    rules = {rule.code: rule.minutes_before for rule in PROTOCOLS["esketamine_trd"].pre_dose}
    assert (rules["no_food"], rules["no_liquids"], rules["nasal_steroid_decongestant"]) == (
        120,
        30,
        60,
    )


def test_iv_protocols_give_half_a_mg_per_kg_over_40_minutes() -> None:
    for code in ("iv_ketamine_twice_weekly", "iv_ketamine_thrice_weekly"):
        rule = PROTOCOLS[code].dose_rule
        assert (rule.mg_per_kg, rule.infusion_minutes, rule.weight_basis) == (0.5, 40, "actual")
        assert PROTOCOLS[code].monitoring.in_session_thresholds.is_empty


def test_ketamine_templates_are_marked_as_templates() -> None:
    assert {code for code, p in PROTOCOLS.items() if p.template} == {
        "im_ketamine",
        "sublingual_ketamine",
        "oral_ketamine",
    }


def test_remission_thresholds_are_stored_per_protocol() -> None:
    assert PROTOCOLS["esketamine_trd"].remission_threshold("madrs") == 12
    assert PROTOCOLS["iv_ketamine_twice_weekly"].remission_threshold("madrs") == 10
    assert PROTOCOLS["iv_ketamine_twice_weekly"].remission_threshold("gad7") is None


# --- customise ------------------------------------------------------------------------------


def test_customise_makes_a_new_version_based_on_the_original() -> None:
    variant = customise(PROTOCOLS["iv_ketamine_twice_weekly"], name="Our IV course")
    assert (variant.version, variant.based_on, variant.name) == (
        2,
        "iv_ketamine_twice_weekly@v1",
        "Our IV course",
    )
    assert PROTOCOLS["iv_ketamine_twice_weekly"].version == 1


def test_customise_can_adopt_the_suggested_thresholds() -> None:
    from ketacare.clinical import SUGGESTED_IV_THRESHOLDS

    base = PROTOCOLS["iv_ketamine_twice_weekly"]
    monitoring = dataclasses.replace(base.monitoring, in_session_thresholds=SUGGESTED_IV_THRESHOLDS)
    variant = customise(base, monitoring=monitoring, version=5, based_on="clinic library")
    assert variant.monitoring.in_session_thresholds.spo2_min == 95
    assert (variant.version, variant.based_on) == (5, "clinic library")


def test_customise_refuses_a_lower_version_and_unknown_fields() -> None:
    base = PROTOCOLS["im_ketamine"]
    with pytest.raises(ClinicalInputError, match=r"version: must be higher than 1"):
        customise(base, version=1)
    with pytest.raises(ClinicalInputError, match=r"unknown protocol fields"):
        customise(base, dose=3)


def test_protocol_checks_its_phases() -> None:
    base = PROTOCOLS["esketamine_trd"]
    with pytest.raises(ClinicalInputError, match=r"at least one phase"):
        customise(base, phases=())
    with pytest.raises(ClinicalInputError, match=r"phase codes must be unique"):
        customise(base, phases=(base.phases[0], base.phases[0]))
    with pytest.raises(ClinicalInputError, match=r"only the last phase may be open-ended"):
        customise(base, phases=(base.phases[2], base.phases[0]))


def test_phase_checks_its_numbers() -> None:
    with pytest.raises(ClinicalInputError, match=r"x.interval_weeks: must be one of"):
        Phase("x", "maintenance", "x", None, "s", interval_weeks=3, interval_options=(1, 2))
    with pytest.raises(ClinicalInputError, match=r"x.weeks"):
        Phase("x", "induction", "x", 0, "s")
    with pytest.raises(ClinicalInputError, match=r"x.max_sessions"):
        Phase("x", "induction", "x", 2, "s", max_sessions=0)


def test_get_protocol_takes_a_code_or_a_protocol() -> None:
    protocol = PROTOCOLS["oral_ketamine"]
    assert get_protocol("oral_ketamine") is protocol
    assert get_protocol(protocol) is protocol
    with pytest.raises(ClinicalInputError, match=r"protocol: 'ect' is not allowed"):
        get_protocol("ect")


# --- plan_sessions --------------------------------------------------------------------------


def test_esketamine_trd_plans_8_induction_then_4_weekly_sessions() -> None:
    plan = plan_sessions("esketamine_trd", MONDAY)
    assert [s.phase for s in plan] == ["induction"] * 8 + ["maintenance"] * 4
    assert [s.date.strftime("%a") for s in plan[:8]] == ["Mon", "Thu"] * 4
    assert plan[0].date == MONDAY
    assert plan[8].date == MONDAY + dt.timedelta(weeks=4)
    assert [s.week for s in plan] == [1, 1, 2, 2, 3, 3, 4, 4, 5, 6, 7, 8]


def test_the_first_esketamine_session_may_only_take_56_mg() -> None:
    plan = plan_sessions("esketamine_trd", MONDAY)
    assert plan[0].allowed_mg == (56,)
    assert plan[1].allowed_mg == (56, 84)


def test_esketamine_mdsi_plans_8_sessions_starting_at_84_mg() -> None:
    plan = plan_sessions("esketamine_mdsi", MONDAY)
    assert len(plan) == 8
    assert plan[0].allowed_mg == (84,)


def test_week_9_onward_is_every_2_weeks_by_default_or_weekly_on_request() -> None:
    every_2 = plan_sessions("esketamine_trd", MONDAY, weeks=12)
    assert [s.week for s in every_2 if s.phase_code == "maintenance_w9_plus"] == [9, 11]
    weekly = plan_sessions("esketamine_trd", MONDAY, weeks=12, maintenance_interval_weeks=1)
    assert [s.week for s in weekly if s.phase_code == "maintenance_w9_plus"] == [9, 10, 11, 12]


def test_the_first_session_is_on_the_first_chosen_weekday_on_or_after_the_start() -> None:
    plan = plan_sessions("iv_ketamine_twice_weekly", WEDNESDAY, weekdays=["tue", "fri"])
    assert plan[0].date == dt.date(2026, 1, 9)
    assert [s.date.strftime("%a") for s in plan] == ["Fri", "Tue"] * 3


def test_iv_twice_weekly_is_6_infusions_over_3_weeks() -> None:
    plan = plan_sessions("iv_ketamine_twice_weekly", MONDAY)
    assert len(plan) == 6
    assert plan[-1].date - plan[0].date < dt.timedelta(weeks=3)
    assert plan[0].dose_rule.mg_per_kg == 0.5
    assert plan[0].allowed_mg == ()


def test_iv_thrice_weekly_is_up_to_6_infusions_on_mon_wed_fri() -> None:
    plan = plan_sessions("iv_ketamine_thrice_weekly", MONDAY)
    assert len(plan) == 6
    assert [s.date.strftime("%a") for s in plan] == ["Mon", "Wed", "Fri"] * 2


def test_max_sessions_ends_a_phase_early() -> None:
    base = PROTOCOLS["iv_ketamine_thrice_weekly"]
    longer = customise(base, phases=(dataclasses.replace(base.phases[0], weeks=4, max_sessions=7),))
    assert len(plan_sessions(longer, MONDAY)) == 7


def test_weekdays_may_be_numbers_or_names() -> None:
    by_number = plan_sessions("iv_ketamine_thrice_weekly", MONDAY, weekdays=[1, 3, 5])
    by_name = plan_sessions("iv_ketamine_thrice_weekly", MONDAY, weekdays=["Tuesday", "thu", "SAT"])
    assert by_number == by_name


def test_sessions_weeks_and_through_cut_the_plan_short() -> None:
    assert len(plan_sessions("esketamine_trd", MONDAY, sessions=3)) == 3
    assert len(plan_sessions("esketamine_trd", MONDAY, weeks=2)) == 4
    assert plan_sessions("esketamine_trd", MONDAY, through=dt.date(2026, 1, 8))[-1].date == dt.date(
        2026, 1, 8
    )


def test_open_ended_maintenance_needs_a_limit_and_stops_at_it() -> None:
    plan = plan_sessions("esketamine_trd", MONDAY, through=MONDAY + dt.timedelta(weeks=20))
    assert plan[-1].date <= MONDAY + dt.timedelta(weeks=20)
    assert plan[-1].phase_code == "maintenance_w9_plus"


def test_planning_can_start_at_a_later_phase() -> None:
    plan = plan_sessions("esketamine_trd", WEDNESDAY, from_phase="maintenance_w5_8")
    assert len(plan) == 4
    assert (plan[0].week, plan[0].date.strftime("%a"), plan[0].allowed_mg) == (5, "Mon", (56, 84))


def test_an_open_ended_phase_alone_with_a_phase_cap_stops() -> None:
    base = PROTOCOLS["esketamine_trd"]
    capped = dataclasses.replace(base.phases[2], max_sessions=2)
    variant = customise(base, phases=(*base.phases[:2], capped))
    plan = plan_sessions(variant, MONDAY, from_phase="maintenance_w9_plus", weeks=50)
    assert len(plan) == 2


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"weekdays": ["mon"]}, "weekdays: 1 given but the schedule has 2 sessions a week"),
        ({"weekdays": ["mon", "monday"]}, "repeats a day"),
        ({"weekdays": ["mo", "thu"]}, "'mo' is not a weekday"),
        ({"weekdays": ["funday", "thu"]}, "'funday' is not a weekday"),
        ({"weekdays": [7, 3]}, "weekdays: 7 is out of range; allowed: 0 to 6"),
        ({"weekdays": "mon"}, "weekdays: must be a list"),
        ({"sessions": 0}, "sessions: 0 is out of range"),
        ({"weeks": 0}, "weeks: 0 is out of range"),
        ({"through": dt.date(2025, 1, 1)}, "through: .* must be a date on or after"),
        ({"through": "2026-02-01"}, "through: .* must be a date on or after"),
        ({"maintenance_interval_weeks": 3}, "maintenance_interval_weeks: 3 is not allowed"),
        ({"from_phase": "week9"}, "phase: 'week9' is not a phase of esketamine_trd"),
    ],
)
def test_invalid_plan_options_are_refused(options: dict[str, object], message: str) -> None:
    with pytest.raises(ClinicalInputError, match=message):
        plan_sessions("esketamine_trd", MONDAY, **options)  # type: ignore[arg-type]


def test_an_interval_choice_needs_a_phase_that_offers_one() -> None:
    with pytest.raises(ClinicalInputError, match=r"no phase with a choice of interval"):
        plan_sessions("iv_ketamine_twice_weekly", MONDAY, maintenance_interval_weeks=1)


@pytest.mark.parametrize("start", ["2026-01-05", dt.datetime(2026, 1, 5, 9, 0)])
def test_start_must_be_a_date(start: object) -> None:
    with pytest.raises(ClinicalInputError, match=r"start: .* is not a date"):
        plan_sessions("esketamine_trd", start)  # type: ignore[arg-type]


def test_a_four_times_weekly_template_defaults_to_the_first_four_weekdays() -> None:
    base = PROTOCOLS["oral_ketamine"]
    variant = customise(base, phases=(dataclasses.replace(base.phases[0], sessions_per_week=4),))
    plan = plan_sessions(variant, MONDAY, sessions=4)
    assert [s.date.weekday() for s in plan] == [0, 1, 2, 3]
