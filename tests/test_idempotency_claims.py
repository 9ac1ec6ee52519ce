"""The key's claim and store without a view: each state of the row, on the real database.

``IdempotencyMixin`` is wiring over these; tests/test_idempotency.py tests it over requests.
"""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpResponse
from django.utils import timezone

from django_http_errors.conf import get_settings
from django_http_errors.exceptions import (
    IdempotencyKeyInUse,
    IdempotencyKeyReused,
    IdempotentAnswerLost,
)
from django_http_errors.idempotency import claims
from django_http_errors.idempotency.keys import scope_digest
from django_http_errors.idempotency.store import Claim, KeyedRequest
from django_http_errors.models import IdempotencyKey

pytestmark = pytest.mark.django_db


def keyed(fingerprint: str = "f1", key: str = "k1") -> KeyedRequest:
    return KeyedRequest(
        scope=scope_digest("auth.user:1", key),
        client="auth.user:1",
        method="POST",
        path="/posts/",
        key=key,
        fingerprint=fingerprint,
    )


def claimed(request: KeyedRequest) -> Claim:
    result = claims.claim(request)
    assert isinstance(result, Claim)
    return result


def test_a_new_key_is_claimed_in_flight() -> None:
    claim = claimed(keyed())
    row = IdempotencyKey.objects.get(scope=claim.scope)
    assert (row.state, row.owner) == (IdempotencyKey.State.IN_FLIGHT, claim.owner)


def test_a_key_in_flight_is_409_until_its_lease_ends() -> None:
    claimed(keyed())
    with pytest.raises(IdempotencyKeyInUse) as in_use:
        claims.claim(keyed())
    assert in_use.value.retry_after is not None
    settings = get_settings()
    assert 1 <= in_use.value.retry_after <= settings.IDEMPOTENCY_KEY_LEASE + settings.CLOCK_SKEW


def test_a_key_with_other_content_is_422() -> None:
    claimed(keyed())
    with pytest.raises(IdempotencyKeyReused):
        claims.claim(keyed(fingerprint="other"))


def test_a_done_key_answers_its_retry_with_the_stored_answer() -> None:
    claim = claimed(keyed())
    assert claims.mark_written(claim)
    claims.keep(claim, HttpResponse(b"made", status=201, headers={"Location": "/posts/1/"}))
    replay = claims.claim(keyed())
    assert isinstance(replay, HttpResponse)
    assert (replay.status_code, replay.content, replay["Location"]) == (201, b"made", "/posts/1/")
    assert replay["Idempotent-Replayed"] == "true"


def test_an_error_before_any_write_releases_the_key() -> None:
    claim = claimed(keyed())
    claims.keep(claim, HttpResponse(status=500))
    assert not IdempotencyKey.objects.filter(scope=claim.scope).exists()
    claimed(keyed())


def test_a_claim_taken_over_past_its_lease_marks_nothing_written() -> None:
    first = claimed(keyed())
    IdempotencyKey.objects.filter(scope=first.scope).update(
        claimed_at=timezone.now() - timedelta(hours=1)
    )
    second = claimed(keyed())
    assert second.owner != first.owner
    assert not claims.mark_written(first)
    assert claims.mark_written(second)


def test_a_written_key_past_its_lease_lost_only_its_answer() -> None:
    claim = claimed(keyed())
    claims.mark_written(claim)
    IdempotencyKey.objects.filter(scope=claim.scope).update(
        claimed_at=timezone.now() - timedelta(hours=1)
    )
    with pytest.raises(IdempotentAnswerLost):
        claims.claim(keyed())


def test_an_expired_key_is_claimed_anew() -> None:
    claim = claimed(keyed())
    IdempotencyKey.objects.filter(scope=claim.scope).update(
        expires_at=timezone.now() - timedelta(days=1)
    )
    assert claimed(keyed(fingerprint="other")).owner != claim.owner


@pytest.mark.parametrize(
    ("user", "principal"),
    [
        pytest.param(None, None, id="nobody"),
        pytest.param(AnonymousUser(), None, id="anonymous"),
        pytest.param(User(pk=7), "auth.user:7", id="user"),
        pytest.param(
            SimpleNamespace(is_authenticated=True, id="key-1"),
            "types.simplenamespace:key-1",
            id="principal-without-a-model",
        ),
    ],
)
def test_principal_of(user: object, principal: str | None) -> None:
    assert claims.principal_of(user) == principal
