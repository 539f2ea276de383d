"""No import runs up the dependency order of docs/architecture.md: import-linter's layers
contract in pyproject.toml, run as part of the suite. Tests may set stories up across apps."""

import tomllib
from pathlib import Path

import pytest
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]


def test_no_app_imports_an_app_above_it(capsys: pytest.CaptureFixture[str]) -> None:
    kept = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True)
    assert kept == 0, capsys.readouterr().out


def test_every_app_has_its_place_in_the_order() -> None:
    (layers,) = [c["layers"] for c in CONTRACT["contracts"] if c["type"] == "layers"]
    placed = {name.strip() for layer in layers for name in layer.split("|")}
    apps = {f"ketacare.{path.parent.name}" for path in (ROOT / "ketacare").glob("*/apps.py")}
    assert apps - placed == set()
