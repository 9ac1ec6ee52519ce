"""Checks of the root URLconf: the app's pages, Django's error handlers, and the app itself
where only its pages are routed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from django.apps import AppConfig, apps
from django.core.checks import CheckMessage, Tags
from django.urls import NoReverseMatch, get_resolver, reverse

from ..assembly import TYPE_URL_NAME
from ..catalog import problem_types
from ..check_ids import CHECK_IDS
from ..conf import get_settings
from .common import APP_NAME, is_path, reports

__all__ = [
    "ERROR_HANDLERS",
    "VIEWS_MODULE",
    "check_error_handlers",
    "check_installed",
    "check_problem_pages",
    "handler_path",
]

VIEWS_MODULE: Final = "django_http_errors.views"
#: The Django error handlers of a root URLconf that answer where no DRF view does, and the
#: view of ours for each.
ERROR_HANDLERS: Final = {
    "handler400": "bad_request",
    "handler403": "permission_denied",
    "handler404": "page_not_found",
    "handler500": "server_error",
}


@reports("E006", registered=False)
def check_installed(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[CheckMessage]:
    """The app must be installed where its pages are routed: their templates, the translations
    and the checks come with it.

    Not registered: the app's checks are, from its ``ready()``, which never runs without the app.
    Django's URL checks call it instead, through the pages' own URL pattern (``urls.py``).
    """
    if apps.is_installed(APP_NAME):
        return []
    return [CHECK_IDS["E006"](app=APP_NAME)]


@reports("W010", tags=[Tags.urls])
def check_error_handlers(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    """Requests no DRF view answers (an unknown URL, a middleware error) need our handlers.

    Without them Django answers those with its HTML pages, and a client that reads problems
    gets none for exactly the errors it can least explain.
    """
    urlconf = get_resolver().urlconf_module
    missing = [name for name in ERROR_HANDLERS if not _is_ours(getattr(urlconf, name, None))]
    if not missing:
        return []
    assignments = "; ".join(f"{name} = {handler_path(name)!r}" for name in missing)
    return [
        CHECK_IDS["W010"](
            missing=", ".join(missing),
            verb="is" if len(missing) == 1 else "are",
            assignments=assignments,
        )
    ]


def handler_path(name: str) -> str:
    """The dotted path of our view for one of Django's error handlers (``handler404``)."""
    return f"{VIEWS_MODULE}.{ERROR_HANDLERS[name]}"


def _is_ours(handler: Any) -> bool:
    if isinstance(handler, str):
        return handler.startswith(f"{VIEWS_MODULE}.")
    return getattr(handler, "__module__", None) == VIEWS_MODULE


@reports("W009", tags=[Tags.urls])
def check_problem_pages(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    """Problem types link to the app's pages, served where the URLconf includes them.

    Without a base URL, a type the URLconf cannot reverse is ``about:blank`` and its title only
    the status's reason phrase; with a base that is a path on this site, its links answer 404.
    An absolute base may name pages served elsewhere: the check cannot tell, and says nothing.
    """
    base = get_settings().PROBLEM_TYPE_BASE_URL
    if (base and not is_path(base)) or _problem_pages_routed():
        return []
    if base:
        consequence = f"the type URIs under PROBLEM_TYPE_BASE_URL ({base!r}) answer 404"
    else:
        consequence = (
            "every problem's type is about:blank and its title only the status's reason phrase"
        )
    return [CHECK_IDS["W009"](consequence=consequence)]


def _problem_pages_routed() -> bool:
    """Whether the root URLconf serves the problem type pages: a type's page reverses."""
    slug = next(iter(problem_types().values())).slug
    try:
        reverse(TYPE_URL_NAME, kwargs={"slug": slug})
    except NoReverseMatch:
        return False
    return True
