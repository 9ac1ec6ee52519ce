"""Failed logins throttled: HTTP Basic that answers 429 before it checks a password again.

DRF's throttles run after authentication (``check_throttles()`` follows
``perform_authentication()``), so a request with wrong credentials is refused with 401 before
any throttle counts it: wrong passwords are never throttled, and each costs a password hash
(a fifth of a second with Django's default hasher), for an attacker's guesses and for the
server's CPU alike. ``ThrottledBasicAuthentication`` counts its own failures with
``FailedAuthenticationThrottle`` and, past the rate, answers 429 with ``Retry-After``
(RFC 6585 §4) before the hash.
"""

from __future__ import annotations

import hashlib
from typing import Any

from rest_framework import exceptions
from rest_framework.authentication import BasicAuthentication
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

__all__ = ["FailedAuthenticationThrottle", "ThrottledBasicAuthentication"]


class FailedAuthenticationThrottle(SimpleRateThrottle):
    """Failed authentications per client address and user name, in Django's cache.

    The rate is ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["failed_authentication"]``
    (``default_rate`` when unset; ``None`` throttles nothing). The address is DRF's
    ``get_ident()`` (set ``NUM_PROXIES`` behind a proxy). Keyed by both, so a guesser is slowed
    on the account it guesses from where it guesses, and nobody can lock a user out from
    elsewhere; override ``get_cache_key()`` to count per address alone.
    """

    scope = "failed_authentication"
    #: The rate when the settings name none for the scope.
    default_rate = "10/min"

    def __init__(self) -> None:
        self.username = ""
        super().__init__()
        limit, period = self.parse_rate(self.rate)
        #: Failures allowed within ``period`` seconds.
        self.limit, self.period = limit or 0, period or 0

    def get_rate(self) -> str | None:
        """The scope's rate in DRF's settings (read now: ``override_settings`` applies)."""
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope or "", self.default_rate)
        return None if rate is None else str(rate)

    def get_cache_key(self, request: Request, view: Any) -> str:
        """The client's address and the user name tried (hashed: any text is a cache key)."""
        name = hashlib.sha256(self.username.encode()).hexdigest()[:32]
        return self.cache_format % {
            "scope": self.scope,
            "ident": f"{self.get_ident(request)}:{name}",
        }

    def allows(self, request: Request, username: str) -> bool:
        """Whether ``username`` may be tried from this address now: fewer failures than the
        rate within its period. Counts nothing."""
        self.username = username
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, None)
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.period:
            self.history.pop()
        return len(self.history) < self.limit

    def failed(self) -> None:
        """Count the failure of the attempt ``allows()`` let through."""
        if self.rate is not None:
            self.history.insert(0, self.now)
            self.cache.set(self.key, self.history, self.period)

    def wait(self) -> float:
        """Seconds until the failure that fills the rate leaves its period: a ``Retry-After``."""
        if self.limit < 1 or len(self.history) < self.limit:  # a rate of 0: never
            return float(self.period)
        oldest_counted: float = self.history[self.limit - 1]
        return max(0.0, self.period - (self.now - oldest_counted))


class ThrottledBasicAuthentication(BasicAuthentication):
    """HTTP Basic (RFC 7617) whose failures are throttled: 429 before the password is checked.

    Use it in ``DEFAULT_AUTHENTICATION_CLASSES`` in place of DRF's ``BasicAuthentication``.
    Under several processes, point ``CACHES`` at a shared cache, or each counts alone.
    """

    throttle_class = FailedAuthenticationThrottle

    def authenticate_credentials(
        self, userid: str, password: str, request: Request | None = None
    ) -> tuple[Any, None]:
        """DRF's check of the credentials, unless this address failed too often for ``userid``."""
        if request is None:
            return super().authenticate_credentials(userid, password, request)
        throttle = self.throttle_class()
        if not throttle.allows(request, userid):
            raise exceptions.Throttled(throttle.wait())
        try:
            return super().authenticate_credentials(userid, password, request)
        except exceptions.AuthenticationFailed:
            throttle.failed()
            raise
