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
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import django

RESULTS = Path(__file__).resolve().parent / "results"


@dataclass
class Row:
    """One variant of one case."""

    case: str
    variant: str
    baseline: str
    median_us: float
    ratio: float = 1.0
    status: int | None = None
    queries: int | None = None
    peak_kib: float | None = None
    notes: list[str] = field(default_factory=list)


Once = Callable[[], tuple[int, int]]  # runs one request; returns (elapsed ns, status)


def measure(variants: dict[str, Once], rounds: int, number: int) -> dict[str, tuple[float, int]]:
    """Median per-call microseconds and last status of each variant, interleaved by round."""
    samples: dict[str, list[int]] = {name: [] for name in variants}
    statuses: dict[str, int] = {}
    for once in variants.values():  # warm-up: imports, caches, the first query
        once()
    for _ in range(rounds):
        for name, once in variants.items():
            for _ in range(number):
                elapsed, status = once()
                samples[name].append(elapsed)
                statuses[name] = status
    return {name: (statistics.median(s) / 1000, statuses[name]) for name, s in samples.items()}


def rows_for(
    case: str, baseline: str, variants: dict[str, Once], rounds: int, number: int
) -> list[Row]:
    """Measure the variants of a case and express each against the baseline."""
    results = measure(variants, rounds, number)
    base = results[baseline][0]
    return [
        Row(case, name, baseline, round(us, 2), round(us / base, 3), status)
        for name, (us, status) in results.items()
    ]


def timed(view: Callable[..., Any], make_request: Callable[[], Any], **kwargs: Any) -> Once:
    """One call of ``view`` on a fresh request, with its response rendered."""

    def once() -> tuple[int, int]:
        request = make_request()
        start = time.perf_counter_ns()
        response = view(request, **kwargs)
        if hasattr(response, "render"):
            response.render()
        return time.perf_counter_ns() - start, response.status_code

    return once


def query_count(once: Once) -> int:
    """How many SQL statements one call reads or writes, transaction control left out."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        once()
    control = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")
    return sum(not q["sql"].lstrip().upper().startswith(control) for q in captured.captured_queries)


def peak_kib(once: Once) -> float:
    """Peak memory allocated during one call, in KiB."""
    tracemalloc.start()
    try:
        once()
        return tracemalloc.get_traced_memory()[1] / 1024
    finally:
        tracemalloc.stop()


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


def sql_statements(once: Once) -> int:
    """Every statement SQLite runs for one call: BEGIN, COMMIT and SAVEPOINT included."""
    from django.db import connection

    connection.ensure_connection()
    seen: list[str] = []
    connection.connection.set_trace_callback(seen.append)
    try:
        once()
    finally:
        connection.connection.set_trace_callback(None)
    return len(seen)


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


def print_table(rows: list[Row]) -> None:
    """The results as a fixed-width table."""
    header = (
        f"{'case':34} {'variant':38} {'median µs':>10} {'ratio':>7} {'status':>6} {'SQL':>4} "
        f"{'peak KiB':>9}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        print(
            f"{row.case:34} {row.variant:38} {row.median_us:10.1f} {row.ratio:7.3f} "
            f"{row.status or '':>6} {'' if row.queries is None else row.queries:>4} "
            f"{'' if row.peak_kib is None else f'{row.peak_kib:.0f}':>9}"
        )


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
