"""Bad input over real requests to the demo: oversized and malformed headers and bodies get a
4xx problem (RFC 9457), never a 500, and a refused write leaves the database as it was."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable

import pytest
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import transaction
from django.test import Client, RequestFactory, override_settings
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from rest_framework.parsers import JSONParser
from rest_framework.request import Request

from demo_project.articles.models import Article
from django_http_errors.conditional import format_http_date
from tests.conftest import problem

pytestmark = pytest.mark.django_db

ARTICLES = "/api/articles/"
MB = 1024 * 1024


def url_of(article: Article) -> str:
    """The article's detail URL."""
    return f"{ARTICLES}{article.pk}/"


def current_etag(client: Client, article: Article) -> str:
    """The ETag the demo serves for the article now."""
    response = client.get(url_of(article))
    assert response.status_code == 200
    return str(response["ETag"])


def as_wsgi(text: str) -> str:
    """A header value as a WSGI server hands it to Django: UTF-8 octets read as latin-1."""
    return text.encode("utf-8", "surrogatepass").decode("latin-1")


def assert_unchanged(article: Article) -> None:
    """The refused write left the article's row as it was."""
    stored = Article.objects.get(pk=article.pk)
    assert (stored.version, stored.title, stored.body) == (
        article.version,
        article.title,
        article.body,
    )


TEN_THOUSAND_TAGS = ", ".join(f'"tag-{n}"' for n in range(10_000))
GARBAGE_100KB = "".join(chr(33 + n % 90) for n in range(100 * 1024))
CONTROL = "".join(chr(c) for c in [*range(32), 127])


# Preconditions on a PUT with a valid body: a malformed If-Match or If-None-Match fails (a write
# never passes a condition it cannot read), an invalid date is ignored (RFC 9110 §13.1.4), and a
# write left without a valid condition is 428 (RFC 6585 §3).
@pytest.mark.parametrize(
    ("headers", "status"),
    [
        pytest.param({"If-Match": TEN_THOUSAND_TAGS}, 412, id="if-match-10000-tags"),
        pytest.param({"If-None-Match": TEN_THOUSAND_TAGS}, 428, id="if-none-match-10000-tags"),
        pytest.param({"If-Match": GARBAGE_100KB}, 412, id="if-match-100kb-garbage"),
        pytest.param({"If-None-Match": GARBAGE_100KB}, 412, id="if-none-match-100kb-garbage"),
        pytest.param({"If-Match": '"' + "x" * 8192 + '"'}, 412, id="if-match-8kb-opaque"),
        pytest.param({"If-Match": as_wsgi('"ünï€ødé ✓"')}, 412, id="if-match-unicode"),
        pytest.param({"If-Match": as_wsgi("\ud800")}, 412, id="if-match-lone-surrogate"),
        pytest.param({"If-Match": f'"{CONTROL}"'}, 412, id="if-match-control-characters"),
        pytest.param({"If-None-Match": f'"{CONTROL}"'}, 412, id="if-none-match-control"),
        pytest.param({"If-Match": ""}, 412, id="if-match-empty"),
        pytest.param({"If-Match": "*, *"}, 412, id="if-match-two-wildcards"),
        pytest.param({"If-None-Match": "*"}, 412, id="if-none-match-wildcard"),
        pytest.param({"If-Unmodified-Since": as_wsgi("ünï€ødé")}, 428, id="ius-unicode"),
        pytest.param({"If-Unmodified-Since": CONTROL}, 428, id="ius-control-characters"),
        pytest.param({"If-Unmodified-Since": GARBAGE_100KB}, 428, id="ius-100kb-garbage"),
        pytest.param(
            {"If-Unmodified-Since": "Wed, 31 Feb 2024 00:00:00 GMT"}, 428, id="ius-february-31"
        ),
        pytest.param(
            {"If-Unmodified-Since": "Mon, 01 Jan 0000 00:00:00 GMT"}, 428, id="ius-year-zero"
        ),
        pytest.param(
            {"If-Unmodified-Since": "Fri, 31 Dec 99999 23:59:59 GMT"}, 428, id="ius-year-99999"
        ),
        pytest.param({"If-Unmodified-Since": "1700000000"}, 428, id="ius-epoch-seconds"),
        pytest.param(
            {"If-Unmodified-Since": "Sun, 06 Nov 1994 08:49:37 GMT, Sun, 06 Nov 1994 08:49:37 GMT"},
            428,
            id="ius-list-of-dates",
        ),
        pytest.param(
            {"If-Unmodified-Since": "Sun, 06 Nov 1994 08:49:37 GMT"}, 412, id="ius-valid-and-older"
        ),
        pytest.param(
            {"If-Modified-Since": "Sun, 06 Nov 1994 08:49:37 GMT, garbage"}, 428, id="ims-on-put"
        ),
    ],
)
def test_precondition_headers_on_a_write(
    as_user: Callable[[str], Client], article: Article, headers: dict[str, str], status: int
) -> None:
    response = as_user("alice").put(
        url_of(article), {"title": "Changed"}, content_type="application/json", headers=headers
    )
    assert response.status_code == status, response.content
    problem(response)
    assert_unchanged(article)


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({"If-Modified-Since": "Wed, 31 Feb 2024 00:00:00 GMT"}, id="ims-february-31"),
        pytest.param(
            {"If-Modified-Since": "Sun, 06 Nov 2094 08:49:37 GMT, Sun, 06 Nov 2094 08:49:37 GMT"},
            id="ims-list-of-dates",
        ),
        pytest.param({"If-Modified-Since": as_wsgi("ünï€ødé")}, id="ims-unicode"),
        pytest.param({"If-Modified-Since": CONTROL}, id="ims-control-characters"),
        pytest.param({"If-None-Match": GARBAGE_100KB}, id="if-none-match-100kb-garbage"),
        pytest.param({"If-None-Match": TEN_THOUSAND_TAGS}, id="if-none-match-10000-tags"),
    ],
)
def test_unreadable_conditions_on_a_read_are_ignored(
    article: Article, headers: dict[str, str]
) -> None:
    """A read loses only a cache hit to a condition it cannot read (RFC 9110 §13.1.3, §13.1.2)."""
    response = Client().get(url_of(article), headers=headers)
    assert response.status_code == 200
    assert response["ETag"]


def test_the_matching_tag_is_found_at_the_end_of_ten_thousand(
    as_user: Callable[[str], Client], article: Article
) -> None:
    client = as_user("alice")
    etag = current_etag(client, article)
    response = client.get(
        url_of(article), headers={"If-None-Match": f"{TEN_THOUSAND_TAGS}, {etag}"}
    )
    assert response.status_code == 304


# Bodies of a PUT that passes its precondition, or of a POST that creates: the content is read
# only then (RFC 9110 §13.2.1), and each way it can be wrong is a 4xx.
TITLE_201 = json.dumps({"title": "x" * 201})
NESTED_ARRAYS = "[" * 100_000 + "]" * 100_000
NESTED_OBJECTS = '{"title": ' * 100_000 + "1" + "}" * 100_000


def _form(fields: int) -> str:
    return "&".join(f"f{n}=x" for n in range(fields)) + "&title=x"


BODIES = [
    # (content type, body, status, code)
    pytest.param("", '{"title": "x"}', 415, "unsupported_media_type", id="no-content-type"),
    pytest.param("text/plain", '{"title": "x"}', 415, "unsupported_media_type", id="text-plain"),
    pytest.param("bogus", '{"title": "x"}', 415, "unsupported_media_type", id="bogus-type"),
    pytest.param(
        "application/json; charset=utf-16", '{"title": "x"}', 400, "parse_error", id="wrong-charset"
    ),
    pytest.param(
        "application/json; charset=bogus",
        b'{"title": "\xe9"}',
        400,
        "parse_error",
        id="bogus-charset-latin1-body",
    ),
    pytest.param("multipart/form-data", "title=x", 400, "parse_error", id="multipart-no-boundary"),
    pytest.param("application/json", '{"title": "x', 400, "parse_error", id="truncated-json"),
    pytest.param("application/json", "{", 400, "parse_error", id="one-brace"),
    pytest.param("application/json", b'{"title": "\xff"}', 400, "parse_error", id="invalid-utf8"),
    pytest.param("application/json", '{"title": NaN}', 400, "parse_error", id="nan"),
    pytest.param(
        "application/json", '{"title": 1' + "1" * 5000 + "}", 400, "parse_error", id="int-digits"
    ),
    pytest.param("application/json", '["title", "x"]', 400, "invalid", id="array-not-object"),
    pytest.param("application/json", '"title"', 400, "invalid", id="string-not-object"),
    pytest.param("application/json", "42", 400, "invalid", id="number-not-object"),
    pytest.param("application/json", "null", 400, "invalid", id="null-not-object"),
    pytest.param("application/json", "{}", 400, "invalid", id="empty-object"),
    pytest.param("application/json", '{"title": {"a": 1}}', 400, "invalid", id="title-object"),
    pytest.param("application/json", '{"title": "a\\u0000b"}', 400, "invalid", id="nul-in-title"),
    pytest.param("application/json", '{"title": "\\ud800"}', 400, "invalid", id="lone-surrogate"),
    pytest.param("application/json", '{"title": ""}', 400, "invalid", id="empty-title"),
    pytest.param("application/json", TITLE_201, 400, "invalid", id="title-201-characters"),
    pytest.param("application/json", NESTED_ARRAYS, 400, "parse_error", id="arrays-100000-deep"),
    pytest.param("application/json", NESTED_OBJECTS, 400, "parse_error", id="objects-100000-deep"),
    pytest.param(
        "application/x-www-form-urlencoded",
        _form(1001),
        400,
        "bad_request",
        id="form-1001-fields",  # DATA_UPLOAD_MAX_NUMBER_FIELDS
    ),
]


@pytest.mark.parametrize(("content_type", "body", "status", "code"), BODIES)
def test_bad_content_of_a_conditional_put(
    as_user: Callable[[str], Client],
    article: Article,
    content_type: str,
    body: str | bytes,
    status: int,
    code: str,
) -> None:
    client = as_user("alice")
    etag = current_etag(client, article)
    # generic() sends the octets as they are; put() and post() would re-encode them.
    response = client.generic(
        "PUT", url_of(article), body, content_type=content_type, headers={"If-Match": etag}
    )
    assert response.status_code == status, response.content[:500]
    assert problem(response)["code"] == code
    assert_unchanged(article)


@pytest.mark.parametrize(("content_type", "body", "status", "code"), BODIES)
def test_bad_content_of_a_create(
    as_user: Callable[[str], Client], content_type: str, body: str | bytes, status: int, code: str
) -> None:
    before = Article.objects.count()
    response = as_user("alice").generic("POST", ARTICLES, body, content_type=content_type)
    assert response.status_code == status, response.content[:500]
    body_of_problem = problem(response)
    assert body_of_problem["code"] == code
    assert Article.objects.count() == before
    if code == "parse_error" and "deep" not in body_of_problem["detail"]:
        # Generic words a client can act on, never Python's exception text.
        assert body_of_problem["detail"].startswith("The request content is not well-formed ")
        for python_text in ("codec", "position", "sys.", "boundary", "Expecting", "line 1"):
            assert python_text not in body_of_problem["detail"]


@pytest.mark.parametrize("coding", ["gzip", "br"])
def test_a_create_in_a_content_coding_is_415_and_creates_nothing(
    as_user: Callable[[str], Client], coding: str
) -> None:
    # Plain JSON, labelled as coded: the demo's parsers read no coding, so none is guessed.
    before = Article.objects.count()
    response = as_user("alice").generic(
        "POST",
        ARTICLES,
        json.dumps({"title": "Coded"}),
        content_type="application/json",
        headers={"Content-Encoding": coding},
    )
    assert response.status_code == 415
    assert problem(response)["code"] == "unsupported_media_type"
    assert response["Accept-Encoding"] == "identity"
    assert Article.objects.count() == before


def _drf_reads_json_through_body() -> bool:
    """Whether DRF parses JSON from ``request.body``, where Django enforces
    DATA_UPLOAD_MAX_MEMORY_SIZE (DRF 3.17.2 and later; before, it read the stream unbounded)."""
    request = Request(
        RequestFactory().post("/", "[]", content_type="application/json"), parsers=[JSONParser()]
    )
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1):
        try:
            request.data  # noqa: B018  # the property parses
        except RequestDataTooBig:
            return True
    return False


def test_ten_megabytes_of_json_title(as_user: Callable[[str], Client], article: Article) -> None:
    client = as_user("alice")
    etag = current_etag(client, article)
    body = json.dumps({"title": "x" * 10 * MB})
    response = client.put(
        url_of(article), body, content_type="application/json", headers={"If-Match": etag}
    )
    # 413 (RFC 9110 §15.5.14) where DRF lets Django enforce its limit; an older DRF reads it
    # all, and then the title's max_length refuses it.
    expected = 413 if _drf_reads_json_through_body() else 400
    assert response.status_code == expected
    assert problem(response)["code"] == ("content_too_large" if expected == 413 else "invalid")
    assert_unchanged(article)


def test_a_form_field_over_data_upload_max_memory_size_is_413(
    as_user: Callable[[str], Client], article: Article
) -> None:
    """Django's multipart parser enforces the limit on every DRF version (RFC 9110 §15.5.14)."""
    client = as_user("alice")
    etag = current_etag(client, article)
    big = {"title": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)}
    response = client.put(
        url_of(article),
        encode_multipart(BOUNDARY, big),
        content_type=MULTIPART_CONTENT,
        headers={"If-Match": etag},
    )
    assert response.status_code == 413
    body = problem(response)
    assert body["code"] == "content_too_large"
    assert body["type"].endswith("/content-too-large/")
    assert_unchanged(article)
    before = Article.objects.count()
    assert client.post(ARTICLES, big).status_code == 413
    assert Article.objects.count() == before


@pytest.mark.parametrize(
    "accept",
    [
        pytest.param(", ".join(f"application/x-{n}+xml" for n in range(10_000)), id="10000-types"),
        pytest.param("application/xml", id="xml"),
        pytest.param("image/png;q=1, text/csv;q=0.5", id="weighted-unservable"),
        pytest.param("text/csv; q=abc, ;;;, /, */", id="malformed"),
        pytest.param(as_wsgi("tëxt/ünï€ødé"), id="unicode"),
        pytest.param(CONTROL, id="control-characters"),
    ],
)
def test_accept_nothing_satisfies_is_406(article: Article, accept: str) -> None:
    response = Client().get(url_of(article), headers={"Accept": accept})
    assert response.status_code == 406
    assert problem(response)["code"] == "not_acceptable"


@pytest.mark.parametrize(
    ("authorization", "code"),
    [
        pytest.param("garbage", "not_authenticated", id="garbage"),
        pytest.param("Digest username=alice", "not_authenticated", id="wrong-scheme"),
        pytest.param("Bearer abc", "not_authenticated", id="bearer-not-offered"),
        pytest.param("Basic", "authentication_failed", id="basic-without-credentials"),
        pytest.param("Basic !!!not-base64!!!", "authentication_failed", id="basic-invalid-base64"),
        pytest.param("Basic a b", "authentication_failed", id="basic-with-spaces"),
        pytest.param(
            "Basic " + base64.b64encode(b"alice").decode(), "authentication_failed", id="no-colon"
        ),
        pytest.param(
            "Basic " + base64.b64encode(b"\xff\xfe:\xff").decode(),
            "authentication_failed",
            id="basic-not-utf8",
        ),
        pytest.param(
            "Basic " + base64.b64encode(b"al\x00ice:alice-password").decode(),
            "authentication_failed",
            id="basic-nul-in-username",
        ),
        pytest.param("Token", "authentication_failed", id="token-without-key"),
        pytest.param("Token a b", "authentication_failed", id="token-with-spaces"),
        pytest.param("Token " + "k" * 10_240, "authentication_failed", id="token-10kb"),
        pytest.param("Token ab\x00cd", "authentication_failed", id="token-with-nul"),
        pytest.param(as_wsgi("Token ünï€ødé"), "authentication_failed", id="token-unicode"),
    ],
)
def test_bad_credentials_are_401_with_a_challenge(
    seeded: object, authorization: str, code: str
) -> None:
    before = Article.objects.count()
    response = Client().post(
        ARTICLES,
        {"title": "Intruder"},
        content_type="application/json",
        headers={"Authorization": authorization},
    )
    assert response.status_code == 401
    assert problem(response)["code"] == code
    assert response["WWW-Authenticate"]
    assert Article.objects.count() == before


@pytest.mark.parametrize(
    "session_key",
    [
        pytest.param("abcdefgh\x00ij", id="nul"),
        pytest.param("x" * 10_240, id="10kb"),
        pytest.param(as_wsgi("ünï€ødé-key"), id="unicode"),
    ],
)
def test_a_garbage_session_cookie_is_no_session(seeded: object, session_key: str) -> None:
    """The session cookie is looked up in the database: what it cannot hold is no session."""
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    before = Article.objects.count()
    response = client.post(ARTICLES, {"title": "Intruder"}, content_type="application/json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"]
    problem(response)
    assert Article.objects.count() == before


def test_an_oversized_request_id_is_replaced_not_echoed(seeded: object) -> None:
    given = "r" * 10_240
    response = Client().get(f"{ARTICLES}0/", headers={"X-Request-ID": given})
    assert response.status_code == 404
    request_id = response["X-Request-ID"]
    assert request_id != given
    assert len(request_id) <= 128
    assert problem(response)["request_id"] == request_id


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(f"{ARTICLES}abc/", id="non-integer-id"),
        pytest.param(f"{ARTICLES}-1/", id="negative-id"),
        pytest.param(f"{ARTICLES}1.5/", id="decimal-id"),
        pytest.param(f"{ARTICLES}{'9' * 30}/", id="id-beyond-bigint"),
        pytest.param(f"{ARTICLES}%FF%FE%00/", id="percent-encoded-garbage"),
        pytest.param(f"{ARTICLES}%ED%A0%80/", id="encoded-surrogate"),
        pytest.param(f"{ARTICLES}1%2F1/", id="encoded-slash"),
        pytest.param(f"{ARTICLES}{'%25' * 4096}/", id="4096-encoded-percents"),
        pytest.param("/api/%C0%AE%C0%AE/articles/", id="overlong-utf8-dots"),
    ],
)
def test_garbage_in_the_path_is_404(seeded: object, path: str) -> None:
    response = Client().get(path)
    assert response.status_code == 404
    assert problem(response)["code"] == "not_found"


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("page=abc", id="page-not-a-number"),
        pytest.param("page=0", id="page-zero"),
        pytest.param("page=-1", id="page-negative"),
        pytest.param("page=1e3", id="page-exponent"),
        pytest.param("page=" + "9" * 5000, id="page-5000-digits"),
        pytest.param("page=%00", id="page-nul"),
    ],
)
def test_a_malformed_page_is_400_naming_it(seeded: object, query: str) -> None:
    """The library's paginator: the client's syntax error, not a missing page."""
    response = Client().get(f"{ARTICLES}?{query}")
    assert response.status_code == 400
    assert problem(response)["errors"][0]["parameter"] == "page"


def test_a_page_beyond_the_last_is_404(seeded: object) -> None:
    response = Client().get(f"{ARTICLES}?page=999999")
    assert response.status_code == 404
    assert problem(response)["code"] == "not_found"


def test_unknown_query_parameters_are_400_naming_each(seeded: object) -> None:
    response = Client().get(f"{ARTICLES}?colour=blue&page_size=%00&{'x' * 4096}=1")
    assert response.status_code == 400
    names = [error["parameter"] for error in problem(response)["errors"]]
    assert names == ["colour", "x" * 4096]


# Arbitrary precondition fields on a read and on a write never make the server fail: whatever
# the octets, the answer is one RFC 9110 §13.2.2 allows, and a 4xx is a problem.
_LATIN1_TEXT = st.text(st.characters(max_codepoint=0xFF), max_size=200)
_ANY_TEXT_AS_WSGI = st.text(max_size=100).map(as_wsgi)
#: Stands for the article's current ETag, which the test puts in its place.
CURRENT = "<current>"
_TAG = st.one_of(
    st.just(CURRENT),
    st.just(f"W/{CURRENT}"),
    st.just("*"),
    _LATIN1_TEXT.map(lambda t: f'"{t}"'),
    _LATIN1_TEXT.map(lambda t: f'W/"{t}"'),
)
_TAG_LIST = st.lists(_TAG, max_size=20).map(", ".join)
_DATE = st.one_of(
    # From 0001-01-01 to 9999-12-31, the years an IMF-fixdate can carry.
    st.integers(min_value=-62_135_596_800, max_value=253_402_300_799).map(format_http_date),
    st.sampled_from(
        [
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
            "Sun, 06 Nov 1994 08:49:60 GMT",
            "Sun, 06 Nov 1994 08:49:37 GMT, Sun, 06 Nov 1994 08:49:37 GMT",
        ]
    ),
)
_FIELD = st.one_of(st.none(), _LATIN1_TEXT, _ANY_TEXT_AS_WSGI, _TAG_LIST, _DATE)
_NAMES = ("If-Match", "If-None-Match", "If-Modified-Since", "If-Unmodified-Since")


# As many examples as the profile says (tests/conftest.py): 50, and 200 in CI.
@hypothesis_settings(
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(method=st.sampled_from(["GET", "PUT"]), values=st.tuples(*[_FIELD] * 4))
def test_arbitrary_precondition_fields_never_fail_the_server(
    as_user: Callable[[str], Client], article: Article, method: str, values: tuple[str | None, ...]
) -> None:
    client = as_user("alice")
    etag = current_etag(client, article)
    headers = {
        name: value.replace(CURRENT, etag)
        for name, value in zip(_NAMES, values, strict=True)
        if value is not None
    }
    with transaction.atomic():
        response = client.generic(
            method,
            url_of(article),
            json.dumps({"title": "Changed"}) if method == "PUT" else "",
            content_type="application/json",
            headers=headers,
        )
        transaction.set_rollback(True)
    allowed = {"GET": {200, 304, 412}, "PUT": {200, 412, 428}}[method]
    assert response.status_code in allowed
    if response.status_code >= 400:
        problem(response)
