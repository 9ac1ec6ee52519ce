"""Benchmark settings: the test settings plus the peers (benchmark-only dependencies)."""

from __future__ import annotations

import os

from tests.settings import *  # noqa: F403
from tests.settings import INSTALLED_APPS, LOGGING

INSTALLED_APPS = [*INSTALLED_APPS, "concurrency", "drf_standardized_errors", "bench"]
ROOT_URLCONF = "bench.urls"
DEBUG = False
# 4xx responses are logged as warnings; printing thousands of them would measure the terminal.
LOGGING = {**LOGGING, "loggers": {"django.request": {"level": "ERROR"}}}
# The fault run points gunicorn at its own search index (the tests switch it off).
SEARCH_INDEX_URL = os.environ.get("SEARCH_INDEX_URL") or None
