"""Failed Basic logins throttled: past the rate, 429 with Retry-After before the password is
checked; counted per client address and user name, successes not at all."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client, override_settings

from django_http_errors.throttling import FailedAuthenticationThrottle
from tests.conftest import basic, problem

pytestmark = pytest.mark.django_db

LOGIN = "/test/throttled-login/"
RATE = 3


@pytest.fixture(autouse=True)
def rate_and_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[float]]:
    """Three failures a minute, counted from a fresh cache, on a clock the test moves."""
    now = [1_000_000.0]
    monkeypatch.setattr(FailedAuthenticationThrottle, "timer", lambda self: now[0])
    rates = {"failed_authentication": f"{RATE}/min"}
    with override_settings(
        REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    ):
        cache.clear()
        yield now
        cache.clear()


def login(username: str, password: str, address: str = "192.0.2.1") -> Any:
    return Client(REMOTE_ADDR=address).get(LOGIN, HTTP_AUTHORIZATION=basic(username, password))


def fail(times: int, username: str = "alice", address: str = "192.0.2.1") -> None:
    for _ in range(times):
        assert login(username, "wrong", address).status_code == 401


def test_past_the_rate_even_the_right_password_is_429_with_retry_after(
    users: dict[str, User], rate_and_clock: list[float]
) -> None:
    fail(RATE - 1)
    assert login("alice", "alice-password").status_code == 200  # a success counts nothing
    fail(1)
    rate_and_clock[0] += 10
    response = login("alice", "alice-password")
    assert response.status_code == 429
    assert problem(response)["code"] == "throttled"
    assert response["Retry-After"] == "50"  # the first failure leaves the minute then
    assert "WWW-Authenticate" not in response


def test_a_throttled_login_checks_no_password(
    users: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    fail(RATE)
    checked: list[str] = []
    monkeypatch.setattr(User, "check_password", lambda user, raw: checked.append(raw) or True)
    assert login("alice", "alice-password").status_code == 429
    assert checked == []


def test_another_user_or_address_is_counted_apart(users: dict[str, User]) -> None:
    fail(RATE)
    assert login("alice", "alice-password").status_code == 429
    assert login("bob", "bob-password").status_code == 200
    assert login("alice", "alice-password", address="198.51.100.7").status_code == 200
    # An unknown user name costs a hash too (Django's timing defence): counted as well.
    fail(RATE, username="mallory")
    assert login("mallory", "anything").status_code == 429


def test_after_the_period_the_user_may_try_again(
    users: dict[str, User], rate_and_clock: list[float]
) -> None:
    fail(RATE)
    rate_and_clock[0] += 59
    assert login("alice", "alice-password").status_code == 429
    rate_and_clock[0] += 1
    assert login("alice", "alice-password").status_code == 200


def test_a_rate_of_none_throttles_nothing(users: dict[str, User]) -> None:
    rates = {"failed_authentication": None}
    with override_settings(
        REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    ):
        fail(RATE * 3)
        assert login("alice", "alice-password").status_code == 200


def test_without_a_rate_in_the_settings_the_default_applies(users: dict[str, User]) -> None:
    with override_settings(
        REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {}}
    ):
        limit, period = FailedAuthenticationThrottle().parse_rate(
            FailedAuthenticationThrottle.default_rate
        )
        assert (limit, period) == (10, 60)
        fail(10)
        response = login("alice", "alice-password")
        assert response.status_code == 429
        assert math.isclose(int(response["Retry-After"]), 60, abs_tol=1)
