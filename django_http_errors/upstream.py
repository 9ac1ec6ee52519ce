"""Failures of upstream HTTP services (httpx, requests) as 502 or 504, when installed."""

from __future__ import annotations

import functools

from rest_framework.exceptions import APIException

from .exceptions import BadGateway, GatewayTimeout


@functools.cache
def _error_classes() -> tuple[tuple[type[BaseException], ...], tuple[type[BaseException], ...]]:
    """(timeouts, other failures) of the HTTP clients that are installed."""
    timeouts: list[type[BaseException]] = []
    failures: list[type[BaseException]] = []
    try:
        import httpx
    except ImportError:
        pass
    else:
        timeouts.append(httpx.TimeoutException)
        # HTTPError: transport errors, too many redirects, and raise_for_status()'s error.
        failures.append(httpx.HTTPError)
    try:
        import requests
    except ImportError:
        pass
    else:
        timeouts.append(requests.Timeout)
        failures.append(requests.RequestException)
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
