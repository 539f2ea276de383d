"""The clinical core stays pure: nothing under ketacare/clinical imports Django (DESIGN)."""

import ast
from pathlib import Path

import pytest

CLINICAL = Path(__file__).resolve().parent.parent
FORBIDDEN = ("django", "rest_framework", "ninja")


def _modules() -> list[Path]:
    return sorted(CLINICAL.rglob("*.py"))


def _imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_the_walk_finds_the_clinical_modules() -> None:
    names = {path.name for path in _modules()}
    assert {"scoring.py", "eligibility.py", "dosing.py", "safety.py", "outcomes.py"} <= names


@pytest.mark.parametrize("path", _modules(), ids=lambda path: str(path.relative_to(CLINICAL)))
def test_no_clinical_module_imports_django(path: Path) -> None:
    roots = {name.split(".")[0] for name in _imported(path)}
    assert not roots & set(FORBIDDEN), f"{path} imports {roots & set(FORBIDDEN)}"


@pytest.mark.parametrize("path", _modules(), ids=lambda path: str(path.relative_to(CLINICAL)))
def test_every_module_stays_under_500_lines(path: Path) -> None:
    assert len(path.read_text(encoding="utf-8").splitlines()) < 500
