"""``Idempotency-Key`` (IETF httpapi draft): an unsafe request done once, its answer replayed.

The parts, from the pure core up: ``keys`` (parse a key, fingerprint a request: pure),
``store`` (the key's row and its SQL), ``claims`` (the claim's state machine), and ``mixin``
(``IdempotencyMixin``, the DRF wiring over them). The mixin is loaded when first asked for,
so that importing a part loads no view code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django_http_errors.http_names import IDEMPOTENCY_KEY, IDEMPOTENT_REPLAYED

if TYPE_CHECKING:
    from .mixin import IdempotencyMixin

__all__ = ["IDEMPOTENCY_KEY", "IDEMPOTENT_REPLAYED", "IdempotencyMixin"]


def __getattr__(name: str) -> Any:
    if name == "IdempotencyMixin":
        from .mixin import IdempotencyMixin

        return IdempotencyMixin
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
