"""The schema's 401, 403 and 404 are the ones real requests get, whatever the composition.

For each authentication setup and permission composition (``tests/testapp/schema_views.py``),
real users send real requests: every status they get is documented, and every documented 401,
403 and 404 is one of them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token

from tests.conftest import basic
from tests.testapp.models import Post
from tests.testapp.schema_views import AUTHENTICATION, COMPOSITIONS

PREFIX = "/test/schema"
METHODS = ("get", "put", "patch")
#: Statuses that permissions and authentication decide.
REFUSALS = {401, 403, 404}


def documented(authentication: str, composition: str) -> dict[str, set[int]]:
    """The statuses the schema lists for each method of one view."""
    document = SchemaGenerator(urlconf="tests.testapp.schema_views").get_schema(
        request=None, public=True
    )
    operations = document["paths"][f"/{authentication}/{composition}/{{id}}/"]
    return {method: {int(code) for code in operations[method]["responses"]} for method in METHODS}


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
    for method in METHODS:
        for client in clients(authentication, users):
            for url in urls:
                send: Any = getattr(client(), method)
                response = send(url, {"title": "Changed"}, content_type="application/json")
                observed[method].add(response.status_code)
    for method in METHODS:
        # Every status a request got is documented...
        assert observed[method] <= listed[method], (method, observed[method] - listed[method])
        # ...and every documented refusal is one a request got.
        missing = (listed[method] & REFUSALS) - observed[method]
        assert not missing, (method, missing)
