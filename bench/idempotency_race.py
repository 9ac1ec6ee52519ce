"""The same Idempotency-Key races against this library and drf-idempotency: who does work twice?

gunicorn (4 processes of 8 threads) serves both on one scratch PostgreSQL database:
``POST /keyed/articles/`` (the demo's create, ``IdempotencyMixin``) and ``POST
/peer/articles/`` (the same create under drf-idempotency's ``@idempotent()``, its defaults
but the lease). Keys are sent in the bare form, the
one drf-idempotency accepts. Four races for each:

- one key: 32 clients send the same create with one key at the same moment;
- lost answers: 8 clients x 20 creates; each first attempt's answer is lost (the connection
  dropped, or a client-side timeout), then the client retries with the same key until answered;
- another user: alice creates with a key, then bob sends the same key and content;
- slower than the lease: a create whose first attempt outlasts the lease (the search index is
  slow; both leases set to 1 second), retried after 1.5 seconds with the same key.

A duplicate is an article beyond the first for one create; a leak is an answer that gives
one user what another created.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import socket
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from bench.servers import SETTINGS, postgres_url
from demo_project.servers import gunicorn, scratch_database

RESULTS = Path(__file__).resolve().parent / "results"
ALICE = ("alice", "alice-password")
BOB = ("bob", "bob-password")
#: Each variant: the settings gunicorn serves it with, and the create's path.
VARIANTS = {
    "django-http-errors": (SETTINGS, "/keyed/articles/"),
    "drf-idempotency @idempotent": (SETTINGS, "/peer/articles/"),
    # The middleware handles every POST before DRF authenticates: it gets the demo's plain
    # ArticleViewSet create, without this library's mixin (see PlainCreateViewSet).
    "drf-idempotency middleware": (
        "bench.idempotency_middleware_settings",
        "/plain-create/articles/",
    ),
}


@dataclass
class Outcome:
    """What one library's clients saw, and what the database kept."""

    variant: str
    one_key_statuses: dict[int, int] = field(default_factory=dict)
    one_key_articles: int = 0
    lost_answer_creates: int = 0
    lost_answer_duplicates: int = 0
    cross_user_leaks: int = 0
    slow_lease_articles: int = 0
    server_errors: int = 0


def count(database_url: str, title_prefix: str) -> Counter[str]:
    """The articles whose title starts with ``title_prefix``, by title."""
    import psycopg

    url = database_url.replace("postgres://", "postgresql://", 1)
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT title FROM articles_article WHERE title LIKE %s", [title_prefix + "%"]
        ).fetchall()
    return Counter(title for (title,) in rows)


def one_key(base: str, path: str, clients: int, tag: str) -> tuple[Counter[int], str]:
    """``clients`` threads send one create with one key at the same moment."""
    key = str(uuid.uuid4())
    title = f"{tag} one key"
    statuses: Counter[int] = Counter()
    lock = threading.Lock()
    together = threading.Barrier(clients)

    def client() -> None:
        with httpx.Client(base_url=base, auth=ALICE, timeout=30) as http:
            together.wait()
            answer = http.post(path, json={"title": title}, headers={"Idempotency-Key": key})
            with lock:
                statuses[answer.status_code] += 1

    run_threads(client, clients)
    return statuses, title


def lose_answer(base: str, path: str, key: str, body: bytes) -> None:
    """Send the create and close the connection before reading the answer."""
    parts = urlsplit(base)
    credentials = httpx.BasicAuth(*ALICE)._auth_header
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nAuthorization: {credentials}\r\n"
        f"Idempotency-Key: {key}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 80)) as sock:
        sock.sendall(head.encode() + body)


def lost_answers(
    base: str, path: str, clients: int, creates: int, tag: str
) -> tuple[Counter[int], str]:
    """Each create's first answer is lost; the client retries with its key until answered."""
    statuses: Counter[int] = Counter()
    lock = threading.Lock()
    title = f"{tag} lost"

    def client(number: int) -> None:
        with httpx.Client(base_url=base, auth=ALICE, timeout=30) as http:
            for attempt in range(creates):
                key = str(uuid.uuid4())
                body = json.dumps({"title": f"{title} {number}.{attempt}"}).encode()
                headers = {"Idempotency-Key": key, "Content-Type": "application/json"}
                if attempt % 2:
                    lose_answer(base, path, key, body)
                else:
                    with contextlib.suppress(httpx.TimeoutException):
                        http.post(path, content=body, headers=headers, timeout=0.005)
                for _ in range(200):
                    answer = http.post(path, content=body, headers=headers)
                    with lock:
                        statuses[answer.status_code] += 1
                    if answer.status_code != 409:
                        break
                    time.sleep(0.02)

    run_threads(client, clients, numbered=True)
    return statuses, title


def cross_user(base: str, path: str, tag: str) -> tuple[int, Counter[int]]:
    """Alice creates with a key; bob sends the same key and content. A replay is a leak."""
    key = str(uuid.uuid4())
    content = {"title": f"{tag} cross"}
    statuses: Counter[int] = Counter()
    with httpx.Client(base_url=base, timeout=30) as http:
        alices = http.post(path, json=content, headers={"Idempotency-Key": key}, auth=ALICE)
        bobs = http.post(path, json=content, headers={"Idempotency-Key": key}, auth=BOB)
    statuses.update([alices.status_code, bobs.status_code])
    leaked = bobs.is_success and bobs.headers.get("Location") == alices.headers.get("Location")
    return int(leaked), statuses


@contextlib.contextmanager
def slow_search_index(seconds: float) -> Iterator[str]:
    """A search index that answers after ``seconds``; yields its URL."""

    class Slow(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            time.sleep(seconds)
            self.send_response(200)
            self.end_headers()

        def do_DELETE(self) -> None:
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


def slower_than_the_lease(base: str, path: str, tag: str) -> tuple[str, Counter[int]]:
    """A publish-like create that outlasts the 1-second lease, retried after 1.5 seconds.

    The slow part is the view's own: gunicorn's environment names a slow search index, which
    ``slow_upstream`` (bench.views) calls before the write.
    """
    key = str(uuid.uuid4())
    title = f"{tag} slow"
    statuses: Counter[int] = Counter()
    lock = threading.Lock()

    def send(delay: float) -> None:
        time.sleep(delay)
        with httpx.Client(base_url=base, auth=ALICE, timeout=30) as http:
            answer = http.post(
                path + "?slow=1", json={"title": title}, headers={"Idempotency-Key": key}
            )
            with lock:
                statuses[answer.status_code] += 1

    threads = [threading.Thread(target=send, args=(delay,)) for delay in (0, 1.5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return title, statuses


def run_threads(target: Callable[..., None], clients: int, *, numbered: bool = False) -> None:
    """Run ``target`` in ``clients`` threads and wait for all; a client's error is raised."""
    errors: list[BaseException] = []

    def guarded(*args: int) -> None:
        try:
            target(*args)
        except BaseException as exc:
            errors.append(exc)

    threads = [
        threading.Thread(target=guarded, args=(n,) if numbered else ()) for n in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def run(database_url: str, clients: int, lost_clients: int, creates: int) -> list[Outcome]:
    """Every race against each variant, on a gunicorn of its settings."""
    outcomes = []
    with (
        scratch_database(
            database_url, "django_http_errors_idempotency_race", settings=SETTINGS
        ) as url,
        slow_search_index(2.5) as index,
    ):
        for variant, (settings, path) in VARIANTS.items():
            with gunicorn(
                url,
                *("--workers", "4", "--threads", "8", "--timeout", "60"),
                settings=settings,
                SEARCH_INDEX_URL=index,
                BENCH_IDEMPOTENCY_LEASE="1",
            ) as base:
                outcomes.append(race(base, url, variant, path, clients, lost_clients, creates))
    return outcomes


def race(
    base: str, url: str, variant: str, path: str, clients: int, lost_clients: int, creates: int
) -> Outcome:
    """The four races against one variant."""
    outcome = Outcome(variant)
    tag = f"[{variant}]"
    statuses, title = one_key(base, path, clients, tag)
    outcome.one_key_statuses = dict(sorted(statuses.items()))
    outcome.one_key_articles = count(url, title)[title]
    lost_statuses, lost_title = lost_answers(base, path, lost_clients, creates, tag)
    made = count(url, lost_title)
    outcome.lost_answer_creates = lost_clients * creates
    outcome.lost_answer_duplicates = sum(made.values()) - len(made)
    leaks, cross_statuses = cross_user(base, path, tag)
    outcome.cross_user_leaks = leaks
    slow_title, slow_statuses = slower_than_the_lease(base, path, tag)
    outcome.slow_lease_articles = count(url, slow_title)[slow_title]
    every = statuses + lost_statuses + cross_statuses + slow_statuses
    outcome.server_errors = sum(n for status, n in every.items() if status >= 500)
    return outcome


def print_table(outcomes: list[Outcome]) -> None:
    """The outcomes, one line each."""
    print(
        f"{'variant':28} {'one key: statuses':28} {'articles':>8} {'lost-answer dup.':>17} "
        f"{'cross-user leaks':>16} {'slow > lease':>12} {'5xx':>5}"
    )
    for o in outcomes:
        print(
            f"{o.variant:28} {json.dumps(o.one_key_statuses):28} {o.one_key_articles:>8} "
            f"{f'{o.lost_answer_duplicates} of {o.lost_answer_creates}':>17} "
            f"{o.cross_user_leaks:>16} {o.slow_lease_articles:>12} {o.server_errors:>5}"
        )


def main(argv: list[str] | None = None) -> int:
    """Run the races; print and write the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--lost-clients", type=int, default=8)
    parser.add_argument("--creates", type=int, default=20, help="creates per lost-answer client")
    parser.add_argument("--output", type=Path, default=RESULTS / "idempotency_race.json")
    args = parser.parse_args(argv)
    outcomes = run(postgres_url("idempotency race"), args.clients, args.lost_clients, args.creates)
    print_table(outcomes)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps([asdict(o) for o in outcomes], indent=2) + "\n")
    ours = outcomes[0]
    ok = (
        ours.one_key_articles == 1
        and ours.lost_answer_duplicates == 0
        and ours.cross_user_leaks == 0
        and ours.slow_lease_articles == 1
        and ours.server_errors == 0
    )
    print("\nlibrary: once, no leak, no 5xx" if ok else "\nlibrary: FAILED the guarantee")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
