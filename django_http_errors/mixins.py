"""The view mixins, in one place to import them from: conditional requests and safe writes
(``ConditionalUpdateMixin``), and ``Idempotency-Key`` (``IdempotencyMixin``).

Each lives in its feature's package, as thin wiring over that feature's parts.
"""

from __future__ import annotations

from .conditional.decisions import NotModifiedResponse
from .conditional.mixin import ConditionalUpdateMixin
from .idempotency.mixin import IdempotencyMixin

__all__ = ["ConditionalUpdateMixin", "IdempotencyMixin", "NotModifiedResponse"]
