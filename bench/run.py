"""``make bench``: every case against its baseline, interleaved in one run; prints ratios.

Each case runs its variants in turn, round after round, so drift in the machine's speed hits all
of them alike; a figure is the median of the per-call times of a variant. Views are called
directly with a request from ``RequestFactory`` and their response rendered: that is the work a
library adds, without the WSGI server and middleware that are the same for every variant.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import django

from bench.measure import (
    Once,
    Row,
    peak_kib,
    print_table,
    query_count,
    rows_for,
    timed,
)
from bench.whole_requests import demo_requests, idempotency_cases

RESULTS = Path(__file__).resolve().parent / "results"


def error_cases(rounds: int, number: int) -> list[Row]:
    """400 with ten field errors, 404 and 401 through each handler; a bare view as floor.

    Twice: the view alone (what the handler adds), and a full request through the demo's
    middleware and URL resolution with the test client (what a client waits for).
    """
    from django.test import Client, RequestFactory

    from bench import views

    factory = RequestFactory()
    client = Client()

    def post_empty() -> Any:
        return factory.post("/bench/", data=b"{}", content_type="application/json")

    def get() -> Any:
        return factory.get("/bench/", HTTP_ACCEPT="application/json")

    def full(status: str, index: int | str) -> Once:
        path = f"/bench/{index}/{status}/" if index != "floor" else "/bench/floor/"

        def once() -> tuple[int, int]:
            start = time.perf_counter_ns()
            if status == "400" and index != "floor":
                response = client.post(path, data=b"{}", content_type="application/json")
            else:
                response = client.get(path, HTTP_ACCEPT="application/json")
            return time.perf_counter_ns() - start, response.status_code

        return once

    rows: list[Row] = []
    cases = [
        ("400 (10 field errors)", "400", post_empty),
        ("404", "404", get),
        ("401 (DRF: 403)", "401", get),
    ]
    for case, status, make_request in cases:
        view = views.ERROR_VIEWS[status]
        variants = {
            name: timed(views.with_handler(view, handler), make_request)
            for name, handler in views.handlers().items()
        }
        variants["bare Django view (floor)"] = timed(views.floor, get)
        rows += rows_for(f"{case}, view", "drf default", variants, rounds, number)
        variants = {name: full(status, i) for i, name in enumerate(views.handlers())}
        variants["bare Django view (floor)"] = full(status, "floor")
        rows += rows_for(f"{case}, full request", "drf default", variants, rounds, number)
    return rows


def nested_error_cases(rounds: int) -> list[Row]:
    """1,000 and 10,000 nested validation errors in one request: time and peak memory."""
    from django.test import RequestFactory

    from bench import views

    factory = RequestFactory()
    rows: list[Row] = []
    for size in (1_000, 10_000):
        body = json.dumps({"items": [{"name": ""}] * size}).encode()

        def make_request(body: bytes = body) -> Any:
            return factory.post("/bench/", data=body, content_type="application/json")

        variants = {
            name: timed(views.with_handler(views.NestedValidationView, handler), make_request)
            for name, handler in views.handlers().items()
        }
        case_rows = rows_for(f"400 with {size:,} nested errors", "drf default", variants, rounds, 1)
        for row in case_rows:
            row.peak_kib = round(peak_kib(variants[row.variant]), 1)
        rows += case_rows
    return rows


def conditional_cases(rounds: int, number: int) -> list[Row]:
    """304 against a full 200 GET and against drf-extensions; conditional PUT against peers."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import RequestFactory
    from rest_framework.test import force_authenticate

    from bench import views
    from bench.models import LockedArticle
    from demo_project.articles.models import Article
    from demo_project.articles.views import ArticleViewSet

    call_command("seed_demo", stdout=io.StringIO())
    alice = get_user_model().objects.get(username="alice")
    article = Article.objects.get(title="Hello from alice")
    pk = article.pk
    factory = RequestFactory()

    def get(**headers: str) -> Callable[[], Any]:
        return lambda: factory.get(
            f"/api/articles/{pk}/", HTTP_ACCEPT="application/json", **headers
        )

    ours_get = ArticleViewSet.as_view({"get": "retrieve"})
    ext_get = views.ExtensionsArticleViewSet.as_view({"get": "retrieve"})
    etag = ours_get(get()(), pk=pk).render()["ETag"]
    ext_etag = ext_get(get()(), pk=pk).render()["ETag"]
    variants = {
        "200 full GET": timed(ours_get, get(), pk=pk),
        "304 (django-http-errors)": timed(ours_get, get(HTTP_IF_NONE_MATCH=etag), pk=pk),
        "304 (drf-extensions)": timed(ext_get, get(HTTP_IF_NONE_MATCH=ext_etag), pk=pk),
    }
    rows = rows_for("GET one article", "200 full GET", variants, rounds, number)
    for row in rows:
        row.queries = query_count(variants[row.variant])

    # PUT: each call sends the validator the previous answer gave, so every write succeeds.
    # Each variant writes its own row, so that none makes another's validator stale.
    ours_put = ArticleViewSet.as_view({"put": "update"})
    plain_put = views.PlainArticleViewSet.as_view({"put": "update"})
    locked_put = views.LockedArticleViewSet.as_view({"put": "update"})
    plain_pk = Article.objects.create(owner=alice, title="Plain", published=True).pk
    locked = LockedArticle.objects.create(title="Locked", body="")
    state = {"etag": etag, "locked_version": locked.version}
    body = json.dumps({"title": "Benchmarked", "body": "x"})

    def ours_once() -> tuple[int, int]:
        request = factory.put(
            f"/api/articles/{pk}/",
            data=body,
            content_type="application/json",
            HTTP_IF_MATCH=state["etag"],
        )
        force_authenticate(request, user=alice)
        start = time.perf_counter_ns()
        response = ours_put(request, pk=pk)
        response.render()
        elapsed = time.perf_counter_ns() - start
        state["etag"] = response.data["etag"]
        return elapsed, response.status_code

    def locked_once() -> tuple[int, int]:
        request = factory.put(
            f"/locked/{locked.pk}/",
            data=json.dumps(
                {"title": "Benchmarked", "body": "x", "version": state["locked_version"]}
            ),
            content_type="application/json",
        )
        start = time.perf_counter_ns()
        response = locked_put(request, pk=locked.pk)
        response.render()
        elapsed = time.perf_counter_ns() - start
        state["locked_version"] = response.data["version"]
        return elapsed, response.status_code

    def plain_request() -> Any:
        request = factory.put(
            f"/api/articles/{plain_pk}/", data=body, content_type="application/json"
        )
        force_authenticate(request, user=alice)
        return request

    variants = {
        "plain DRF PUT": timed(plain_put, plain_request, pk=plain_pk),
        "conditional PUT (django-http-errors)": ours_once,
        "django-concurrency PUT": locked_once,
    }
    put_rows = rows_for("PUT one article", "plain DRF PUT", variants, rounds, number)
    for row in put_rows:
        row.queries = query_count(variants[row.variant])
    return rows + put_rows


def main(argv: list[str] | None = None) -> int:
    """Run the in-process benchmarks; print the table and write it as JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--number", type=int, default=200, help="calls per variant per round")
    parser.add_argument("--output", type=Path, default=RESULTS / "micro.json")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()
    from django.db import connection
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases

    setup_test_environment()
    databases = setup_databases(verbosity=0, interactive=False)
    try:
        rows = error_cases(args.rounds, args.number)
        rows += nested_error_cases(args.rounds)
        rows += conditional_cases(args.rounds, args.number)
        rows += demo_requests(args.rounds, args.number)
        rows += idempotency_cases(args.rounds, args.number)
    finally:
        teardown_databases(databases, verbosity=0)
    print_table(rows)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "machine": {
            "python": platform.python_version(),
            "django": django.get_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "database": connection.vendor,
        },
        "rows": [asdict(row) for row in rows],
    }
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nwritten: {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
