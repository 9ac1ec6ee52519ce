"""The parts of conditional requests without a view: validators, decisions, swaps, answers.

``ConditionalUpdateMixin`` is wiring over these; tests/test_mixins.py tests it over requests.
"""

from __future__ import annotations

import types
from datetime import datetime, timezone
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpResponse
from rest_framework import viewsets
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer

from django_http_errors.conditional import answers, decisions, swaps, validators
from django_http_errors.conditional.preconditions import Preconditions, guarding_headers
from django_http_errors.conditional.view_writes import ViewWrites
from django_http_errors.exceptions import Conflict, PreconditionFailed, PreconditionRequired
from django_http_errors.mixins import ConditionalUpdateMixin
from tests.testapp.models import Note, Post

pytestmark = pytest.mark.django_db

CHANGED = datetime(2025, 6, 1, 12, 0, 30, 500000, tzinfo=timezone.utc)


@pytest.fixture
def post() -> Post:
    return Post.objects.create(owner=User.objects.create_user("writer"), title="First")


def etag_of(obj: Any) -> str:
    return f'"{obj.pk}.{obj.version}"'


# --- validators -----------------------------------------------------------------------------------


def test_state_tag_names_key_and_version_without_a_representation(post: Post) -> None:
    def never() -> dict[str, Any]:
        raise AssertionError("a versioned row needs no representation")

    assert validators.state_tag(post, "version", never) == f"{post.pk}.1"


class _NamedInteger(int):
    """An integer key that reads as a word: it is percent-encoded as its text is."""

    def __str__(self) -> str:
        return "no. 7/8"


@pytest.mark.parametrize(
    ("pk", "key"),
    [(7, "7"), (-7, "-7"), ("a/b c", "a%2Fb%20c"), (_NamedInteger(7), "no.%207%2F8")],
)
def test_state_tag_percent_encodes_any_key_whose_text_needs_it(pk: Any, key: str) -> None:
    row = types.SimpleNamespace(pk=pk, version=3)
    assert validators.state_tag(row, "version", dict) == f"{key}.3"


def test_state_tag_without_a_version_hashes_the_representation(post: Post) -> None:
    first = validators.state_tag(post, None, lambda: {"title": "First", "n": 1})
    same = validators.state_tag(post, None, lambda: {"n": 1, "title": "First"})
    other = validators.state_tag(post, None, lambda: {"title": "Second", "n": 1})
    assert first == same != other


def test_last_modified_is_the_second_after_the_change_by_every_clock() -> None:
    note = Note(text="x", updated_at=CHANGED)
    seconds = validators.last_modified_of(note, "updated_at", clock_skew=2)
    assert seconds == CHANGED.replace(microsecond=0).timestamp() + 1 + 2
    assert validators.last_modified_of(note, None, clock_skew=2) is None


def test_collection_etag_is_weak_and_changes_with_a_write(post: Post) -> None:
    def etag() -> str | None:
        return validators.collection_etag(
            Post.objects.all(),
            version_field="version",
            last_modified_field=None,
            scope=["/posts/", "", None],
            variant="",
        )

    before = etag()
    assert before is not None
    assert before.startswith('W/"')
    Post.objects.filter(pk=post.pk).update(version=2)
    assert etag() != before


def test_collection_etag_is_none_when_nothing_tracks_changes() -> None:
    etag = validators.collection_etag(
        Note.objects.all(), version_field=None, last_modified_field=None, scope=[], variant=""
    )
    assert etag is None


@pytest.mark.parametrize(
    ("renderer", "language", "suffix"),
    [
        pytest.param(JSONRenderer(), "de", "", id="first-format-any-language"),
        pytest.param(BrowsableAPIRenderer(), "en", "-api", id="other-format"),
        pytest.param(BrowsableAPIRenderer(), "de", "-api-de", id="page-in-another-language"),
    ],
)
def test_variant_suffix(renderer: Any, language: str, suffix: str) -> None:
    found = validator_suffix(renderer, language)
    assert found == suffix


def validator_suffix(renderer: Any, language: str) -> str:
    return validators.variant_suffix(renderer, language, first_format="json", default_language="en")


def test_validator_headers_hold_back_a_last_modified_still_to_come() -> None:
    now = CHANGED.timestamp()
    assert validators.validator_headers('"1"', now + 5, now=now) == {"ETag": '"1"'}
    sent = validators.validator_headers('"1"', now - 5, now=now)
    assert sent["Last-Modified"] == "Sun, 01 Jun 2025 12:00:25 GMT"


# --- decisions ------------------------------------------------------------------------------------


def test_a_false_if_match_asks_for_the_other_representations_once() -> None:
    asked: list[bool] = []

    def others() -> list[str]:
        asked.append(True)
        return ['"1.2-api"']

    preconditions = Preconditions(if_match='"1.2-api"')
    outcome = decisions.decide_object(
        "PUT", preconditions, etag='"1.2"', last_modified=None, etags_of_state=others
    )
    assert outcome is decisions.Outcome.PROCEED
    assert asked == [True]


@pytest.mark.parametrize(
    ("given", "outcome"),
    [
        # A stale tag names no representation of this state: 412 as the first evaluation said.
        (Preconditions(if_match='"1.1-api"'), None),
        # Spelled out, but weak: If-Match compares strongly.
        (Preconditions(if_match='W/"1.2-api"'), None),
        # A tag of this state in another format lets the write through...
        (Preconditions(if_match='"0.9", "1.2-api"'), decisions.Outcome.PROCEED),
        # ... to the next precondition, which still decides (If-None-Match, the third step).
        (Preconditions(if_match='"1.2-api"', if_none_match='"1.2"'), None),
    ],
)
def test_the_other_representations_change_only_an_if_match_that_names_one(
    given: Preconditions, outcome: decisions.Outcome | None
) -> None:
    def decide() -> decisions.Outcome:
        return decisions.decide_object(
            "PUT", given, etag='"1.2"', last_modified=None, etags_of_state=lambda: ['"1.2-api"']
        )

    if outcome is None:
        with pytest.raises(PreconditionFailed) as failed:
            decide()
        assert failed.value.etag == '"1.2"'
    else:
        assert decide() is outcome


def test_a_false_read_is_not_modified_and_a_false_write_412_naming_the_etag() -> None:
    preconditions = Preconditions(if_none_match='"1.2"')
    read = decisions.decide_object(
        "GET", preconditions, etag='"1.2"', last_modified=None, etags_of_state=list
    )
    assert read is decisions.Outcome.NOT_MODIFIED
    with pytest.raises(PreconditionFailed) as failed:
        decisions.decide_object(
            "PUT", preconditions, etag='"1.2"', last_modified=None, etags_of_state=list
        )
    assert failed.value.etag == '"1.2"'


def test_a_create_without_etag_preconditions_costs_no_list_etag() -> None:
    def never() -> str | None:
        raise AssertionError("no query for a POST without If-Match or If-None-Match")

    decisions.decide_create(Preconditions(if_unmodified_since="x"), never)
    with pytest.raises(PreconditionFailed):
        decisions.decide_create(Preconditions(if_none_match="*"), lambda: 'W/"list"')


def test_the_428s_own_default_names_what_the_kinds_declare() -> None:
    # The class cannot read the declaration (exceptions/ stands below conditional/, which
    # raises its problems); every 428 the library raises names guarding_headers(), and a
    # project's bare PreconditionRequired() must name the same.
    assert PreconditionRequired().required_headers == guarding_headers()


def test_an_unguarded_write_is_428_when_required_else_reported() -> None:
    reported: list[bool] = []
    with pytest.raises(PreconditionRequired) as required:
        decisions.require_guard("PATCH", guarded=False, required=True)
    assert required.value.required_headers == ("If-Match", "If-Unmodified-Since")
    decisions.require_guard("POST", guarded=False, required=True)
    decisions.require_guard("PUT", guarded=True, required=True)
    decisions.require_guard(
        "DELETE", guarded=False, required=False, report=lambda: reported.append(True)
    )
    assert reported == [True]


def test_the_304_refuses_representation_metadata_set_later() -> None:
    response = decisions.NotModifiedResponse()
    response["Content-Type"] = "application/json"
    response["Content-Language"] = "de"
    response["ETag"] = '"1"'
    assert response.status_code == 304
    assert "Content-Type" not in response
    assert "Content-Language" not in response
    assert response["ETag"] == '"1"'


# --- swaps ----------------------------------------------------------------------------------------


def test_of_two_claims_of_one_version_the_second_is_409_or_412(post: Post) -> None:
    stale = Post.objects.get(pk=post.pk)
    with transaction.atomic():
        swaps.claim_row(post, "version", etag_of=etag_of, guarded=False)
    assert post.version == 2
    with pytest.raises(Conflict):
        swaps.claim_row(stale, "version", etag_of=etag_of, guarded=False)
    with pytest.raises(PreconditionFailed) as failed:
        swaps.claim_row(stale, "version", etag_of=etag_of, guarded=True)
    assert failed.value.etag == f'"{post.pk}.2"'


def test_a_row_without_version_is_locked_and_its_etag_compared() -> None:
    note = Note.objects.create(text="one")
    stale = Note.objects.get(pk=note.pk)
    Note.objects.filter(pk=note.pk).update(text="two")

    def text_etag(obj: Any) -> str:
        return f'"{obj.text}"'

    with transaction.atomic():
        swaps.claim_row(Note.objects.get(pk=note.pk), None, etag_of=text_etag, guarded=True)
        with pytest.raises(PreconditionFailed) as failed:
            swaps.claim_row(stale, None, etag_of=text_etag, guarded=True)
    assert failed.value.etag == '"two"'


def test_saves_in_drfs_update_only_without_another_perform_update() -> None:
    class Plain(ConditionalUpdateMixin, viewsets.ModelViewSet):  # type: ignore[type-arg]
        pass

    class Own(ConditionalUpdateMixin, viewsets.ModelViewSet):  # type: ignore[type-arg]
        def perform_update(self, serializer: Any) -> None:
            super().perform_update(serializer)

    assert swaps.saves_in_drfs_update(Plain, ViewWrites)
    assert not swaps.saves_in_drfs_update(Own, ViewWrites)


# --- answers --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "status", "expected"),
    [
        pytest.param("GET", 200, {"ETag": '"read"', "Cache-Control": "no-cache"}, id="read"),
        pytest.param("PATCH", 200, {"ETag": '"changed"'}, id="patch-new-state"),
        pytest.param("PUT", 200, {}, id="put-none"),
        pytest.param("POST", 201, {"ETag": '"created"'}, id="created"),
        pytest.param("POST", 200, {}, id="post-action"),
    ],
)
def test_answer_headers(method: str, status: int, expected: dict[str, str], post: Post) -> None:
    headers = answers.answer_headers(
        method,
        status,
        read={"ETag": '"read"'},
        cache_control=lambda: "no-cache",
        changed="changed",
        created=post,
        validators_of=lambda obj: {"ETag": '"created"' if obj is post else f'"{obj}"'},
    )
    assert headers == expected


def test_set_absent_keeps_the_views_own_headers() -> None:
    response = HttpResponse(headers={"Cache-Control": "private"})
    answers.set_absent(response, {"Cache-Control": "no-cache", "ETag": '"1"'})
    assert (response["Cache-Control"], response["ETag"]) == ("private", '"1"')
    assert answers.is_described(response)
    assert not answers.is_described(HttpResponse(status=412))
