"""Dates across app servers whose clocks differ, and dates other than Last-Modified.

gunicorn servers of the demo share one database: A, and B with its clock half a second
behind or ahead (libfaketime, from Debian's packages), started once for the module. A client
keeps a date the servers gave it (the ``Last-Modified`` of one, the ``Date`` of an answer, the
``updated_at`` of the body), another client changes the article through the other server, and
the first sends the date back as ``If-Modified-Since`` and as the only precondition of a PUT: no
stale 304, no lost update.
Each test runs its 20 rounds at once, one article each.
"""

from __future__ import annotations

import email.utils
import math
import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from demo_project.servers import started
from django_http_errors.conditional.dates import validator_second
from django_http_errors.conf import get_settings
from tests import plain_http
from tests.test_demo_concurrency import SETTINGS, alice_token, servers_database

ROUNDS = 20
LIBFAKETIME = sorted(str(p) for p in Path("/usr/lib").glob("*/faketime/libfaketimeMT.so.1"))

pytestmark = [pytest.mark.slow, pytest.mark.timed, pytest.mark.django_db(transaction=True)]


database_url = servers_database("clocks")


@pytest.fixture(scope="module")
def servers(database_url: str) -> Iterator[dict[float, str]]:
    """gunicorn servers on one database, by how far their clock is from the test's: A (0), and
    B half a second behind (-0.5) or ahead (+0.5). One set for the module: each round makes an
    article of its own."""
    # A constant offset: the monotonic clock moves by it too, which no timer minds.
    assert LIBFAKETIME, "CI installs libfaketime: .ci/run"
    with ExitStack() as stack:
        # All three started, then waited for: they boot together.
        starting = {}
        for offset in (0.0, -0.5, 0.5):
            shifted = {"LD_PRELOAD": LIBFAKETIME[0], "FAKETIME": f"{offset:+}"} if offset else {}
            starting[offset] = stack.enter_context(
                started(
                    "gunicorn",
                    database_url,
                    "--workers",
                    "2",
                    "--preload",
                    settings=SETTINGS,
                    **shifted,
                )
            )
        # On exit, all are told to stop before any is waited for.
        for one in starting.values():
            stack.callback(one.process.terminate)
        yield {offset: one.ready() for offset, one in starting.items()}


@pytest.fixture
def auth(database_url: str) -> dict[str, str]:
    """alice's credentials."""
    return {"Authorization": f"Token {alice_token(database_url)}"}


def in_parallel(rounds: Callable[[int], None]) -> None:
    """Run ``rounds(n)`` for every round at once; raise the first failure."""
    errors: list[BaseException] = []

    def run(number: int) -> None:
        try:
            rounds(number)
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(ROUNDS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def create(http: httpx.Client, title: str) -> tuple[str, float]:
    """A new article's path, and the date its Last-Modified names: before that date the
    servers send none (``validator_second``; server A's clock is the test's)."""
    created = http.post("/api/articles/", json={"title": title, "body": "first"})
    assert created.status_code == 201, created.text
    changed_at = datetime.fromisoformat(created.json()["updated_at"].replace("Z", "+00:00"))
    sent_from = validator_second(changed_at.timestamp(), clock_skew=get_settings().CLOCK_SKEW)
    return urlsplit(created.headers["Location"]).path, sent_from


@pytest.mark.skipif(
    not LIBFAKETIME and not os.environ.get("CI"),
    reason="libfaketime is not installed (apt-get install libfaketime; .ci/run installs it)",
)
@pytest.mark.parametrize("offset", [-0.5, 0.5], ids=["B behind", "B ahead"])
def test_two_servers_half_a_second_apart_give_no_stale_304_and_lose_no_update(
    servers: dict[float, str], auth: dict[str, str], offset: float
) -> None:
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()
    a_url, b_url = servers[0.0], servers[offset]

    def round_(number: int) -> None:
        with (
            plain_http.client(base_url=a_url, headers=auth, timeout=30) as a,
            plain_http.client(base_url=b_url, headers=auth, timeout=30) as b,
        ):
            path, sent_from = create(a, f"round {number}")
            # The first Last-Modified server A gives for the new article: asked for once its
            # date has come, not twenty times a round.
            time.sleep(max(0.0, sent_from - time.time()))
            deadline = time.monotonic() + 15
            while "Last-Modified" not in (read := a.get(path)).headers:
                assert time.monotonic() < deadline, "no Last-Modified within 15 s"
                time.sleep(0.05)
            since = read.headers["Last-Modified"]
            # Another client changes it through B, whose clock differs.
            changed = b.patch(
                path,
                json={"body": "changed through B"},
                headers={"If-Match": read.headers["ETag"]},
            )
            assert changed.status_code == 200, changed.text
            stale, lost = stale_or_lost(a, path, since)
            with lock:
                outcomes["stale 304"] += stale
                outcomes["lost update"] += lost
                outcomes["rounds"] += 1
            assert a.get(path).json()["body"] == "changed through B"

    in_parallel(round_)
    assert outcomes == Counter({"rounds": ROUNDS})


def stale_or_lost(http: httpx.Client, path: str, date: str) -> tuple[bool, bool]:
    """After a change made within ``date``'s second: whether a GET with ``If-Modified-Since``
    is a stale 304, and whether a PUT with ``If-Unmodified-Since`` overwrites the change."""
    cached = http.get(path, headers={"If-Modified-Since": date})
    overwrite = http.put(
        path,
        json={"title": "overwrite", "body": "lost?"},
        headers={"If-Unmodified-Since": date},
    )
    return cached.status_code == 304, overwrite.status_code == 200


def test_dates_from_date_and_from_the_body_lose_no_change_made_in_their_second(
    servers: dict[float, str], auth: dict[str, str]
) -> None:
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()
    a_url = servers[0.0]
    with plain_http.client(base_url=a_url, headers=auth, timeout=30) as http:
        paths = [create(http, f"round {n}")[0] for n in range(ROUNDS)]
    # Every round starts just after the same second begins, so that its change falls in
    # the second its dates name: the first that leaves half a second to start the threads.
    start = float(math.ceil(time.time() + 0.5))

    def round_(number: int) -> None:
        path = paths[number]
        with plain_http.client(base_url=a_url, headers=auth, timeout=30) as http:
            time.sleep(max(0.0, start - time.time()))
            read = http.get(path)
            changed = http.patch(
                path,
                json={"body": f"changed in round {number}"},
                headers={"If-Match": read.headers["ETag"]},
            )
            assert changed.status_code == 200, changed.text
            updated_at = datetime.fromisoformat(
                read.json()["updated_at"].replace("Z", "+00:00")
            ).timestamp()
            dates = {
                "Date": read.headers["Date"],
                "updated_at": email.utils.formatdate(int(updated_at), usegmt=True),
            }
            for source, date in dates.items():
                stale, lost = stale_or_lost(http, path, date)
                with lock:
                    outcomes[f"stale 304 from {source}"] += stale
                    outcomes[f"lost update from {source}"] += lost
                    outcomes["same second"] += source == "Date" and changed.headers["Date"] == date
            with lock:
                outcomes["rounds"] += 1
            assert http.get(path).json()["body"] == f"changed in round {number}"

    in_parallel(round_)
    same_second = outcomes.pop("same second", 0)
    assert outcomes == Counter({"rounds": ROUNDS})
    # Rounds really changed the article in the second their Date names (a loaded machine may
    # push some into the next second; those prove nothing, and these are enough).
    assert same_second >= 3
