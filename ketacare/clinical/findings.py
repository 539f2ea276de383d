"""The shared result of a rule that can stop or caution the workflow (DESIGN, "Clinical safety
rules of the house"): a hard stop blocks, a warning needs an acknowledgement or a written
override, an info is shown."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

__all__ = ["FINDING_KINDS", "Finding", "FindingKind", "ref", "sort_findings"]

FindingKind = Literal["hard_stop", "warning", "info"]
FINDING_KINDS: tuple[FindingKind, ...] = ("hard_stop", "warning", "info")


@dataclass(frozen=True, slots=True)
class Finding:
    """One result of a rule.

    `code` is stable snake_case for programs; `message` is for the clinician; `source` names the
    section of the clinical reference (e.g. "REFERENCE §1.8") or the setting the rule applies;
    `field` names the input the finding is about, when there is one.
    """

    code: str
    kind: FindingKind
    message: str
    source: str
    field: str | None = None

    @property
    def blocks(self) -> bool:
        """True for a hard stop."""
        return self.kind == "hard_stop"


def ref(*sections: str) -> str:
    """Cite sections of the clinical reference: ref("1.8", "2.5") -> "REFERENCE §1.8, §2.5"."""
    return "REFERENCE " + ", ".join(f"§{section}" for section in sections)


def sort_findings(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    """Hard stops first, then warnings, then info; rule order kept within a kind."""
    return tuple(sorted(findings, key=lambda finding: FINDING_KINDS.index(finding.kind)))
