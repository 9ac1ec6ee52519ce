"""Every private Django, DRF, drf-spectacular or urllib3 behaviour the library relies on, in one
place.

Each name here wraps one private attribute, or one behaviour no public API promises, and says
which; ``tests/test_internals.py`` pins each against the installed versions, so a release that
changes one fails there first rather than somewhere downstream. Nothing else in the package may
touch a private name of another project.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponseBase
from django.http.response import ResponseHeaders

__all__ = ["answer_in_handlers_place", "django_request", "refuse_headers", "runs_drfs_generic_get"]


def django_request(request: Any) -> HttpRequest:
    """The Django ``HttpRequest`` behind DRF's ``Request`` (its private ``_request``), or
    ``request`` itself where it already is one."""
    return getattr(request, "_request", request)  # type: ignore[no-any-return]


def runs_drfs_generic_get(view: type) -> bool:
    """Whether ``view``'s GET is the ``get()`` of DRF's generic views, which calls
    ``retrieve()`` when the URL names an object, else ``list()`` (DRF promises neither: this
    asks where the method is defined)."""
    get = getattr(view, "get", None)
    return getattr(get, "__module__", None) == "rest_framework.generics"


def answer_in_handlers_place(view: Any, method: str, handler: Callable[..., Any]) -> None:
    """Make ``handler`` answer this request instead of the view's handler of ``method``.

    DRF's ``APIView.dispatch()`` looks the handler up (``getattr(self, method.lower())``) only
    after ``initial()``: set from a step of ``initial()``, the instance's attribute wins.
    """
    setattr(view, method.lower(), handler)


class _RefusingHeaders(ResponseHeaders):
    """Django's response headers, refusing some names whoever sets them."""

    def __init__(self, data: dict[str, str], refused: frozenset[str]) -> None:
        self.refused = refused  # before Django's __init__, which sets each header
        super().__init__(data)

    def __setitem__(self, key: str, value: str | bytes | int) -> None:
        if key.lower() not in self.refused:
            super().__setitem__(key, value)


def refuse_headers(response: HttpResponseBase, names: frozenset[str]) -> None:
    """Make ``response`` drop the (lower-case) header ``names``, now and whenever set later.

    Django's ``HttpResponseBase`` keeps its headers in ``self.headers``, a ``ResponseHeaders``
    that ``response[name] = value`` and every middleware writes through; subclassing it is
    the one way to refuse a name a middleware sets after the view.
    """
    kept = {name: value for name, value in response.headers.items() if name.lower() not in names}
    response.headers = _RefusingHeaders(kept, names)
