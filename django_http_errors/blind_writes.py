"""A migration mode for required preconditions: blind writes still go through, each reported.

It lives with conditional requests, in ``conditional.blind_writes``; this is its import path.
"""

from __future__ import annotations

from .conditional.blind_writes import (
    LOGGER_NAME,
    PRECONDITION_MISSING,
    REPORT,
    Requirement,
    report_blind_write,
    requirement,
)

__all__ = [
    "LOGGER_NAME",
    "PRECONDITION_MISSING",
    "REPORT",
    "Requirement",
    "report_blind_write",
    "requirement",
]
