"""The language a problem is written in, and the texts that would otherwise stay English.

A problem and its page name their language in ``Content-Language`` (RFC 9110 §8.5): all of
their text is in it. That is the request's language (``LocaleMiddleware``'s choice, from
``Accept-Language`` and ``LANGUAGES``) when the library's strings are translated into it, by
the library's own catalog or by the project's; otherwise English, the language the strings are
written in. What else a problem passes through is translated here too: the reason phrase (the
title of an ``about:blank`` problem, RFC 9457 §4.2.1, and of the type pages) and Django's own
messages that Django leaves untranslated.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Any, Final

from django.conf import settings
from django.core.signals import setting_changed
from django.http import HttpRequest, HttpResponseBase
from django.middleware import locale
from django.utils.cache import has_vary_header, patch_vary_headers
from django.utils.translation import (
    activate,
    get_language,
    get_language_from_request,
    gettext,
    override,
    to_language,
)
from django.utils.translation import gettext_lazy as _

from .internals import NOT_FOUND_MESSAGE, language_prefixed_urls
from .media_types import quality
from .problems import reason_phrase

if TYPE_CHECKING:
    from .problems import Text

__all__ = ["LocaleMiddleware", "problem_language", "speaks"]

#: The language the library's strings are written in.
SOURCE_LANGUAGE: Final = "en"

#: A string only the library's catalog has: it is translated wherever the library's strings are.
_SENTINEL: Final = "The request content is invalid: each error is listed in errors."


@functools.lru_cache(maxsize=64)
def speaks(language: str) -> bool:
    """Whether the library's strings exist in ``language``: it is English (their source), or a
    catalog, the library's or the project's (``LOCALE_PATHS``), translates them."""
    if language.split("-")[0].lower() == SOURCE_LANGUAGE:
        return True
    with override(language):
        return gettext(_SENTINEL) != _SENTINEL


def problem_language(request: Any) -> str:
    """The language a problem for ``request`` is written in: the request's, when the library
    speaks it; else English."""
    language = getattr(request, "LANGUAGE_CODE", None) or get_language() or settings.LANGUAGE_CODE
    return language if speaks(language) else SOURCE_LANGUAGE


def in_language(text: Text, language: str) -> str:
    """A text, lazily translated or not, as it reads in ``language``."""
    with override(language):
        return str(text)


#: The reason phrases of the error statuses (RFC 9110 §15.5, §15.6; RFC 6585), to translate.
_REASON_PHRASES: Final[dict[int, Text]] = {
    400: _("Bad Request"),
    401: _("Unauthorized"),
    402: _("Payment Required"),
    403: _("Forbidden"),
    404: _("Not Found"),
    405: _("Method Not Allowed"),
    406: _("Not Acceptable"),
    407: _("Proxy Authentication Required"),
    408: _("Request Timeout"),
    409: _("Conflict"),
    410: _("Gone"),
    411: _("Length Required"),
    412: _("Precondition Failed"),
    413: _("Content Too Large"),
    414: _("URI Too Long"),
    415: _("Unsupported Media Type"),
    416: _("Range Not Satisfiable"),
    417: _("Expectation Failed"),
    421: _("Misdirected Request"),
    422: _("Unprocessable Content"),
    423: _("Locked"),
    424: _("Failed Dependency"),
    425: _("Too Early"),
    426: _("Upgrade Required"),
    428: _("Precondition Required"),
    429: _("Too Many Requests"),
    431: _("Request Header Fields Too Large"),
    451: _("Unavailable For Legal Reasons"),
    500: _("Internal Server Error"),
    501: _("Not Implemented"),
    502: _("Bad Gateway"),
    503: _("Service Unavailable"),
    504: _("Gateway Timeout"),
    505: _("HTTP Version Not Supported"),
    507: _("Insufficient Storage"),
    508: _("Loop Detected"),
    511: _("Network Authentication Required"),
}


def localized_reason_phrase(status: int) -> Text:
    """The status's reason phrase, lazily translated: RFC 9457 §4.2.1 lets the title of an
    ``about:blank`` problem follow ``Accept-Language``."""
    return _REASON_PHRASES.get(status, reason_phrase(status))


#: Django's own messages that Django does not translate, and their translatable form.
_DJANGOS_MESSAGES: Final[tuple[tuple[re.Pattern[str], Text], ...]] = (
    # django.shortcuts.get_object_or_404, which DRF's generic views call.
    (NOT_FOUND_MESSAGE, _("No %(name)s matches the given query.")),
)


def translated_message(message: str) -> str:
    """``message`` in the active language when it is one of Django's untranslated messages;
    else as it is."""
    for pattern, translatable in _DJANGOS_MESSAGES:
        match = pattern.fullmatch(message)
        if match:
            return str(translatable) % match.groupdict()
    return message


#: The settings that change which catalogs translate a text, and into what: Django forgets
#: its own translations when one of them changes, and so does the library.
CATALOG_SETTINGS: Final = frozenset(
    {"INSTALLED_APPS", "LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "USE_I18N"}
)


def _forget_languages(*, setting: str, **kwargs: Any) -> None:
    if setting in CATALOG_SETTINGS:
        speaks.cache_clear()


setting_changed.connect(_forget_languages)


def _prefixes_languages(request: HttpRequest) -> bool:
    """Whether the request's URLconf has URLs under ``i18n_patterns()``, asked as Django's
    ``LocaleMiddleware`` asks it: the answer is cached by that very value, ``None`` included."""
    return language_prefixed_urls(getattr(request, "urlconf", settings.ROOT_URLCONF))


class LocaleMiddleware(locale.LocaleMiddleware):
    """Django's ``LocaleMiddleware``, naming ``Cookie`` in ``Vary`` wherever it names
    ``Accept-Language``, and choosing no language the client refused.

    Django's reads the language cookie before ``Accept-Language``, so the cookie selects the
    representation too, and ``Vary`` names every request field that selects it: else a cache
    keyed on ``Accept-Language: en`` serves the German page chosen by a ``django_language=de``
    cookie to a client without one. A DRF view that reads sessions names ``Cookie`` already;
    pages and problems outside one did not.

    Where no URL is under ``i18n_patterns()``, it does what Django's does without reading the
    path for a language prefix there cannot be: Django's reads it twice a request, and for most
    paths (``/api/...``) each read raises and catches a ``LookupError``.
    """

    def process_request(self, request: HttpRequest) -> None:
        """Django's choice, among the languages the client did not refuse: Django reads
        ``de;q=0`` as German, though a weight of 0 means "not acceptable" (as for media types,
        ``media_types.quality``). The refused ranges are left out of the header it reads."""
        accept = request.META.get("HTTP_ACCEPT_LANGUAGE")
        if accept and "q=0" in accept.replace(" ", "").lower():
            kept = [item for item in accept.split(",") if quality(item.partition(";")[2])]
            request.META["HTTP_ACCEPT_LANGUAGE"] = ",".join(kept)
        if _prefixes_languages(request):
            super().process_request(request)
            return
        language = get_language_from_request(request)
        activate(language)
        # What get_language() would answer, without asking the thread's translation again:
        # the language just activated, in its language form ("en-us"). Without USE_I18N,
        # Django's answer is LANGUAGE_CODE as it is written.
        request.LANGUAGE_CODE = to_language(language) if settings.USE_I18N else get_language()

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        """Django's answer, with ``Cookie`` in ``Vary`` where it named ``Accept-Language``."""
        if not _prefixes_languages(request):
            # No redirect to a prefixed URL; the language chosen from the request's headers.
            patch_vary_headers(response, ("Accept-Language", "Cookie"))
            response.headers.setdefault("Content-Language", get_language())
            return response
        response = super().process_response(request, response)
        if has_vary_header(response, "Accept-Language"):
            patch_vary_headers(response, ("Cookie",))
        return response
