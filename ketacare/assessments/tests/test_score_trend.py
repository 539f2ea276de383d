"""The score trend (PHQ-9, GAD-7, QIDS-SR16, MADRS) on the chart and the rating-scales page."""

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import World, client_for
from ketacare.assessments.models import Assessment
from ketacare.assessments.queries import trend_scores
from ketacare.assessments.services import assessment_mark_error, assessment_record
from ketacare.assessments.trend import MINUS, Trend, build_trend
from ketacare.clinics.actors import StaffActor

pytestmark = pytest.mark.django_db
START = dt.datetime(2025, 9, 1, 14, 0, tzinfo=dt.UTC)
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def _answers(instrument: str, total: int) -> dict[str, int]:
    """Item answers adding up to `total`, leaving PHQ-9 item 9 (suicidal thoughts) for last."""
    items = [str(n) for n in range(1, 10 if instrument == "phq9" else 8)]
    answers = {}
    for item in items:
        answers[item] = min(3, total)
        total -= answers[item]
    return answers


def _score(
    world: World, instrument: str, total: int, week: int = 0, context: str = "follow_up"
) -> Assessment:
    return assessment_record(
        actor=world.nina,
        patient=world.patient,
        instrument=instrument,
        answers=_answers(instrument, total),
        administered_at=START + dt.timedelta(weeks=week),
        context=context,
    )


def _course(world: World, instrument: str, *totals: int) -> None:
    """A baseline score in week 0, then one follow-up score a week."""
    for week, total in enumerate(totals):
        _score(world, instrument, total, week, "baseline" if week == 0 else "follow_up")


def _trend(world: World) -> Trend:
    return build_trend(trend_scores(world.patient), NEW_YORK)


def _chart(world: World, user: StaffActor | None = None) -> str:
    client = client_for(user or world.nina)
    return client.get(f"/patients/{world.patient.public_id}/").content.decode()


def _svg(page: str) -> str:
    found = re.search(r'<svg class="trend-chart".*?</svg>', page, re.S)
    assert found is not None
    return found.group(0)


def _table_rows(page: str) -> list[list[str]]:
    table = re.search(r'<table class="trend-table">.*?</table>', page, re.S)
    assert table is not None
    rows = re.findall(r"<tr>(.*?)</tr>", table.group(0).split("<tbody>")[1], re.S)
    return [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in rows]


def test_the_trend_skips_scores_entered_in_error(world: World) -> None:
    _course(world, "phq9", 20, 9)
    wrong = _score(world, "phq9", 27, week=1)
    assessment_mark_error(actor=world.nina, assessment=wrong, reason="Another patient's form")
    (phq9,) = _trend(world).series
    assert [p.total for p in phq9.points] == [20, 9]
    assert "27" not in [row[2] for row in _table_rows(_chart(world))]


def test_a_fall_from_20_to_9_is_marked_as_a_response_without_remission(world: World) -> None:
    _course(world, "phq9", 20, 9)
    (phq9,) = _trend(world).series
    assert [p.marker for p in phq9.points] == ["baseline", "response"]
    svg = _svg(_chart(world))
    assert svg.count('class="trend-marker trend-response"') == 1
    assert "trend-remission" not in svg


def test_a_fall_from_20_to_4_is_marked_as_a_remission(world: World) -> None:
    _course(world, "phq9", 20, 4)
    (phq9,) = _trend(world).series
    assert [p.marker for p in phq9.points] == ["baseline", "remission"]
    svg = _svg(_chart(world))
    assert svg.count('class="trend-marker trend-remission"') == 1
    assert "trend-response" not in svg


def test_a_gad7_response_is_marked_but_never_a_remission(world: World) -> None:
    _course(world, "gad7", 15, 3)
    page = _chart(world)
    assert _svg(page).count('class="trend-marker trend-response"') == 1
    assert "trend-remission" not in page  # not even in the legend: the core defines none
    assert "GAD-7 has no remission definition" in page
    assert _table_rows(page)[1][5:] == ["Yes", "Not defined"]


def test_the_svg_title_and_description_summarise_each_scale(world: World) -> None:
    _course(world, "phq9", 21, 18, 15, 12, 10, 9, 8)
    _course(world, "gad7", 14, 12, 6)
    svg = _svg(_chart(world))
    assert 'role="img"' in svg
    assert '<title id="trend-title">PHQ-9 and GAD-7 scores over time</title>' in svg
    assert (
        '<desc id="trend-desc">PHQ-9 from 21 to 8 over 6 weeks: response; no remission. '
        "GAD-7 from 14 to 6 over 2 weeks: response; remission not defined.</desc>"
    ) in svg


def test_a_single_score_is_summarised_without_an_outcome(world: World) -> None:
    _course(world, "phq9", 12)
    assert _trend(world).desc == "PHQ-9 12 (Moderate) on 2025-09-01; no later score."


def test_a_patient_without_scores_sees_the_empty_state(world: World) -> None:
    assessment_record(
        actor=world.nina,
        patient=world.patient,
        instrument="cssrs_screener",
        answers={"1": False, "2": False, "6": False},
        administered_at=START,
    )
    page = _chart(world)
    assert "No PHQ-9, GAD-7, QIDS-SR16 or MADRS scores yet." in page
    assert "trend-chart" not in page


def test_the_table_lists_each_score_with_its_change_from_baseline(world: World) -> None:
    _course(world, "phq9", 20, 14, 4)
    _course(world, "gad7", 10, 5)
    assert _table_rows(_chart(world)) == [
        ["PHQ-9", "2025-09-01", "20", "Severe", "baseline", "—", "—"],
        ["PHQ-9", "2025-09-08", "14", "Moderate", f"{MINUS}30 %", "No", "No"],
        ["PHQ-9", "2025-09-15", "4", "None-minimal", f"{MINUS}80 %", "Yes", "Yes"],
        ["GAD-7", "2025-09-01", "10", "Moderate", "baseline", "—", "—"],
        ["GAD-7", "2025-09-08", "5", "Mild", f"{MINUS}50 %", "Yes", "Not defined"],
    ]


def test_the_baseline_is_the_earliest_score_recorded_as_baseline(world: World) -> None:
    _score(world, "phq9", 24, week=0, context="follow_up")
    _score(world, "phq9", 20, week=1, context="baseline")
    _score(world, "phq9", 18, week=2, context="baseline")
    _score(world, "phq9", 10, week=3)
    (phq9,) = _trend(world).series
    assert [p.is_baseline for p in phq9.points] == [False, True, False, False]
    assert [p.change for p in phq9.points] == ["—", "baseline", f"{MINUS}10 %", f"{MINUS}50 %"]


def test_without_a_baseline_score_the_earliest_score_is_the_baseline(world: World) -> None:
    _score(world, "gad7", 12, week=0)
    _score(world, "gad7", 6, week=1)
    (gad7,) = _trend(world).series
    assert [p.marker for p in gad7.points] == ["baseline", "response"]


def test_dates_are_shown_in_the_clinic_time_zone(world: World) -> None:
    late_evening = dt.datetime(2025, 9, 2, 2, 30, tzinfo=dt.UTC)  # 1 Sep 22:30 in New York
    assessment_record(
        actor=world.nina,
        patient=world.patient,
        instrument="phq9",
        answers=_answers("phq9", 9),
        administered_at=late_evening,
    )
    page = _chart(world)
    assert _table_rows(page)[0][1] == "2025-09-01"
    assert ">1 Sep 2025</text>" in _svg(page)
    assert "clinic time (America/New_York)" in page


def test_roles_without_clinical_access_do_not_see_the_trend(world: World) -> None:
    _course(world, "phq9", 20, 9)
    assert "Scores over time" in _chart(world, world.theo)
    assert "Scores over time" not in _chart(world, world.fran)


def test_the_rating_scales_page_shows_the_trend(world: World) -> None:
    _course(world, "phq9", 20, 9)
    page = client_for(world.pia).get(f"/patients/{world.patient.public_id}/assessments/")
    assert "PHQ-9 from 20 to 9 over 7 days: response; no remission" in page.content.decode()


def test_the_chart_query_count_does_not_grow_with_scores(world: World) -> None:
    client = client_for(world.nina)
    url = f"/patients/{world.patient.public_id}/"
    _course(world, "phq9", 20, 15)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for week in range(2, 24):  # weekly to February 2026, before any moment the suite runs at
        _score(world, "phq9", 20 - week % 15, week)
        _score(world, "gad7", 15 - week % 10, week)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
    trend_reads = [q for q in large.captured_queries if "assessments_assessment" in q["sql"]]
    assert len(trend_reads) == 1


@dataclass(frozen=True)
class _Row:
    instrument: str
    total: int | None
    administered_at: dt.datetime
    context: str = "follow_up"
    severity_label: str = ""
    entered_in_error: bool = False


def test_a_long_history_gets_a_few_readable_date_ticks_on_local_midnights() -> None:
    rows = [_Row("phq9", 20 - n % 10, START + dt.timedelta(days=9 * n)) for n in range(45)]
    trend = build_trend(rows, NEW_YORK)
    xs = [tick.x for tick in trend.ticks]
    assert 2 <= len(xs) <= 8
    assert xs == sorted(xs)
    assert trend.left <= xs[0]
    assert xs[-1] <= trend.right
    assert trend.ticks[0].label == "1 Sep 2025"
    assert any(tick.label.endswith("2026") for tick in trend.ticks)  # the year changes


def test_a_point_and_its_days_tick_agree_across_a_daylight_saving_change() -> None:
    # 2 Nov 2025: New York leaves daylight saving time; local midnight is 05:00 UTC after it.
    rows = [
        _Row("gad7", 10, dt.datetime(2025, 10, 30, 4, 0, tzinfo=dt.UTC), "baseline"),
        _Row("gad7", 5, dt.datetime(2025, 11, 4, 5, 0, tzinfo=dt.UTC)),
    ]
    trend = build_trend(rows, NEW_YORK)
    last_midnight = next(tick for tick in trend.ticks if tick.label == "4 Nov")
    assert last_midnight.x == trend.series[0].points[-1].x


def test_rows_of_other_scales_or_entered_in_error_are_never_drawn() -> None:
    rows = [
        _Row("moaas", 5, START),
        _Row("phq9", 27, START, entered_in_error=True),
        _Row("cssrs_screener", None, START),
    ]
    assert build_trend(rows, NEW_YORK).series == ()
