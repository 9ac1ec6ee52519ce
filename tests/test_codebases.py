"""The guarantees inside codebases: their own hooks, mixins and serializers, in every order.

The test app's codebase views (``tests/testapp/codebase_views.py``) combine the library's two
mixins with a codebase's audit mixin in all six orders, around the view code most DRF
codebases write. Each write must run exactly the hooks plain DRF runs, every one of them inside
the write's transaction; a refused order is refused as the class is created.
"""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.db.models.signals import post_save
from django.test import Client, override_settings
from rest_framework import viewsets
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from django_http_errors.idempotency import IdempotencyMixin
from django_http_errors.mixins import ConditionalUpdateMixin
from django_http_errors.models import IdempotencyKey
from tests import plain_http
from tests.test_demo_concurrency import one_if_match, served
from tests.testapp import codebase_views
from tests.testapp.codebase_views import CALLS, ORDERS, AuditMixin, CodebaseViewCode
from tests.testapp.models import Label, Post

pytestmark = pytest.mark.django_db


@pytest.fixture
def calls() -> Iterator[list[tuple[str, bool]]]:
    """The hooks each request runs, a ``post_save`` receiver's among them."""

    def saved(sender: type[Post], **kwargs: Any) -> None:
        codebase_views.record("post_save")

    post_save.connect(saved, sender=Post, dispatch_uid="test_codebases")
    CALLS.clear()
    yield CALLS
    post_save.disconnect(sender=Post, dispatch_uid="test_codebases")


@pytest.fixture
def alice(users: dict[str, User], token_for: Callable[[str], str]) -> Client:
    return Client(HTTP_AUTHORIZATION=token_for("alice"))


def base(order: str) -> str:
    return f"/test/codebase/{order}/posts/"


def create(client: Client, order: str, label: str | None = None, **headers: str) -> Any:
    """Create a post with one label, new unless named."""
    content = {"title": "Mine", "labels": [{"name": label or f"label-{uuid.uuid4().hex[:8]}"}]}
    return client.post(base(order), content, content_type="application/json", headers=headers)


def hooks_of(calls: list[tuple[str, bool]]) -> list[str]:
    return [hook for hook, _in_transaction in calls]


def outside_the_write(calls: list[tuple[str, bool]]) -> list[str]:
    """The hooks that ran outside a transaction, but for the start of a handler that looks its
    object up (an overridden update(), a custom action): its write begins with the claim of
    the row it looks up."""
    return [hook for hook, inside in calls if not inside and hook not in BEFORE_THE_LOOKUP]


BEFORE_THE_LOOKUP = {"view.update", "view.rename"}


def run_writes(client: Client, order: str, calls: list[tuple[str, bool]]) -> dict[str, Any]:
    """Create (keyed), PATCH, rename and DELETE one post; the hooks each ran."""
    ran: dict[str, Any] = {}
    keyed = {"Idempotency-Key": f'"{uuid.uuid4()}"'} if order != "plain" else {}
    created = create(client, order, **keyed)
    assert created.status_code == 201, created.content
    ran["create"] = list(calls)
    post = created.json()
    detail = f"{base(order)}{post['id']}/"
    steps = [
        (
            "patch",
            lambda etag: client.patch(
                detail, {"body": "changed"}, "application/json", headers={"If-Match": etag}
            ),
        ),
        (
            "rename",
            lambda etag: client.post(
                f"{detail}rename/",
                {"title": "Renamed"},
                "application/json",
                headers={"If-Match": etag},
            ),
        ),
    ]
    for name, send in steps:
        calls.clear()
        response = send(client.get(detail)["ETag"] if order != "plain" else "*")
        assert response.status_code == 200, (name, response.content)
        ran[name] = list(calls)
    Label.objects.filter(post_id=post["id"]).delete()
    calls.clear()
    etag = client.get(detail)["ETag"] if order != "plain" else "*"
    deleted = client.delete(detail, headers={"If-Match": etag})
    assert deleted.status_code == 204, deleted.content
    ran["delete"] = list(calls)
    return ran


# Outside the test's own transaction, so that a hook outside the write's shows.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("order", sorted(ORDERS))
def test_every_hook_runs_as_in_plain_drf_and_inside_the_write(
    order: str, alice: Client, calls: list[tuple[str, bool]]
) -> None:
    plain = run_writes(alice, "plain", calls)
    calls.clear()
    ours = run_writes(alice, order, calls)
    for write in ("create", "patch", "rename", "delete"):
        assert hooks_of(ours[write]) == hooks_of(plain[write]), write
        assert outside_the_write(ours[write]) == [], write
    # Plain DRF without ATOMIC_REQUESTS writes outside any transaction: the test can tell.
    assert outside_the_write(plain["create"]) != []
    assert hooks_of(plain["create"]) == [
        "view.perform_create",
        "serializer.save",
        "serializer.create",
        "post_save",
    ]
    assert hooks_of(plain["patch"])[:2] == ["view.update", "audit.perform_update"]


@pytest.mark.parametrize("order", sorted(ORDERS))
def test_a_stale_if_match_is_412_and_saves_nothing(
    order: str, alice: Client, calls: list[tuple[str, bool]]
) -> None:
    post = create(alice, order).json()
    detail = f"{base(order)}{post['id']}/"
    stale = alice.get(detail)["ETag"]
    assert (
        alice.patch(
            detail, {"body": "first"}, "application/json", headers={"If-Match": stale}
        ).status_code
        == 200
    )
    calls.clear()
    for response in (
        alice.patch(detail, {"body": "lost?"}, "application/json", headers={"If-Match": stale}),
        alice.post(
            f"{detail}rename/", {"title": "lost?"}, "application/json", headers={"If-Match": stale}
        ),
        alice.delete(detail, headers={"If-Match": stale}),
    ):
        assert response.status_code == 412, response.content
    assert [hook for hook in hooks_of(calls) if hook.startswith(("serializer", "post_save"))] == []
    assert Post.objects.get(pk=post["id"]).body == "first"


@pytest.mark.parametrize("order", sorted(ORDERS))
def test_a_keyed_create_whose_process_dies_after_the_save_makes_one_row_when_retried(
    order: str, alice: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = f'"{uuid.uuid4()}"'

    def die(sender: type[Post], **kwargs: Any) -> None:
        # As a worker killed right after the save: past every handler, nothing answered.
        raise SystemExit(1)

    post_save.connect(die, sender=Post, dispatch_uid="die")
    try:
        with pytest.raises(SystemExit):
            create(alice, order, "once", **{"Idempotency-Key": key})
    finally:
        post_save.disconnect(sender=Post, dispatch_uid="die")
    # The save rolled back with the key's mark: the key is still in flight, nothing written.
    assert Post.objects.count() == 0
    assert IdempotencyKey.objects.get().state == IdempotencyKey.State.IN_FLIGHT
    with override_settings(HTTP_ERRORS={"IDEMPOTENCY_KEY_LEASE": 0, "CLOCK_SKEW": 0}):
        retried = create(alice, order, "once", **{"Idempotency-Key": key})
    assert retried.status_code == 201, retried.content
    assert Post.objects.count() == 1


def test_a_session_login_keys_a_create_and_replays_it(users: dict[str, User]) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["alice"])
    # As a page of the site would have set it, and the page's script sends it back.
    secret = uuid.uuid4().hex
    client.cookies["csrftoken"] = secret
    headers = {"Idempotency-Key": f'"{uuid.uuid4()}"', "X-CSRFToken": secret}
    content = {"title": "From the browser"}
    first = client.post(base("ica"), content, "application/json", headers=headers)
    again = client.post(base("ica"), content, "application/json", headers=headers)
    assert first.status_code == 201, first.content
    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.content == first.content
    assert Post.objects.filter(owner=users["alice"]).count() == 1


def test_session_and_token_credentials_of_one_user_share_their_keys(
    users: dict[str, User], alice: Client
) -> None:
    session = Client()
    session.force_login(users["alice"])
    headers = {"Idempotency-Key": f'"{uuid.uuid4()}"'}
    content = {"title": "Once"}
    first = session.post(base("ica"), content, "application/json", headers=headers)
    again = alice.post(base("ica"), content, "application/json", headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again["Idempotent-Replayed"] == "true"


@pytest.mark.parametrize(
    "bases",
    [
        (viewsets.ModelViewSet, ConditionalUpdateMixin),
        (viewsets.ModelViewSet, IdempotencyMixin),
        (IdempotencyMixin, viewsets.ModelViewSet, ConditionalUpdateMixin),
        (ConditionalUpdateMixin, viewsets.ModelViewSet, IdempotencyMixin),
        (AuditMixin, viewsets.ModelViewSet, ConditionalUpdateMixin),
    ],
    ids=lambda bases: "-".join(klass.__name__ for klass in bases),
)
def test_an_order_that_puts_drf_first_is_refused_as_the_class_is_created(
    bases: tuple[type, ...],
) -> None:
    with pytest.raises(ImproperlyConfigured, match="Put the mixins first"):
        type("Misordered", (CodebaseViewCode, *bases), {"__module__": __name__})


@pytest.mark.parametrize("base", [APIView, viewsets.ViewSet], ids=lambda base: base.__name__)
def test_the_conditional_mixin_on_a_view_without_get_object_is_refused(base: type) -> None:
    # Its preconditions and claims live in get_object(), which these never call: accepted, the
    # view would answer 200 to a PUT with a stale If-Match, and none without one.
    with pytest.raises(ImproperlyConfigured, match="no GenericAPIView"):
        type("Plain", (ConditionalUpdateMixin, base), {"__module__": __name__})


@pytest.mark.parametrize(
    ("attribute", "source"),
    [("version_field", "version_field"), ("last_modified_field", "last_modified_field")],
)
def test_a_misspelt_field_of_a_view_whose_model_only_get_queryset_names_is_refused(
    users: dict[str, User], attribute: str, source: str, caplog: pytest.LogCaptureFixture
) -> None:
    # Check E010 walks the URLconf for queryset.model; a per-user get_queryset() hides it.
    class PerUser(ConditionalUpdateMixin, viewsets.ModelViewSet[Post]):  # type: ignore[misc]
        serializer_class = codebase_views.CodebasePostSerializer

        def get_queryset(self) -> Any:
            return Post.objects.filter(owner=self.request.user)

    setattr(PerUser, attribute, "verison")
    post = Post.objects.create(owner=users["alice"], title="Mine")
    request = APIRequestFactory().get(f"/posts/{post.pk}/")
    force_authenticate(request, users["alice"])
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = PerUser.as_view({"get": "retrieve"})(request, pk=post.pk)
    # A server error, logged with what to fix, rather than hash ETags no one asked for.
    assert response.status_code == 500
    [record] = [r for r in caplog.records if r.exc_info]
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], ImproperlyConfigured)
    assert f"{source} names 'verison'" in str(record.exc_info[1])


def test_overriding_write_transaction_is_refused_with_what_to_do_instead() -> None:
    with pytest.raises(ImproperlyConfigured, match="join_write"):

        class Overrides(ConditionalUpdateMixin, viewsets.ModelViewSet[Post]):  # type: ignore[misc]
            def write_transaction(self, model: Any) -> Any:  # type: ignore[override]
                raise AssertionError


def test_a_get_object_that_skips_the_mixins_is_refused_and_writes_nothing(
    alice: Client, users: dict[str, User]
) -> None:
    post = Post.objects.create(owner=users["alice"], title="Kept")
    with pytest.raises(ImproperlyConfigured, match="did not look up through get_object"):
        alice.patch(
            f"/test/codebase/unguarded/posts/{post.pk}/", {"title": "unguarded"}, "application/json"
        )
    post.refresh_from_db()
    assert post.title == "Kept"


def test_a_conditional_write_of_an_object_the_mixins_did_not_look_up_is_refused(
    alice: Client, users: dict[str, User]
) -> None:
    """No precondition was evaluated for it: a stale If-Match would have won, as would each
    of several writers with one."""
    post = Post.objects.create(owner=users["alice"], title="Kept")
    with pytest.raises(ImproperlyConfigured, match="did not look up through get_object"):
        alice.post(
            f"/test/codebase/unguarded/posts/{post.pk}/retitle/",
            headers={"If-Match": '"stale"'},
        )
    post.refresh_from_db()
    assert post.title == "Kept"


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_32_racers_with_one_if_match_give_one_200_in_every_order(
    tmp_path: Path, fresh_sqlite: Callable[..., str]
) -> None:
    """Over gunicorn (4 workers) on a committed database, once per accepted class order, and
    once on a generic view whose own put() and patch() save the post themselves (slowly)."""
    with (
        served(tmp_path, fresh_sqlite) as server,
        plain_http.client(base_url=server.base_url, headers=server.token) as http,
    ):
        for order in sorted(ORDERS):
            created = http.post(base(order), json={"title": "Raced"})
            assert created.status_code == 201, created.text
            path = f"{base(order)}{created.json()['id']}/"
            statuses = one_if_match(server.base_url, path, server.token)
            assert statuses == Counter({200: 1, 412: 31}), (order, statuses)
        created = http.post(base("plain"), json={"title": "Raced"})
        path = f"/test/conditional/slow-own-verbs-posts/{created.json()['id']}/"
        statuses = one_if_match(server.base_url, path, server.token)
        assert statuses == Counter({200: 1, 412: 31}), ("own verbs", statuses)
