"""The built-in protocols (REFERENCE §1.3-§1.6, §1.11, §2.1-§2.6, §3.2, §5.1).

Label protocols (esketamine) follow the label; IV protocols follow the cited trials; IM,
sublingual and oral are clinic-adjustable templates whose schedules are KetaCare placeholders.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from ketacare.clinical.findings import ref
from ketacare.clinical.protocols.model import (
    DoseRule,
    MonitoringPlan,
    Phase,
    PreDoseRule,
    Protocol,
)
from ketacare.clinical.vitals import ESKETAMINE_PRE_DOSE_THRESHOLDS

__all__ = ["PROTOCOLS"]

_TEMPLATE_SCHEDULE = "KetaCare template default, not from a source: the clinic sets it."

# --- esketamine (SPRAVATO) -------------------------------------------------------------------

_ESKETAMINE_MONITORING = MonitoringPlan(
    min_observation_min=120,
    bp_checkpoints=("pre_dose", "post_40min", "pre_discharge"),
    vitals_interval_min=None,
    pulse_oximetry=True,
    source=ref("1.5", "1.6", "1.11"),
    pre_dose_thresholds=ESKETAMINE_PRE_DOSE_THRESHOLDS,
)

_ESKETAMINE_PRE_DOSE = (
    PreDoseRule(
        "rems_enrolled",
        "Patient enrolled in the SPRAVATO REMS before the first treatment.",
        ref("1.11"),
    ),
    PreDoseRule("no_food", "No food for at least 2 hours before the dose.", ref("1.4"), 120),
    PreDoseRule(
        "no_liquids", "No liquids for at least 30 minutes before the dose.", ref("1.4"), 30
    ),
    PreDoseRule(
        "nasal_steroid_decongestant",
        "A nasal corticosteroid or decongestant is taken at least 1 hour before the dose.",
        ref("1.4"),
        60,
    ),
    PreDoseRule(
        "blood_pressure",
        "Blood pressure measured; above 140/90 mmHg weigh delaying the dose.",
        ref("1.5"),
    ),
    PreDoseRule(
        "suicide_risk",
        "Suicide risk triaged (C-SSRS / PHQ-9 item 9); high risk stops the session.",
        ref("6.1", "6.2"),
    ),
    PreDoseRule(
        "concomitant_medicines",
        "Concomitant benzodiazepines, non-benzodiazepine hypnotics, psychostimulants, MAOIs "
        "and opioids recorded for the REMS form.",
        ref("1.11"),
    ),
    PreDoseRule("driver_arranged", "Someone is arranged to drive the patient home.", ref("1.7")),
)

_IFU_STEPS = (
    "Patient blows nose before the first device only; confirm the number of devices.",
    "Check the expiry date and that the indicator shows 2 green dots; do not prime.",
    "Patient reclines the head about 45 degrees and sprays once into each nostril.",
    "Check the device shows no green dots; if one remains, spray again into the second nostril.",
    "Patient rests semi-reclined for 5 minutes after each device; do not blow the nose.",
    "Self-administration under the direct supervision of a healthcare professional.",
)

_ESKETAMINE_DOSES = DoseRule(
    kind="fixed",
    description="Day 1: 56 mg; then 56 or 84 mg (84 mg only after a 56 mg start).",
    source=ref("1.3"),
    allowed_mg=(56, 84),
    first_dose_mg=56,
)

ESKETAMINE_TRD = Protocol(
    code="esketamine_trd",
    version=1,
    name="Esketamine nasal spray for treatment-resistant depression (US label)",
    route="esketamine_nasal",
    drug="esketamine",
    indication="TRD in adults (>= 2 failed adequate antidepressant trials), alone or with an "
    "oral antidepressant",
    dose_rule=_ESKETAMINE_DOSES,
    phases=(
        Phase("induction", "induction", "Induction, weeks 1-4", 4, ref("1.3"), sessions_per_week=2),
        Phase("maintenance_w5_8", "maintenance", "Maintenance, weeks 5-8", 4, ref("1.3")),
        Phase(
            "maintenance_w9_plus",
            "maintenance",
            "Maintenance, week 9 onward",
            None,
            ref("1.3"),
            interval_weeks=2,
            interval_options=(1, 2),
            note="Every 2 weeks or once weekly: the lowest frequency that keeps remission or "
            "response.",
        ),
    ),
    monitoring=_ESKETAMINE_MONITORING,
    pre_dose=_ESKETAMINE_PRE_DOSE,
    sources=(ref("1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "1.11"),),
    remission_max=(("madrs", 12), ("phq9", 4), ("qids_sr16", 5)),
    administration=_IFU_STEPS,
    notes=(
        "Judge therapeutic benefit at the end of induction to decide whether to continue.",
        "Missed in the first 4 weeks: continue the current schedule. Missed in maintenance with "
        "worsening: consider returning to the previous schedule.",
    ),
)

ESKETAMINE_MDSI = Protocol(
    code="esketamine_mdsi",
    version=1,
    name="Esketamine nasal spray for MDD with acute suicidal ideation or behaviour (US label)",
    route="esketamine_nasal",
    drug="esketamine",
    indication="MDD with acute suicidal ideation or behaviour in adults, with an oral "
    "antidepressant",
    dose_rule=DoseRule(
        kind="fixed",
        description="84 mg; may be reduced to 56 mg for tolerability.",
        source=ref("1.3"),
        allowed_mg=(56, 84),
        first_dose_mg=84,
    ),
    phases=(Phase("induction", "induction", "Weeks 1-4", 4, ref("1.3"), sessions_per_week=2),),
    monitoring=_ESKETAMINE_MONITORING,
    pre_dose=_ESKETAMINE_PRE_DOSE,
    sources=(ref("1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "1.11", "6.1"),),
    remission_max=(("madrs", 12), ("phq9", 4), ("qids_sr16", 5)),
    administration=_IFU_STEPS,
    notes=(
        "Re-evaluate after 4 weeks; treatment beyond 4 weeks has not been systematically "
        "evaluated.",
        "Does not replace hospitalisation when clinically warranted.",
    ),
)

# --- racemic ketamine ------------------------------------------------------------------------

_KETAMINE_MONITORING = MonitoringPlan(
    min_observation_min=None,
    bp_checkpoints=("baseline", "during", "end_of_administration", "pre_discharge"),
    vitals_interval_min=15,  # REFERENCE §2.4 default suggestion [UNVERIFIED]
    pulse_oximetry=True,
    source=ref("2.4", "2.6"),
)

_KETAMINE_PRE_DOSE = (
    PreDoseRule(
        "baseline_vitals", "Baseline BP, heart rate, SpO2 and respiratory rate.", ref("2.4")
    ),
    PreDoseRule(
        "urine_toxicology",
        "Baseline urine toxicology when substance use is suspected.",
        ref("2.4"),
    ),
    PreDoseRule(
        "suicide_risk",
        "Suicide risk triaged (C-SSRS / PHQ-9 item 9); high risk stops the session.",
        ref("6.1", "6.2"),
    ),
    PreDoseRule(
        "supervised",
        "Dose given under medical supervision (at-home self-administration is discouraged).",
        ref("2.3"),
    ),
)

_IV_DOSE = DoseRule(
    kind="weight_based",
    description="0.5 mg/kg IV over 40 minutes.",
    source=ref("2.1"),
    mg_per_kg=0.5,
    mg_per_kg_range=(0.1, 1.0),
    infusion_minutes=40,
)

_IV_NOTES = (
    "Staff who give ketamine hold ACLS certification; the facility may hold Schedule III drugs.",
    "Few respond after more than three infusions without an earlier response (futility).",
    "Weight basis (actual / ideal / adjusted) is the clinician's choice; actual by default.",
    "Vital-sign stop thresholds are the clinic's: empty by default (see SUGGESTED_IV_THRESHOLDS).",
)

IV_TWICE_WEEKLY = Protocol(
    code="iv_ketamine_twice_weekly",
    version=1,
    name="IV ketamine 0.5 mg/kg over 40 min, twice weekly for 3 weeks (ELEKT-D)",
    route="iv",
    drug="ketamine",
    indication="Treatment-resistant major depression without psychotic features (off-label)",
    dose_rule=_IV_DOSE,
    phases=(
        Phase(
            "induction",
            "induction",
            "Induction",
            3,
            ref("2.2"),
            sessions_per_week=2,
            max_sessions=6,
        ),
    ),
    monitoring=_KETAMINE_MONITORING,
    pre_dose=_KETAMINE_PRE_DOSE,
    sources=(ref("2.1", "2.2", "2.4", "2.5", "2.6"),),
    remission_max=(("madrs", 10), ("qids_sr16", 5), ("phq9", 4)),
    notes=_IV_NOTES,
)

IV_THRICE_WEEKLY = Protocol(
    code="iv_ketamine_thrice_weekly",
    version=1,
    name="IV ketamine 0.5 mg/kg over 40 min, three times weekly, up to 6 infusions",
    route="iv",
    drug="ketamine",
    indication="Treatment-resistant major depression without psychotic features (off-label)",
    dose_rule=_IV_DOSE,
    phases=(
        Phase(
            "induction",
            "induction",
            "Induction",
            2,
            ref("2.2"),
            sessions_per_week=3,
            max_sessions=6,
            note="Murrough 2013: up to 6 infusions over 12 days; KetECT allowed up to 12.",
        ),
    ),
    monitoring=_KETAMINE_MONITORING,
    pre_dose=_KETAMINE_PRE_DOSE,
    sources=(ref("2.1", "2.2", "2.4", "2.5", "2.6"),),
    remission_max=(("madrs", 10), ("qids_sr16", 5), ("phq9", 4)),
    notes=_IV_NOTES,
)

IM_TEMPLATE = Protocol(
    code="im_ketamine",
    version=1,
    name="IM ketamine (clinic-adjustable template)",
    route="im",
    drug="ketamine",
    indication="Major depression (off-label)",
    dose_rule=DoseRule(
        kind="weight_based",
        description="0.5 mg/kg IM (0.25 and 0.5 mg/kg studied).",
        source=ref("3.2"),
        mg_per_kg=0.5,
        mg_per_kg_range=(0.25, 0.5),
    ),
    phases=(Phase("induction", "induction", "Course", 3, _TEMPLATE_SCHEDULE, sessions_per_week=2),),
    monitoring=_KETAMINE_MONITORING,
    pre_dose=_KETAMINE_PRE_DOSE,
    sources=(ref("3.1", "3.2", "2.4"),),
    remission_max=(("madrs", 10), ("qids_sr16", 5), ("phq9", 4)),
    template=True,
)

SUBLINGUAL_TEMPLATE = Protocol(
    code="sublingual_ketamine",
    version=1,
    name="Sublingual ketamine (clinic-adjustable template)",
    route="sublingual",
    drug="ketamine",
    indication="Major depression (off-label, compounded)",
    dose_rule=DoseRule(
        kind="fixed",
        description="10 mg (100 mg/mL solution held under the tongue for 5 minutes, then "
        "swallowed), every 2-3 days or weekly (Lara 2013).",
        source=ref("3.2"),
        allowed_mg=(10,),
        first_dose_mg=10,
    ),
    phases=(Phase("induction", "induction", "Course", 4, _TEMPLATE_SCHEDULE),),
    monitoring=_KETAMINE_MONITORING,
    pre_dose=_KETAMINE_PRE_DOSE,
    sources=(ref("3.1", "3.2", "2.3"),),
    remission_max=(("madrs", 10), ("qids_sr16", 5), ("phq9", 4)),
    template=True,
)

ORAL_TEMPLATE = Protocol(
    code="oral_ketamine",
    version=1,
    name="Oral ketamine (clinic-adjustable template)",
    route="oral",
    drug="ketamine",
    indication="Major depression (off-label, compounded)",
    dose_rule=DoseRule(
        kind="weight_based",
        description="1 mg/kg by mouth (0.25-7.0 mg/kg used; 1 and 2 mg/kg twice weekly in an RCT).",
        source=ref("3.2"),
        mg_per_kg=1.0,
        mg_per_kg_range=(0.25, 7.0),
    ),
    phases=(Phase("induction", "induction", "Course", 6, ref("3.2"), sessions_per_week=2),),
    monitoring=_KETAMINE_MONITORING,
    pre_dose=_KETAMINE_PRE_DOSE,
    sources=(ref("3.1", "3.2", "2.3"),),
    remission_max=(("madrs", 10), ("qids_sr16", 5), ("phq9", 4)),
    template=True,
)

PROTOCOLS: Mapping[str, Protocol] = MappingProxyType(
    {
        protocol.code: protocol
        for protocol in (
            ESKETAMINE_TRD,
            ESKETAMINE_MDSI,
            IV_TWICE_WEEKLY,
            IV_THRICE_WEEKLY,
            IM_TEMPLATE,
            SUBLINGUAL_TEMPLATE,
            ORAL_TEMPLATE,
        )
    }
)
