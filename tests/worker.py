"""Running the background jobs in a test: `ketacare worker --batch`, in the test's process (so
the pinned clock holds), after the writes that queued them have committed."""

import io

from django.core.management import call_command


def run_jobs() -> str:
    """Queue the periodic jobs now due, run every job ready, and return the worker's log."""
    out = io.StringIO()
    call_command("worker", "--batch", stdout=out)
    return out.getvalue()
