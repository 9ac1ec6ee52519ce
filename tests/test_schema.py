"""The OpenAPI integration: each operation lists the errors its view's configuration can give.

The demo's whole schema is compared with ``tests/schema/demo.yaml``: the demo as the tests
install it, with ``tests.testapp``, whose ``Label`` protects articles from deletion (409). After
a deliberate change, regenerate that file with::

    DJANGO_SETTINGS_MODULE=tests.settings python manage.py spectacular --file tests/schema/demo.yaml

and review the diff.
"""

from __future__ import annotations

import socket
import uuid
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.db import OperationalError, ProgrammingError, connection
from django.test import Client, override_settings
from django.urls import path
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiYamlRenderer
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from openapi_spec_validator import validate
from rest_framework import authentication, generics, parsers, permissions, serializers, throttling
from rest_framework.request import Request
from rest_framework.response import Response

from demo_project.articles.models import Article
from django_http_errors import permissions as ours
from django_http_errors.models import IdempotencyKey
from django_http_errors.permissions import OBJECT, Refusal, refusals
from django_http_errors.schema import (
    INVALID_MEMBER_COMPONENT,
    PRECONDITION_FAILED_COMPONENT,
    PRECONDITION_REQUIRED_COMPONENT,
    PROBLEM_COMPONENT,
    VALIDATION_PROBLEM_COMPONENT,
    ProblemAutoSchema,
)
from tests.conftest import basic
from tests.testapp.models import Label

EXPECTED = Path(__file__).parent / "schema" / "demo.yaml"
PROBLEM_REF = f"#/components/schemas/{PROBLEM_COMPONENT}"


class LabelSerializer(serializers.ModelSerializer[Label]):
    """A small writable representation."""

    class Meta:
        model = Label
        fields = ["id", "name"]


def make_view(base: type = generics.RetrieveUpdateAPIView, **attributes: Any) -> type:
    """A generic view over ``Label`` with the given configuration and our schema class."""
    defaults: dict[str, Any] = {
        "queryset": Label.objects.all(),
        "serializer_class": LabelSerializer,
        "schema": ProblemAutoSchema(),
        "authentication_classes": [],
        "permission_classes": [permissions.AllowAny],
        "throttle_classes": [],
    }
    return type("LabelView", (base,), {**defaults, **attributes})


def schema_of(view: type, route: str = "labels/{id}/") -> dict[str, Any]:
    """The OpenAPI document of one view mounted at ``route``."""
    django_route = route.replace("{id}", "<int:pk>")
    generator = SchemaGenerator(patterns=[path(django_route, view.as_view())])
    document: dict[str, Any] = generator.get_schema(request=None, public=True)
    return document


def statuses(view: type, method: str, route: str = "labels/{id}/") -> set[int]:
    """The statuses the schema lists for one operation."""
    operation = schema_of(view, route)["paths"][f"/{route}"][method]
    return {int(code) for code in operation["responses"]}


# Derivation from the view's configuration


def test_open_view_lists_only_what_any_view_can_answer() -> None:
    view = make_view()
    assert statuses(view, "get") == {200, 404, 406, 500, 503}
    # Label's unique name: a concurrent write can break it past DRF's validator (409).
    assert statuses(view, "put") == {200, 400, 404, 406, 409, 415, 500, 503}


def test_a_list_without_lookup_or_pagination_has_no_404() -> None:
    view = make_view(generics.ListCreateAPIView, pagination_class=None)
    assert statuses(view, "get", "labels/") == {200, 406, 500, 503}


def test_a_paginated_list_has_404_for_a_missing_page() -> None:
    from rest_framework.pagination import PageNumberPagination

    view = make_view(generics.ListAPIView, pagination_class=PageNumberPagination)
    assert 404 in statuses(view, "get", "labels/")


def test_credentials_that_can_be_wrong_give_401_with_a_challenge() -> None:
    view = make_view(authentication_classes=[authentication.BasicAuthentication])
    document = schema_of(view)
    operation = document["paths"]["/labels/{id}/"]["get"]
    assert "401" in operation["responses"]
    assert "403" not in operation["responses"]
    assert "WWW-Authenticate" in operation["responses"]["401"]["headers"]
    assert document["components"]["headers"]["WWW-Authenticate"]["required"] is True


def test_session_alone_cannot_fail_so_no_401_unless_a_permission_refuses() -> None:
    session = [authentication.SessionAuthentication]
    assert 401 not in statuses(make_view(authentication_classes=session), "get")
    guarded = make_view(
        authentication_classes=session, permission_classes=[permissions.IsAuthenticated]
    )
    assert 401 in statuses(guarded, "get")
    assert 403 not in statuses(guarded, "get")


def test_session_writes_can_fail_csrf_with_403() -> None:
    view = make_view(authentication_classes=[authentication.SessionAuthentication])
    assert 403 in statuses(view, "put")
    assert 403 not in statuses(view, "get")


def test_without_authentication_classes_a_refusal_is_403() -> None:
    view = make_view(permission_classes=[permissions.IsAuthenticated])
    assert 403 in statuses(view, "get")
    assert 401 not in statuses(view, "get")


def test_throttles_give_429_with_retry_after() -> None:
    view = make_view(throttle_classes=[throttling.AnonRateThrottle])
    operation = schema_of(view)["paths"]["/labels/{id}/"]["get"]
    assert "Retry-After" in operation["responses"]["429"]["headers"]
    assert "Retry-After" in operation["responses"]["503"]["headers"]


def test_a_parser_of_anything_means_no_415() -> None:
    class Anything(parsers.BaseParser):
        """Reads every media type."""

        media_type = "*/*"

    assert 415 not in statuses(make_view(parser_classes=[Anything]), "put")


def test_each_problem_with_members_has_its_component() -> None:
    from django_http_errors.mixins import ConditionalUpdateMixin

    view = make_view(
        type("ConditionalLabels", (ConditionalUpdateMixin, generics.RetrieveUpdateAPIView), {}),
        authentication_classes=[authentication.BasicAuthentication],
        precondition_required=True,
    )
    document = schema_of(view)
    components = document["components"]["schemas"]
    by_status = {
        "400": VALIDATION_PROBLEM_COMPONENT,
        "412": PRECONDITION_FAILED_COMPONENT,
        "428": PRECONDITION_REQUIRED_COMPONENT,
    }
    for method, operation in document["paths"]["/labels/{id}/"].items():
        for code, response in operation["responses"].items():
            if int(code) < 400:
                continue
            (media_type,) = response["content"]
            expected = by_status.get(code, PROBLEM_COMPONENT)
            assert media_type == "application/problem+json", (method, code)
            assert response["content"][media_type]["schema"] == {
                "$ref": f"#/components/schemas/{expected}"
            }
    members = {}
    for name in by_status.values():
        base, own = components[name]["allOf"]
        assert base == {"$ref": PROBLEM_REF}
        members.update(own["properties"])
    assert set(members) == {"errors", "etag", "required_headers"}
    assert members["errors"]["items"] == {
        "$ref": f"#/components/schemas/{INVALID_MEMBER_COMPONENT}"
    }
    assert components[INVALID_MEMBER_COMPONENT]["required"] == ["pointer", "detail", "code"]
    assert set(components[PROBLEM_COMPONENT]["properties"]) == {
        "type",
        "title",
        "status",
        "detail",
        "instance",
        "code",
        "request_id",
    }


def test_response_headers() -> None:
    view = make_view(
        generics.ListCreateAPIView,
        pagination_class=None,
        authentication_classes=[authentication.BasicAuthentication],
        throttle_classes=[throttling.AnonRateThrottle],
    )
    document = schema_of(view, "labels/")
    headers = document["components"]["headers"]
    operations = document["paths"]["/labels/"]
    for operation in operations.values():
        for code, response in operation["responses"].items():
            # RequestIDMiddleware is installed: every response carries the id.
            ref = response["headers"]["X-Request-ID"]
            assert ref == {"$ref": "#/components/headers/X-Request-ID"}, code
    assert headers["X-Request-ID"]["required"] is True
    post = operations["post"]["responses"]
    assert "WWW-Authenticate" in post["401"]["headers"]
    assert headers["WWW-Authenticate"]["required"] is True
    assert "Retry-After" in post["429"]["headers"]
    assert "Retry-After" in post["503"]["headers"]
    # DRF's create names the created resource only from a url field, which Label lacks.
    assert "Location" not in post["201"]["headers"]


def test_no_request_id_header_without_the_middleware(settings: Any) -> None:
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "RequestID" not in m]
    operation = schema_of(make_view())["paths"]["/labels/{id}/"]["get"]
    assert "headers" not in operation["responses"]["200"]


def test_409_where_a_reference_protects_or_a_unique_constraint_refuses() -> None:
    protected = make_view(
        generics.RetrieveDestroyAPIView,
        queryset=Article.objects.all(),
        serializer_class=type(
            "S",
            (serializers.ModelSerializer,),
            {"Meta": type("Meta", (), {"model": Article, "fields": ["id", "title"]})},
        ),
    )
    # tests.testapp's Label protects its article (on_delete=PROTECT).
    assert 409 in statuses(protected, "delete", "articles/{id}/")
    assert 409 not in statuses(protected, "get", "articles/{id}/")
    # Label's name is unique: a write with content can conflict; a read or a delete cannot.
    assert 409 in statuses(make_view(generics.CreateAPIView), "post", "labels/")
    assert 409 not in statuses(make_view(generics.RetrieveDestroyAPIView), "delete")


# Permissions: how each can refuse, as the schema asks them

ANON = {"anonymous": True}


@pytest.mark.parametrize(
    ("permission", "method", "expected"),
    [
        (permissions.AllowAny(), "PUT", set()),
        (permissions.IsAuthenticated(), "GET", {Refusal("permission_denied", **ANON)}),
        (permissions.IsAuthenticatedOrReadOnly(), "GET", set()),
        (permissions.IsAuthenticatedOrReadOnly(), "PUT", {Refusal("permission_denied", **ANON)}),
        (
            permissions.IsAdminUser(),
            "GET",
            {Refusal("permission_denied", **ANON), Refusal("permission_denied")},
        ),
        (
            (permissions.IsAuthenticated | permissions.IsAdminUser)(),
            "GET",
            {Refusal("permission_denied", **ANON)},
        ),
        (
            (permissions.IsAuthenticated & permissions.IsAdminUser)(),
            "GET",
            {Refusal("permission_denied", **ANON), Refusal("permission_denied")},
        ),
        (
            (~permissions.AllowAny)(),
            "GET",
            {
                Refusal("permission_denied", **ANON),
                Refusal("permission_denied"),
                Refusal("permission_denied", OBJECT, **ANON),
                Refusal("permission_denied", OBJECT),
            },
        ),
        (ours.IsOwnerOrReadOnly(), "GET", set()),
        (
            ours.IsOwnerOrReadOnly(),
            "PATCH",
            {Refusal("authentication_required", **ANON), Refusal("not_owner", OBJECT)},
        ),
        (
            ours.hidden(ours.IsOwner)(),
            "GET",
            {Refusal("authentication_required", **ANON), Refusal("not_owner", OBJECT, hide=True)},
        ),
        (
            (ours.IsAuthenticated & ours.IsAdminUser)(),
            "GET",
            {
                Refusal("authentication_required", **ANON),
                Refusal("staff_only", **ANON),
                Refusal("staff_only"),
            },
        ),
        (
            (permissions.IsAuthenticated & ours.IsOwner)(),
            "GET",
            {
                Refusal("permission_denied", **ANON),
                Refusal("authentication_required", **ANON),
                Refusal("not_owner", OBJECT),
            },
        ),
        # Issue 12: either may allow, so a stranger is refused by the owner rule, at object
        # level, with its code; anonymous users by both, before the lookup.
        (
            (ours.IsOwner | ours.IsAdminUser)(),
            "PUT",
            {Refusal("authentication_required", **ANON), Refusal("not_owner", OBJECT)},
        ),
        (
            (ours.IsOwnerOrReadOnly | ours.IsAdminUser)(),
            "DELETE",
            {Refusal("authentication_required", **ANON), Refusal("not_owner", OBJECT)},
        ),
        ((ours.IsOwnerOrReadOnly | ours.IsAdminUser)(), "GET", set()),
        (
            (ours.IsAdminUser | ours.hidden(ours.IsOwner))(),
            "GET",
            {Refusal("staff_only", **ANON), Refusal("staff_only", OBJECT, hide=True)},
        ),
        # DRF's own OR of the same rules: the same statuses, DRF's generic code.
        (
            (permissions.IsAuthenticated | permissions.IsAdminUser)(),
            "PUT",
            {Refusal("permission_denied", **ANON)},
        ),
        (
            (~ours.IsAdminUser)(),
            "GET",
            {Refusal("permission_denied", **ANON), Refusal("permission_denied")},
        ),
    ],
)
def test_refusals(permission: Any, method: str, expected: set[Refusal]) -> None:
    assert refusals(permission, method) == expected


def test_a_view_that_hides_denied_objects_hides_its_permissions_refusals() -> None:
    class View:
        hide_denied_objects = True

    found = refusals(ours.IsOwnerOrReadOnly(), "PUT", View())
    assert Refusal("not_owner", OBJECT, hide=True) in found
    # DRF's own classes know nothing of it.
    assert refusals(permissions.IsAdminUser(), "GET", View()) == refusals(
        permissions.IsAdminUser(), "GET"
    )


def test_a_refusal_is_401_only_where_the_view_can_authenticate() -> None:
    refusal = Refusal("authentication_required", anonymous=True)
    assert refusal.answer(authenticates=True) == (401, "not_authenticated")
    assert refusal.answer(authenticates=False) == (403, "authentication_required")
    assert Refusal("not_owner", OBJECT, hide=True).answer(authenticates=True) == (404, "not_found")


def test_a_custom_permission_refuses_at_the_levels_it_overrides() -> None:
    class ObjectOnly(permissions.BasePermission):
        """Judges objects only."""

        def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
            return False

    assert refusals(ObjectOnly(), "GET") == {
        Refusal("permission_denied", OBJECT, anonymous=True),
        Refusal("permission_denied", OBJECT),
    }
    basic = [authentication.BasicAuthentication]
    listing = make_view(
        generics.ListAPIView,
        pagination_class=None,
        authentication_classes=basic,
        permission_classes=[ObjectOnly],
    )
    assert 403 not in statuses(listing, "get", "labels/")
    assert 403 in statuses(
        make_view(authentication_classes=basic, permission_classes=[ObjectOnly]), "get"
    )


def test_a_hidden_object_is_404_not_403() -> None:
    view = make_view(
        authentication_classes=[authentication.BasicAuthentication],
        permission_classes=[ours.hidden(ours.IsOwner)],
    )
    assert {401, 404} <= statuses(view, "get")
    assert 403 not in statuses(view, "get")


# extend_schema keeps working


class Overridden(generics.RetrieveUpdateAPIView[Label]):
    """A view whose author declares responses and parameters of their own."""

    queryset = Label.objects.all()
    serializer_class = LabelSerializer
    schema = ProblemAutoSchema()
    authentication_classes = [authentication.BasicAuthentication]
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        responses={
            200: LabelSerializer,
            404: OpenApiResponse(description="No label has this id."),
            409: None,
            418: OpenApiResponse(LabelSerializer, description="A teapot with a label."),
        },
        parameters=[OpenApiParameter("X-Trace", str, OpenApiParameter.HEADER)],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(exclude=True)
    def put(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().put(request, *args, **kwargs)

    @extend_schema(responses={204: None})
    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().patch(request, *args, **kwargs)


def test_extend_schema_overrides_are_kept() -> None:
    operations = schema_of(Overridden)["paths"]["/labels/{id}/"]
    assert "put" not in operations
    get = operations["get"]["responses"]
    assert get["404"]["description"] == "No label has this id."
    # Declared without a body: every error of the API is a problem all the same.
    assert get["404"]["content"]["application/problem+json"]["schema"] == {"$ref": PROBLEM_REF}
    assert get["409"]["content"]["application/problem+json"]["schema"] == {"$ref": PROBLEM_REF}
    # Declared with a body: the author's body stands.
    assert "application/problem+json" not in get["418"]["content"]
    assert {"200", "401", "404", "406", "409", "418", "500", "503"} == set(get)
    headers = [p["name"] for p in operations["get"]["parameters"] if p["in"] == "header"]
    assert headers == ["X-Trace"]
    assert set(operations["patch"]["responses"]) == {
        "204",
        "400",
        "401",
        "404",
        "406",
        "409",
        "415",
        "500",
        "503",
    }


# The demo's schema


def demo_schema() -> dict[str, Any]:
    """The demo's schema, as ``manage.py spectacular`` writes it (without the test routes)."""
    document: dict[str, Any] = SchemaGenerator(urlconf="demo_project.urls").get_schema(
        request=None, public=True
    )
    # Through YAML as the stored file, so both sides have the same plain types.
    rendered: dict[str, Any] = yaml.safe_load(OpenApiYamlRenderer().render(document))
    return rendered


@pytest.mark.django_db
def test_demo_schema_is_valid_openapi() -> None:
    validate(demo_schema())


@pytest.mark.django_db
def test_demo_serves_its_schema() -> None:
    response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi")
    assert response.status_code == 200
    served = yaml.safe_load(response.content)["paths"]["/api/articles/{id}/"]["get"]
    expected = demo_schema()["paths"]["/api/articles/{id}/"]["get"]
    assert served["responses"] == expected["responses"]


@pytest.mark.django_db
def test_demo_schema_matches_the_stored_file() -> None:
    expected = yaml.safe_load(EXPECTED.read_text())
    assert demo_schema() == expected, (
        "The demo's schema changed; if on purpose, regenerate it: "
        "python manage.py spectacular --file tests/schema/demo.yaml"
    )


@pytest.mark.django_db
def test_docs_page_uses_local_assets_only() -> None:
    response = Client().get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assets = [part.split('"', 1)[0] for part in page.split('src="')[1:] + page.split('href="')[1:]]
    assert assets, page
    for asset in assets:
        assert asset.startswith("/static/"), asset
        assert Client().get(asset).status_code == 200, asset


# The demo: what the schema lists is what real requests get, in both directions

DETAIL = "/api/articles/{id}/"
LIST = "/api/articles/"
PUBLISH = "/api/articles/{id}/publish/"
HEALTH = "/api/health/"
XML = {"HTTP_ACCEPT": "application/xml"}


class Demo:
    """Clients and fresh articles for one request each, so that no request depends on another."""

    def __init__(self, users: dict[str, Any]) -> None:
        self.users = users

    def client(self, username: str | None = None, password: str | None = None) -> Client:
        """A client sending Basic credentials (or none); server errors are answered, not raised."""
        headers = {}
        if username is not None:
            headers["HTTP_AUTHORIZATION"] = basic(username, password or f"{username}-password")
        return Client(raise_request_exception=False, **headers)

    def article(self) -> Article:
        """A new published article of alice's."""
        return Article.objects.create(owner=self.users["alice"], title="Fresh", published=True)

    def url(self, template: str, article: Article | None = None) -> str:
        """``template`` with a fresh article's id (or the given one's)."""
        return template.replace("{id}", str((article or self.article()).pk))

    def etag(self, article: Article) -> str:
        """The article's current ETag, as a client gets it."""
        response = self.client("alice").get(self.url(DETAIL, article))
        etag: str = response["ETag"]
        return etag

    def write(
        self,
        method: str,
        template: str,
        data: Any = None,
        article: Article | None = None,
        **extra: Any,
    ) -> Any:
        """Alice writing her own (fresh) article with its current ETag in If-Match."""
        article = article or self.article()
        extra.setdefault("HTTP_IF_MATCH", self.etag(article))
        extra.setdefault("content_type", "application/json")
        send = getattr(self.client("alice"), method)
        return send(self.url(template, article), data, **extra)

    def session_without_csrf(self) -> Client:
        """Alice logged in by session, sending no CSRF token."""
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.users["alice"])
        return client


def failing_database(error: type[Exception]) -> Any:
    """An execute wrapper that fails every query as an unreachable or broken database would."""

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if sql.lstrip().split(" ", 1)[0].upper() in {"SELECT", "INSERT", "UPDATE", "DELETE"}:
            raise error("injected by the test")
        return execute(sql, params, many, context)

    return connection.execute_wrapper(wrapper)


def concurrent_change(article: Article) -> Any:
    """An execute wrapper that, just before the compare-and-swap, lets another writer win."""
    table = connection.ops.quote_name(Article._meta.db_table)
    done = []

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if not done and sql.lstrip().upper().startswith("UPDATE") and "version" in sql:
            done.append(True)
            execute(
                f"UPDATE {table} SET version = version + 1 WHERE id = %s",
                [article.pk],
                False,
                context,
            )
        return execute(sql, params, many, context)

    return connection.execute_wrapper(wrapper)


def closed_port() -> int:
    """A local port nobody listens on: connecting is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def observe(demo: Demo) -> dict[tuple[str, str], dict[int, int]]:
    """Real requests to every operation of the demo: the status each got, by intended status."""
    d = demo
    anonymous = d.client
    alice = lambda: d.client("alice")  # noqa: E731
    bob = lambda: d.client("bob")  # noqa: E731
    wrong = lambda: d.client("alice", "wrong-password")  # noqa: E731
    drafts = lambda: Article.objects.create(owner=d.users["alice"], title="Draft")  # noqa: E731

    def not_modified(template: str) -> Any:
        url = d.url(template)
        etag = anonymous().get(url)["ETag"]
        return anonymous().get(url, HTTP_IF_NONE_MATCH=etag)

    def publish_with_search_index(url: str, timeout: float = 5) -> Any:
        with override_settings(SEARCH_INDEX_URL=url, SEARCH_INDEX_TIMEOUT=timeout):
            article = d.article()
            return alice().post(d.url(PUBLISH, article))

    def delete_protected() -> Any:
        article = d.article()
        # tests.testapp's Label protects its article (on_delete=PROTECT).
        Label.objects.create(name=f"protects {article.pk}", article=article)
        return d.write("delete", DETAIL, HTTP_IF_MATCH=d.etag(article), article=article)

    def publish_raced() -> Any:
        article = d.article()
        with concurrent_change(article):
            return alice().post(d.url(PUBLISH, article))

    def publish_unanswered() -> Any:
        with socket.socket() as listener:
            listener.bind(("127.0.0.1", 0))
            listener.listen()
            port = listener.getsockname()[1]
            # Accepted by the kernel, never answered: the notification times out.
            return publish_with_search_index(f"http://127.0.0.1:{port}/", timeout=0.2)

    def keyed(url: str, first: Any, again: Any, *, in_flight: bool = False) -> Any:
        # Alice sends ``first``, then ``again`` with the same Idempotency-Key.
        key = f'"{uuid.uuid4()}"'
        alice().post(url, first, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)
        if in_flight:
            IdempotencyKey.objects.filter(key=key.strip('"')).update(
                state=IdempotencyKey.State.IN_FLIGHT
            )
        return alice().post(url, again, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)

    def server_errors(method: str, template: str, **extra: Any) -> list[tuple[int, Any]]:
        def send(error: type[Exception]) -> Any:
            url = d.url(template)
            with failing_database(error):
                return getattr(alice(), method)(url, **extra)

        return [(500, lambda: send(ProgrammingError)), (503, lambda: send(OperationalError))]

    invalid = {"title": ""}
    valid = {"title": "Changed"}
    table: dict[tuple[str, str], list[tuple[int, Any]]] = {
        ("get", LIST): [
            (200, lambda: anonymous().get(LIST)),
            (304, lambda: not_modified(LIST)),
            (401, lambda: wrong().get(LIST)),
            (404, lambda: anonymous().get(LIST, {"page": 999})),
            (406, lambda: anonymous().get(LIST, **XML)),
            (412, lambda: anonymous().get(LIST, HTTP_IF_MATCH='"stale"')),
            *server_errors("get", LIST),
        ],
        ("post", LIST): [
            (201, lambda: alice().post(LIST, valid, content_type="application/json")),
            (400, lambda: alice().post(LIST, invalid, content_type="application/json")),
            (401, lambda: anonymous().post(LIST, valid, content_type="application/json")),
            (403, lambda: d.session_without_csrf().post(LIST, valid)),
            (406, lambda: alice().post(LIST, valid, content_type="application/json", **XML)),
            (
                412,
                lambda: alice().post(
                    LIST, valid, content_type="application/json", HTTP_IF_MATCH='"stale"'
                ),
            ),
            (409, lambda: keyed(LIST, valid, valid, in_flight=True)),
            (415, lambda: alice().post(LIST, "title", content_type="text/plain")),
            (422, lambda: keyed(LIST, valid, {"title": "Other"})),
            *server_errors("post", LIST, data=valid, content_type="application/json"),
        ],
        ("get", DETAIL): [
            (200, lambda: anonymous().get(d.url(DETAIL))),
            (304, lambda: not_modified(DETAIL)),
            (401, lambda: wrong().get(d.url(DETAIL))),
            (404, lambda: bob().get(d.url(DETAIL, drafts()))),
            (406, lambda: anonymous().get(d.url(DETAIL), **XML)),
            (412, lambda: anonymous().get(d.url(DETAIL), HTTP_IF_MATCH='"stale"')),
            *server_errors("get", DETAIL),
        ],
        **{
            (method, DETAIL): [
                (200, lambda m=method: d.write(m, DETAIL, valid)),
                (400, lambda m=method: d.write(m, DETAIL, invalid)),
                (401, lambda m=method: getattr(anonymous(), m)(d.url(DETAIL), valid)),
                (
                    403,
                    lambda m=method: getattr(bob(), m)(
                        d.url(DETAIL), valid, content_type="application/json"
                    ),
                ),
                (404, lambda m=method: getattr(alice(), m)("/api/articles/999999/", valid)),
                (406, lambda m=method: d.write(m, DETAIL, valid, **XML)),
                (412, lambda m=method: d.write(m, DETAIL, valid, HTTP_IF_MATCH='"stale"')),
                (415, lambda m=method: d.write(m, DETAIL, "title", content_type="text/plain")),
                (
                    428,
                    lambda m=method: getattr(alice(), m)(
                        d.url(DETAIL), valid, content_type="application/json"
                    ),
                ),
                *server_errors(method, DETAIL),
            ]
            for method in ("put", "patch")
        },
        ("delete", DETAIL): [
            (204, lambda: d.write("delete", DETAIL)),
            (401, lambda: anonymous().delete(d.url(DETAIL))),
            (403, lambda: d.session_without_csrf().delete(d.url(DETAIL))),
            (404, lambda: alice().delete("/api/articles/999999/")),
            (406, lambda: d.write("delete", DETAIL, **XML)),
            (409, delete_protected),
            (412, lambda: d.write("delete", DETAIL, HTTP_IF_MATCH='"stale"')),
            (428, lambda: alice().delete(d.url(DETAIL))),
            *server_errors("delete", DETAIL),
        ],
        ("post", PUBLISH): [
            (200, lambda: alice().post(d.url(PUBLISH))),
            (400, lambda: alice().post(d.url(PUBLISH), HTTP_IDEMPOTENCY_KEY='"unterminated')),
            (401, lambda: anonymous().post(d.url(PUBLISH))),
            (403, lambda: bob().post(d.url(PUBLISH))),
            (404, lambda: alice().post("/api/articles/999999/publish/")),
            (406, lambda: alice().post(d.url(PUBLISH), **XML)),
            (409, publish_raced),
            (412, lambda: alice().post(d.url(PUBLISH), HTTP_IF_MATCH='"stale"')),
            (502, lambda: publish_with_search_index(f"http://127.0.0.1:{closed_port()}/")),
            (422, lambda: keyed(d.url(PUBLISH), None, {"other": "content"})),
            (504, publish_unanswered),
            *server_errors("post", PUBLISH),
        ],
        ("get", HEALTH): [
            (200, lambda: anonymous().get(HEALTH)),
            (406, lambda: anonymous().get(HEALTH, **XML)),
            *server_errors("get", HEALTH),
        ],
    }
    return {
        operation: {intended: send().status_code for intended, send in requests}
        for operation, requests in table.items()
    }


# Publishing commits its own transaction (a failed one rolls it back): no test transaction.
@pytest.mark.django_db(transaction=True)
def test_demo_statuses_in_the_schema_are_the_statuses_requests_get(
    seeded: dict[str, Any],
) -> None:
    observed = observe(Demo(seeded))
    for operation, got in observed.items():
        # Each request gets the status it was written to provoke...
        assert {s: s for s in got} == got, operation
    listed = {
        (method, route): {int(code) for code in operation["responses"]}
        for route, operations in demo_schema()["paths"].items()
        for method, operation in operations.items()
    }
    # ...and the statuses observed per operation are exactly those the schema lists.
    assert set(listed) == set(observed)
    for operation in listed:
        assert listed[operation] == set(observed[operation].values()), operation
