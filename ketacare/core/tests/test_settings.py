"""Settings come from the environment; production mode passes Django's deploy checks."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[3]


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    # A clean environment: no test database URL, no async-safety override from browser tests.
    leave_out = {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {k: v for k, v in os.environ.items() if k not in leave_out}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        text=True,
        capture_output=True,
        env={**environment, **env},
        check=False,
    )


def test_production_mode_passes_the_deploy_checks(tmp_path: Path) -> None:
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        KETACARE_MODE="production",
        KETACARE_SECRET_KEY="x" * 64 + "-Long-Random",
        KETACARE_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr


def test_production_mode_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    result = _manage(
        "check", KETACARE_MODE="production", KETACARE_SECRET_KEY="", KETACARE_VAR_DIR=str(tmp_path)
    )
    assert result.returncode != 0
    assert "KETACARE_SECRET_KEY is required" in result.stderr


def test_the_demo_generates_its_secret_key_into_var(tmp_path: Path) -> None:
    result = _manage("check", KETACARE_VAR_DIR=str(tmp_path), KETACARE_SECRET_KEY="")
    assert result.returncode == 0, result.stderr
    assert len((tmp_path / "secret_key").read_text()) > 50


def test_the_embedded_database_file_is_created_in_wal_mode(tmp_path: Path) -> None:
    db = tmp_path / "ketacare.sqlite3"
    result = _manage(
        "migrate", "--verbosity", "0", KETACARE_VAR_DIR=str(tmp_path), KETACARE_SQLITE_PATH=str(db)
    )
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(db) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


@pytest.mark.django_db
def test_connections_use_full_sync_and_enforce_foreign_keys() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite pragmas apply to the embedded database only")
    with connection.cursor() as cursor:
        assert cursor.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert cursor.execute("PRAGMA foreign_keys").fetchone()[0] == 1
