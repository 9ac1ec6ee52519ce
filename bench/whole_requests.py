"""``make bench``'s whole requests: the demo through its middleware and URLs, and retried keyed
writes, each against its baseline."""

from __future__ import annotations

import io
import json
import time
from collections.abc import Callable
from typing import Any

from bench.measure import Once, Row, query_count, rows_for, sql_statements, timed


def demo_requests(rounds: int, number: int) -> list[Row]:
    """The demo's full requests against the same demo under DRF's defaults, with their SQL.

    Through the middleware and URL resolution with the test client. The baseline sends the same
    request to the demo's articles as DRF's defaults serve them (``DrfDefaultArticleViewSet``:
    DRF's handler, no ConditionalUpdateMixin, the same permissions and middleware). DRF knows no
    preconditions: what is our 304 is its 200, and what is our 412 is its write.
    """
    from django.contrib.auth import get_user_model
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from demo_project.articles.models import Article

    alice = get_user_model().objects.get(username="alice")
    ours_pk = Article.objects.create(owner=alice, title="Ours", published=True).pk
    drf_pk = Article.objects.create(owner=alice, title="DRF's", published=True).pk
    token = Client(HTTP_AUTHORIZATION=f"Token {Token.objects.get(user=alice).key}")
    anonymous = Client()
    state = {"etag": anonymous.get(f"/api/articles/{ours_pk}/")["ETag"]}

    def request(client: Client, method: str, path: str, body: Any = None, **headers: str) -> Once:
        send = getattr(client, method)

        def once() -> tuple[int, int]:
            extra = {name: value.format(**state) for name, value in headers.items()}
            data = {} if body is None else {"data": body, "content_type": "application/json"}
            start = time.perf_counter_ns()
            response = send(path, headers=extra, **data)
            elapsed = time.perf_counter_ns() - start
            if method == "put" and response.status_code == 200 and "etag" in response.json():
                state["etag"] = response.json()["etag"] or state["etag"]
            return elapsed, response.status_code

        return once

    put = json.dumps({"title": "Benchmarked", "body": "x"})
    cases = [
        ("GET 200", "get", "{pk}", None, {}),
        ("GET If-None-Match (ours 304)", "get", "{pk}", None, {"If-None-Match": "{etag}"}),
        ("GET unknown id 404", "get", "0", None, {}),
        ("POST anonymous 401 (DRF 403)", "post", "", json.dumps({"title": "x"}), {}),
        ("POST invalid 400", "post", "", json.dumps({"title": ""}), {}),
        ("PATCH stale If-Match (ours 412)", "patch", "{pk}", put, {"If-Match": '"stale"'}),
        ("PUT (ours with If-Match)", "put", "{pk}", put, {"If-Match": "{etag}"}),
    ]
    rows: list[Row] = []
    for case, method, item, body, headers in cases:
        variants = {}
        for name, prefix, pk in (
            ("drf default", "drf", drf_pk),
            ("django-http-errors", "api", ours_pk),
        ):
            client = anonymous if "anonymous" in case else token
            path = f"/{prefix}/articles/" + (f"{item.format(pk=pk)}/" if item else "")
            sent = headers if name == "django-http-errors" else {}
            variants[name] = request(client, method, path, body, **sent)
        case_rows = rows_for(case, "drf default", variants, rounds, number)
        for row in case_rows:
            row.queries = sql_statements(variants[row.variant])
        rows += case_rows
    get_200, get_304 = rows[1], rows[3]
    rows.append(
        Row(
            "ours: 304 against our 200",
            "django-http-errors 304",
            "django-http-errors 200",
            get_304.median_us,
            round(get_304.median_us / get_200.median_us, 3),
            get_304.status,
            get_304.queries,
        )
    )
    return rows


def idempotency_cases(rounds: int, number: int) -> list[Row]:
    """A create with an Idempotency-Key against one without; a replay against its original.

    As the demo serves them: no request transaction (the write has its own), so the claim
    commits before the write begins. Each keyed create sends a new key; the replay resends
    one key whose answer is stored.
    """
    import uuid

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import RequestFactory
    from rest_framework.test import force_authenticate

    from demo_project.articles.views import ArticleViewSet

    call_command("seed_demo", stdout=io.StringIO())
    alice = get_user_model().objects.get(username="alice")
    factory = RequestFactory()
    create = ArticleViewSet.as_view({"post": "create"})
    body = json.dumps({"title": "Benchmarked", "body": "x"})

    def post(key: str | None = None) -> Callable[[], Any]:
        def make_request() -> Any:
            extra = {"HTTP_IDEMPOTENCY_KEY": key or f'"{uuid.uuid4()}"'} if key != "" else {}
            request = factory.post(
                "/api/articles/", data=body, content_type="application/json", **extra
            )
            force_authenticate(request, user=alice)
            return request

        return make_request

    replayed = '"replayed-by-the-benchmark"'
    create(post(replayed)()).render()
    variants = {
        "create without key": timed(create, post(""), floor=True),
        "create with Idempotency-Key": timed(create, post(), floor=True),
        "replay (same key, same content)": timed(create, post(replayed), floor=True),
    }
    rows = rows_for("POST one article", "create without key", variants, rounds, number)
    for row in rows:
        row.queries = query_count(variants[row.variant])
    keyed, replay = rows[1], rows[2]
    rows.append(
        Row(
            "replay vs its original",
            replay.variant,
            keyed.variant,
            replay.median_us,
            round(replay.median_us / keyed.median_us, 3),
            replay.status,
            replay.queries,
        )
    )
    return rows
