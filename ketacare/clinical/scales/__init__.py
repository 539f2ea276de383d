"""Rating-scale definitions (REFERENCE §4): items, ranges, bands, LOINC codes where known."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from ketacare.clinical.errors import require_choice
from ketacare.clinical.scales.base import INSTRUMENTS, Anchor, Band, Instrument, Item, Scale
from ketacare.clinical.scales.cadss6 import CADSS6
from ketacare.clinical.scales.cssrs import CSSRS_SCREENER
from ketacare.clinical.scales.gad7 import GAD7
from ketacare.clinical.scales.madrs import MADRS
from ketacare.clinical.scales.moaas import MOAAS
from ketacare.clinical.scales.phq9 import PHQ9
from ketacare.clinical.scales.qids_sr16 import QIDS_SR16

__all__ = [
    "INSTRUMENTS",
    "SCALES",
    "Anchor",
    "Band",
    "Instrument",
    "Item",
    "Scale",
    "check_instrument",
    "get_scale",
]

SCALES: Mapping[Instrument, Scale] = MappingProxyType(
    {scale.code: scale for scale in (PHQ9, GAD7, QIDS_SR16, MADRS, CSSRS_SCREENER, MOAAS, CADSS6)}
)


def check_instrument(instrument: object) -> Instrument:
    """Return `instrument` if KetaCare knows it, else raise ClinicalInputError."""
    return require_choice("instrument", instrument, INSTRUMENTS)


def get_scale(instrument: object) -> Scale:
    """The definition of `instrument` (e.g. "phq9")."""
    return SCALES[check_instrument(instrument)]
