"""preferred_media_type: the media type an Accept field prefers (RFC 9110 §12.5.1)."""

from __future__ import annotations

import pytest

from django_http_errors.accept import preferred_media_type

OFFERED = ("application/problem+json", "application/json", "text/html")
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "application/problem+json"),
        ("", "application/problem+json"),
        ("*/*", "application/problem+json"),
        (BROWSER, "text/html"),
        ("text/html", "text/html"),
        ("TEXT/HTML", "text/html"),
        ("text/*", "text/html"),
        ("application/json", "application/json"),
        ("application/*", "application/problem+json"),
        # Equals: the first offered.
        ("text/html, application/json", "application/json"),
        ("text/html;q=0.5, application/json", "application/json"),
        ("text/html, application/json;q=0.9", "text/html"),
        # The most specific range decides, whatever its weight.
        ("text/html;q=0, */*", "application/problem+json"),
        ("*/*;q=0.1, application/problem+json;q=0", "application/json"),
        ("image/png", None),
        ("text/html;q=0", None),
        # Malformed elements are skipped.
        ("text/html;q=2, application/json", "application/json"),
        ("text/html;q=x", "application/problem+json"),
        ("*/html, garbage, text/html ; q=0.7", "text/html"),
        ("text/html;level=1;q=0.9", "text/html"),
    ],
)
def test_preferred_media_type(accept: str | None, expected: str | None) -> None:
    assert preferred_media_type(accept, OFFERED) == expected
