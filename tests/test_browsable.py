"""BrowsableAPIRenderer: the page names the ETag of the representation it shows, for its forms.

What the page's script does with it in a browser is proven by tests/test_demo_browser.py.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from rest_framework.renderers import JSONRenderer
from rest_framework.routers import SimpleRouter

from django_http_errors.browsable import BrowsableAPIRenderer
from tests.conftest import etag_of, write
from tests.testapp.conditional_views import PostViewSet
from tests.testapp.models import Post

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

HTML = {"Accept": "text/html"}


class BrowsedPostViewSet(PostViewSet):
    """The test app's conditional posts, browsable with the library's renderer."""

    renderer_classes = [JSONRenderer, BrowsableAPIRenderer]


router = SimpleRouter()
router.register("posts", BrowsedPostViewSet, basename="browsed-post")
urlpatterns = router.urls


def shown(response: Any) -> dict[str, Any]:
    """What the page tells its script: the JSON of its ``django-http-errors-if-match`` element."""
    assert response["Content-Type"].startswith("text/html")
    found = re.search(
        r'<script id="django-http-errors-if-match" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.DOTALL,
    )
    assert found is not None
    value: dict[str, Any] = json.loads(found.group(1))
    return value


def test_a_page_names_its_own_etag_for_the_writes_to_its_url(alices_post: Post) -> None:
    response = Client().get(f"/posts/{alices_post.pk}/", headers=HTML)
    assert response.status_code == 200
    assert shown(response) == {
        "header": "If-Match",
        "etag": response["ETag"],
        "methods": ["DELETE", "PATCH", "PUT"],
        "url": f"/posts/{alices_post.pk}/",
    }


def test_a_page_in_another_language_names_that_pages_etag(alices_post: Post) -> None:
    response = Client().get(f"/posts/{alices_post.pk}/", headers={**HTML, "Accept-Language": "de"})
    assert response["Content-Language"] == "de"
    assert shown(response)["etag"] == response["ETag"]
    assert response["ETag"].endswith('-api-de"')


def test_after_a_put_the_page_names_the_stored_states_etag(
    client_as: Callable[[str], Client], alices_post: Post
) -> None:
    alice = client_as("alice")
    page = alice.get(f"/posts/{alices_post.pk}/", headers=HTML)
    put = write(
        alice,
        "PUT",
        f"/posts/{alices_post.pk}/",
        {"title": "New", "body": ""},
        **{**HTML, "If-Match": page["ETag"]},
    )
    assert put.status_code == 200, put.content
    # A PUT answers no ETag (RFC 9110 §9.3.4), but its page shows the stored state.
    assert "ETag" not in put
    alices_post.refresh_from_db()
    assert alices_post.version == 2
    assert shown(put)["etag"] == alice.get(f"/posts/{alices_post.pk}/", headers=HTML)["ETag"]
    assert shown(put)["etag"] != page["ETag"]


def test_a_problem_page_names_no_etag(
    client_as: Callable[[str], Client], alices_post: Post
) -> None:
    stale = etag_of(alices_post).replace(f".{alices_post.version}", ".0")
    refused = write(
        client_as("alice"),
        "PATCH",
        f"/posts/{alices_post.pk}/",
        {"body": "x"},
        **{**HTML, "If-Match": stale},
    )
    assert refused.status_code == 412
    # The person reloads to see the state that won before writing over it.
    assert shown(refused)["etag"] is None


def test_a_created_resources_etag_is_not_the_pages(
    client_as: Callable[[str], Client], alices_post: Post
) -> None:
    created = write(client_as("alice"), "POST", "/posts/", {"title": "New", "body": ""}, **HTML)
    assert created.status_code == 201, created.content
    assert created["ETag"]  # the created post's, at its Location
    assert shown(created)["etag"] is None


def test_a_list_page_names_no_etag(alices_post: Post) -> None:
    response = Client().get("/posts/", headers=HTML)
    assert response["ETag"].startswith("W/")
    assert shown(response)["etag"] is None
