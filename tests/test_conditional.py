"""Tests for django_http_errors.conditional: HTTP-dates and RFC 9110 §13.2.2 evaluation."""

from __future__ import annotations

import calendar
import math
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from django_http_errors.conditional import (
    IF_MATCH,
    IF_MODIFIED_SINCE,
    IF_NONE_MATCH,
    IF_UNMODIFIED_SINCE,
    PRECONDITIONS,
    Outcome,
    Precondition,
    Preconditions,
    Target,
    evaluate,
    format_http_date,
    last_modified_to_send,
    parse_http_date,
    target_of,
    validator_second,
)
from django_http_errors.conditional import preconditions as preconditions_module
from django_http_errors.conditional.preconditions import guarding_headers
from django_http_errors.etags import parse_etag_list

# No example database: property runs must not leave a .hypothesis directory in the shared tree.
hypothesis_settings = settings(database=None, deadline=None)

PROCEED = Outcome.PROCEED
NOT_MODIFIED = Outcome.NOT_MODIFIED
FAILED = Outcome.PRECONDITION_FAILED

# RFC 9110 §5.6.7's example instant, in its three formats.
STAMP = 784111777
IMF = "Sun, 06 Nov 1994 08:49:37 GMT"
RFC850 = "Sunday, 06-Nov-94 08:49:37 GMT"
ASCTIME = "Sun Nov  6 08:49:37 1994"
EARLIER = "Sun, 06 Nov 1994 08:49:36 GMT"
LATER = "Sun, 06 Nov 1994 08:49:38 GMT"
LIST_OF_DATES = f"{IMF}, {LATER}"
JUNE_2025 = calendar.timegm((2025, 6, 1, 0, 0, 0))


def utc(*fields: int) -> int:
    return calendar.timegm((*fields, *(0,) * (6 - len(fields))))


# --- parse_http_date ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(IMF, STAMP, id="imf-fixdate"),
        pytest.param(RFC850, STAMP, id="rfc850"),
        pytest.param(ASCTIME, STAMP, id="asctime"),
        pytest.param("Sun Nov 06 08:49:37 1994", STAMP, id="asctime-two-digit-day"),
        pytest.param(f" \t{IMF}\t ", STAMP, id="surrounding-ows"),
        pytest.param("Thu, 01 Jan 1970 00:00:00 GMT", 0, id="epoch"),
        pytest.param("Wed, 31 Dec 1969 23:59:59 GMT", -1, id="before-epoch"),
        pytest.param("Thu, 29 Feb 1996 00:00:00 GMT", utc(1996, 2, 29), id="leap-day"),
        pytest.param("Fri, 31 Dec 9999 23:59:59 GMT", utc(9999, 12, 31, 23, 59, 59), id="max"),
        pytest.param("Sat, 31 Dec 2016 23:59:60 GMT", utc(2017, 1, 1), id="leap-second"),
        # The day-name is redundant; a wrong one does not make the instant ambiguous.
        pytest.param("Mon, 06 Nov 1994 08:49:37 GMT", STAMP, id="wrong-day-name-accepted"),
        pytest.param("", None, id="empty"),
        pytest.param(LIST_OF_DATES, None, id="list-of-dates"),
        pytest.param(f"{RFC850}, {RFC850}", None, id="list-of-rfc850-dates"),
        pytest.param(f"{IMF}x", None, id="trailing-garbage"),
        pytest.param(f"{IMF} junk", None, id="trailing-word"),
        pytest.param(f"x{IMF}", None, id="leading-garbage"),
        pytest.param(f"{IMF}\n", None, id="trailing-newline"),
        pytest.param("sun, 06 nov 1994 08:49:37 gmt", None, id="lowercase"),
        pytest.param("Sun, 06 Nov 1994 08:49:37 UTC", None, id="utc-not-gmt"),
        pytest.param("Sun, 06 Nov 1994 08:49:37 +0000", None, id="numeric-zone"),
        pytest.param("Sun, 6 Nov 1994 08:49:37 GMT", None, id="imf-one-digit-day"),
        pytest.param("Sun,  06 Nov 1994 08:49:37 GMT", None, id="double-space"),
        pytest.param("Sun, 06 Nov 94 08:49:37 GMT", None, id="imf-two-digit-year"),
        pytest.param("Sunday, 06-Nov-1994 08:49:37 GMT", None, id="rfc850-four-digit-year"),
        pytest.param("Sun, 06-Nov-94 08:49:37 GMT", None, id="rfc850-short-day-name"),
        pytest.param("Sun Nov 6 08:49:37 1994", None, id="asctime-single-space"),
        pytest.param("Sun Nov  6 08:49:37 1994 GMT", None, id="asctime-with-zone"),
        pytest.param("Sun, 06 Nov 1994 24:00:00 GMT", None, id="hour-24"),
        pytest.param("Sun, 06 Nov 1994 08:60:00 GMT", None, id="minute-60"),
        pytest.param("Sun, 06 Nov 1994 08:49:61 GMT", None, id="second-61"),
        pytest.param("Sun, 32 Nov 1994 08:49:37 GMT", None, id="day-32"),
        pytest.param("Sun, 31 Nov 1994 08:49:37 GMT", None, id="november-31"),
        pytest.param("Wed, 29 Feb 1995 00:00:00 GMT", None, id="february-29-not-leap"),
        pytest.param("Sun, 00 Nov 1994 08:49:37 GMT", None, id="day-0"),
        pytest.param("Sat, 01 Jan 0000 00:00:00 GMT", None, id="year-0"),
        pytest.param("Sun, 06 Nov 1994 8:49:37 GMT", None, id="one-digit-hour"),
        pytest.param("Sun, \u0660\u0666 Nov 1994 08:49:37 GMT", None, id="arabic-indic-digits"),
        pytest.param("1994-11-06T08:49:37Z", None, id="iso-8601"),
        pytest.param(str(STAMP), None, id="posix-seconds"),
    ],
)
def test_parse_http_date(value: str, expected: int | None) -> None:
    assert parse_http_date(value) == expected


@pytest.mark.parametrize(
    ("value", "now", "expected"),
    [
        pytest.param(RFC850, JUNE_2025, STAMP, id="94-is-1994"),
        pytest.param(
            "Saturday, 01-Jan-00 00:00:00 GMT", JUNE_2025, utc(2000, 1, 1), id="00-is-2000"
        ),
        pytest.param(
            "Tuesday, 01-Jan-75 00:00:00 GMT", JUNE_2025, utc(2075, 1, 1), id="49-years-ahead"
        ),
        pytest.param(
            "Monday, 01-Jul-75 00:00:00 GMT", JUNE_2025, utc(1975, 7, 1), id="50-years-1-month"
        ),
        pytest.param(
            "Wednesday, 01-Jan-76 00:00:00 GMT", JUNE_2025, utc(1976, 1, 1), id="76-is-1976"
        ),
        pytest.param(
            "Friday, 01-Jan-00 00:00:00 GMT",
            utc(2099, 6, 1),
            utc(2100, 1, 1),
            id="00-near-century-end-is-next-century",
        ),
    ],
)
def test_parse_http_date_two_digit_year(value: str, now: int, expected: int) -> None:
    assert parse_http_date(value, now=now) == expected


# --- format_http_date -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("timestamp", "expected"),
    [
        pytest.param(STAMP, IMF, id="rfc-example"),
        pytest.param(STAMP + 0.999, IMF, id="fraction-truncated"),
        pytest.param(0, "Thu, 01 Jan 1970 00:00:00 GMT", id="epoch"),
        pytest.param(-0.5, "Wed, 31 Dec 1969 23:59:59 GMT", id="before-epoch-floors"),
        pytest.param(utc(2000, 2, 29, 12), "Tue, 29 Feb 2000 12:00:00 GMT", id="leap-day"),
    ],
)
def test_format_http_date(timestamp: float, expected: str) -> None:
    assert format_http_date(timestamp) == expected


@hypothesis_settings
@given(st.floats(min_value=-62135596800, max_value=253402300799, allow_nan=False))
def test_format_http_date_round_trips(timestamp: float) -> None:
    assert parse_http_date(format_http_date(timestamp)) == math.floor(timestamp)


# --- Preconditions.guards_write (RFC 6585 §3) -----------------------------------------------------

NOW = 784111777.0


@pytest.mark.parametrize("last_modified", [NOW, None], ids=["last-modified", "no-last-modified"])
@pytest.mark.parametrize(
    ("preconditions", "expected"),
    [
        pytest.param(Preconditions(), False, id="none"),
        pytest.param(Preconditions(if_match='"v1"'), True, id="if-match"),
        pytest.param(Preconditions(if_match="*"), True, id="if-match-star"),
        pytest.param(Preconditions(if_match="garbage"), True, id="malformed-if-match-fails-anyway"),
        pytest.param(Preconditions(if_unmodified_since=IMF), True, id="if-unmodified-since"),
        pytest.param(Preconditions(if_unmodified_since="x"), False, id="invalid-ius-is-ignored"),
        pytest.param(Preconditions(if_unmodified_since=LIST_OF_DATES), False, id="ius-list"),
        pytest.param(Preconditions(if_none_match='"v1"'), False, id="if-none-match"),
        pytest.param(Preconditions(if_none_match="*"), False, id="if-none-match-star"),
        pytest.param(Preconditions(if_modified_since=IMF), False, id="if-modified-since"),
    ],
)
def test_guards_write(
    preconditions: Preconditions, expected: bool, last_modified: float | None
) -> None:
    # Without a Last-Modified, If-Unmodified-Since is ignored (§13.1.4): it guards nothing.
    by_date = preconditions.if_match is None
    if last_modified is None and by_date:
        expected = False
    assert preconditions.guards_write(last_modified=last_modified) is expected


# --- evaluate: RFC 9110 §13.2.2 -------------------------------------------------------------------

ETAG = '"v1"'
WEAK_ETAG = 'W/"v1"'


def case(
    method: str,
    expected: Outcome,
    *,
    id: str,
    etag: str | None = ETAG,
    last_modified: float | None = STAMP,
    exists: bool = True,
    **headers: str,
) -> object:
    return pytest.param(
        method, Preconditions(**headers), etag, last_modified, exists, expected, id=id
    )


EVALUATE_CASES = [
    # Step 5 reached directly.
    case("GET", PROCEED, id="no-preconditions"),
    case("PUT", PROCEED, id="no-preconditions-put"),
    # Step 1: If-Match, strong comparison.
    case("PUT", PROCEED, if_match='"v1"', id="im-strong-match"),
    case("PUT", PROCEED, if_match='"v0", "v1"', id="im-list-any-match"),
    case("PUT", PROCEED, if_match='"v0",, "v1" ,', id="im-list-empty-elements"),
    case("PUT", FAILED, if_match='"v0"', id="im-no-match"),
    case("PUT", FAILED, if_match='"v0", "v2"', id="im-list-no-match"),
    case("PUT", FAILED, if_match='W/"v1"', id="im-weak-request-tag-never-strong"),
    case("PUT", FAILED, if_match='"v1"', etag=WEAK_ETAG, id="im-weak-current-etag-never-strong"),
    case("PUT", FAILED, if_match='W/"v1"', etag=WEAK_ETAG, id="im-both-weak"),
    case("PUT", FAILED, if_match='"v1"', etag=None, id="im-no-current-etag"),
    case("PUT", PROCEED, if_match='"a,b"', etag='"a,b"', id="im-comma-inside-opaque"),
    case("PUT", FAILED, if_match='"a,b"', etag='"a"', id="im-comma-inside-is-not-a-list"),
    case("PUT", PROCEED, if_match="*", id="im-star-exists"),
    case("PUT", PROCEED, if_match="*", etag=None, id="im-star-exists-without-etag"),
    case("PUT", FAILED, if_match="*", exists=False, id="im-star-missing-resource"),
    case("PUT", FAILED, if_match='"v1"', exists=False, id="im-list-missing-resource"),
    case("GET", FAILED, if_match='"v0"', id="im-false-on-get-is-412"),
    case("DELETE", FAILED, if_match='"v0"', id="im-false-on-delete"),
    # Step 1: a malformed If-Match never lets anything through.
    case("PUT", FAILED, if_match="v1", id="im-malformed-unquoted-put"),
    case("GET", FAILED, if_match="v1", id="im-malformed-unquoted-get"),
    case("PUT", FAILED, if_match='w/"v1"', id="im-malformed-lowercase-w"),
    case("PUT", FAILED, if_match='*, "v1"', id="im-malformed-star-and-tags"),
    case("PUT", FAILED, if_match="", id="im-malformed-empty"),
    case("PUT", FAILED, if_match=",", id="im-malformed-only-empty-elements"),
    case("PATCH", FAILED, if_match='"v1" "v2"', id="im-malformed-missing-comma"),
    # Step 1 decides alone: If-Unmodified-Since is then not evaluated (§13.1.4).
    case("PUT", PROCEED, if_match='"v1"', if_unmodified_since=EARLIER, id="ius-ignored-with-im"),
    case("PUT", FAILED, if_match='"v0"', if_unmodified_since=LATER, id="im-false-ius-true"),
    # Step 1 true goes to step 3.
    case("GET", NOT_MODIFIED, if_match='"v1"', if_none_match='"v1"', id="im-true-then-inm-304"),
    case("PUT", FAILED, if_match='"v1"', if_none_match="*", id="im-true-then-inm-412"),
    case("GET", PROCEED, if_match='"v1"', if_none_match='"v0"', id="im-true-then-inm-true"),
    # Step 2: If-Unmodified-Since.
    case("PUT", PROCEED, if_unmodified_since=IMF, id="ius-equal"),
    case("PUT", PROCEED, if_unmodified_since=LATER, id="ius-later"),
    case("PUT", FAILED, if_unmodified_since=EARLIER, id="ius-earlier"),
    case("PUT", FAILED, if_unmodified_since="Sunday, 06-Nov-94 08:49:36 GMT", id="ius-rfc850"),
    case("PUT", FAILED, if_unmodified_since="Sun Nov  6 08:49:36 1994", id="ius-asctime"),
    case("GET", FAILED, if_unmodified_since=EARLIER, id="ius-applies-to-get-too"),
    case("PUT", PROCEED, if_unmodified_since="yesterday", id="ius-invalid-ignored"),
    case("PUT", PROCEED, if_unmodified_since="", id="ius-empty-ignored"),
    case("PUT", PROCEED, if_unmodified_since=f"{EARLIER}, {EARLIER}", id="ius-list-ignored"),
    case("PUT", PROCEED, if_unmodified_since=EARLIER, last_modified=None, id="ius-no-lm-ignored"),
    case("PUT", PROCEED, if_unmodified_since=EARLIER, exists=False, id="ius-missing-resource"),
    case(
        "PUT", PROCEED, if_unmodified_since=IMF, last_modified=STAMP + 0.9, id="ius-1s-resolution"
    ),
    case(
        "PUT", FAILED, if_unmodified_since=IMF, last_modified=STAMP + 1, id="ius-one-second-newer"
    ),
    case("PUT", PROCEED, if_unmodified_since=EARLIER, last_modified=math.nan, id="ius-nan-lm"),
    # Step 2 false stops before step 3; true goes on to it.
    case("GET", FAILED, if_unmodified_since=EARLIER, if_none_match='"v1"', id="ius-false-first"),
    case("GET", NOT_MODIFIED, if_unmodified_since=IMF, if_none_match='"v1"', id="ius-true-inm"),
    # Step 3: If-None-Match, weak comparison.
    case("GET", NOT_MODIFIED, if_none_match='"v1"', id="inm-match-get"),
    case("HEAD", NOT_MODIFIED, if_none_match='"v1"', id="inm-match-head"),
    case("GET", NOT_MODIFIED, if_none_match='W/"v1"', id="inm-weak-request-tag"),
    case("GET", NOT_MODIFIED, if_none_match='"v1"', etag=WEAK_ETAG, id="inm-weak-current-etag"),
    case("GET", NOT_MODIFIED, if_none_match='"v0", W/"v1"', id="inm-list-any-match"),
    case("GET", NOT_MODIFIED, if_none_match=' , "v0",,"v1"', id="inm-list-empty-elements"),
    case("GET", PROCEED, if_none_match='"v0"', id="inm-no-match"),
    case("GET", PROCEED, if_none_match='"v0", W/"v2"', id="inm-list-no-match"),
    case("GET", PROCEED, if_none_match='"v1"', etag=None, id="inm-no-current-etag"),
    case("GET", PROCEED, if_none_match='"a,b"', etag='"a"', id="inm-comma-inside-opaque"),
    case("GET", NOT_MODIFIED, if_none_match="*", id="inm-star-exists-get"),
    case("GET", PROCEED, if_none_match="*", exists=False, id="inm-star-missing-get"),
    case("PUT", FAILED, if_none_match="*", id="inm-star-exists-put"),
    case("PUT", PROCEED, if_none_match="*", exists=False, id="inm-star-missing-put-creates"),
    case("PUT", PROCEED, if_none_match='"v1"', exists=False, id="inm-list-missing-resource"),
    case("POST", FAILED, if_none_match='"v1"', id="inm-match-post"),
    case("DELETE", FAILED, if_none_match='W/"v1"', id="inm-match-delete"),
    case("OPTIONS", FAILED, if_none_match='"v1"', id="inm-match-options"),
    case("get", FAILED, if_none_match='"v1"', id="inm-match-lowercase-get-is-not-get"),
    # Step 3: a malformed If-None-Match costs a read its 304 only; a write fails.
    case("GET", PROCEED, if_none_match="v1", id="inm-malformed-get-ignored"),
    case("HEAD", PROCEED, if_none_match='w/"v1"', id="inm-malformed-head-ignored"),
    case("GET", PROCEED, if_none_match="", id="inm-empty-get-ignored"),
    case("PUT", FAILED, if_none_match="v1", id="inm-malformed-put"),
    case("POST", FAILED, if_none_match="", id="inm-empty-post"),
    case("PUT", FAILED, if_none_match='*, "v1"', id="inm-star-and-tags-put"),
    # Step 3 present: If-Modified-Since is not evaluated (§13.1.3).
    case("GET", PROCEED, if_none_match='"v0"', if_modified_since=IMF, id="ims-ignored-with-inm"),
    case("GET", PROCEED, if_none_match="v1", if_modified_since=IMF, id="ims-ignored-bad-inm"),
    case("GET", NOT_MODIFIED, if_none_match='"v1"', if_modified_since=EARLIER, id="inm-over-ims"),
    # Step 4: If-Modified-Since, GET and HEAD only.
    case("GET", NOT_MODIFIED, if_modified_since=IMF, id="ims-equal"),
    case("GET", NOT_MODIFIED, if_modified_since=LATER, id="ims-later"),
    case("GET", PROCEED, if_modified_since=EARLIER, id="ims-earlier"),
    case("HEAD", NOT_MODIFIED, if_modified_since=IMF, id="ims-head"),
    case("GET", NOT_MODIFIED, if_modified_since=RFC850, id="ims-rfc850"),
    case("GET", NOT_MODIFIED, if_modified_since=ASCTIME, id="ims-asctime"),
    case("GET", NOT_MODIFIED, if_modified_since=IMF, last_modified=STAMP + 0.9, id="ims-1s-res"),
    case("GET", PROCEED, if_modified_since=IMF, last_modified=STAMP + 1, id="ims-1s-newer"),
    case("GET", PROCEED, if_modified_since="yesterday", id="ims-invalid-ignored"),
    case("GET", PROCEED, if_modified_since=LIST_OF_DATES, id="ims-list-ignored"),
    case("GET", PROCEED, if_modified_since=IMF, last_modified=None, id="ims-no-lm-ignored"),
    case("GET", PROCEED, if_modified_since=IMF, last_modified=math.inf, id="ims-infinite-lm"),
    case("GET", PROCEED, if_modified_since=IMF, exists=False, id="ims-missing-resource"),
    case("PUT", PROCEED, if_modified_since=IMF, id="ims-ignored-put"),
    case("POST", PROCEED, if_modified_since=LATER, id="ims-ignored-post"),
    case("head", PROCEED, if_modified_since=IMF, id="ims-ignored-lowercase-head"),
    # All four at once: If-Match and If-None-Match decide, the dates are ignored.
    case(
        "GET",
        NOT_MODIFIED,
        if_match='"v1"',
        if_unmodified_since=EARLIER,
        if_none_match='W/"v1"',
        if_modified_since=EARLIER,
        id="all-four",
    ),
    # A malformed current ETag from the server is no validator at all.
    case("PUT", FAILED, if_match='"v1"', etag="v1", id="malformed-current-etag-im"),
    case("GET", PROCEED, if_none_match='"v1"', etag="v1", id="malformed-current-etag-inm"),
]


@pytest.mark.parametrize(
    ("method", "preconditions", "etag", "last_modified", "exists", "expected"), EVALUATE_CASES
)
def test_evaluate(
    method: str,
    preconditions: Preconditions,
    etag: str | None,
    last_modified: float | None,
    exists: bool,
    expected: Outcome,
) -> None:
    outcome = evaluate(method, preconditions, etag=etag, last_modified=last_modified, exists=exists)
    assert outcome is expected


# --- properties -----------------------------------------------------------------------------------

headers = st.none() | st.text() | st.sampled_from(['"v1"', 'W/"v1"', "*", IMF, EARLIER, ""])
methods = st.sampled_from(["GET", "HEAD", "PUT", "PATCH", "POST", "DELETE", "get"]) | st.text()
last_modifieds = st.none() | st.floats() | st.integers(-(10**20), 10**20)


@hypothesis_settings
@given(
    methods,
    st.builds(Preconditions, headers, headers, headers, headers),
    st.none() | st.text() | st.sampled_from(['"v1"', 'W/"v1"']),
    last_modifieds,
    st.booleans(),
)
def test_evaluate_never_raises(
    method: str,
    preconditions: Preconditions,
    etag: str | None,
    last_modified: float | None,
    exists: bool,
) -> None:
    outcome = evaluate(method, preconditions, etag=etag, last_modified=last_modified, exists=exists)
    assert isinstance(outcome, Outcome)
    assert isinstance(preconditions.guards_write(last_modified=last_modified), bool)


@hypothesis_settings
@given(
    methods,
    st.text() | st.text(alphabet='W/"*, \tv1', max_size=12),
    st.builds(Preconditions, headers, headers, headers, headers),
    st.none() | st.text(),
    last_modifieds,
    st.booleans(),
)
def test_malformed_if_match_never_proceeds(
    method: str,
    if_match: str,
    others: Preconditions,
    etag: str | None,
    last_modified: float | None,
    exists: bool,
) -> None:
    assume(parse_etag_list(if_match) is None)
    preconditions = Preconditions(
        if_match=if_match,
        if_none_match=others.if_none_match,
        if_modified_since=others.if_modified_since,
        if_unmodified_since=others.if_unmodified_since,
    )
    outcome = evaluate(method, preconditions, etag=etag, last_modified=last_modified, exists=exists)
    assert outcome is FAILED


@hypothesis_settings
@given(st.text())
def test_parse_http_date_never_raises(value: str) -> None:
    result = parse_http_date(value)
    assert result is None or isinstance(result, int)


def test_evaluate_huge_if_none_match() -> None:
    tags = ", ".join(f'"v{i}"' for i in range(10_000))
    assert evaluate(
        "GET", Preconditions(if_none_match=tags), etag='"v9999"', last_modified=None
    ) is (NOT_MODIFIED)


# Last-Modified: the second after the change by every clock, sent once that second has come


@pytest.mark.parametrize(
    ("changed_at", "clock_skew", "validator"),
    [
        (784111777.0, 0, 784111778.0),
        (784111777.9, 0, 784111778.0),
        (784111777.9, 1, 784111779.0),
        (784111777.0, 2, 784111780.0),
        (-0.5, 0, 0.0),
    ],
)
def test_a_change_is_dated_the_second_after_it_by_every_clock(
    changed_at: float, clock_skew: int, validator: float
) -> None:
    assert validator_second(changed_at, clock_skew=clock_skew) == validator


@pytest.mark.parametrize(
    ("validator", "now", "sent"),
    [
        (784111778.0, 784111778.0, "Sun, 06 Nov 1994 08:49:38 GMT"),
        (784111778.0, 784111779.5, "Sun, 06 Nov 1994 08:49:38 GMT"),
        (784111778.0, 784111777.99, None),
        # A clock behind the date: not sent yet, never later than the answer's Date.
        (784111780.0, 784111778.0, None),
        (None, 784111778.0, None),
        (float("nan"), 784111778.0, None),
    ],
    ids=["its-second", "later", "before", "future", "none", "nan"],
)
def test_last_modified_is_sent_once_its_second_has_come(
    validator: float | None, now: float, sent: str | None
) -> None:
    assert last_modified_to_send(validator, now=now) == sent


def test_a_date_handed_out_in_the_second_of_a_change_never_passes_for_it() -> None:
    """The dates a client can hold from the change's own second (its Date, the content's
    date) fail If-Unmodified-Since and earn no 304; the sent Last-Modified passes."""
    changed_at = 784111777.25
    validator = validator_second(changed_at, clock_skew=0)
    for held in (IMF, EARLIER):  # 08:49:37, the change's second; 08:49:36, before it
        assert (
            evaluate(
                "PUT", Preconditions(if_unmodified_since=held), etag=None, last_modified=validator
            )
            is FAILED
        )
        assert (
            evaluate(
                "GET", Preconditions(if_modified_since=held), etag=None, last_modified=validator
            )
            is PROCEED
        )
    sent = last_modified_to_send(validator, now=validator)
    assert sent == LATER
    assert (
        evaluate("PUT", Preconditions(if_unmodified_since=sent), etag=None, last_modified=validator)
        is PROCEED
    )
    assert (
        evaluate("GET", Preconditions(if_modified_since=sent), etag=None, last_modified=validator)
        is NOT_MODIFIED
    )


@pytest.mark.parametrize(
    ("if_match", "outcome"),
    [
        ('"1.2-api"', Outcome.PROCEED),
        ('"x", "1.2-api"', Outcome.PROCEED),
        ('W/"1.2-api"', Outcome.PRECONDITION_FAILED),
        ('"1.1-api"', Outcome.PRECONDITION_FAILED),
        ('"1.1"', Outcome.PRECONDITION_FAILED),
    ],
)
def test_if_match_may_name_the_current_state_in_another_representation(
    if_match: str, outcome: Outcome
) -> None:
    preconditions = Preconditions(if_match=if_match)
    same_state = ('"1.2-api"', '"1.2-api-de"')
    result = evaluate(
        "PATCH", preconditions, etag='"1.2"', last_modified=None, same_state=same_state
    )
    assert result is outcome


# --- PRECONDITIONS: the one declaration of the kinds ----------------------------------------------


def test_preconditions_of_reads_every_declared_kind() -> None:
    headers = {kind.name: f"value of {kind.name}" for kind in PRECONDITIONS}
    preconditions = Preconditions.of({**headers, "If-Range": '"v1"'})
    assert preconditions.values == headers
    for kind in PRECONDITIONS:
        assert getattr(preconditions, kind.member) == f"value of {kind.name}"
    assert Preconditions.of({}) == Preconditions()


def test_preconditions_take_the_kinds_by_keyword_or_in_their_order() -> None:
    # RFC 9110 §13.1's order, as the four fields always were.
    assert Preconditions('"a"', "*") == Preconditions(if_match='"a"', if_none_match="*")
    with pytest.raises(TypeError):
        Preconditions(if_range='"a"')
    with pytest.raises(AttributeError):
        Preconditions().if_range  # noqa: B018


#: RFC 6638 §3.2.10: If-Schedule-Tag-Match, compared as If-Match is, with a schedule tag: a
#: kind a project could declare, which holds for ``"s1"`` alone.
SCHEDULE_TAG = Precondition(
    "If-Schedule-Tag-Match",
    compares="Schedule-Tag",
    description="The Schedule-Tag you last saw; no match is 412.",
    holds=lambda value, current: value == '"s1"',
    step=1,
    guards=lambda value, second: True,
)


def test_a_declared_kind_is_read_evaluated_and_guards(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(preconditions_module, "PRECONDITIONS", (*PRECONDITIONS, SCHEDULE_TAG))
    sent = Preconditions.of({"If-Schedule-Tag-Match": '"s0"'})
    assert sent.if_schedule_tag_match == '"s0"'
    assert evaluate("PUT", sent, etag='"v1"', last_modified=None) is FAILED
    assert sent.guards_write(last_modified=None)
    assert guarding_headers() == ("If-Match", "If-Unmodified-Since", "If-Schedule-Tag-Match")
    passing = Preconditions(if_schedule_tag_match='"s1"')
    assert evaluate("PUT", passing, etag='"v1"', last_modified=None) is PROCEED


@pytest.mark.parametrize(
    ("method", "action", "detail", "lists", "creates", "target"),
    [
        ("GET", None, True, False, False, Target.OBJECT_READ),
        ("GET", "retrieve", True, False, False, Target.OBJECT_READ),
        # A custom GET action shows something else than the object.
        ("GET", "history", True, False, False, None),
        ("GET", None, False, True, False, Target.LIST_READ),
        # A list whose changes nothing tracks has no ETag.
        ("GET", "list", False, False, False, None),
        ("PUT", None, True, False, False, Target.WRITE),
        ("POST", "publish", True, False, False, Target.WRITE),
        ("POST", None, False, False, True, Target.CREATE),
        ("POST", "bulk", False, False, False, None),
        ("OPTIONS", None, True, False, False, None),
    ],
)
def test_target_of(
    method: str, action: str | None, detail: bool, lists: bool, creates: bool, target: Any
) -> None:
    assert target_of(method, action=action, detail=detail, lists=lists, creates=creates) is target


@pytest.mark.parametrize(
    ("target", "names"),
    [
        (Target.OBJECT_READ, {IF_MATCH, IF_NONE_MATCH, IF_MODIFIED_SINCE, IF_UNMODIFIED_SINCE}),
        (Target.LIST_READ, {IF_MATCH, IF_NONE_MATCH}),
        # The list has no Last-Modified: a POST ignores If-Unmodified-Since.
        (Target.CREATE, {IF_MATCH, IF_NONE_MATCH}),
        (Target.WRITE, {IF_MATCH, IF_NONE_MATCH, IF_UNMODIFIED_SINCE}),
    ],
)
def test_the_preconditions_each_target_reads(target: Target, names: set[str]) -> None:
    assert {kind.name for kind in PRECONDITIONS if target in kind.targets} == names
