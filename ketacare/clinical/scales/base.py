"""The shape of a rating-scale definition (REFERENCE §4.1)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["INSTRUMENTS", "Anchor", "Band", "Instrument", "Item", "Scale"]

Instrument = Literal["phq9", "gad7", "qids_sr16", "madrs", "cssrs_screener", "moaas", "cadss6"]
INSTRUMENTS: tuple[Instrument, ...] = (
    "phq9",
    "gad7",
    "qids_sr16",
    "madrs",
    "cssrs_screener",
    "moaas",
    "cadss6",
)


@dataclass(frozen=True, slots=True)
class Anchor:
    """One labelled answer: value, wording and LOINC answer code where the reference gives it."""

    value: int | bool
    text: str
    loinc: str | None = None


@dataclass(frozen=True, slots=True)
class Item:
    """One question. `kind` "ordinal" takes ints in [minimum, maximum]; "boolean" takes True/False.

    `scored` False means the answer is recorded but not added to the total (PHQ-9 item 10).
    `required` False means the item may be left out. `text` is None where the reference does not
    give the wording (it is then licensed or unverified).
    """

    id: str
    text: str | None
    kind: Literal["ordinal", "boolean"] = "ordinal"
    minimum: int = 0
    maximum: int = 3
    loinc: str | None = None
    scored: bool = True
    required: bool = True
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Band:
    """A severity band: totals from `low` to `high` inclusive are `name` (snake_case)."""

    name: str
    low: int
    high: int
    label: str


@dataclass(frozen=True, slots=True)
class Scale:
    """A rating scale: items, total range, bands and where they come from."""

    code: Instrument
    name: str
    items: tuple[Item, ...]
    total_range: tuple[int, int] | None
    bands: tuple[Band, ...]
    rater: Literal["self", "clinician", "observer"]
    recall: str
    source: str
    loinc_panel: str | None = None
    loinc_total: str | None = None
    anchors: tuple[Anchor, ...] = ()
    suicide_item: str | None = None
    permission: str = ""

    @property
    def item_ids(self) -> tuple[str, ...]:
        """The item ids in form order."""
        return tuple(item.id for item in self.items)

    def item(self, item_id: str) -> Item:
        """The item with id `item_id` (KeyError if there is none)."""
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def band(self, total: int) -> Band | None:
        """The band holding `total`, or None for an unbanded scale."""
        for band in self.bands:
            if band.low <= total <= band.high:
                return band
        return None
