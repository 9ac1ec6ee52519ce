"""Benchmark settings: the test settings plus the peers (benchmark-only dependencies)."""

from __future__ import annotations

import os

from tests.settings import *  # noqa: F403
from tests.settings import HTTP_ERRORS, INSTALLED_APPS, LOGGING

INSTALLED_APPS = [
    *INSTALLED_APPS,
    "concurrency",
    "drf_standardized_errors",
    "drf_idempotency",
    "bench",
]
ROOT_URLCONF = "bench.urls"
DEBUG = False
# 4xx responses are logged as warnings; printing thousands of them would measure the terminal.
LOGGING = {**LOGGING, "loggers": {"django.request": {"level": "ERROR"}}}
# The fault run points gunicorn at its own search index (the tests switch it off).
SEARCH_INDEX_URL = os.environ.get("SEARCH_INDEX_URL") or None
# The idempotency race gives both libraries one short lease (seconds).
if os.environ.get("BENCH_IDEMPOTENCY_LEASE"):
    _lease = int(os.environ["BENCH_IDEMPOTENCY_LEASE"])
    HTTP_ERRORS = {**HTTP_ERRORS, "IDEMPOTENCY_KEY_LEASE": _lease}
    IDEMPOTENCY = {"LOCK_TTL_SECONDS": _lease}
