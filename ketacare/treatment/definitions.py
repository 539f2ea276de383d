"""A clinical-core `Protocol` as JSON and back, so a stored protocol version rebuilds into the
very object `plan_sessions` and the dose rules take. A round trip gives an equal Protocol."""

import dataclasses
import json
from typing import Any

from ketacare import clinical
from ketacare.clinical.measurement_plans import DEFAULT_MEASUREMENT_PLAN, MeasurementRule
from ketacare.clinical.protocols import PreDoseRule
from ketacare.clinical.safety_watch import DEFAULT_WATCH, WatchCheck


def protocol_to_dict(protocol: clinical.Protocol) -> dict[str, Any]:
    # Through JSON once so tuples become lists exactly as the database will return them.
    return dict(json.loads(json.dumps(dataclasses.asdict(protocol))))


def protocol_from_dict(data: dict[str, Any]) -> clinical.Protocol:
    """Rebuild a Protocol; raises ClinicalInputError if the data breaks the core's rules."""
    return clinical.Protocol(
        **{
            **data,
            "dose_rule": _dose_rule(data["dose_rule"]),
            "phases": tuple(_phase(phase) for phase in data["phases"]),
            "monitoring": _monitoring(data["monitoring"]),
            "pre_dose": tuple(PreDoseRule(**rule) for rule in data["pre_dose"]),
            "sources": tuple(data["sources"]),
            "remission_max": tuple((name, value) for name, value in data["remission_max"]),
            "administration": tuple(data["administration"]),
            "notes": tuple(data["notes"]),
            # Versions stored before protocols carried a plan have the default one.
            "measurement": tuple(
                MeasurementRule(**rule)
                for rule in data.get(
                    "measurement", map(dataclasses.asdict, DEFAULT_MEASUREMENT_PLAN)
                )
            ),
            # And before the safety watch, the default watch (listed, nothing scheduled).
            "watch": tuple(
                WatchCheck(**{**check, "questions": tuple(check["questions"])})
                for check in data.get("watch", map(dataclasses.asdict, DEFAULT_WATCH))
            ),
        }
    )


def _dose_rule(data: dict[str, Any]) -> clinical.DoseRule:
    studied = data["mg_per_kg_range"]
    return clinical.DoseRule(
        **{
            **data,
            "allowed_mg": tuple(data["allowed_mg"]),
            "mg_per_kg_range": tuple(studied) if studied is not None else None,
        }
    )


def _phase(data: dict[str, Any]) -> clinical.Phase:
    rule = data["dose_rule"]
    return clinical.Phase(
        **{
            **data,
            "interval_options": tuple(data["interval_options"]),
            "dose_rule": _dose_rule(rule) if rule is not None else None,
        }
    )


def _monitoring(data: dict[str, Any]) -> clinical.MonitoringPlan:
    return clinical.MonitoringPlan(
        **{
            **data,
            "bp_checkpoints": tuple(data["bp_checkpoints"]),
            "pre_dose_thresholds": clinical.VitalThresholds(**data["pre_dose_thresholds"]),
            "in_session_thresholds": clinical.VitalThresholds(**data["in_session_thresholds"]),
        }
    )
