"""Failures of upstream HTTP services (httpx, requests) as 502 or 504, when installed."""

from __future__ import annotations

import functools
import importlib

from rest_framework.exceptions import APIException

from .exceptions import BadGateway, GatewayTimeout

#: The HTTP clients we know: module, its timeout error, its other failures (its base error),
#: and the errors of ours that its base error also covers (a URL or header we built wrong is
#: a bug here, a 500, not a failure of the upstream). httpx's HTTPError covers transport
#: errors, too many redirects and raise_for_status().
_CLIENTS = (
    ("httpx", "TimeoutException", "HTTPError", ("UnsupportedProtocol",)),
    (
        "requests.exceptions",
        "Timeout",
        "RequestException",
        ("URLRequired", "MissingSchema", "InvalidSchema", "InvalidURL", "InvalidHeader"),
    ),
)


@functools.cache
def _error_classes() -> tuple[tuple[type[BaseException], ...], ...]:
    """(timeouts, other failures, our own mistakes) of the HTTP clients that are installed."""
    timeouts: list[type[BaseException]] = []
    failures: list[type[BaseException]] = []
    mistakes: list[type[BaseException]] = []
    for name, timeout, failure, ours in _CLIENTS:
        try:
            client = importlib.import_module(name)
        except ImportError:
            continue
        timeouts.append(getattr(client, timeout))
        failures.append(getattr(client, failure))
        mistakes.extend(getattr(client, mistake) for mistake in ours)
    return tuple(timeouts), tuple(failures), tuple(mistakes)


def upstream_exception(exc: BaseException) -> APIException | None:
    """504 when the upstream did not answer in time (RFC 9110 §15.6.5), 502 when it refused
    or answered with an error (§15.6.3); ``None`` for anything else."""
    timeouts, failures, mistakes = _error_classes()
    if isinstance(exc, mistakes):
        return None
    if isinstance(exc, timeouts):
        return GatewayTimeout()
    if isinstance(exc, failures):
        return BadGateway()
    return None
