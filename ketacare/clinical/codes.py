"""Clinical code lists: diagnoses (ICD-10-CM, SNOMED CT), LOINC, UCUM and drug identifiers.

REFERENCE §8. Diagnosis tuples are (system, code, term) with system "icd10cm" or "snomed";
SYSTEM_URIS gives the FHIR system URI of each short system name. TRD has no ICD-10-CM code
(REFERENCE §8.3); it is SNOMED CT 1153570009 (§8.2): code the MDD episode and record TRD apart.
"""

from __future__ import annotations

from typing import Final

ICD10CM: Final = "icd10cm"
SNOMED: Final = "snomed"
LOINC: Final = "loinc"
UCUM_SYSTEM: Final = "ucum"
RXNORM: Final = "rxnorm"
NDC: Final = "ndc"
UNII: Final = "unii"

SYSTEM_URIS: Final[dict[str, str]] = {
    ICD10CM: "http://hl7.org/fhir/sid/icd-10-cm",
    SNOMED: "http://snomed.info/sct",
    LOINC: "http://loinc.org",
    UCUM_SYSTEM: "http://unitsofmeasure.org",
    RXNORM: "http://www.nlm.nih.gov/research/umls/rxnorm",
    NDC: "http://hl7.org/fhir/sid/ndc",
    UNII: "http://fdasis.nlm.nih.gov",
}

ICD10CM_DEPRESSION: Final[tuple[tuple[str, str], ...]] = (
    ("F32.0", "Major depressive disorder, single episode, mild"),
    ("F32.1", "Major depressive disorder, single episode, moderate"),
    ("F32.2", "Major depressive disorder, single episode, severe without psychotic features"),
    ("F32.3", "Major depressive disorder, single episode, severe with psychotic features"),
    ("F32.4", "Major depressive disorder, single episode, in partial remission"),
    ("F32.5", "Major depressive disorder, single episode, in full remission"),
    ("F32.81", "Premenstrual dysphoric disorder"),
    ("F32.89", "Other specified depressive episodes"),
    ("F32.9", "Major depressive disorder, single episode, unspecified"),
    ("F32.A", "Depression, unspecified"),
    ("F33.0", "Major depressive disorder, recurrent, mild"),
    ("F33.1", "Major depressive disorder, recurrent, moderate"),
    ("F33.2", "Major depressive disorder, recurrent, severe without psychotic features"),
    ("F33.3", "Major depressive disorder, recurrent, severe with psychotic symptoms"),
    ("F33.40", "Major depressive disorder, recurrent, in remission, unspecified"),
    ("F33.41", "Major depressive disorder, recurrent, in partial remission"),
    ("F33.42", "Major depressive disorder, recurrent, in full remission"),
    ("F33.8", "Other recurrent depressive disorders"),
    ("F33.9", "Major depressive disorder, recurrent, unspecified"),
)

SNOMED_DEPRESSION: Final[tuple[tuple[str, str], ...]] = (
    ("370143000", "Major depressive disorder (disorder)"),
    ("1153570009", "Treatment resistant depression (disorder)"),
    ("36923009", "Major depression, single episode"),
    ("268620009", "Single major depressive episode"),
    ("79298009", "Mild major depression, single episode"),
    ("191601008", "Single major depressive episode, mild"),
    ("15639000", "Moderate major depression, single episode"),
    ("191602001", "Single major depressive episode, moderate"),
    ("720453001", "Moderately severe major depression single episode"),
    ("76441001", "Severe major depression, single episode, without psychotic features"),
    ("430852001", "Severe major depression, single episode, with psychotic features"),
    ("191604000", "Single major depressive episode, severe, with psychosis"),
    ("70747007", "Major depression single episode, in partial remission"),
    ("19527009", "Single episode of major depression in full remission"),
    ("14183003", "Chronic major depressive disorder, single episode"),
    ("66344007", "Recurrent major depression"),
    ("268621008", "Recurrent major depressive episodes"),
    ("40379007", "Mild recurrent major depression"),
    ("191610000", "Recurrent major depressive episodes, mild"),
    ("18818009", "Moderate recurrent major depression"),
    ("191611001", "Recurrent major depressive episodes, moderate"),
    ("36474008", "Severe recurrent major depression without psychotic features"),
    ("28475009", "Severe recurrent major depression with psychotic features"),
    ("191613003", "Recurrent major depressive episodes, severe, with psychosis"),
    ("33135002", "Recurrent major depression in partial remission"),
    ("46244001", "Recurrent major depression in full remission"),
    ("68019004", "Recurrent major depression in remission"),
    ("2618002", "Chronic recurrent major depressive disorder"),
    ("310495003", "Mild depression"),
    ("310496002", "Moderate depression"),
    ("310497006", "Severe depression"),
    ("35489007", "Depressive disorder"),
)

DIAGNOSES: Final[tuple[tuple[str, str, str], ...]] = tuple(
    [(ICD10CM, code, term) for code, term in ICD10CM_DEPRESSION]
    + [(SNOMED, code, term) for code, term in SNOMED_DEPRESSION]
)

TRD_SNOMED: Final = "1153570009"  # check it in the edition you license (§8.2)

# Codes that are major depressive disorder itself (not PMDD, "other", or depression unspecified).
_NOT_MDD: Final = frozenset(
    {"F32.81", "F32.89", "F32.A", "F33.8", "310495003", "310496002", "310497006", "35489007"}
)
MDD_DIAGNOSES: Final[frozenset[tuple[str, str]]] = frozenset(
    (system, code) for system, code, _ in DIAGNOSES if code not in _NOT_MDD
)
# MDD with psychotic features: outside the strongest ketamine evidence (§2.5).
PSYCHOTIC_FEATURES_DIAGNOSES: Final[frozenset[tuple[str, str]]] = frozenset(
    {
        (ICD10CM, "F32.3"),
        (ICD10CM, "F33.3"),
        (SNOMED, "430852001"),
        (SNOMED, "191604000"),
        (SNOMED, "28475009"),
        (SNOMED, "191613003"),
    }
)


def is_mdd(system: str, code: str) -> bool:
    """True if (system, code) is a major depressive disorder diagnosis (§8.2, §8.3)."""
    return (system, code) in MDD_DIAGNOSES


def has_psychotic_features(system: str, code: str) -> bool:
    """True if (system, code) is MDD with psychotic features (§8.2, §8.3; see §2.5)."""
    return (system, code) in PSYCHOTIC_FEATURES_DIAGNOSES


# LOINC panel and total codes of the instruments (§4.1, §8.4); None: no code found (§8.4).
INSTRUMENT_LOINC: Final[dict[str, tuple[str | None, str | None]]] = {
    "phq9": ("44249-1", "44261-6"),
    "phq2": ("55757-9", "55758-7"),
    "gad7": ("69737-5", "70274-6"),
    "cssrs_screener": ("93373-9", None),
    "qids_sr16": (None, None),
    "madrs": (None, None),
    "moaas": (None, None),
    "cadss6": (None, None),
}

LOINC_VITALS: Final[dict[str, str]] = {
    "panel": "85353-1",
    "bp_panel": "85354-9",
    "sbp": "8480-6",
    "dbp": "8462-4",
    "hr": "8867-4",
    "rr": "9279-1",
    "spo2": "59408-5",
    "spo2_arterial": "2708-6",
    "temperature": "8310-5",
    "weight": "29463-7",
    "height": "8302-2",
    "bmi": "39156-5",
}

UCUM: Final[dict[str, str]] = {
    "score": "{score}",
    "bp": "mm[Hg]",
    "rate": "/min",
    "spo2": "%",
    "weight": "kg",
    "bmi": "kg/m2",
    "dose": "mg",
    "dose_per_weight": "mg/kg",
    "volume": "mL",
    "minutes": "min",
    "hours": "h",
    "rate_mg": "mg/h",
    "rate_ml": "mL/h",
}

# Drug identifiers (§8.1): (system, code, term, verification tag).
DRUG_CODES: Final[tuple[tuple[str, str, str, str], ...]] = (
    (RXNORM, "238082", "Ketamine HCl injectable product (SCD; strength unverified)", "V-REG"),
    (RXNORM, "238083", "Ketamine HCl injectable product (SCD; likely 100 mg/mL)", "V-REG"),
    (RXNORM, "238084", "Ketamine HCl injectable product (SCD; strength unverified)", "V-REG"),
    (RXNORM, "206967", "Ketalar (SBD)", "V-REG"),
    (RXNORM, "206970", "Ketalar (SBD)", "V-REG"),
    (RXNORM, "206972", "Ketalar (SBD)", "V-REG"),
    (UNII, "O18YUO0I83", "Ketamine hydrochloride", "V-REG"),
    (NDC, "50458-028-02", "SPRAVATO 56 mg kit (2 devices of 28 mg)", "V-REG"),
    (NDC, "50458-028-03", "SPRAVATO 84 mg kit (3 devices of 28 mg)", "V-REG"),
    (NDC, "50458-028-00", "SPRAVATO 28 mg/0.2 mL device", "V-REG"),
    (SNOMED, "789488000", "Product containing esketamine in nasal dose form", "V-SEC"),
    (SNOMED, "789489008", "Product containing only esketamine in nasal dose form", "V-SEC"),
    (SNOMED, "38515511000001108", "Esketamine 28mg/0.2ml nasal spray unit dose", "V-SEC"),
    (
        SNOMED,
        "38499811000001103",
        "Spravato 28mg/0.2ml nasal spray unit dose (Janssen-Cilag Ltd)",
        "V-SEC",
    ),
)
