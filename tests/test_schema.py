"""The OpenAPI integration: each operation lists the errors its view's configuration can give.

The demo's schema is tested in ``tests/test_demo_schema.py``.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

import pytest
from django.urls import path
from django.utils import translation
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.settings import patched_settings
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import authentication, generics, parsers, permissions, serializers, throttling
from rest_framework.request import Request
from rest_framework.response import Response

from django_http_errors import permissions as ours
from django_http_errors.descriptions import Operation, OperationDescription, inherited
from django_http_errors.exceptions import (
    InsufficientScope,
    ProblemException,
    declared_problem_types,
)
from django_http_errors.idempotency import IdempotencyMixin
from django_http_errors.idempotency.keys import MalformedKey, parse_idempotency_key
from django_http_errors.mixins import ConditionalUpdateMixin
from django_http_errors.permissions import OBJECT, Refusal, refusals
from django_http_errors.schema import (
    IDEMPOTENCY_KEY_PATTERN,
    INVALID_MEMBER_COMPONENT,
    PRECONDITION_FAILED_COMPONENT,
    PRECONDITION_REQUIRED_COMPONENT,
    PROBLEM_COMPONENT,
    VALIDATION_PROBLEM_COMPONENT,
    ProblemAutoSchema,
)
from tests.testapp.models import Label, Post, Shelf
from tests.testapp.permission_views import IsEditor, PostTitleSerializer

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


class DescribesScope:
    """A view that says it refuses a token without a scope (403 ``insufficient_scope``)."""

    def describe_operation(self, operation: Operation) -> OperationDescription:
        return OperationDescription(problems=(InsufficientScope,)) | inherited(super(), operation)


def test_a_403_names_every_code_that_can_answer_it() -> None:
    """A component per code, its ``code`` typed; several in a ``oneOf`` discriminated on it."""
    base = type("ScopedLabels", (DescribesScope, generics.RetrieveUpdateAPIView), {})
    configuration = {
        "authentication_classes": [authentication.SessionAuthentication],
        "permission_classes": [IsEditor],
    }
    with patched_settings({"POSTPROCESSING_HOOKS": HOOKS}):
        document = schema_of(make_view(base, **configuration))
        own = schema_of(make_view(base, schema=OwnSchema(), **configuration))
    operations = document["paths"]["/labels/{id}/"]
    forbidden = operations["put"]["responses"]["403"]["content"]["application/problem+json"]
    # The CSRF check of SessionAuthentication, the permission's rule, the described problem.
    mapping = {
        "csrf_failed": "#/components/schemas/CsrfFailedProblem",
        "insufficient_scope": "#/components/schemas/InsufficientScopeProblem",
        "not_editor": "#/components/schemas/NotEditorProblem",
    }
    assert forbidden["schema"] == {
        "oneOf": [{"$ref": ref} for ref in mapping.values()],
        "discriminator": {"propertyName": "code", "mapping": mapping},
    }
    components = document["components"]["schemas"]
    for code, ref in mapping.items():
        # Each is a 403's problem (ForbiddenProblem: its status typed) with its code typed.
        base, own_members = components[ref.rsplit("/", 1)[1]]["allOf"]
        assert base == {"$ref": "#/components/schemas/ForbiddenProblem"}
        assert own_members["required"] == ["code"]
        typed = own_members["properties"]["code"]
        assert components[typed["$ref"].rsplit("/", 1)[1]]["enum"] == [code]
    assert components["ForbiddenProblem"]["allOf"][0] == {"$ref": PROBLEM_REF}
    assert components["NotEditorProblem"]["description"] == IsEditor.meaning
    # Reads pass the rule and the CSRF check: only what the view describes refuses them.
    get = operations["get"]["responses"]["403"]["content"]["application/problem+json"]
    assert get["schema"] == {"$ref": mapping["insufficient_scope"]}
    # A project's own AutoSchema gets the same through the hook.
    assert own["paths"]["/labels/{id}/"]["put"]["responses"]["403"]["content"] == {
        "application/problem+json": forbidden
    }


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


def test_each_status_has_its_problem_component_typed_by_status() -> None:
    view = make_view(
        type("ConditionalLabels", (ConditionalUpdateMixin, generics.RetrieveUpdateAPIView), {}),
        authentication_classes=[authentication.BasicAuthentication],
        precondition_required=True,
    )
    document = schema_of(view)
    components = document["components"]["schemas"]
    with_members = {
        "400": VALIDATION_PROBLEM_COMPONENT,
        "412": PRECONDITION_FAILED_COMPONENT,
        "428": PRECONDITION_REQUIRED_COMPONENT,
    }
    others = {
        "401": "UnauthorizedProblem",
        "404": "NotFoundProblem",
        "500": "InternalServerErrorProblem",
    }
    seen = set()
    for method, operation in document["paths"]["/labels/{id}/"].items():
        for code, response in operation["responses"].items():
            if int(code) < 400:
                continue
            (media_type,) = response["content"]
            assert media_type == "application/problem+json", (method, code)
            ref = response["content"][media_type]["schema"]["$ref"]
            name = ref.rsplit("/", 1)[1]
            assert name == {**with_members, **others}.get(code, name), (method, code)
            # Its status is typed as that status alone: a client switches on it.
            base, own = components[name]["allOf"]
            assert base == {"$ref": PROBLEM_REF}
            status = own["properties"]["status"]
            status = components[status["$ref"].rsplit("/", 1)[1]] if "$ref" in status else status
            assert status["enum"] == [int(code)], name
            seen.add(code)
    assert set(with_members) | set(others) <= seen
    members = {}
    for name in with_members.values():
        members.update(components[name]["allOf"][1]["properties"])
    assert set(members) == {"status", "errors", "etag", "required_headers"}
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
    # Extension members are allowed by JSON Schema's default; `true` would give typed clients
    # an index signature under which `"errors" in problem` no longer narrows.
    assert "additionalProperties" not in components[PROBLEM_COMPONENT]


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
        queryset=Post.objects.all(),
        serializer_class=type(
            "S",
            (serializers.ModelSerializer,),
            {"Meta": type("Meta", (), {"model": Post, "fields": ["id", "title"]})},
        ),
    )
    # tests.testapp's Label protects its post (on_delete=PROTECT).
    assert 409 in statuses(protected, "delete", "posts/{id}/")
    assert 409 not in statuses(protected, "get", "posts/{id}/")
    # A book refers to its shelf with DO_NOTHING: the database's foreign key refuses the delete.
    shelves = make_view(
        generics.RetrieveDestroyAPIView,
        queryset=Shelf.objects.all(),
        serializer_class=type(
            "S",
            (serializers.ModelSerializer,),
            {"Meta": type("Meta", (), {"model": Shelf, "fields": ["id", "name"]})},
        ),
    )
    assert 409 in statuses(shelves, "delete", "shelves/{id}/")
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
    assert get["404"]["content"]["application/problem+json"]["schema"] == {
        "$ref": "#/components/schemas/NotFoundProblem"
    }
    assert get["409"]["content"]["application/problem+json"]["schema"] == {
        "$ref": "#/components/schemas/ConflictProblem"
    }
    # Declared as None: drf-spectacular's "No response body" would contradict the problem.
    assert get["409"]["description"] == "Conflict"
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


# The words of the schema: a summary for every operation, each its own description


class Labels(generics.ListCreateAPIView[Label]):
    """Labels, as the test app keeps them."""

    queryset = Label.objects.all()
    serializer_class = LabelSerializer
    schema = ProblemAutoSchema()
    authentication_classes: list[Any] = []
    permission_classes = [permissions.AllowAny]

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Make a label; its name must be new. More words follow."""
        return super().post(request, *args, **kwargs)


def test_every_operation_has_a_summary_and_its_own_description() -> None:
    operations = schema_of(Labels, "labels/")["paths"]["/labels/"]
    # A generic action is named after the model; a handler's docstring names its own.
    assert operations["get"]["summary"] == "List labels"
    assert (
        operations["get"]["description"]
        == "Lists the labels.\n\nLabels, as the test app keeps them."
    )
    assert operations["post"]["summary"] == "Make a label"
    assert (
        operations["post"]["description"]
        == "Make a label; its name must be new. More words follow."
    )


def test_generic_actions_of_a_viewset_are_summarised() -> None:
    from rest_framework import viewsets
    from rest_framework.routers import SimpleRouter

    class LabelViewSet(viewsets.ModelViewSet[Label]):
        queryset = Label.objects.all()
        serializer_class = LabelSerializer
        schema = ProblemAutoSchema()
        authentication_classes: list[Any] = []
        permission_classes = [permissions.AllowAny]

    router = SimpleRouter()
    router.register("labels", LabelViewSet)
    document = SchemaGenerator(patterns=router.urls).get_schema(request=None, public=True)
    summaries = {
        (route, method): operation["summary"]
        for route, operations in document["paths"].items()
        for method, operation in operations.items()
    }
    assert summaries == {
        ("/labels/", "get"): "List labels",
        ("/labels/", "post"): "Create label",
        ("/labels/{id}/", "get"): "Retrieve label",
        ("/labels/{id}/", "put"): "Replace label",
        ("/labels/{id}/", "patch"): "Update label",
        ("/labels/{id}/", "delete"): "Delete label",
    }
    descriptions = [o["description"] for p in document["paths"].values() for o in p.values()]
    assert len(set(descriptions)) == len(descriptions)


@pytest.mark.parametrize(
    "value",
    [
        '"8e03978e-40d5-43e8-bc93-6894a57f9324"',
        "8e03978e-40d5-43e8-bc93-6894a57f9324",
        '"with space and \\"escapes\\""',
        "base64/key+with=",
        '"unterminated',
        '""',
        "",
        "two words",
        '"a";p=1',
        '"' + "x" * 255 + '"',
        '"' + "x" * 256 + '"',
        "x" * 255,
        "x" * 256,
        '"\\\\' + "x" * 254 + '"',
    ],
)
def test_the_idempotency_key_pattern_accepts_what_the_server_accepts(value: str) -> None:
    try:
        parse_idempotency_key(value)
    except MalformedKey:
        accepted = False
    else:
        accepted = True
    # ECMA-262 and Python agree on this pattern's syntax.
    assert bool(re.fullmatch(IDEMPOTENCY_KEY_PATTERN, value)) is accepted


# A project's own AutoSchema: the postprocessing hook completes its operations

#: Ours first, so that drf-spectacular's enum hook names the problems' status enums too.
HOOKS = [
    "django_http_errors.openapi.hooks.complete_operations",
    "drf_spectacular.hooks.postprocess_schema_enums",
]


class OwnSchema(AutoSchema):
    """A project's own schema class, which ProblemAutoSchema cannot replace."""

    def get_tags(self) -> list[str]:
        return ["own"]


def keyed_conditional_view(schema: Any) -> type:
    """A view with both mixins, preconditions required, Basic authentication and a throttle."""
    base = type(
        "KeyedConditionalPosts",
        (IdempotencyMixin, ConditionalUpdateMixin, generics.RetrieveUpdateAPIView),
        {},
    )
    return make_view(
        base,
        queryset=Post.objects.all(),
        serializer_class=PostTitleSerializer,
        schema=schema,
        authentication_classes=[authentication.BasicAuthentication],
        throttle_classes=[throttling.AnonRateThrottle],
        precondition_required=True,
    )


def test_a_projects_own_autoschema_gets_the_problems_through_the_hook() -> None:
    # As a project's SPECTACULAR_SETTINGS would say (drf-spectacular reads them once).
    with patched_settings({"POSTPROCESSING_HOOKS": HOOKS}):
        own = schema_of(keyed_conditional_view(OwnSchema()), "posts/{id}/")
        ours = schema_of(keyed_conditional_view(ProblemAutoSchema()), "posts/{id}/")
    own_operations = own["paths"]["/posts/{id}/"]
    ours_operations = ours["paths"]["/posts/{id}/"]
    assert set(own_operations) == {"get", "put", "patch"}
    for method, operation in own_operations.items():
        # The project's schema class still decides what is its own...
        assert operation["tags"] == ["own"]
        # ...and every response, header, parameter and word is the one ProblemAutoSchema gives,
        # in the same order.
        assert list(operation) == list(ours_operations[method]), method
        for member in ("responses", "parameters", "security", "summary", "description"):
            assert operation[member] == ours_operations[method][member], (method, member)
    assert own_operations["patch"]["summary"] == "Update post"
    put = own_operations["put"]
    headers = {p["name"]: p for p in put["parameters"] if p["in"] == "header"}
    assert set(headers) == {"Idempotency-Key", "If-Match", "If-None-Match", "If-Unmodified-Since"}
    assert headers["Idempotency-Key"]["schema"]["pattern"] == IDEMPOTENCY_KEY_PATTERN
    assert {"401", "409", "412", "422", "428", "429"} <= set(put["responses"])
    refs = {
        code: r["content"]["application/problem+json"]["schema"]["$ref"]
        for code, r in put["responses"].items()
        if "content" in r and int(code) >= 400
    }
    assert refs["412"].endswith(PRECONDITION_FAILED_COMPONENT)
    assert refs["428"].endswith(PRECONDITION_REQUIRED_COMPONENT)
    get = own_operations["get"]["responses"]
    assert set(get["200"]["headers"]) == {"X-Request-ID", "ETag", "Last-Modified"}
    assert "Retry-After" in put["responses"]["409"]["headers"]
    for kind in ("schemas", "headers"):
        expected = {k: v for k, v in ours["components"][kind].items() if "Post" not in k}
        found = {k: v for k, v in own["components"][kind].items() if "Post" not in k}
        assert found == expected, kind


class WordySchema(AutoSchema):
    """A project's schema class that writes its own summaries and descriptions."""

    def get_summary(self) -> str:
        return f"Own {self.method}"

    def get_description(self) -> str:  # type: ignore[override]
        return "Own words."


def test_the_hook_keeps_the_words_a_projects_own_autoschema_writes() -> None:
    with patched_settings({"POSTPROCESSING_HOOKS": HOOKS}):
        document = schema_of(keyed_conditional_view(WordySchema()), "posts/{id}/")
    for method, operation in document["paths"]["/posts/{id}/"].items():
        assert operation["summary"] == f"Own {method.upper()}"
        assert operation["description"] == "Own words."


def test_without_the_hook_a_projects_own_autoschema_is_left_alone() -> None:
    document = schema_of(keyed_conditional_view(OwnSchema()), "posts/{id}/")
    put = document["paths"]["/posts/{id}/"]["put"]
    assert "428" not in put["responses"]
    assert "summary" not in put
    assert "Problem" not in document["components"].get("schemas", {})


# A problem type of the project's own: one class, and the view that raises it says so


def test_a_new_problem_type_shows_with_its_members_and_headers() -> None:
    class TeapotBusy(ProblemException):
        """418: the teapot is brewing; says when it is done."""

        status_code = 418
        default_code = "teapot_busy"
        default_detail = "The teapot is brewing."
        title = "Teapot busy"
        meaning = "The teapot is brewing another pot."
        advice = "Retry when the brew is done."
        header_names = ("Brew-Done",)
        extension_members: ClassVar[dict[str, dict[str, Any]]] = {
            "pot": {"type": "integer", "description": "The pot being brewed."}
        }

    class Brewing:
        def describe_operation(self, operation: Operation) -> OperationDescription:
            own = OperationDescription(problems=(TeapotBusy,))
            return own | inherited(super(), operation) if operation.method == "PUT" else own

    try:
        view = make_view(type("BrewingLabels", (Brewing, generics.RetrieveUpdateAPIView), {}))
        document = schema_of(view)
    finally:
        declared_problem_types().pop("teapot_busy")
    response = document["paths"]["/labels/{id}/"]["put"]["responses"]["418"]
    ref = response["content"]["application/problem+json"]["schema"]["$ref"]
    assert ref == "#/components/schemas/TeapotBusyProblem"
    assert "Brew-Done" in response["headers"]
    component = document["components"]["schemas"]["TeapotBusyProblem"]
    assert component["description"] == "The teapot is brewing another pot."
    own = component["allOf"][1]
    assert own["properties"]["pot"] == {"type": "integer", "description": "The pot being brewed."}
    status = own["properties"]["status"]["$ref"].rsplit("/", 1)[1]
    assert document["components"]["schemas"][status]["enum"] == [418]
    # Raised without arguments it carries no pot: not every occurrence does.
    assert own["required"] == ["status"]


def test_the_descriptions_the_runtime_declares_are_translated() -> None:
    view = keyed_conditional_view(ProblemAutoSchema())
    english = schema_of(view, "posts/{id}/")["paths"]["/posts/{id}/"]["put"]["parameters"]
    with translation.override("de"):
        german = schema_of(view, "posts/{id}/")["paths"]["/posts/{id}/"]["put"]["parameters"]
    headers = [(e, g) for e, g in zip(english, german, strict=True) if e["in"] == "header"]
    assert len(headers) == 4
    for mine, theirs in headers:
        assert mine["name"] == theirs["name"]
        assert mine["description"] != theirs["description"], mine["name"]


def test_the_problem_components_are_in_each_schemas_own_language() -> None:
    # The components are built once for each language: a schema asked for in German after
    # one in English says the German meaning, and English again after it.
    view = keyed_conditional_view(ProblemAutoSchema())

    def description() -> str:
        document = schema_of(view, "posts/{id}/")
        return str(document["components"]["schemas"]["PreconditionFailedProblem"]["description"])

    english = description()
    with translation.override("de"):
        german = description()
    assert english.startswith("A precondition")
    assert german.startswith("Eine Vorbedingung")
    assert description() == english
