"""How long a problem holds: its ``Cache-Control``, by status (RFC 9111 §5.2.2): pure.

Two answers, and the reason for each:

- ``no-store`` where the answer depends on who asks or on state that changes, so that no cache,
  shared or private, keeps it: a 404 may hide an object from these credentials, or the object
  may be created or published a moment later; a 412 or 428 is about a version that changes; a
  429 or a 5xx about a moment.
- ``no-cache`` elsewhere (400, 405, 406, 411, 413, 415...): the answer depends on the request
  alone, so a cache may keep it, but must ask again before using it (a deployment changes the
  API at any time, and a problem carries no validator to make asking cheap). Without it, a
  cache could give 404 and 405 a heuristic lifetime (RFC 9111 §4.2.2).
"""

from __future__ import annotations

from typing import Final

NO_STORE: Final = "no-store"
NO_CACHE: Final = "no-cache"

#: The 4xx statuses whose answer depends on the credentials or on changing state, with why.
DEPENDS_ON_WHO_OR_WHEN: Final = {
    401: "the credentials",
    403: "the credentials",
    404: "the credentials (a hidden object) and the state (a resource created later)",
    409: "the resource's state",
    410: "the resource's state",
    412: "the resource's version",
    422: "stored state (a reused Idempotency-Key)",
    423: "a lock",
    428: "the resource's version",
    429: "the client and the moment",
}


def problem_cache_control(status: int) -> str:
    """The ``Cache-Control`` of a problem with ``status``: ``no-store`` where the answer
    depends on who asks or when (and every 5xx), ``no-cache`` elsewhere."""
    if status >= 500 or status in DEPENDS_ON_WHO_OR_WHEN:
        return NO_STORE
    return NO_CACHE
