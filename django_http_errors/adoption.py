"""One view at a time: problems on a view while the project's ``EXCEPTION_HANDLER`` stays what it
was, or DRF's own bodies on a view while the project's handler is this library's.

Each view answers its errors with the handler its ``get_exception_handler()`` returns (DRF's
public hook); these mixins override it, and the decorators give a view function (``@api_view``,
``as_view()``) a subclass of its view class with the mixin first. The order of precedence:

1. the view's own ``get_exception_handler()``: a mixin of this module, or its decorator;
2. ``REST_FRAMEWORK["EXCEPTION_HANDLER"]``.
"""

from __future__ import annotations

import typing
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar, overload

from django.core.exceptions import ImproperlyConfigured
from rest_framework import views
from rest_framework.response import Response

from .compose import to_problem
from .handlers import exception_handler
from .internals import defined_by_drf

__all__ = ["DRFErrorsMixin", "ProblemDetailsMixin", "drf_errors", "problem_details"]

ExceptionHandler = Callable[[Exception, dict[str, Any]], Response | None]
ViewFunction = TypeVar("ViewFunction", bound=Callable[..., Any])


class ProblemDetailsMixin:
    """The view answers its errors as RFC 9457 problems, whatever ``EXCEPTION_HANDLER`` says.

    A project handler of its own (not DRF's, not this library's) still runs: its answer goes
    through ``to_problem()``, so its logging, headers and added members stay. Set
    ``drf_error_members = True`` to keep DRF's body members beside the problem's for the
    clients of this view that still read them (``compat``).
    """

    #: Keep DRF's own members (``{"field": [...]}``, ``{"detail": ...}``) beside the problem's;
    #: ``None``: the ``DRF_ERROR_MEMBERS`` setting.
    drf_error_members: ClassVar[bool | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _refuse_drf_first(cls, ProblemDetailsMixin)

    def get_exception_handler(self) -> ExceptionHandler:
        """This library's handler, after the project's own where it has one."""
        project: ExceptionHandler = super().get_exception_handler()  # type: ignore[misc]
        if project in (exception_handler, views.exception_handler):
            # DRF's own adds nothing to keep, and forwards the 403 DRF forces on a request
            # that is not authenticated: this library's handler answers alone.
            return exception_handler
        return _composed(project)


class DRFErrorsMixin:
    """The view answers its errors with DRF's own handler and bodies, whatever
    ``EXCEPTION_HANDLER`` says: a view that stays as it was while the project's handler is
    this library's.

    ``drf_exception_handler`` names the handler it keeps: DRF's, or the project's old one.
    """

    drf_exception_handler: ClassVar[ExceptionHandler] = staticmethod(views.exception_handler)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _refuse_drf_first(cls, DRFErrorsMixin)

    def get_exception_handler(self) -> ExceptionHandler:
        """``drf_exception_handler``: DRF's own unless the view names another."""
        return type(self).drf_exception_handler


def _composed(project: ExceptionHandler) -> ExceptionHandler:
    def handler(exc: Exception, context: dict[str, Any]) -> Response | None:
        return to_problem(exc, project(exc, context), context)

    return handler


def _refuse_drf_first(cls: type, mixin: type) -> None:
    """Refuse a class whose DRF view comes before the mixin: DRF's ``get_exception_handler()``
    calls no ``super()``, so the mixin would never run."""
    for klass in cls.__mro__:
        if "get_exception_handler" in vars(klass):
            if defined_by_drf(klass):
                raise ImproperlyConfigured(
                    f"{cls.__qualname__} puts {klass.__qualname__} before {mixin.__name__}, so "
                    f"the mixin never runs. Put it first: class {cls.__qualname__}("
                    f"{mixin.__name__}, {klass.__qualname__}, ...)."
                )
            return


@overload
def problem_details(view: ViewFunction) -> ViewFunction: ...
@overload
def problem_details(
    view: None = None, *, drf_error_members: bool | None = None
) -> Callable[[ViewFunction], ViewFunction]: ...
def problem_details(view: Any = None, *, drf_error_members: bool | None = None) -> Any:
    """The view function answers its errors as problems (``ProblemDetailsMixin``).

    Above ``@api_view``, or around ``View.as_view()`` in a URLconf::

        @problem_details
        @api_view(["GET"])
        def article(request, pk): ...

        path("legacy/", problem_details(LegacyView.as_view()))
    """
    if view is None:
        return lambda view: _with(view, ProblemDetailsMixin, drf_error_members=drf_error_members)
    return _with(view, ProblemDetailsMixin, drf_error_members=drf_error_members)


def drf_errors(view: ViewFunction) -> ViewFunction:
    """The view function answers its errors with DRF's handler and bodies (``DRFErrorsMixin``),
    above ``@api_view`` or around ``View.as_view()``."""
    return _with(view, DRFErrorsMixin)


def _with(view: ViewFunction, mixin: type, **attributes: Any) -> ViewFunction:
    """``view`` made again from a subclass of its class with ``mixin`` first."""
    view_class = getattr(view, "view_class", None)
    if not (isinstance(view_class, type) and issubclass(view_class, views.APIView)):
        raise TypeError(
            f"@{_decorator_name(mixin)} needs a DRF view function: put it above @api_view, or "
            "around APIView.as_view(); a class takes the mixin "
            f"(class V({mixin.__name__}, APIView))."
        )
    given = {name: value for name, value in attributes.items() if value is not None}
    namespace = {**given, "__doc__": view_class.__doc__}
    subclass: type[views.APIView] = type(view_class.__name__, (mixin, view_class), namespace)
    subclass.__module__ = view_class.__module__
    subclass.__qualname__ = view_class.__qualname__
    made: Any = subclass.as_view(**getattr(view, "view_initkwargs", {}))
    return typing.cast(ViewFunction, made)


def _decorator_name(mixin: type) -> str:
    return "problem_details" if mixin is ProblemDetailsMixin else "drf_errors"
