"""Every private Django, DRF, drf-spectacular or urllib3 behaviour the library relies on, in one
place.

Each name here wraps one private attribute, or one behaviour no public API promises, and says
which; ``tests/test_internals.py`` pins each against the installed versions, so a release that
changes one fails there first rather than somewhere downstream. Nothing else in the package may
touch a private name of another project.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

__all__ = ["django_request"]


def django_request(request: Any) -> HttpRequest:
    """The Django ``HttpRequest`` behind DRF's ``Request`` (its private ``_request``), or
    ``request`` itself where it already is one."""
    return getattr(request, "_request", request)  # type: ignore[no-any-return]
