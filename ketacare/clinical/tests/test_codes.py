"""Code lists (REFERENCE §8)."""

from ketacare.clinical import codes


def test_diagnoses_are_system_code_term_triples_for_the_picker() -> None:
    assert all(len(entry) == 3 for entry in codes.DIAGNOSES)
    assert {system for system, _, _ in codes.DIAGNOSES} == {codes.ICD10CM, codes.SNOMED}
    assert (
        codes.ICD10CM,
        "F33.2",
        "Major depressive disorder, recurrent, severe without psychotic features",
    ) in codes.DIAGNOSES


def test_every_icd10cm_f32_and_f33_code_of_the_reference_is_listed() -> None:
    listed = {code for system, code, _ in codes.DIAGNOSES if system == codes.ICD10CM}
    assert listed == {
        "F32.0",
        "F32.1",
        "F32.2",
        "F32.3",
        "F32.4",
        "F32.5",
        "F32.81",
        "F32.89",
        "F32.9",
        "F32.A",
        "F33.0",
        "F33.1",
        "F33.2",
        "F33.3",
        "F33.40",
        "F33.41",
        "F33.42",
        "F33.8",
        "F33.9",
    }


def test_trd_is_snomed_1153570009_and_has_no_icd10cm_code() -> None:
    assert codes.TRD_SNOMED == "1153570009"
    assert (codes.SNOMED, "1153570009") in {(s, c) for s, c, _ in codes.DIAGNOSES}


def test_mdd_codes_exclude_pmdd_and_unspecified_depression() -> None:
    assert codes.is_mdd(codes.ICD10CM, "F32.1")
    assert codes.is_mdd(codes.SNOMED, "370143000")
    assert not codes.is_mdd(codes.ICD10CM, "F32.81")
    assert not codes.is_mdd(codes.ICD10CM, "F32.A")
    assert not codes.is_mdd(codes.SNOMED, "35489007")


def test_psychotic_features_are_recognised() -> None:
    assert codes.has_psychotic_features(codes.ICD10CM, "F33.3")
    assert not codes.has_psychotic_features(codes.ICD10CM, "F33.2")


def test_vital_sign_loinc_codes_follow_the_fhir_profile() -> None:
    assert codes.LOINC_VITALS["sbp"] == "8480-6"
    assert codes.LOINC_VITALS["spo2"] == "59408-5"
    assert codes.INSTRUMENT_LOINC["phq9"] == ("44249-1", "44261-6")
    assert codes.INSTRUMENT_LOINC["madrs"] == (None, None)


def test_units_are_ucum() -> None:
    assert codes.UCUM["bp"] == "mm[Hg]"
    assert codes.SYSTEM_URIS[codes.LOINC] == "http://loinc.org"


def test_spravato_kits_are_listed_by_ndc() -> None:
    assert (codes.NDC, "50458-028-02") in {(s, c) for s, c, _, _ in codes.DRUG_CODES}
