"""The schema's 401, 403 and 404 are the ones real requests get, whatever the composition.

For each authentication setup and permission composition (``tests/testapp/schema_views.py``),
real users send real requests: every status they get is documented, and every documented 401,
403 and 404 is one of them; so is every code of a 403.
"""

from __future__ import annotations

import functools
import types
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import path
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token

from tests.conftest import basic
from tests.testapp.models import Post
from tests.testapp.permission_views import EditorPostDetail, IsEditor
from tests.testapp.schema_views import AUTHENTICATION, COMPOSITIONS

PREFIX = "/test/schema"
METHODS = ("get", "put", "patch")
#: Statuses that permissions and authentication decide.
REFUSALS = {401, 403, 404}


@functools.cache
def schema_document() -> dict[str, Any]:
    """The schema of every view of ``tests/testapp/schema_views.py``, generated once: each
    test reads its own view's operations in it."""
    document: dict[str, Any] = SchemaGenerator(urlconf="tests.testapp.schema_views").get_schema(
        request=None, public=True
    )
    return document


def documented(authentication: str, composition: str) -> dict[str, dict[int, Any]]:
    """The responses the schema lists for each method of one view, by status; a 403's is
    the set of codes it documents."""
    document = schema_document()
    operations = document["paths"][f"/{authentication}/{composition}/{{id}}/"]
    return {
        method: {
            int(status): forbidden_codes(document, response) if status == "403" else response
            for status, response in operations[method]["responses"].items()
        }
        for method in METHODS
    }


def forbidden_codes(document: dict[str, Any], response: dict[str, Any]) -> set[str]:
    """The codes a documented 403 says its problems have: a ``oneOf`` discriminated on ``code``,
    or one component whose ``code`` is typed as one value."""
    schema = response["content"]["application/problem+json"]["schema"]
    if "oneOf" in schema:
        assert schema["discriminator"]["propertyName"] == "code"
        mapping = schema["discriminator"]["mapping"]
        assert sorted(mapping.values()) == sorted(ref["$ref"] for ref in schema["oneOf"])
        return {code for code, ref in mapping.items() if component_code(document, ref) == code}
    return {component_code(document, schema["$ref"])}


def component_code(document: dict[str, Any], ref: str) -> str:
    """The one value a problem component's ``code`` can take."""
    schemas = document["components"]["schemas"]
    extension = schemas[ref.rsplit("/", 1)[1]]["allOf"][1]
    assert "code" in extension["required"]
    code = extension["properties"]["code"]
    if "$ref" in code:
        # drf-spectacular's enum hook names every enum: NotOwnerProblemCodeEnum.
        code = schemas[code["$ref"].rsplit("/", 1)[1]]
    (value,) = code["enum"]
    return str(value)


def clients(authentication: str, users: dict[str, User]) -> list[Callable[[], Client]]:
    """Anonymous, wrong credentials, and each user, as this setup authenticates them."""
    if authentication == "token-only":

        def credentials(user: User) -> str:
            return f"Token {Token.objects.get_or_create(user=user)[0].key}"

        wrong = "Token 0123456789abcdef0123456789abcdef01234567"
    else:

        def credentials(user: User) -> str:
            return basic(user.username, f"{user.username}-password")

        wrong = basic("alice", "wrong-password")
    made: list[Callable[[], Client]] = [Client, lambda: Client(HTTP_AUTHORIZATION=wrong)]
    for user in users.values():
        made.append(lambda user=user: Client(HTTP_AUTHORIZATION=credentials(user)))
    if authentication == "session-first":
        for user in users.values():

            def session(user: User = user) -> Client:
                # Logged in by session, without the CSRF token an unsafe request needs.
                client = Client(enforce_csrf_checks=True)
                client.force_login(user)
                return client

            made.append(session)
    return made


@pytest.mark.django_db
@pytest.mark.parametrize("composition", COMPOSITIONS)
@pytest.mark.parametrize("authentication", AUTHENTICATION)
def test_schema_statuses_are_what_requests_get(
    users: dict[str, User], authentication: str, composition: str
) -> None:
    listed = documented(authentication, composition)
    post = Post.objects.create(owner=users["alice"], title="Owned by alice")
    urls = [f"{PREFIX}/{authentication}/{composition}/{pk}/" for pk in (post.pk, 999999)]
    observed: dict[str, set[int]] = {method: set() for method in METHODS}
    forbidden: dict[str, set[str]] = {method: set() for method in METHODS}
    for method in METHODS:
        for client in clients(authentication, users):
            for url in urls:
                send: Any = getattr(client(), method)
                response = send(url, {"title": "Changed"}, content_type="application/json")
                observed[method].add(response.status_code)
                if response.status_code == 403:
                    forbidden[method].add(response.json()["code"])
    for method in METHODS:
        # Every status a request got is documented...
        assert observed[method] <= set(listed[method]), (method, observed[method])
        # ...and every documented refusal is one a request got.
        missing = (set(listed[method]) & REFUSALS) - observed[method]
        assert not missing, (method, missing)
        # The same for the codes of a 403: each rule's, the CSRF check's, none other.
        assert forbidden[method] == listed[method].get(403, set()), method


@pytest.mark.django_db
def test_a_permission_of_your_own_documents_its_code() -> None:
    """IsEditor (``tests/testapp/permission_views.py``) declares its code and problem type, and
    nothing else: the 403 of a write it guards is its component, with its meaning."""
    module = types.ModuleType("urlconf_of_an_editors_post")
    module.urlpatterns = [path("posts/<int:pk>/", EditorPostDetail.as_view())]  # type: ignore[attr-defined]
    document = SchemaGenerator(urlconf=module).get_schema(request=None, public=True)
    operations = document["paths"]["/posts/{id}/"]
    assert "403" not in operations["get"]["responses"]
    for method in ("put", "patch"):
        forbidden = operations[method]["responses"]["403"]
        schema = forbidden["content"]["application/problem+json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/NotEditorProblem"}
        assert forbidden_codes(document, forbidden) == {"not_editor"}
    component = document["components"]["schemas"]["NotEditorProblem"]
    assert component["description"] == IsEditor.meaning
