"""Failures of upstream HTTP services (httpx, requests) as 502 or 504, when installed."""

from __future__ import annotations

import functools
import importlib

from rest_framework.exceptions import APIException

from .exceptions import BadGateway, GatewayTimeout

#: The HTTP clients we know: module, its timeout error, its other failures (its base error).
#: httpx's HTTPError covers transport errors, too many redirects and raise_for_status().
_CLIENTS = (
    ("httpx", "TimeoutException", "HTTPError"),
    ("requests", "Timeout", "RequestException"),
)


@functools.cache
def _error_classes() -> tuple[tuple[type[BaseException], ...], tuple[type[BaseException], ...]]:
    """(timeouts, other failures) of the HTTP clients that are installed."""
    timeouts: list[type[BaseException]] = []
    failures: list[type[BaseException]] = []
    for name, timeout, failure in _CLIENTS:
        try:
            client = importlib.import_module(name)
        except ImportError:
            continue
        timeouts.append(getattr(client, timeout))
        failures.append(getattr(client, failure))
    return tuple(timeouts), tuple(failures)


def upstream_exception(exc: BaseException) -> APIException | None:
    """504 when the upstream did not answer in time (RFC 9110 §15.6.5), 502 when it refused
    or answered with an error (§15.6.3); ``None`` for anything else."""
    timeouts, failures = _error_classes()
    if isinstance(exc, timeouts):
        return GatewayTimeout()
    if isinstance(exc, failures):
        return BadGateway()
    return None
