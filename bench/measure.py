"""How ``make bench`` measures: interleaved rounds, medians, SQL counts and peak memory."""

from __future__ import annotations

import statistics
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Row:
    """One variant of one case."""

    case: str
    variant: str
    baseline: str
    median_us: float
    ratio: float = 1.0
    status: int | None = None
    queries: int | None = None
    peak_kib: float | None = None
    notes: list[str] = field(default_factory=list)


Once = Callable[[], tuple[int, int]]  # runs one request; returns (elapsed ns, status)


def measure(variants: dict[str, Once], rounds: int, number: int) -> dict[str, tuple[float, int]]:
    """Median per-call microseconds and last status of each variant, interleaved by round."""
    samples: dict[str, list[int]] = {name: [] for name in variants}
    statuses: dict[str, int] = {}
    for once in variants.values():  # warm-up: imports, caches, the first query
        once()
    for _ in range(rounds):
        for name, once in variants.items():
            for _ in range(number):
                elapsed, status = once()
                samples[name].append(elapsed)
                statuses[name] = status
    return {name: (statistics.median(s) / 1000, statuses[name]) for name, s in samples.items()}


def rows_for(
    case: str, baseline: str, variants: dict[str, Once], rounds: int, number: int
) -> list[Row]:
    """Measure the variants of a case and express each against the baseline."""
    results = measure(variants, rounds, number)
    base = results[baseline][0]
    return [
        Row(case, name, baseline, round(us, 2), round(us / base, 3), status)
        for name, (us, status) in results.items()
    ]


def timed(view: Callable[..., Any], make_request: Callable[[], Any], **kwargs: Any) -> Once:
    """One call of ``view`` on a fresh request, with its response rendered."""

    def once() -> tuple[int, int]:
        request = make_request()
        start = time.perf_counter_ns()
        response = view(request, **kwargs)
        if hasattr(response, "render"):
            response.render()
        return time.perf_counter_ns() - start, response.status_code

    return once


def query_count(once: Once) -> int:
    """How many SQL statements one call reads or writes, transaction control left out."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        once()
    control = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")
    return sum(not q["sql"].lstrip().upper().startswith(control) for q in captured.captured_queries)


def peak_kib(once: Once) -> float:
    """Peak memory allocated during one call, in KiB."""
    tracemalloc.start()
    try:
        once()
        return tracemalloc.get_traced_memory()[1] / 1024
    finally:
        tracemalloc.stop()


def sql_statements(once: Once) -> int:
    """Every statement SQLite runs for one call: BEGIN, COMMIT and SAVEPOINT included."""
    from django.db import connection

    connection.ensure_connection()
    seen: list[str] = []
    connection.connection.set_trace_callback(seen.append)
    try:
        once()
    finally:
        connection.connection.set_trace_callback(None)
    return len(seen)


def print_table(rows: list[Row]) -> None:
    """The results as a fixed-width table."""
    header = (
        f"{'case':34} {'variant':38} {'median µs':>10} {'ratio':>7} {'status':>6} {'SQL':>4} "
        f"{'peak KiB':>9}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        print(
            f"{row.case:34} {row.variant:38} {row.median_us:10.1f} {row.ratio:7.3f} "
            f"{row.status or '':>6} {'' if row.queries is None else row.queries:>4} "
            f"{'' if row.peak_kib is None else f'{row.peak_kib:.0f}':>9}"
        )
