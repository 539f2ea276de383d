"""Scale definitions match REFERENCE §4: items, ranges, bands and LOINC codes."""

import pytest

from ketacare.clinical import SCALES, ClinicalInputError, get_scale
from ketacare.clinical.scales.cadss6 import CADSS_ITEM_NUMBERS


@pytest.mark.parametrize(
    ("instrument", "items", "total_range"),
    [
        ("phq9", 10, (0, 27)),
        ("gad7", 8, (0, 21)),
        ("qids_sr16", 16, (0, 27)),
        ("madrs", 10, (0, 60)),
        ("cssrs_screener", 7, None),
        ("moaas", 1, (0, 5)),
        ("cadss6", 6, (0, 24)),
    ],
)
def test_each_scale_has_the_items_and_total_range_of_the_reference(
    instrument: str, items: int, total_range: tuple[int, int] | None
) -> None:
    scale = get_scale(instrument)
    assert len(scale.items) == items
    assert scale.total_range == total_range
    assert scale.source.startswith("REFERENCE §4")


@pytest.mark.parametrize("instrument", ["phq9", "gad7", "qids_sr16", "madrs", "moaas"])
def test_bands_cover_the_total_range_without_gaps_or_overlaps(instrument: str) -> None:
    scale = SCALES[instrument]  # type: ignore[index]
    assert scale.total_range is not None
    low, high = scale.total_range
    covered = [total for band in scale.bands for total in range(band.low, band.high + 1)]
    assert covered == list(range(low, high + 1))


def test_phq9_loinc_codes_are_those_of_reference_4_2() -> None:
    phq9 = get_scale("phq9")
    assert (phq9.loinc_panel, phq9.loinc_total) == ("44249-1", "44261-6")
    assert phq9.item("9").loinc == "44260-8"
    assert phq9.item("10").loinc == "69722-7"
    assert phq9.item("10").scored is False
    assert [anchor.loinc for anchor in phq9.anchors][:3] == ["LA6568-5", "LA6569-3", "LA6570-1"]


def test_gad7_loinc_codes_are_those_of_reference_4_3() -> None:
    gad7 = get_scale("gad7")
    assert (gad7.loinc_panel, gad7.loinc_total) == ("69737-5", "70274-6")
    assert [gad7.item(str(n)).loinc for n in range(1, 8)] == [
        "69725-0",
        "68509-9",
        "69733-4",
        "69734-2",
        "69735-9",
        "69689-8",
        "69736-7",
    ]


def test_cssrs_questions_carry_their_loinc_codes_and_skip_notes() -> None:
    cssrs = get_scale("cssrs_screener")
    assert cssrs.loinc_panel == "93373-9"
    assert cssrs.item("6a").loinc == "93269-9"
    assert cssrs.item("3").note == "Asked only when question 2 is Yes."
    assert cssrs.item("1").note is None


def test_cadss6_maps_to_items_1_2_6_7_15_22_of_the_cadss() -> None:
    assert CADSS_ITEM_NUMBERS == (1, 2, 6, 7, 15, 22)
    assert get_scale("cadss6").bands == ()
    assert get_scale("cadss6").band(12) is None


def test_suicide_items_are_phq9_9_qids_12_and_madrs_10() -> None:
    assert [SCALES[code].suicide_item for code in ("phq9", "qids_sr16", "madrs")] == [
        "9",
        "12",
        "10",
    ]


def test_asking_for_an_unknown_item_raises_key_error() -> None:
    with pytest.raises(KeyError):
        get_scale("phq9").item("11")


def test_an_unknown_instrument_is_an_input_error() -> None:
    with pytest.raises(ClinicalInputError, match=r"instrument: 'bdi' is not allowed"):
        get_scale("bdi")


def test_item_ids_are_in_form_order() -> None:
    assert get_scale("cssrs_screener").item_ids == ("1", "2", "3", "4", "5", "6", "6a")
