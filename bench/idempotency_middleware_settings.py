"""The benchmark's settings with drf-idempotency's middleware, as its docs install it."""

from __future__ import annotations

from bench.settings import *  # noqa: F403
from bench.settings import MIDDLEWARE

MIDDLEWARE = [*MIDDLEWARE, "drf_idempotency.middleware.IdempotencyMiddleware"]
