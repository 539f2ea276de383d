"""The shared Finding type."""

from ketacare.clinical import Finding
from ketacare.clinical.findings import ref, sort_findings


def test_only_a_hard_stop_blocks() -> None:
    assert Finding("x", "hard_stop", "m", ref("1.8")).blocks is True
    assert Finding("x", "warning", "m", ref("1.8")).blocks is False


def test_ref_cites_sections_of_the_reference() -> None:
    assert ref("1.8", "2.5") == "REFERENCE §1.8, §2.5"


def test_findings_sort_hard_stops_first_keeping_rule_order() -> None:
    info = Finding("a", "info", "m", "s")
    warning = Finding("b", "warning", "m", "s")
    stop = Finding("c", "hard_stop", "m", "s")
    assert sort_findings([info, warning, stop]) == (stop, warning, info)
