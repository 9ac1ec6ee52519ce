"""Benchmark settings: the demo's, plus the peers (benchmark-only dependencies) and bench views."""

from __future__ import annotations

import os

from demo_project.settings import *  # noqa: F403
from demo_project.settings import HTTP_ERRORS, INSTALLED_APPS, LOGGING

INSTALLED_APPS = [
    *INSTALLED_APPS,
    "concurrency",
    "drf_standardized_errors",
    "drf_idempotency",
    "bench",
]
ROOT_URLCONF = "bench.urls"
DEBUG = False
# The runs send Basic credentials on every request: a real hasher would measure itself.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# 4xx responses are logged as warnings; printing thousands of them would measure the terminal.
LOGGING = {**LOGGING, "loggers": {"django.request": {"level": "ERROR"}}}
# The idempotency race gives both libraries one short lease (seconds).
if os.environ.get("BENCH_IDEMPOTENCY_LEASE"):
    _lease = int(os.environ["BENCH_IDEMPOTENCY_LEASE"])
    HTTP_ERRORS = {**HTTP_ERRORS, "IDEMPOTENCY_KEY_LEASE": _lease}
    IDEMPOTENCY = {"LOCK_TTL_SECONDS": _lease}
