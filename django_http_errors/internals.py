"""Every private Django, DRF, drf-spectacular or urllib3 behaviour the library relies on, in one
place.

Each name here wraps one private attribute, or one behaviour no public API promises, and says
which; ``tests/test_internals.py`` pins each against the installed versions, so a release that
changes one fails there first rather than somewhere downstream. Nothing else in the package may
touch a private name of another project.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from typing import TYPE_CHECKING, Any, Final

from django.http import Http404, HttpRequest
from django.http.response import ResponseHeaders

if TYPE_CHECKING:
    import socket

    from urllib3 import PoolManager

__all__ = [
    "NOT_FOUND_MESSAGE",
    "SPECTACULAR_FIELD_VALIDATORS",
    "answer_in_handlers_place",
    "defined_by_drf",
    "django_request",
    "drfs_generic_get_calls",
    "is_csrf_failure",
    "language_prefixed_urls",
    "not_found",
    "on_commit_pending",
    "raised_in",
    "refusing_headers",
    "spectacular_creates",
    "spectacular_endpoints",
    "spectacular_lists",
    "spectacular_paginator",
    "watch_connections",
]


def django_request(request: Any) -> HttpRequest:
    """The Django ``HttpRequest`` behind DRF's ``Request`` (its private ``_request``), or
    ``request`` itself where it already is one."""
    return getattr(request, "_request", request)  # type: ignore[no-any-return]


def language_prefixed_urls(urlconf: Any) -> bool:
    """Whether ``urlconf`` has URLs under ``i18n_patterns()``, whose paths name a language:
    Django's ``is_language_prefix_patterns_used``, which its ``LocaleMiddleware`` asks and no
    documentation names. Without them, that middleware's reads of the path for a language
    change nothing (``languages.LocaleMiddleware`` leaves them out)."""
    from django.conf.urls.i18n import is_language_prefix_patterns_used

    return bool(is_language_prefix_patterns_used(urlconf)[0])


def on_commit_pending(connection: Any, function: Callable[[], Any]) -> bool:
    """Whether ``function``, registered with ``transaction.on_commit()`` on ``connection``, is
    still to run: in Django's private ``run_on_commit``, a list of ``(savepoint ids, function,
    robust)``. Django drops a function when the transaction, or a savepoint it was registered
    in, rolls back, and keeps it when a savepoint is released: pending, what the function's
    transaction wrote since is still there. Searched from the newest."""
    return any(entry[1] is function for entry in reversed(connection.run_on_commit))


#: How DRF's ``SessionAuthentication.enforce_csrf`` begins the message of its 403: the only
#: thing that tells a CSRF failure from any other ``PermissionDenied``.
_CSRF_FAILED: Final = "CSRF Failed"


def is_csrf_failure(detail: str) -> bool:
    """Whether a ``PermissionDenied``'s detail is DRF's refusal of a request without a valid
    CSRF token (its message, ``"CSRF Failed: <reason>"``, is the only mark)."""
    return detail.startswith(_CSRF_FAILED)


def raised_in(exc: BaseException, kind: type | tuple[type, ...]) -> bool:
    """Whether ``exc`` escaped a method of an instance of ``kind``: some frame of its traceback
    has a ``self`` of that class (a CPython frame's ``f_locals``, read as Django's debug page
    reads them)."""
    traceback = exc.__traceback__
    while traceback is not None:
        if isinstance(traceback.tb_frame.f_locals.get("self"), kind):
            return True
        traceback = traceback.tb_next
    return False


#: The message of the ``Http404`` that Django's ``get_object_or_404`` raises (and DRF's
#: ``GenericAPIView.get_object`` through it), which Django neither exports nor translates.
NOT_FOUND_MESSAGE: Final = re.compile(r"No (?P<name>\S+) matches the given query\.")


def not_found(object_name: str) -> Http404:
    """The ``Http404`` ``get_object_or_404`` raises for a model named ``object_name``
    (``Model._meta.object_name``): a hidden object answers with the same words."""
    return Http404(f"No {object_name} matches the given query.")


class _RefusingHeaders(ResponseHeaders):
    """Django's ``ResponseHeaders`` that ignore any attempt to set one of ``refused``.

    One class for every response that refuses headers (each 304): a class made for each
    would cost more than the rest of the response.
    """

    def __init__(self, headers: dict[str, str], refused: Collection[str]) -> None:
        # Django's __init__ sets each header through __setitem__, which reads this.
        self.refused = refused
        super().__init__(headers)

    def __setitem__(self, key: str, value: str | bytes | int) -> None:
        if key.lower() not in self.refused:
            super().__setitem__(key, value)


def refusing_headers(headers: dict[str, str], refused: Collection[str]) -> ResponseHeaders:
    """A response's headers that ignore any later attempt to set one of ``refused`` (lower
    case): Django's ``ResponseHeaders``, subclassed, which no public API lets one replace."""
    return _RefusingHeaders(headers, refused)


def watch_connections(pool_manager: PoolManager, watch: Callable[[socket.socket], None]) -> None:
    """Hand every socket ``pool_manager`` connects to ``watch``, as soon as it is connected.

    urllib3 makes a pool of the class its manager's ``pool_classes_by_scheme`` names for the
    scheme (no public hook chooses it), and connections of the pool's ``ConnectionCls``.
    """
    from urllib3.connectionpool import HTTPConnectionPool

    def watched(pool_class: type[HTTPConnectionPool]) -> type[HTTPConnectionPool]:
        class Connection(pool_class.ConnectionCls):  # type: ignore[name-defined,misc]
            def connect(self) -> None:
                super().connect()
                watch(self.sock)

        return type(pool_class.__name__, (pool_class,), {"ConnectionCls": Connection})

    pools = pool_manager.pool_classes_by_scheme
    pool_manager.pool_classes_by_scheme = {scheme: watched(pool) for scheme, pool in pools.items()}


# drf-spectacular: what its AutoSchema knows of an operation, which only private methods tell
# (the OpenAPI integration reads them for any project's AutoSchema subclass).


def spectacular_lists(auto_schema: Any) -> bool:
    """Whether drf-spectacular's ``AutoSchema`` documents its operation as a list (private
    ``_is_list_view``)."""
    return bool(auto_schema._is_list_view())


def spectacular_creates(auto_schema: Any) -> bool:
    """Whether drf-spectacular's ``AutoSchema`` documents its operation as a create (private
    ``_is_create_operation``)."""
    return bool(auto_schema._is_create_operation())


def spectacular_paginator(auto_schema: Any) -> Any:
    """The paginator drf-spectacular's ``AutoSchema`` documents for its operation, or ``None``
    (private ``_get_paginator``)."""
    return auto_schema._get_paginator()


def spectacular_endpoints(generator: Any) -> list[tuple[str, str, str, Any]]:
    """``(path, path_regex, method, view)`` of every endpoint, as drf-spectacular's generator
    makes them for its operations, once it has parsed them (private
    ``_get_paths_and_endpoints``)."""
    return generator._get_paths_and_endpoints()  # type: ignore[no-any-return]


#: The method drf-spectacular's ``AutoSchema`` calls with each serializer field and its schema,
#: after its own validators: ``ProblemAutoSchema`` overrides it to add the NUL pattern.
SPECTACULAR_FIELD_VALIDATORS = "_insert_field_validators"


def drfs_generic_get_calls(view: type) -> str | None:
    """What ``view``'s GET calls when it is the ``get()`` of one of DRF's generic views:
    ``"list"`` (``ListAPIView``'s, ``ListCreateAPIView``'s) or ``"retrieve"`` (those of
    ``RetrieveAPIView`` and its update and destroy variants), whatever the URL names (a list's
    route may hold a ``pk``); ``None`` for a ``get()`` of the view's own. DRF promises
    neither: this asks where the method is defined, and by which of its classes."""
    get = getattr(view, "get", None)
    if getattr(get, "__module__", None) != "rest_framework.generics":
        return None
    return "list" if str(getattr(get, "__qualname__", "")).startswith("List") else "retrieve"


def answer_in_handlers_place(view: Any, method: str, handler: Callable[..., Any]) -> None:
    """Make ``handler`` answer this request instead of the view's handler of ``method``.

    DRF's ``APIView.dispatch()`` looks the handler up (``getattr(self, method.lower())``) only
    after ``initial()``: set from a step of ``initial()``, the instance's attribute wins.
    """
    setattr(view, method.lower(), handler)


#: The packages that define DRF's classes and Django's class-based views.
_DRF_PACKAGE: Final = "rest_framework."
_DJANGO_VIEWS_PACKAGE: Final = "django.views."


def defined_by_drf(klass: type | Callable[..., Any], *, or_djangos_views: bool = False) -> bool:
    """Whether ``klass`` is one of DRF's own classes or methods (with ``or_djangos_views``, or
    one of Django's class-based views'), not a project's: no API says so, so this asks the
    module that defines it."""
    packages = (_DRF_PACKAGE, _DJANGO_VIEWS_PACKAGE) if or_djangos_views else (_DRF_PACKAGE,)
    return klass.__module__.startswith(packages)
