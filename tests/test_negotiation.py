"""Content negotiation: a client that accepts only problems, views that render no JSON, and
content in a coding the parser cannot decode (415)."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.http import Http404
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from rest_framework.exceptions import NotAcceptable
from rest_framework.renderers import (
    BaseRenderer,
    BrowsableAPIRenderer,
    JSONRenderer,
    TemplateHTMLRenderer,
)
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from django_http_errors import negotiation as negotiation_module
from django_http_errors.negotiation import (
    ProblemContentNegotiation,
    ProblemsOnlyRenderer,
    unreadable_codings,
)
from tests.conftest import problem
from tests.testapp.models import Label, Post

pytestmark = pytest.mark.django_db

PROBLEMS = "application/problem+json"


CONDITIONAL = "/test/conditional/"
POSTS = f"{CONDITIONAL}posts/"


def url(post: Post) -> str:
    """The post's detail URL."""
    return f"{POSTS}{post.pk}/"


def test_a_delete_accepting_only_problems_is_204_and_deletes(
    client_as: Callable[[str], Client], alices_post: Post
) -> None:
    etag = Client().get(url(alices_post))["ETag"]
    response = client_as("alice").delete(
        url(alices_post), headers={"Accept": PROBLEMS, "If-Match": etag}
    )
    assert response.status_code == 204
    assert response.content == b""
    assert not Post.objects.filter(pk=alices_post.pk).exists()


def test_an_error_accepting_only_problems_is_its_problem(alices_post: Post) -> None:
    response = Client().get(f"{POSTS}999999/", headers={"Accept": PROBLEMS})
    assert problem(response)["status"] == 404
    stale = Client().patch(url(alices_post), "{}", content_type="application/json")
    assert stale.status_code == 401


#: Reads whose success has content, by the path of each. DRF's retrieve and list, a
#: retrieve a permission looks up first, and DRF's ``ListAPIView`` at a route with a ``pk``
#: (the owner's): decided before the handler, they were 304 or 412. A generic view's own
#: ``get()`` and a custom list action, which decide as they call ``get_object()`` or paginate,
#: before their content is known: decided on their answer.
READS_WITH_CONTENT: dict[str, Callable[[Post], str]] = {
    "retrieve": url,
    "list": lambda post: POSTS,
    "retrieve-a-permission-looks-up": lambda post: f"/test/idempotent/looking-up-posts/{post.pk}/",
    "list-at-a-route-with-a-pk": lambda post: f"{CONDITIONAL}owners/{post.owner_id}/posts/",
    "own-get": lambda post: f"{CONDITIONAL}post-view/{post.pk}/",
    "own-get-beside-own-verbs": lambda post: f"{CONDITIONAL}own-verbs-posts/{post.pk}/",
    "own-list-action": lambda post: f"{CONDITIONAL}recent-posts/recent/",
}


@pytest.mark.parametrize("read", READS_WITH_CONTENT)
@pytest.mark.parametrize("precondition", ["If-None-Match", "If-Match"])
def test_a_read_with_content_accepting_only_problems_is_406_whatever_its_preconditions(
    alices_post: Post, read: str, precondition: str
) -> None:
    """RFC 9110 §13.2.1: the same GET without its preconditions is 406, so they are ignored. A
    current ETag was 304 (If-None-Match), a stale one 412 (If-Match)."""
    target = READS_WITH_CONTENT[read](alices_post)
    etag = Client().get(target)["ETag"]
    assert Client().get(target, headers={"If-None-Match": etag}).status_code == 304
    sent = etag if precondition == "If-None-Match" else '"stale"'
    response = Client().get(target, headers={"Accept": PROBLEMS, precondition: sent})
    assert problem(response)["status"] == 406
    assert "ETag" not in response


@pytest.mark.parametrize("precondition", ["If-None-Match", "If-Match"])
def test_a_decorated_read_that_redirects_keeps_its_redirect_accepting_only_problems(
    alices_post: Post, precondition: str
) -> None:
    """@conditional runs such a client's read first: its answer is no 2xx, so its
    preconditions are ignored (RFC 9110 §13.2.1). It was 304 or 412."""
    target = f"/test/decorated/redirecting-posts/{alices_post.pk}/"
    # The post's ETag, as the function view of the same post (and validators) gives it.
    etag = Client().get(f"/test/decorated/function-posts/{alices_post.pk}/")["ETag"]
    sent = etag if precondition == "If-None-Match" else '"stale"'
    response = Client().get(target, headers={"Accept": PROBLEMS, precondition: sent})
    assert response.status_code == 302
    assert response["Location"] == f"/elsewhere/{alices_post.pk}/"


@pytest.mark.parametrize("precondition", ["If-None-Match", "If-Match"])
def test_a_read_of_its_own_without_content_accepting_only_problems_is_decided_after_it(
    alices_post: Post, precondition: str
) -> None:
    """The decision that waited for a 204 is the one the preconditions give."""
    path = f"/test/conditional/ping-posts/{alices_post.pk}/"
    etag = Client().get(path)["ETag"]
    sent = etag if precondition == "If-None-Match" else '"stale"'
    response = Client().get(path, headers={"Accept": PROBLEMS, precondition: sent})
    if precondition == "If-None-Match":
        assert response.status_code == 304
        assert response["ETag"] == etag
    else:
        assert problem(response)["status"] == 412
        assert problem(response)["etag"] == etag


def test_a_read_of_its_own_without_content_accepting_only_problems_is_decided(
    alices_post: Post,
) -> None:
    """Without its preconditions it is 204, a 2xx: they are decided (RFC 9110 §13.2.1)."""
    path = f"/test/conditional/ping-posts/{alices_post.pk}/"
    assert Client().get(path, headers={"Accept": PROBLEMS}).status_code == 204
    stale = Client().get(path, headers={"Accept": PROBLEMS, "If-Match": '"stale"'})
    assert problem(stale)["status"] == 412


def test_a_read_with_content_accepting_only_problems_is_a_406_problem(alices_post: Post) -> None:
    response = Client().get(url(alices_post), headers={"Accept": PROBLEMS})
    assert problem(response)["status"] == 406
    assert "ETag" not in response
    assert "Last-Modified" not in response


def test_a_write_with_content_accepting_only_problems_keeps_its_answer_as_json(
    client_as: Callable[[str], Client], alices_post: Post
) -> None:
    etag = Client().get(url(alices_post))["ETag"]
    response = client_as("alice").patch(
        url(alices_post),
        '{"body": "changed"}',
        content_type="application/json",
        headers={"Accept": PROBLEMS, "If-Match": etag},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["body"] == "changed"


@pytest.mark.parametrize("accept", ["text/csv", "application/json;q=0"])
def test_nothing_acceptable_is_a_406_problem(alices_post: Post, accept: str) -> None:
    response = Client().get(url(alices_post), headers={"Accept": accept})
    assert problem(response)["status"] == 406


# A refused media type is never sent (RFC 9110 §12.4.2)


REFUSES_PROBLEMS = f"application/json;q=1, {PROBLEMS};q=0"
REFUSES_BOTH = f"{PROBLEMS};q=0, application/json;q=0"


@pytest.mark.parametrize("path", [f"{POSTS}999999/", "/no-such-page/"])
def test_a_problem_the_client_refused_is_sent_as_json(path: str) -> None:
    response = Client().get(path, headers={"Accept": REFUSES_PROBLEMS})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["status"] == 404
    assert "Accept" in response["Vary"]


@pytest.mark.parametrize("accept", [f"{PROBLEMS};q=0", f"{PROBLEMS};q=x"])
def test_a_406_whose_problem_the_client_refused_is_json(alices_post: Post, accept: str) -> None:
    response = Client().get(url(alices_post), headers={"Accept": accept})
    assert response.status_code == 406
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "not_acceptable"


@pytest.mark.parametrize("path", [f"{POSTS}999999/", "/no-such-page/", POSTS])
def test_a_client_that_refused_both_gets_a_406_without_content(path: str) -> None:
    response = Client().get(path, headers={"Accept": REFUSES_BOTH})
    assert response.status_code == 406
    assert response.content == b""
    assert "Content-Type" not in response
    assert "Accept" in response["Vary"]


def test_a_success_is_never_sent_as_a_refused_type(alices_post: Post) -> None:
    response = Client().get(url(alices_post), headers={"Accept": "*/*, application/json;q=0"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    ("accept", "sent"),
    [
        ("*/*, text/html;q=0.1", "application/json"),
        ("application/*, text/html;q=0.1", "application/json"),
        ("text/html;q=0.5, application/json", "application/json"),
        ("text/html, application/json;q=0.9", "text/html"),
        ("application/json;q=0.1, text/html;q=0.2", "text/html"),
        ("application/json; indent=4", "application/json"),
    ],
)
def test_a_success_is_sent_as_the_type_the_client_weighs_most(
    alices_post: Post, accept: str, sent: str
) -> None:
    response = Client().get(url(alices_post), headers={"Accept": accept})
    assert response.status_code == 200
    assert response["Content-Type"].split(";")[0] == sent


@pytest.mark.parametrize(
    ("accept", "sent"),
    [
        (f"{PROBLEMS}, text/html;q=0.1", PROBLEMS),
        (f"{PROBLEMS};q=1.0, text/html;q=0.001", PROBLEMS),
        ("*/*, text/html;q=0.1", PROBLEMS),
        (f"text/html;q=0.5, {PROBLEMS}", PROBLEMS),
        (f"text/html, {PROBLEMS};q=0.9", "text/html"),
    ],
)
def test_an_error_is_sent_as_the_type_the_client_weighs_most(accept: str, sent: str) -> None:
    response = Client().get(f"{POSTS}999999/", headers={"Accept": accept})
    assert response.status_code == 404
    assert response["Content-Type"].split(";")[0] == sent


def test_a_format_named_keeps_its_renderer_whatever_the_weights(alices_post: Post) -> None:
    accept = f"{PROBLEMS}, text/html;q=0.1"
    page = Client().get(url(alices_post), {"format": "api"}, headers={"Accept": accept})
    assert page["Content-Type"].startswith("text/html")
    error = Client().get(f"{POSTS}999999/", {"format": "api"}, headers={"Accept": accept})
    assert error.status_code == 404
    assert error["Content-Type"].startswith("text/html")


def test_a_problem_varies_on_accept(alices_post: Post) -> None:
    for path in (f"{POSTS}999999/", "/no-such-page/"):
        response = Client().get(path)
        assert "Accept" in response["Vary"], path


# Content codings (RFC 9110 §8.4): what the parser cannot decode is 415


@pytest.mark.parametrize(
    ("content_encoding", "readable", "unreadable"),
    [
        (None, (), []),
        ("", (), []),
        ("identity", (), []),
        ("gzip", (), ["gzip"]),
        ("GZip", (), ["gzip"]),  # case-insensitive
        ("br", (), ["br"]),
        ("gzip, br", ("gzip",), ["br"]),
        ("x-gzip", ("gzip",), ["x-gzip"]),
        ("gzip", ("GZIP",), []),
        (" , gzip ,", (), ["gzip"]),
    ],
)
def test_unreadable_codings(
    content_encoding: str | None, readable: tuple[str, ...], unreadable: list[str]
) -> None:
    assert unreadable_codings(content_encoding, readable) == unreadable


LABEL = json.dumps({"name": "coded"}).encode()


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (gzip.compress(LABEL), "application/json"),
        (LABEL, "application/json"),  # plain JSON mislabelled: still refused, not guessed
        (gzip.compress(b"name=coded"), "application/x-www-form-urlencoded"),
        (encode_multipart(BOUNDARY, {"name": "coded"}), MULTIPART_CONTENT),
    ],
    ids=["gzipped-json", "plain-json", "gzipped-form", "multipart"],
)
@pytest.mark.parametrize("coding", ["gzip", "br", "deflate, gzip"])
def test_content_in_a_coding_no_parser_decodes_is_415(
    content: bytes, content_type: str, coding: str
) -> None:
    response = Client().generic(
        "POST", "/test/labels/", content, content_type, headers={"Content-Encoding": coding}
    )
    body = problem(response)
    assert (response.status_code, body["code"]) == (415, "unsupported_media_type")
    assert "Content-Encoding" in body["detail"]
    assert response["Accept-Encoding"] == "identity"
    assert not Label.objects.exists()


def test_identity_is_no_coding() -> None:
    response = Client().generic(
        "POST", "/test/labels/", LABEL, "application/json", headers={"Content-Encoding": "identity"}
    )
    assert response.status_code == 201
    assert Label.objects.get().name == "coded"


def test_a_parser_that_decodes_a_coding_reads_it() -> None:
    gzipped = Client().generic(
        "POST",
        "/test/gzipped-labels/",
        gzip.compress(LABEL),
        "application/json",
        headers={"Content-Encoding": "gzip"},
    )
    assert gzipped.status_code == 201
    assert Label.objects.get().name == "coded"
    other = Client().generic(
        "POST",
        "/test/gzipped-labels/",
        LABEL,
        "application/json",
        headers={"Content-Encoding": "br"},
    )
    assert other.status_code == 415
    assert other["Accept-Encoding"] == "gzip, identity"


# --- the choices kept (negotiation._CHOICES) --------------------------------------------------

_RANGES = [
    "application/json",
    "application/json;q=0",
    "application/json; indent=4",
    "application/problem+json",
    "text/html",
    "text/html;q=0.1",
    "*/*",
    "*/*;q=0",
    "application/*",
    "text/plain",
]
#: Renderer lists as views give them: few, so that requests share them and their choices.
_RENDERER_LISTS: list[list[type[BaseRenderer]]] = [
    [JSONRenderer, BrowsableAPIRenderer],
    [BrowsableAPIRenderer, JSONRenderer],
    [JSONRenderer],
    [JSONRenderer, BrowsableAPIRenderer, TemplateHTMLRenderer],
    [ProblemsOnlyRenderer, JSONRenderer],
]


def _chosen(choose: Callable[..., tuple[BaseRenderer, str]], *args: Any) -> tuple[str, str] | str:
    """What ``choose(*args)`` chose, by class and media type, or the exception it raised."""
    try:
        renderer, media_type = choose(*args)
    except (NotAcceptable, Http404) as refusal:
        return type(refusal).__name__
    return type(renderer).__name__, media_type


_cases = st.tuples(
    st.none() | st.lists(st.sampled_from(_RANGES), min_size=1, max_size=3).map(", ".join),
    st.sampled_from([None, "json", "api", "html"]),
    st.sampled_from(["", "format=json", "format=api", "page=2", "format=xml"]),
    st.sampled_from(_RENDERER_LISTS),
)


@hypothesis_settings(max_examples=100)
@given(st.lists(_cases, min_size=2, max_size=12))
def test_a_kept_choice_is_the_choice_made_afresh(
    cases: list[tuple[str | None, str | None, str, list[type[BaseRenderer]]]],
) -> None:
    """Requests one after the other, each then once more: every choice, made or looked up, is
    the one DRF and the problem rules make for its Accept, format and renderers afresh, with
    the request's own renderer."""
    factory = APIRequestFactory()
    negotiation = ProblemContentNegotiation()
    negotiation_module._CHOICES.clear()
    for accept, suffix, query, classes in [*cases, *cases]:
        headers = {} if accept is None else {"HTTP_ACCEPT": accept}
        renderers = [c() for c in classes]
        afresh = _chosen(
            negotiation._choose_renderer,
            Request(factory.get(f"/x/?{query}", **headers)),
            [c() for c in classes],
            accept,
            suffix,
        )
        request = Request(factory.get(f"/x/?{query}", **headers))
        chosen = _chosen(negotiation.select_renderer, request, renderers, suffix)
        assert chosen == afresh
        if isinstance(chosen, tuple) and chosen[0] != "ProblemsOnlyRenderer":
            renderer, _ = negotiation.select_renderer(request, renderers, suffix)
            assert any(renderer is r for r in renderers)


def test_a_format_named_in_the_url_is_refused_alike_as_suffix_or_parameter() -> None:
    """DRF reads ``.json`` and ``?format=json`` alike; so does the problems renderer, which only
    a client naming no format gets. In either order: Hypothesis once found the kept choice of
    ``?format=json`` answering the suffix."""
    negotiation = ProblemContentNegotiation()
    factory = APIRequestFactory()
    renderers = [JSONRenderer(), BrowsableAPIRenderer()]
    named = [("format=json", None), ("", "json")]
    for order in (named, named[::-1]):
        negotiation_module._CHOICES.clear()
        for query, suffix in order:
            request = Request(factory.get(f"/x/?{query}", HTTP_ACCEPT=PROBLEMS))
            with pytest.raises(NotAcceptable):
                negotiation.select_renderer(request, renderers, suffix)
    unnamed = Request(factory.get("/x/", HTTP_ACCEPT=PROBLEMS))
    assert isinstance(negotiation.select_renderer(unnamed, renderers)[0], ProblemsOnlyRenderer)


def test_the_choices_kept_are_bounded() -> None:
    """A client varying ``Accept`` endlessly fills the memo to its bound, no further."""
    negotiation = ProblemContentNegotiation()
    factory = APIRequestFactory()
    negotiation_module._CHOICES.clear()
    for number in range(negotiation_module._CHOICES_KEPT + 10):
        accept = f"application/json;v={number}"
        negotiation.select_renderer(
            Request(factory.get("/x/", HTTP_ACCEPT=accept)), [JSONRenderer()]
        )
        assert 0 < len(negotiation_module._CHOICES) <= negotiation_module._CHOICES_KEPT


class _ByHeader(ProblemContentNegotiation):
    """A project's negotiation that reads more than ``Accept``: ``X-Page`` asks for HTML."""

    def get_accept_list(self, request: Request) -> list[str]:
        if request.META.get("HTTP_X_PAGE"):
            return ["text/html"]
        accepted: list[str] = super().get_accept_list(request)
        return accepted


def test_a_subclass_choosing_by_more_than_accept_chooses_afresh() -> None:
    """The same ``Accept`` and renderers, with and without the header the subclass reads: each
    request gets its own choice, not the one kept for the other."""
    negotiation, factory = _ByHeader(), APIRequestFactory()
    chosen = []
    for headers in ({}, {"HTTP_X_PAGE": "1"}, {}):
        request = Request(factory.get("/x/", HTTP_ACCEPT="*/*", **headers))
        renderer, _ = negotiation.select_renderer(request, [JSONRenderer(), BrowsableAPIRenderer()])
        chosen.append(type(renderer))
    assert chosen == [JSONRenderer, BrowsableAPIRenderer, JSONRenderer]
