"""The ACLS rule for who runs a dosing session (REFERENCE §2.4)."""

import pytest

from ketacare.clinical import DEFAULT_ACLS_ROUTES, ClinicalInputError, acls_finding


def test_an_iv_session_without_anyone_current_in_acls_warns_citing_the_reference() -> None:
    finding = acls_finding("iv", list(DEFAULT_ACLS_ROUTES), anyone_current=False)
    assert finding is not None
    assert (finding.code, finding.kind) == ("acls_not_current", "warning")
    assert finding.source == "REFERENCE §2.4 (the clinic's setting)"


def test_no_warning_when_someone_holds_it_or_the_clinic_does_not_ask_for_the_route() -> None:
    assert acls_finding("iv", ["iv"], anyone_current=True) is None
    assert acls_finding("esketamine_nasal", ["iv"], anyone_current=False) is None
    assert acls_finding("im", ["iv", "im"], anyone_current=False) is not None


def test_unknown_routes_are_refused() -> None:
    with pytest.raises(ClinicalInputError):
        acls_finding("iv", ["intravenous"], anyone_current=False)
    with pytest.raises(ClinicalInputError):
        acls_finding("drip", ["iv"], anyone_current=False)
