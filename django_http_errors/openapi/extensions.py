"""drf-spectacular extensions for this library's classes, registered as this module loads."""

from __future__ import annotations

from drf_spectacular.authentication import BasicScheme

__all__ = ["ThrottledBasicScheme"]


class ThrottledBasicScheme(BasicScheme):
    """``ThrottledBasicAuthentication`` is HTTP Basic to a client: drf-spectacular's extension
    for Basic matches DRF's class alone, so without this one a schema would lose the scheme."""

    target_class = "django_http_errors.throttling.ThrottledBasicAuthentication"
