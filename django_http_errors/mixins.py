"""The view mixins, in one place to import them from: conditional requests and safe writes
(``ConditionalUpdateMixin``), and ``Idempotency-Key`` (``IdempotencyMixin``).

Each lives in its feature's package, as thin wiring over that feature's parts.
``IdempotencyMixin`` is loaded when first asked for: its store is a model, which Django can
load only once the app is installed, and the system checks import this module to say so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .conditional.decisions import NotModifiedResponse
from .conditional.mixin import ConditionalUpdateMixin
from .conditional.validators import has_field as has_field  # the system checks' import

if TYPE_CHECKING:
    from .idempotency.mixin import IdempotencyMixin

__all__ = ["ConditionalUpdateMixin", "IdempotencyMixin", "NotModifiedResponse"]


def __getattr__(name: str) -> Any:
    if name == "IdempotencyMixin":
        from .idempotency.mixin import IdempotencyMixin

        return IdempotencyMixin
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
