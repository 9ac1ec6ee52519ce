"""The report mode of required preconditions: blind writes go through, each logged and marked."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client, override_settings
from rest_framework import generics
from rest_framework.test import APIRequestFactory, force_authenticate

from django_http_errors.blind_writes import LOGGER_NAME, PRECONDITION_MISSING
from django_http_errors.mixins import ConditionalUpdateMixin
from tests.conftest import etag_of, write
from tests.test_schema import make_view, statuses
from tests.testapp.conditional_views import PostViewSet
from tests.testapp.models import Post

pytestmark = pytest.mark.django_db

REPORT = override_settings(HTTP_ERRORS={"PRECONDITION_REQUIRED": "report"})
SENT = "If-Match, If-Unmodified-Since"


def url(post: Post) -> str:
    """The post's detail URL."""
    return f"/test/conditional/posts/{post.pk}/"


def reported(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """The blind writes logged."""
    return [r for r in caplog.records if r.name == LOGGER_NAME]


@REPORT
@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_a_blind_write_goes_through_logged_with_who_and_where_and_marked(
    client_as: Callable[[str], Client],
    alices_post: Post,
    caplog: pytest.LogCaptureFixture,
    method: str,
) -> None:
    alice = client_as("alice")
    data = {"title": "Blind", "body": ""}
    with caplog.at_level(logging.WARNING, logger=LOGGER_NAME):
        response = write(alice, method, url(alices_post), data, **{"User-Agent": "app/1.2"})
    assert response.status_code in (200, 204), response.content
    assert response[PRECONDITION_MISSING] == SENT
    [record] = reported(caplog)
    assert record.levelno == logging.WARNING
    assert (record.user, record.view) == (  # type: ignore[attr-defined]
        "alice",
        "tests.testapp.conditional_views.PostViewSet",
    )
    message = record.getMessage()
    for part in (method, url(alices_post), "alice", "127.0.0.1", "app/1.2", "PostViewSet"):
        assert part in message, part


@REPORT
@pytest.mark.parametrize(
    "headers",
    [{"If-Match": "{etag}"}, {"If-Unmodified-Since": "Fri, 01 Jan 2100 00:00:00 GMT"}],
    ids=["if-match", "if-unmodified-since"],
)
def test_a_conditional_write_is_not_reported(
    client_as: Callable[[str], Client],
    alices_post: Post,
    caplog: pytest.LogCaptureFixture,
    headers: dict[str, str],
) -> None:
    sent = {name: value.format(etag=etag_of(alices_post)) for name, value in headers.items()}
    with caplog.at_level(logging.WARNING, logger=LOGGER_NAME):
        response = write(client_as("alice"), "PATCH", url(alices_post), {"body": "x"}, **sent)
    assert response.status_code == 200
    assert PRECONDITION_MISSING not in response
    assert reported(caplog) == []


@REPORT
def test_reads_and_failed_preconditions_are_not_reported(
    client_as: Callable[[str], Client], alices_post: Post, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger=LOGGER_NAME):
        read = Client().get(url(alices_post))
        stale = write(client_as("alice"), "PATCH", url(alices_post), {}, **{"If-Match": '"x"'})
    assert (read.status_code, stale.status_code) == (200, 412)
    assert PRECONDITION_MISSING not in read
    assert PRECONDITION_MISSING not in stale
    assert reported(caplog) == []


def patch_through(view: Any, post: Post, **headers: str) -> Any:
    """A PATCH without a precondition, by the post's owner, through ``view``."""
    request = APIRequestFactory().patch(url(post), {"body": "x"}, format="json", headers=headers)
    force_authenticate(request, user=post.owner)
    return view.as_view({"patch": "partial_update"})(request, pk=post.pk)


class ReportingPosts(PostViewSet):
    """Reports blind writes whatever the setting says."""

    precondition_required = "report"


class RequiringPosts(PostViewSet):
    """Requires preconditions whatever the setting says."""

    precondition_required = True


def test_a_view_reports_while_the_setting_requires(alices_post: Post) -> None:
    # The suite requires preconditions (tests/settings.py); this view does not, yet.
    response = patch_through(ReportingPosts, alices_post)
    assert response.status_code == 200
    assert response[PRECONDITION_MISSING] == SENT


@REPORT
def test_a_view_requires_while_the_setting_reports(alices_post: Post) -> None:
    response = patch_through(RequiringPosts, alices_post)
    assert response.status_code == 428
    assert response.data["code"] == "precondition_required"
    assert PRECONDITION_MISSING not in response


class _ConditionalLabels(ConditionalUpdateMixin, generics.RetrieveUpdateDestroyAPIView[Any]):
    """A conditional generic view for the schema."""


@pytest.mark.parametrize(("required", "listed"), [(True, True), ("report", False)])
def test_the_schema_lists_the_428_only_where_it_is_answered(required: Any, listed: bool) -> None:
    view = make_view(_ConditionalLabels, precondition_required=required)
    assert (428 in statuses(view, "patch")) is listed
