"""Content negotiation for clients that accept nothing but problems, and of content codings.

A generated client that lists only ``application/problem+json`` in ``Accept`` (the one media
type an OpenAPI document gives for a DELETE's responses) still gets its errors and its 204
instead of a 406. Content in a coding its parser cannot decode (``Content-Encoding: gzip``
to DRF's JSON parser) is a 415, not parsed as if it were plain.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any, Final

from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import BaseParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.settings import api_settings

from .assembly import problem_body
from .exceptions import UnsupportedContentEncoding
from .http_names import (
    CACHE_CONTROL,
    CONTENT_ENCODING,
    CONTENT_LOCATION,
    CONTENT_TYPE,
    ETAG,
    LAST_MODIFIED,
    LOCATION,
    SAFE_METHODS,
    meta_key,
)
from .lifetimes import problem_cache_control
from .media_types import accepts, problem_media_type, weight
from .problems import PROBLEM_JSON

__all__ = [
    "ProblemContentNegotiation",
    "ProblemsOnlyRenderer",
    "refuses_every_representation",
    "unreadable_codings",
]

#: The browsable API's media type.
HTML: Final = "text/html"

#: The coding that is no coding at all (RFC 9110 §12.5.3).
IDENTITY: Final = "identity"

#: Where Django keeps ``Content-Encoding``: read there, ``request.headers`` need not be made.
_CONTENT_ENCODING_KEY: Final = meta_key(CONTENT_ENCODING)

#: The renderer each negotiation chose, by what it chose from (``select_renderer``): its index
#: among the renderers (-1: ``ProblemsOnlyRenderer``) and the media type. ``Accept`` is the
#: client's to vary: past ``_CHOICES_KEPT`` choices, all are forgotten and made again.
_CHOICES: dict[tuple[str | None, str | None, tuple[Any, ...]], tuple[int, str]] = {}
_CHOICES_KEPT: Final = 256

#: Representation headers of a success that is not sent.
_OF_THE_REPRESENTATION = (ETAG, LAST_MODIFIED, LOCATION, CONTENT_LOCATION)


class ProblemsOnlyRenderer(JSONRenderer):
    """Renders for a client that accepts only problems: errors, and successes without content.

    A safe request whose success has content answers 406 instead (RFC 9110 §15.5.7); an unsafe
    one keeps its answer, as JSON, disregarding ``Accept`` as RFC 9110 §12.5.1 allows: the write was
    done, and a 406 would hide it from the client.
    """

    media_type = PROBLEM_JSON
    format = "json"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        """The problem, nothing for no content, or the success as above."""
        context = renderer_context or {}
        response = context.get("response")
        request = context.get("request")
        if response is None or data is None or response.status_code >= 400:
            return super().render(data, accepted_media_type, renderer_context)
        if request is not None and request.method in SAFE_METHODS:
            response.status_code = 406
            for name in _OF_THE_REPRESENTATION:
                response.headers.pop(name, None)
            response[CACHE_CONTROL] = problem_cache_control(406)
            data = problem_body(NotAcceptable(), request)
        else:
            response[CONTENT_TYPE] = JSONRenderer.media_type
        return super().render(data, accepted_media_type, renderer_context)


def refuses_every_representation(request: Request) -> bool:
    """Whether the client of this read accepts no representation, only problems: a success
    with content is answered 406 (``ProblemsOnlyRenderer``), and so its preconditions are
    ignored, as RFC 9110 §13.2.1 says of any request whose answer without them would be neither
    2xx nor 412: before the lookup where the read is known to have content (DRF's retrieve and
    list), on the handler's answer elsewhere. Else a cached ETag would get a 304 where the same
    GET without it is 406."""
    return isinstance(getattr(request, "accepted_renderer", None), ProblemsOnlyRenderer)


class ProblemContentNegotiation(DefaultContentNegotiation):
    """DRF's negotiation without the media types the client refused (``q=0``, RFC 9110
    §12.4.2); when nothing is acceptable but problems, the problems renderer."""

    def select_renderer(
        self,
        request: Request,
        renderers: Iterable[BaseRenderer],
        format_suffix: str | None = None,
    ) -> tuple[BaseRenderer, str]:
        """DRF's choice, or ``ProblemsOnlyRenderer`` for ``Accept: application/problem+json``.

        The choice is a function of ``Accept``, the format asked for by name and the renderers'
        classes, media types and formats: made once for each (``_CHOICES``), then looked up. A
        subclass may choose by more than that (the user, another header), so its choices are
        made afresh each time.
        """
        renderers = list(renderers)
        accept = request.META.get("HTTP_ACCEPT")
        if type(self) is not ProblemContentNegotiation:
            return self._choose_renderer(request, renderers, accept, format_suffix)
        key = (
            accept,
            format_suffix or format_parameter(request),
            tuple([(type(r), r.media_type, r.format) for r in renderers]),
        )
        known = _CHOICES.get(key)
        if known is not None:
            index, media_type = known
            return (renderers[index] if index >= 0 else ProblemsOnlyRenderer()), media_type
        renderer, media_type = self._choose_renderer(request, renderers, accept, format_suffix)
        index = next((i for i, r in enumerate(renderers) if r is renderer), -1)
        if index >= 0 or isinstance(renderer, ProblemsOnlyRenderer):
            if len(_CHOICES) >= _CHOICES_KEPT:
                _CHOICES.clear()
            _CHOICES[key] = (index, media_type)
        return renderer, media_type

    def _choose_renderer(
        self,
        request: Request,
        renderers: list[BaseRenderer],
        accept: str | None,
        format_suffix: str | None,
    ) -> tuple[BaseRenderer, str]:
        # DRF orders the ranges by how specific they are but ignores their weights, so
        # `application/json;q=0` would select JSON, and `*/*, text/html;q=0.1` HTML.
        if accept and ";" in accept:
            allowed = weightiest(accept, renderers, format_requested(request, format_suffix))
        else:
            # Without parameters no range has a weight, so none refuses: nothing to leave out.
            allowed = renderers
        try:
            chosen: tuple[BaseRenderer, str] = super().select_renderer(
                request, allowed, format_suffix
            )
            return chosen
        except NotAcceptable:
            # A format named in the URL, as a suffix or as ?format=, is DRF's to refuse.
            if not format_requested(request, format_suffix) and _accepts_problems(request):
                return ProblemsOnlyRenderer(), PROBLEM_JSON
            raise

    def select_parser(self, request: Request, parsers: Iterable[BaseParser]) -> BaseParser | None:
        """DRF's choice by media type; ``UnsupportedContentEncoding`` (415) if the content is in
        a coding that parser cannot decode.

        DRF asks this of every request whose content it parses, whatever the parser. A parser
        that decodes codings itself names them in ``content_encodings`` (``("gzip",)``).
        """
        parser: BaseParser | None = super().select_parser(request, parsers)
        if parser is not None:
            readable = tuple(getattr(parser, "content_encodings", ()))
            if unreadable_codings(request.META.get(_CONTENT_ENCODING_KEY), readable):
                raise UnsupportedContentEncoding(readable)
        return parser


def unreadable_codings(content_encoding: str | None, readable: Collection[str]) -> list[str]:
    """The codings of ``Content-Encoding`` a parser that decodes ``readable`` cannot undo.

    RFC 9110 §8.4: codings are case-insensitive and listed in the order applied; ``identity``
    is none. A server MAY answer 415 to content in a coding it does not accept; reading gzip
    bytes as JSON would answer 400 at best, and a form would be saved as nonsense.
    """
    codings = (c.strip().lower() for c in (content_encoding or "").split(","))
    accepted = {c.lower() for c in readable} | {IDENTITY}
    return [c for c in codings if c and c not in accepted]


def weightiest(
    accept: str, renderers: Iterable[BaseRenderer], format_requested: bool
) -> list[BaseRenderer]:
    """The renderers whose media type ``accept`` weighs most (the client's preference), for
    DRF to choose among as it does; those it does not refuse when a format is asked for by
    name (``?format=``, ``.json``), which DRF then selects."""
    weighed = [(weight(accept, renderer.media_type), renderer) for renderer in renderers]
    best = max((found for found, _renderer in weighed if found), default=None)
    if best is None or format_requested:
        return [renderer for found, renderer in weighed if found != 0]
    return [renderer for found, renderer in weighed if found == best]


def format_requested(request: Request, format_suffix: str | None) -> bool:
    """Whether the client named a format: a suffix (``.json``) or DRF's ``?format=``."""
    return bool(format_suffix or format_parameter(request))


def format_parameter(request: Request) -> str | None:
    """The format DRF's ``?format=`` (``URL_FORMAT_OVERRIDE``) names, if any."""
    override = api_settings.URL_FORMAT_OVERRIDE
    named: str | None = request.query_params.get(override) if override else None
    return named


def prefers_problems_to_pages(request: Any, view: Any) -> bool:
    """Whether the client, naming no format, weighs a problem media type above the browsable
    API's HTML (``application/problem+json, text/html;q=0.1``): its errors are problems."""
    accept = request.META.get("HTTP_ACCEPT") if hasattr(request, "META") else None
    if not accept or ";" not in accept:
        return False
    if format_requested(request, getattr(view, "format_kwarg", None)):
        return False
    problem = problem_media_type(accept)
    return problem is not None and (weight(accept, problem) or 0) > (weight(accept, HTML) or 0)


def _accepts_problems(request: Request) -> bool:
    return accepts(request.META.get("HTTP_ACCEPT"), PROBLEM_JSON)
