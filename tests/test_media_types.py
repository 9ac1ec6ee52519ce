"""The media type a problem is sent as, from ``Accept`` (RFC 9110 §12.4.2, §12.5.1): a table."""

from __future__ import annotations

import pytest

from django_http_errors.media_types import JSON, PROBLEM_JSON, problem_media_type, weight


@pytest.mark.parametrize(
    ("accept", "media_type", "expected"),
    [
        (None, PROBLEM_JSON, 1.0),
        ("", PROBLEM_JSON, 1.0),
        ("*/*", PROBLEM_JSON, 1.0),
        ("application/*;q=0.5", PROBLEM_JSON, 0.5),
        (f"{PROBLEM_JSON};q=0", PROBLEM_JSON, 0.0),
        # The most specific range decides, wherever it stands in the list.
        (f"*/*, {PROBLEM_JSON};q=0", PROBLEM_JSON, 0.0),
        (f"{PROBLEM_JSON};q=0.2, application/*;q=0.9", PROBLEM_JSON, 0.2),
        ("application/*;q=0, */*", PROBLEM_JSON, 0.0),
        ("APPLICATION/PROBLEM+JSON ; Q=0.7", PROBLEM_JSON, 0.7),
        # Not named at all.
        ("text/csv", PROBLEM_JSON, None),
        ("application/json", PROBLEM_JSON, None),
        # A weight that is no weight gives no consent.
        (f"{PROBLEM_JSON};q=x", PROBLEM_JSON, 0.0),
        (f"{PROBLEM_JSON};q=2", PROBLEM_JSON, 0.0),
    ],
)
def test_weight(accept: str | None, media_type: str, expected: float | None) -> None:
    assert weight(accept, media_type) == expected


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, PROBLEM_JSON),
        ("*/*", PROBLEM_JSON),
        (PROBLEM_JSON, PROBLEM_JSON),
        (f"{JSON}, {PROBLEM_JSON};q=0.1", PROBLEM_JSON),
        # Refused: the same object as JSON, which the client accepts.
        (f"{JSON};q=1, {PROBLEM_JSON};q=0", JSON),
        (f"*/*, {PROBLEM_JSON};q=0", JSON),
        # Only JSON named: it gets what it asked for.
        (JSON, JSON),
        # Neither named: Accept is disregarded rather than the error hidden (§12.5.1).
        ("text/csv", PROBLEM_JSON),
        ("text/html", PROBLEM_JSON),
        (f"text/csv, {PROBLEM_JSON};q=0", JSON),
        # Both refused: nothing may be sent.
        (f"{PROBLEM_JSON};q=0, {JSON};q=0", None),
        ("application/*;q=0", None),
        ("*/*;q=0", None),
    ],
)
def test_problem_media_type(accept: str | None, expected: str | None) -> None:
    assert problem_media_type(accept) == expected
