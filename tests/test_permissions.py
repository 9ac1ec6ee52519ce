"""Permissions over real requests: 401 or 403 or 404, the challenge and the code, together."""

from __future__ import annotations

import types
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Permission as AuthPermission
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, Q
from django.http import Http404
from django.test import Client, override_settings
from django.urls import path
from drf_spectacular.generators import SchemaGenerator
from rest_framework import permissions as drf_permissions
from rest_framework.generics import get_object_or_404
from rest_framework.test import APIRequestFactory

from django_http_errors import permissions
from django_http_errors.catalog import problem_types
from django_http_errors.permissions import (
    OBJECT,
    VIEW,
    DjangoModelPermissions,
    DjangoObjectPermissions,
    IsAdminUser,
    IsAuthenticated,
    IsOwner,
    IsOwnerOrReadOnly,
    hidden,
    missing_object,
    owner_pk,
    refusals,
)
from django_http_errors.permissions import base as permissions_base
from django_http_errors.permissions.filters import EVERY_OBJECT, NO_OBJECT, any_of
from django_http_errors.permissions.rules import DEFAULT_MESSAGE, Refusal, Rule, Whom
from tests.conftest import basic, basic_client, problem
from tests.testapp.models import Post
from tests.testapp.permission_views import (
    COMPOSITIONS,
    HIDING_RULES,
    ORDERS,
    EditorPostDetail,
    FilteredPosts,
    IsEditor,
)

pytestmark = pytest.mark.django_db

MISSING_PK = 999_999
BASIC = 'Basic realm="api"'
TOKEN = "Token"
BEARER = 'Bearer realm="api"'

# ---------------------------------------------------------------------------------------------
# The table: authentication order x request x composition -> status, challenge, code.

#: What an anonymous request is challenged with: every scheme of the view, in its order
#: (RFC 9110 §11.6.1). "none" has no authentication class, so authenticating cannot help: 403.
ANONYMOUS_CHALLENGE = {
    "session-first": f"{BASIC}, {TOKEN}, {BEARER}",
    "basic-first": f"{BASIC}, {TOKEN}, {BEARER}",
    "token-first": f"{TOKEN}, {BEARER}, {BASIC}",
    "none": None,
}

#: The code of a 403 for bob writing alice's post: the operand that denied.
DENIED_CODE = {
    "single": "not_owner",  # IsOwnerOrReadOnly
    "and": "not_owner",  # IsAuthenticated & IsOwner
    "or": "staff_only",  # IsAdminUser | IsOwner: both deny, the first one speaks
    "not": "not_owner",  # ~IsAdminUser & IsOwner: the negation lets bob through
}

#: The code of a 403 for an unauthenticated write on a view without authentication classes.
UNAUTHENTICATED_CODE = {
    "single": "authentication_required",
    "and": "authentication_required",
    "or": "staff_only",
    "not": "authentication_required",
}

REQUESTS = [
    "anonymous",
    "bad password",
    "bad token",
    "bad bearer token",
    "authenticated and denied",
    "authenticated and allowed",
    "hidden object",
]


def expected(order: str, request: str, composition: str) -> tuple[int, str | None, str | None]:
    """(status, WWW-Authenticate, code) the rule gives for one cell of the table."""
    if order == "none":
        # No class can authenticate: every request is anonymous, and a 401 could not help.
        return 403, None, UNAUTHENTICATED_CODE[composition]
    return {
        "anonymous": (401, ANONYMOUS_CHALLENGE[order], "not_authenticated"),
        "bad password": (401, BASIC, "authentication_failed"),
        "bad token": (401, TOKEN, "authentication_failed"),
        "bad bearer token": (401, f'{BEARER}, error="invalid_token"', "authentication_failed"),
        "authenticated and denied": (403, None, DENIED_CODE[composition]),
        "authenticated and allowed": (200, None, None),
        "hidden object": (404, None, "not_found"),
    }[request]


def client_for(order: str, username: str | None, token_for: Callable[[str], str]) -> Client:
    """A client authenticated the way the order's first class expects."""
    if username is None:
        return Client()
    if order == "session-first":
        client = Client()
        client.force_login(User.objects.get(username=username))
        return client
    if order == "token-first":
        return Client(HTTP_AUTHORIZATION=token_for(username))
    return Client(HTTP_AUTHORIZATION=basic(username, f"{username}-password"))


def send(
    order: str, request: str, composition: str, post: Post, token_for: Callable[[str], str]
) -> Any:
    variant = "hidden" if request == "hidden object" else "plain"
    url = f"/test/perm/{order}/{composition}/{variant}/{post.pk}/"
    data = {"title": "Changed"}
    credentials = {
        "bad password": basic("alice", "wrong-password"),
        "bad token": "Token 0123456789abcdef0123456789abcdef01234567",
        "bad bearer token": "Bearer 0123456789abcdef0123456789abcdef01234567",
    }
    if request in credentials:
        client = Client(HTTP_AUTHORIZATION=credentials[request])
    else:
        user = {"authenticated and allowed": "alice", "anonymous": None}.get(request, "bob")
        client = client_for(order, user, token_for)
    return client.patch(url, data, content_type="application/json")


@pytest.mark.parametrize("composition", list(COMPOSITIONS))
@pytest.mark.parametrize("request_kind", REQUESTS)
@pytest.mark.parametrize("order", list(ORDERS))
def test_the_rule(
    order: str,
    request_kind: str,
    composition: str,
    alices_post: Post,
    token_for: Callable[[str], str],
) -> None:
    status, challenge, code = expected(order, request_kind, composition)
    response = send(order, request_kind, composition, alices_post, token_for)
    assert response.status_code == status, response.content
    assert response.get("WWW-Authenticate") == challenge
    if status == 200:
        assert response.json()["title"] == "Changed"
        return
    assert problem(response)["code"] == code
    if status == 404:
        # The hidden post is answered exactly like an id that matches nothing.
        variant_url = f"/test/perm/{order}/{composition}/hidden/{missing_pk_like(alices_post)}/"
        missing = client_for(order, "bob", token_for).patch(
            variant_url, {"title": "Changed"}, content_type="application/json"
        )
        assert_indistinguishable(response, missing)


# ---------------------------------------------------------------------------------------------
# Hiding: indistinguishable from missing, whoever asks for it


def missing_pk_like(obj: Model) -> int:
    """An id that matches no row of ``obj``'s model and has as many digits as ``obj``'s, so that
    the two problems' ``instance`` (and so their ``Content-Length``) have the same length."""
    digits = len(str(obj.pk))
    taken = set(type(obj)._default_manager.values_list("pk", flat=True))
    return next(pk for pk in range(10 ** (digits - 1), 10**digits) if pk not in taken)


def comparable(response: Any) -> tuple[int, dict[str, Any], dict[str, str]]:
    """Status, body and headers, minus what differs per request (path, request id)."""
    body = {k: v for k, v in response.json().items() if k not in {"instance", "request_id"}}
    headers = {k: v for k, v in response.headers.items() if k.lower() != "x-request-id"}
    return response.status_code, body, headers


def assert_indistinguishable(hidden_response: Any, missing_response: Any) -> None:
    assert comparable(hidden_response) == comparable(missing_response)
    assert hidden_response.status_code == 404


def test_missing_object_is_what_get_object_raises(alices_post: Post) -> None:
    with pytest.raises(Http404) as raised:
        get_object_or_404(Post.objects.all(), pk=MISSING_PK)
    assert str(raised.value) == str(missing_object(alices_post))
    assert type(raised.value) is type(missing_object(alices_post))


def test_view_attribute_hides_denied_objects(
    alices_post: Post, client_as: Callable[[str], Client]
) -> None:
    bob = client_as("bob")
    hidden_response = bob.patch(
        f"/test/perm/view-hides/{alices_post.pk}/", {"title": "x"}, content_type="application/json"
    )
    missing = bob.patch(
        f"/test/perm/view-hides/{missing_pk_like(alices_post)}/",
        {"title": "x"},
        content_type="application/json",
    )
    assert_indistinguishable(hidden_response, missing)
    # Reading stays allowed, and the owner still writes.
    assert bob.get(f"/test/perm/view-hides/{alices_post.pk}/").status_code == 200
    alice = client_as("alice").patch(
        f"/test/perm/view-hides/{alices_post.pk}/", {"title": "x"}, content_type="application/json"
    )
    assert alice.status_code == 200


def test_anonymous_gets_401_before_any_404(alices_post: Post) -> None:
    """Authentication comes first: a hidden and a missing object are both a 401 to anonymous."""
    for pk in (alices_post.pk, MISSING_PK):
        response = Client().patch(
            f"/test/perm/session-first/and/hidden/{pk}/", {}, content_type="application/json"
        )
        assert response.status_code == 401
        assert problem(response)["code"] == "not_authenticated"


# ---------------------------------------------------------------------------------------------
# Composition, evaluated on real DRF requests


factory = APIRequestFactory()


def drf_request(user: User | None, method: str = "patch") -> Any:
    """A DRF Request with ``user`` already authenticated (or anonymous)."""
    from django.contrib.auth.models import AnonymousUser
    from rest_framework.request import Request

    request = Request(getattr(factory, method)("/"))
    request.user = user or AnonymousUser()
    return request


def denial_of(permission_class: Any, user: User | None, obj: Any = None) -> tuple[Any, ...]:
    """(allowed, message, code) as DRF's ``check_(object_)permissions`` read them."""
    permission = permission_class()
    request = drf_request(user)
    allowed = permission.has_permission(request, None)
    if allowed and obj is not None:
        allowed = permission.has_object_permission(request, None, obj)
    if allowed:
        return True, None, None
    message = permission.message
    return False, None if message is None else str(message), permission.code


OWNER_ONLY = "Only the owner may do this."
STAFF_ONLY = "Only staff may do this."
DEFAULT = str(DEFAULT_MESSAGE)


@pytest.mark.parametrize(
    ("expression", "username", "outcome"),
    [
        # &: the operand that denied speaks, in whichever place it stands.
        (IsAuthenticated & IsOwner, "bob", (False, OWNER_ONLY, "not_owner")),
        (IsOwner & IsAdminUser, "alice", (False, STAFF_ONLY, "staff_only")),
        (IsOwner & IsAdminUser, "admin", (False, OWNER_ONLY, "not_owner")),
        (IsOwner & IsAdminUser & IsAuthenticated, "admin", (False, OWNER_ONLY, "not_owner")),
        # |: allowed by either; when both deny, the first one speaks.
        (IsOwner | IsAdminUser, "admin", (True, None, None)),
        (IsOwner | IsAdminUser, "alice", (True, None, None)),
        (IsOwner | IsAdminUser, "bob", (False, OWNER_ONLY, "not_owner")),
        (IsAdminUser | IsOwner, "bob", (False, STAFF_ONLY, "staff_only")),
        # ~: denies with its own words.
        (~IsAdminUser, "admin", (False, DEFAULT, "permission_denied")),
        (~IsAdminUser, "bob", (True, None, None)),
        # DRF's ~IsAdminUser denies every object, even to non-staff; this one does not.
        (~IsAdminUser & IsOwner, "alice", (True, None, None)),
        # DRF's own classes compose with ours on either side; theirs have no words of their own.
        (drf_permissions.IsAdminUser & IsOwner, "alice", (False, None, "permission_denied")),
        (IsOwner & drf_permissions.IsAdminUser, "admin", (False, OWNER_ONLY, "not_owner")),
        (drf_permissions.IsAdminUser | IsOwner, "alice", (True, None, None)),
        (
            IsOwner & (drf_permissions.IsAuthenticated & drf_permissions.IsAdminUser),
            "alice",
            (False, None, "permission_denied"),
        ),
    ],
)
def test_composition_keeps_the_words_of_the_operand_that_denied(
    expression: Any,
    username: str,
    outcome: tuple[Any, ...],
    users: dict[str, User],
    alices_post: Post,
) -> None:
    assert denial_of(expression, users[username], alices_post) == outcome


def test_operands_assigned_after_the_class_was_made_are_wrapped_where_they_are_drfs(
    users: dict[str, User], alices_post: Post
) -> None:
    composed = IsOwner & IsAdminUser
    composed.operands = (IsOwner, drf_permissions.IsAdminUser)
    assert denial_of(composed, users["admin"], alices_post) == (False, OWNER_ONLY, "not_owner")
    assert denial_of(composed, users["alice"], alices_post) == (False, None, "permission_denied")


def test_a_negation_is_given_its_own_words_by_subclassing(users: dict[str, User]) -> None:
    class StaffMayNot(~IsAdminUser):  # type: ignore[misc]
        message = "Staff may not do this."
        code = "staff_may_not"

    assert denial_of(StaffMayNot, users["admin"]) == (
        False,
        "Staff may not do this.",
        "staff_may_not",
    )
    assert denial_of(StaffMayNot, users["bob"]) == (True, None, None)


@pytest.mark.parametrize(
    ("expression", "username"),
    [
        (hidden(IsOwner), "bob"),
        # Hiding protects a secret: its place in the expression must not leak it.
        (IsOwnerOrReadOnly & hidden(IsOwner), "bob"),
        (hidden(IsOwner) & IsOwnerOrReadOnly, "bob"),
        (IsAdminUser | hidden(IsOwner), "bob"),
    ],
)
def test_hiding_raises_the_missing_objects_404(
    expression: Any, username: str, users: dict[str, User], alices_post: Post
) -> None:
    with pytest.raises(Http404) as raised:
        denial_of(expression, users[username], alices_post)
    assert str(raised.value) == "No Post matches the given query."


@pytest.mark.parametrize(
    ("expression", "username", "outcome"),
    [
        (hidden(IsOwner), "alice", (True, None, None)),
        (IsAdminUser | hidden(IsOwner), "admin", (True, None, None)),
        # A view-level denial has no object to hide: a 403 in the class's words.
        (hidden(IsAdminUser), "bob", (False, STAFF_ONLY, "staff_only")),
    ],
)
def test_hiding_leaves_alone_what_it_does_not_hide(
    expression: Any,
    username: str,
    outcome: tuple[Any, ...],
    users: dict[str, User],
    alices_post: Post,
) -> None:
    assert denial_of(expression, users[username], alices_post) == outcome


def test_a_hiding_attribute_on_the_class_hides(users: dict[str, User], alices_post: Post) -> None:
    class SecretOwner(IsOwner):
        hide_denied_objects = True

    with pytest.raises(Http404):
        denial_of(SecretOwner, users["bob"], alices_post)
    assert denial_of(SecretOwner, users["alice"], alices_post) == (True, None, None)


# ---------------------------------------------------------------------------------------------
# The classes


@pytest.mark.parametrize(
    ("permission_class", "username", "method", "allowed"),
    [
        (IsAuthenticated, None, "get", False),
        (IsAuthenticated, "bob", "patch", True),
        (permissions.IsAuthenticatedOrReadOnly, None, "get", True),
        (permissions.IsAuthenticatedOrReadOnly, None, "patch", False),
        (permissions.IsAuthenticatedOrReadOnly, "bob", "patch", True),
        (IsAdminUser, "bob", "get", False),
        (IsAdminUser, "admin", "get", True),
        (IsOwner, None, "get", False),
        (IsOwner, "bob", "get", False),
        (IsOwner, "alice", "patch", True),
        (IsOwner, "admin", "patch", False),
        (IsOwnerOrReadOnly, None, "get", True),
        (IsOwnerOrReadOnly, None, "patch", False),
        (IsOwnerOrReadOnly, "bob", "get", True),
        (IsOwnerOrReadOnly, "bob", "patch", False),
        (IsOwnerOrReadOnly, "alice", "patch", True),
        (permissions.AllowAny, None, "patch", True),
    ],
)
def test_each_rule(
    permission_class: Any,
    username: str | None,
    method: str,
    allowed: bool,
    users: dict[str, User],
    alices_post: Post,
) -> None:
    permission = permission_class()
    request = drf_request(users[username] if username else None, method)
    result = permission.has_permission(request, None) and permission.has_object_permission(
        request, None, alices_post
    )
    assert result is allowed


def test_staff_may_be_allowed_and_the_owner_field_may_be_a_path(
    users: dict[str, User], alices_post: Post
) -> None:
    class IsOwnerOrStaff(IsOwner):
        allow_staff = True

    assert denial_of(IsOwnerOrStaff, users["admin"], alices_post) == (True, None, None)
    assert denial_of(IsOwnerOrStaff, users["bob"], alices_post)[0] is False

    class Comment:
        """Something owned through another object: ``comment.post.owner``."""

        def __init__(self, post: Post) -> None:
            self.post = post

    class IsPostOwner(IsOwner):
        owner_field = "post.owner"

    assert owner_pk(Comment(alices_post), "post.owner") == users["alice"].pk
    assert denial_of(IsPostOwner, users["alice"], Comment(alices_post)) == (True, None, None)
    assert denial_of(IsPostOwner, users["bob"], Comment(alices_post))[0] is False
    assert owner_pk(Comment(alices_post), "post.nothing.owner") is None


def test_every_class_states_its_rule_and_has_a_stable_code() -> None:
    for name in permissions.__all__:
        value = getattr(permissions, name)
        if isinstance(value, type) and issubclass(value, permissions.Permission):
            assert (value.__doc__ or "").strip(), name
            assert value.code.isidentifier(), name
            assert value.message, name


class PostPermissionView:
    """Just what the Django model permission classes ask of a view."""

    def get_queryset(self) -> Any:
        return Post.objects.all()


def test_django_model_permissions(users: dict[str, User], alices_post: Post) -> None:
    bob = users["bob"]
    view = PostPermissionView()
    request = drf_request(bob, "patch")
    permission = DjangoModelPermissions()
    assert permission.has_permission(request, view) is False
    assert (str(permission.message), permission.code) == (
        str(DjangoModelPermissions.message),
        "model_permission_required",
    )
    bob.user_permissions.add(AuthPermission.objects.get(codename="change_post"))
    bob = User.objects.get(pk=bob.pk)  # a fresh user: permissions are cached per instance
    assert DjangoModelPermissions().has_permission(drf_request(bob, "patch"), view) is True


class ObjectPermissionBackend:
    """An object-permission backend: bob may read alice's post, and nothing more."""

    def authenticate(self, request: Any, **credentials: Any) -> None:
        return None

    def has_perm(self, user: Any, perm: str, obj: Any = None) -> bool:
        if obj is None:
            return True
        return user.username == "bob" and perm == "testapp.view_post"


@override_settings(
    AUTHENTICATION_BACKENDS=[f"{__name__}.ObjectPermissionBackend"],
)
def test_django_object_permissions_hide_what_the_user_may_not_read(
    users: dict[str, User], alices_post: Post
) -> None:
    class ReadableObjectPermissions(DjangoObjectPermissions):
        perms_map = {
            **DjangoObjectPermissions.perms_map,
            "GET": ["%(app_label)s.view_%(model_name)s"],
        }

    view = PostPermissionView()
    # bob may read it: his write is a 403 with the class's words.
    permission = ReadableObjectPermissions()
    request = drf_request(users["bob"], "patch")
    assert permission.has_permission(request, view)
    assert permission.has_object_permission(request, view, alices_post) is False
    assert permission.code == "object_permission_required"
    # The backend grants alice nothing on this object: it is hidden, exactly like a missing one.
    with pytest.raises(Http404) as raised:
        ReadableObjectPermissions().has_object_permission(
            drf_request(users["alice"], "patch"), view, alices_post
        )
    assert str(raised.value) == "No Post matches the given query."


# ---------------------------------------------------------------------------------------------
# Challenges, scopes and CSRF over real requests


def test_bad_credentials_fail_even_where_nothing_is_required() -> None:
    """Credentials that were sent and are wrong are a 401, not an anonymous 200."""
    response = Client(HTTP_AUTHORIZATION=basic("alice", "wrong")).get("/test/perm/open/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == BASIC
    assert problem(response)["code"] == "authentication_failed"


def test_a_session_only_api_sends_the_session_challenge(users: dict[str, User]) -> None:
    response = Client().get("/test/perm/session-only/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Session realm="api"'
    with override_settings(HTTP_ERRORS={"SESSION_CHALLENGE": 'FormBased realm="articles"'}):
        response = Client().get("/test/perm/session-only/")
    assert response["WWW-Authenticate"] == 'FormBased realm="articles"'
    client = Client()
    client.force_login(users["alice"])
    assert client.get("/test/perm/session-only/").json() == {"user": "alice"}


def test_a_bearer_token_without_the_scope_is_403_with_insufficient_scope(
    token_for: Callable[[str], str],
) -> None:
    """RFC 6750 §3.1: a valid token lacking a scope is a 403 whose challenge names the scope."""
    key = token_for("bob").split(" ", 1)[1]
    response = Client(HTTP_AUTHORIZATION=f"Bearer {key}").get("/test/perm/scoped/")
    assert response.status_code == 403
    assert response["WWW-Authenticate"] == (
        'Bearer realm="api", error="insufficient_scope", scope="articles:write"'
    )
    assert problem(response)["code"] == "insufficient_scope"
    # Without credentials there is no error code at all (RFC 6750 §3.1).
    anonymous = Client().get("/test/perm/scoped/")
    assert anonymous.status_code == 401
    assert anonymous["WWW-Authenticate"] == BEARER


def test_csrf_failure_of_a_session_request_stays_403_with_its_own_code(
    users: dict[str, User], alices_post: Post
) -> None:
    client = Client(enforce_csrf_checks=True)
    assert client.login(username="alice", password="alice-password")
    url = f"/test/perm/session-first/single/plain/{alices_post.pk}/"
    response = client.patch(url, {"title": "x"}, content_type="application/json")
    assert response.status_code == 403
    assert "WWW-Authenticate" not in response
    assert problem(response)["code"] == "csrf_failed"
    # The same request with the CSRF token passes: the 403 was the missing token, nothing else.
    secret = "a" * 32
    client.cookies["csrftoken"] = secret
    response = client.patch(
        url, {"title": "x"}, content_type="application/json", HTTP_X_CSRFTOKEN=secret
    )
    assert response.status_code == 200, response.content


# ---------------------------------------------------------------------------------------------
# Lists: what the detail hides, the list leaves out (HiddenFilter)

ALICE_AND_BOB = {"alice", "bob"}
#: Whose posts each user's list shows under a rule, or the status that refuses the whole view.
OWN: dict[str | None, set[str] | int] = {
    None: 401,
    "alice": {"alice"},
    "bob": {"bob"},
    "admin": set(),
}
OWN_OR_STAFF = {**OWN, "admin": ALICE_AND_BOB}
SEES: dict[str, dict[str | None, set[str] | int]] = {
    "hidden-owner": OWN,
    "hidden-owner-or-staff": OWN_OR_STAFF,
    "hidden-owner-or-admin": OWN_OR_STAFF,
    "admin-or-hidden-owner": OWN_OR_STAFF,
    "hidden-owner-and-authenticated": OWN,
    "drf-authenticated-and-hidden-owner": OWN,
    "hidden-owner-and-not-admin": {**OWN, "admin": 403},
    "hidden-owner-or-anonymous": {**OWN, None: ALICE_AND_BOB},
    "hidden-owner-or-read-only": dict.fromkeys([None, "alice", "bob", "admin"], ALICE_AND_BOB),
    "owner-or-hidden-admin": {**dict.fromkeys(["alice", "bob", "admin"], ALICE_AND_BOB), None: 401},
    "secret-owner": OWN,
    "view-hides": OWN,
}


def test_every_hiding_rule_has_its_expectations() -> None:
    assert set(SEES) == set(HIDING_RULES)


def send_detail(client: Client, method: str, url: str) -> Any:
    return getattr(client, method)(url, {"title": "Changed"}, content_type="application/json")


@pytest.mark.parametrize("username", [None, "alice", "bob", "admin"])
@pytest.mark.parametrize("rule", list(HIDING_RULES))
def test_a_list_shows_what_the_detail_shows_and_nothing_it_hides(
    rule: str, username: str | None, users: dict[str, User], alices_post: Post
) -> None:
    posts = [alices_post, Post.objects.create(owner=users["bob"], title="Hello from bob")]
    client = Client() if username is None else basic_client(username)
    base = f"/test/perm/lists/{rule}"
    sees = SEES[rule][username]
    listed = client.get(f"{base}/")
    if isinstance(sees, int):
        # Refused before any lookup: the list and each detail alike.
        assert listed.status_code == sees
        assert {client.get(f"{base}/{post.pk}/").status_code for post in posts} == {sees}
        return
    assert listed.status_code == 200, listed.content
    shown = {item["id"] for item in listed.json()["results"]}
    assert {post.owner.username for post in posts if post.pk in shown} == sees
    for post in posts:
        for method in ("get", "patch"):
            # Where only the permission decides, and where HiddenFilter has left hidden ones out.
            alone = send_detail(client, method, f"{base}/unfiltered/{post.pk}/")
            filtered = send_detail(client, method, f"{base}/{post.pk}/")
            assert filtered.status_code == alone.status_code, (method, post.title)
            if method == "get":
                assert (post.pk in shown) is (alone.status_code != 404), post.title
            if filtered.status_code == 404:
                missing = send_detail(client, method, f"{base}/{missing_pk_like(post)}/")
                assert_indistinguishable(filtered, missing)


@pytest.mark.parametrize(
    ("filters", "combined"),
    [
        ([NO_OBJECT, Q(published=True), Q(pk__in=[])], Q(published=True)),
        ([Q(published=True), NO_OBJECT, Q(owner=1)], Q(published=True) | Q(owner=1)),
        ([NO_OBJECT, NO_OBJECT], NO_OBJECT),
        ([], NO_OBJECT),
        ([NO_OBJECT, EVERY_OBJECT], EVERY_OBJECT),
        # Filters that allow something, though they look like NO_OBJECT, are kept.
        ([~Q(pk__in=[]), NO_OBJECT], ~Q(pk__in=[])),
        ([Q(pk__in=[1]), Q(pk__in=[], pk=2)], Q(pk__in=[1]) | Q(pk__in=[], pk=2)),
    ],
)
def test_any_of_leaves_out_the_filters_that_allow_nothing(filters: list[Q], combined: Q) -> None:
    """The same objects, in a condition Django compiles without the empty ``pk__in``."""
    assert any_of(filters) == combined


class TitledOnly(permissions.Permission):
    """Only posts not titled "secret"; it says no filter for it."""

    def allows_object(self, request: Any, view: Any, obj: Any) -> bool:
        return bool(obj.title != "secret")


def test_a_list_whose_hiding_rule_has_no_filter_is_refused_not_shown(
    users: dict[str, User], alices_post: Post
) -> None:
    view = type("TitledPosts", (FilteredPosts,), {"permission_classes": [hidden(TitledOnly)]})
    module = types.ModuleType("urlconf_of_an_unfilterable_list")
    module.urlpatterns = [path("posts/", view.as_view({"get": "list"}))]  # type: ignore[attr-defined]
    with (
        override_settings(ROOT_URLCONF=module),
        pytest.raises(ImproperlyConfigured, match=r"declare no object_filter.*: TitledOnly\."),
    ):
        basic_client("bob").get("/posts/")


def test_a_list_whose_rule_has_no_filter_but_hides_nothing_is_shown(
    users: dict[str, User], alices_post: Post
) -> None:
    # A rule without a filter that answers 403 rather than hiding leaves nothing to filter out.
    view = type("TitledPosts", (FilteredPosts,), {"permission_classes": [TitledOnly]})
    module = types.ModuleType("urlconf_of_a_list_that_hides_nothing")
    module.urlpatterns = [path("posts/", view.as_view({"get": "list"}))]  # type: ignore[attr-defined]
    with override_settings(ROOT_URLCONF=module):
        response = basic_client("bob").get("/posts/")
    assert response.status_code == 200, response.content
    assert alices_post.pk in [post["id"] for post in response.json()["results"]]


class Filtered(permissions.Permission):
    """Declares an object filter, the filter of the object-level tests defined with it."""

    def object_filter(self, request: Any, view: Any) -> Q:
        return Q()


class ReadsTitles(Filtered):
    """Judges requests only; its test of titles has no filter of its own."""

    rules = (Rule("allows"),)

    def titled(self, request: Any, view: Any, obj: Any) -> bool:
        return bool(obj.title)


def test_an_instance_with_rules_of_its_own_is_judged_by_them_not_by_its_class() -> None:
    # What HiddenFilter asks on every lookup is worked out once per class and its rules.
    assert ReadsTitles().unfiltered_rules() == []
    own = ReadsTitles()
    own.rules = (Rule("titled", OBJECT),)  # type: ignore[misc]
    assert own.unfiltered_rules() == ["ReadsTitles"]
    assert ReadsTitles().unfiltered_rules() == []
    assert own.unfiltered_rules() == ["ReadsTitles"]


def test_rules_for_an_instance_with_rules_of_its_own_are_its_own() -> None:
    # Every denial asks rules_for(); it is worked out once per class, rules and method.
    assert ReadsTitles().rules_for("GET") == (Rule("allows"),)
    own = ReadsTitles()
    own.rules = (Rule("titled", OBJECT),)  # type: ignore[misc]
    assert own.rules_for("GET") == (Rule("titled", OBJECT),)
    assert ReadsTitles().rules_for("GET") == (Rule("allows"),)
    assert own.rules_for("GET") == (Rule("titled", OBJECT),)


def test_a_method_no_view_routes_is_judged_but_not_kept() -> None:
    # DRF checks permissions before it refuses a method it does not route: a client's own
    # method names must not grow what is kept for each class.
    permission = ReadsTitles()
    assert permission.rules_for("PROPFIND") == (Rule("allows"),)
    assert permission.rules_for("GET") == (Rule("allows"),)
    kept = vars(ReadsTitles)[permissions_base._KNOWN].by_method
    assert "GET" in kept
    assert "PROPFIND" not in kept


class JudgesRequests(permissions.Permission):
    """No ``rules``: one rule for the test it overrides."""

    def allows(self, request: Any, view: Any) -> bool:
        return True


class JudgesObjectsToo(JudgesRequests):
    """No ``rules`` either, as its base: its own rules, for the tests it overrides."""

    def allows_object(self, request: Any, view: Any, obj: Any) -> bool:
        return True


def test_a_subclass_with_the_same_rules_is_worked_out_for_itself() -> None:
    # What is kept for a class is kept in the class itself; its subclass has the same rules
    # (None), but overrides another test.
    assert JudgesRequests().rules_for("GET") == (Rule("allows"),)
    assert JudgesObjectsToo().rules_for("GET") == (Rule("allows"), Rule("allows_object", OBJECT))
    assert JudgesRequests().rules_for("GET") == (Rule("allows"),)


class RulesOfTheInstance(ReadsTitles):
    """Its rules depend on the instance (``rules_for``): a strict one judges titles."""

    strict = False

    def rules_for(self, method: str) -> tuple[Rule, ...]:
        return (Rule("titled", OBJECT),) if self.strict else ()


def test_rules_read_off_the_instance_are_read_off_each_instance() -> None:
    strict = RulesOfTheInstance()
    strict.strict = True
    assert RulesOfTheInstance().unfiltered_rules() == []
    assert strict.unfiltered_rules() == ["RulesOfTheInstance"]
    assert RulesOfTheInstance().unfiltered_rules() == []


# ---------------------------------------------------------------------------------------------
# One definition: the decision and the description are read from the same rules


class SecretStaff(IsAdminUser):
    """Staff only, asking to hide: only an object can be hidden, never a view-level denial."""

    hide_denied_objects = True


class SecretNotStaff(~IsAdminUser):  # type: ignore[misc]
    """Not staff, asking to hide: its denial is before the lookup, and hides nothing."""

    hide_denied_objects = True


#: Ours, alone and composed; each decides and describes from its rules.
DESCRIBED = [
    IsAuthenticated,
    permissions.IsAuthenticatedOrReadOnly,
    IsAdminUser,
    IsOwner,
    IsOwnerOrReadOnly,
    DjangoModelPermissions,
    DjangoObjectPermissions,
    IsEditor,
    hidden(IsOwner),
    IsAuthenticated & IsOwner,
    IsAdminUser | hidden(IsOwner),
    IsOwnerOrReadOnly | IsAdminUser,
    ~IsAdminUser & IsOwner,
    SecretStaff | IsOwner,
    ~SecretStaff | IsOwner,
    SecretNotStaff | IsOwner,
]


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
@pytest.mark.parametrize("permission_class", DESCRIBED, ids=lambda cls: cls.__name__)
def test_every_denial_is_one_of_the_refusals_it_describes(
    permission_class: Any, method: str, users: dict[str, User], alices_post: Post
) -> None:
    described = refusals(permission_class(), method.upper())
    denied = 0
    for user in [None, *users.values()]:
        permission = permission_class()
        request = drf_request(user, method)
        anonymous = user is None
        view = PostPermissionView()
        if not permission.has_permission(request, view):
            assert Refusal(permission.code, VIEW, anonymous) in described, user
        else:
            try:
                if permission.has_object_permission(request, view, alices_post):
                    continue
            except Http404:
                hides = {r for r in described if r.level is OBJECT and r.hide}
                assert any(r.anonymous is anonymous for r in hides), user
            else:
                assert Refusal(permission.code, OBJECT, anonymous) in described, user
        denied += 1
    # Whoever it refuses, it says it can; whoever it can refuse, some user here is refused.
    assert bool(denied) is bool(described)


def test_a_rule_for_writes_leaves_reads_alone() -> None:
    rule = Rule("allows").for_writes()
    assert [m for m in ("GET", "HEAD", "OPTIONS", "PATCH", "PROPFIND") if rule.applies_to(m)] == [
        "PATCH",
        "PROPFIND",
    ]
    assert rule.refusals("not_editor", hide=False) == {
        Refusal("not_editor", VIEW, anonymous=True),
        Refusal("not_editor", VIEW, anonymous=False),
    }


def test_an_object_rule_hides_what_it_says_and_a_view_rule_never() -> None:
    assert Rule("allows_object", OBJECT, Whom.AUTHENTICATED).refusals("c", hide=True) == {
        Refusal("c", OBJECT, anonymous=False, hide=True)
    }
    assert Rule("allows", hide=True).refusals("c", hide=True) == {
        Refusal("c", VIEW, anonymous=True),
        Refusal("c", VIEW, anonymous=False),
    }


# ---------------------------------------------------------------------------------------------
# Permissions declare their problem types; the catalog reads them


def test_every_code_our_permissions_refuse_with_has_a_problem_type() -> None:
    catalog = problem_types()
    for name in permissions.__all__:
        value = getattr(permissions, name)
        if not isinstance(value, type) or not issubclass(value, permissions.Permission):
            continue
        if issubclass(
            value, (permissions.And, permissions.Or, permissions.Not, permissions.Hidden)
        ):
            continue  # a composition refuses with its operands' codes
        for method in ("GET", "PUT", "PATCH", "DELETE", "POST"):
            for refusal in value().refusals(method):
                assert refusal.code in catalog, (name, refusal)
                assert catalog[refusal.code].status == 403, (name, refusal)


def test_a_permission_of_your_own_gets_its_problem_type_everywhere(
    users: dict[str, User], alices_post: Post
) -> None:
    """IsEditor (tests/testapp/permission_views.py) declares its rule and its problem type,
    and nothing else is written anywhere: the response, the catalog and the schema have them."""
    url = f"/test/perm/editor/{alices_post.pk}/"
    bob = basic_client("bob")
    assert bob.get(url).status_code == 200
    body = problem(bob.patch(url, {"title": "x"}, content_type="application/json"))
    assert (body["status"], body["code"]) == (403, "not_editor")
    assert (body["type"], body["title"]) == ("/api/problems/not-editor/", "Not an editor")
    assert body["detail"] == "Only editors may change this post."
    page = Client().get(body["type"])
    assert page.status_code == 200
    assert "Only editors may change this resource." in page.content.decode()
    assert problem_types()["not_editor"] == IsEditor.problem_type()
    assert "/api/problems/not-editor/" in Client().get("/api/problems/").content.decode()
    # The schema documents the 403 where the rule refuses (writes), and only there.
    module = types.ModuleType("urlconf_of_an_editors_post")
    module.urlpatterns = [path("posts/<int:pk>/", EditorPostDetail.as_view())]  # type: ignore[attr-defined]
    document = SchemaGenerator(urlconf=module).get_schema(request=None, public=True)
    operations = document["paths"]["/posts/{id}/"]
    assert "403" in operations["patch"]["responses"]
    assert "403" not in operations["get"]["responses"]
    assert {r.code for r in refusals(IsEditor(), "PATCH")} == {"not_editor"}
