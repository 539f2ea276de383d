"""Running writes at the same moment, each in its own thread with its own database
connection, for the concurrency tests (PostgreSQL: SQLite's test database is one in-memory
connection)."""

import threading
from collections.abc import Callable

from django.db import close_old_connections, connection


def run_together(*works: Callable[[], object]) -> list[object]:
    """Start every work at once (a barrier) and wait for all; what each returned or raised,
    in the order they finished."""
    barrier = threading.Barrier(len(works))
    outcomes: list[object] = []

    def run(work: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=10)
            outcomes.append(work())
        except BaseException as error:  # reported to the test thread
            outcomes.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(work,)) for work in works]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes
