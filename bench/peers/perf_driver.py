"""Runs inside a demo project's own venv: times each request type through the WSGI app in-process.

No network and no server: the figure is what the project itself spends per request (Django, DRF,
the library, the database). Prints one JSON object:
{op: {"us": median µs, "cpu_us": median CPU µs, "queries": n, ...}}.
usage: python perf_driver.py ROUNDS   (cwd = the project; DATABASE_URL set by the caller)

The caller chooses the database with DATABASE_URL: a SQLite file (migrated here), or a
PostgreSQL server, on which a database named PERF_DATABASE_NAME is created, migrated and dropped
with Django's documented ``create_test_db`` / ``destroy_test_db``. PERF_CONN_MAX_AGE, when set,
gives every side the same connection settings whatever its own say: ``none`` (persistent),
or seconds, checked before reuse; on SQLite the database file is then put in WAL mode as well.
Unset, each project runs with its settings as shipped. PERF_PROFILE=OP[,OP...] profiles those
request types' timed rounds with cProfile and prints their top frames on stderr, sorted by
PERF_PROFILE_SORT (cumulative unless set), and with PERF_PROFILE_DUMP=PREFIX writes each to
PREFIX.OP.prof for ``pstats``. PERF_WITHOUT_MIDDLEWARE=NAME[,NAME...] leaves those
middleware classes (by class name) out of the project's settings. PERF_LAYERS=1 adds to each
request type the mean µs per request spent inside Django's ``get_response`` and inside the view's
``dispatch``, ``initial``, ``handle_exception`` and ``finalize_response`` (the outermost call of
each, the view's own overrides included). PERF_STEPS=1 adds the mean µs per request spent in
each step (``time_steps``), less the steps it calls: comparable from one project to another.
PERF_OPS=OP[,OP...] runs those request types alone (``instructions.py`` passes it on).
"""

from __future__ import annotations

import cProfile
import gc
import io
import json
import operator
import os
import pstats
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path.cwd()))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "demo_project.settings")

import django
from django.conf import settings


def same_connection_settings(value: str) -> None:
    """Every database alias keeps its connections as PERF_CONN_MAX_AGE says."""
    age = None if value == "none" else int(value)
    for config in settings.DATABASES.values():
        config["CONN_MAX_AGE"] = age
        # A connection kept for reuse is checked first, as docs/deployment.md advises; SQLite's
        # file cannot go away under it, so no check is needed there.
        config["CONN_HEALTH_CHECKS"] = age != 0 and "sqlite" not in config["ENGINE"]


if os.environ.get("PERF_CONN_MAX_AGE"):
    same_connection_settings(os.environ["PERF_CONN_MAX_AGE"])
if os.environ.get("PERF_WITHOUT_MIDDLEWARE"):
    left_out = set(os.environ["PERF_WITHOUT_MIDDLEWARE"].split(","))
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m.rsplit(".", 1)[-1] not in left_out]
if os.environ.get("PERF_DATABASE_NAME"):
    settings.DATABASES["default"]["TEST"] = {"NAME": os.environ["PERF_DATABASE_NAME"]}
if os.environ.get("PERF_INSTRUCTIONS"):
    # Under callgrind, the seeding's password hashes (hundreds of thousands of PBKDF2 rounds
    # each) took most of a run's minutes; no request timed here checks a password.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

django.setup()
from django.apps import apps  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from demo_project.wsgi import application  # noqa: E402


def call(
    method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    """One request through the WSGI application; its status, headers and body."""
    data = json.dumps(body).encode() if body is not None else b""
    env = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path.split("?")[0],
        "QUERY_STRING": path.split("?")[1] if "?" in path else "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(data),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "CONTENT_LENGTH": str(len(data)),
        "HTTP_ACCEPT": "application/json",
        "REMOTE_ADDR": "127.0.0.1",
    }
    if body is not None:
        env["CONTENT_TYPE"] = "application/json"
    for k, v in (headers or {}).items():
        env["HTTP_" + k.upper().replace("-", "_")] = v
    out: dict[str, Any] = {}

    def start_response(status: str, hdrs: list[tuple[str, str]], exc_info: Any = None) -> None:
        out["status"] = int(status.split()[0])
        out["headers"] = {k.lower(): v for k, v in hdrs}

    chunks = application(env, start_response)
    payload = b"".join(chunks)
    if hasattr(chunks, "close"):
        chunks.close()
    return out["status"], out["headers"], payload


#: The steps PERF_LAYERS times: Django's handler, and the view's methods, outermost call only.
VIEW_LAYERS = ("dispatch", "initial", "handle_exception", "finalize_response")
layer_times: dict[str, float] = {}


def time_layers(paths: list[str]) -> None:
    """Wrap Django's ``get_response`` and each view class's layers (that serves ``paths``) so
    that the time inside each adds up in ``layer_times``."""
    from django.urls import resolve

    def timed(label: str, method: Any) -> Any:
        depth = [0]

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            depth[0] += 1
            started = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                depth[0] -= 1
                if depth[0] == 0:
                    layer_times[label] = layer_times.get(label, 0.0) + (
                        time.perf_counter() - started
                    )

        return wrapper

    # The application was made already: its handler calls get_response as an attribute.
    application.get_response = timed("get_response", application.get_response)
    wrapped = set()
    for path in paths:
        view_class = getattr(resolve(path.split("?")[0]).func, "cls", None)
        if view_class is None or view_class in wrapped:
            continue
        wrapped.add(view_class)
        for name in VIEW_LAYERS:
            setattr(view_class, name, timed(name, getattr(view_class, name)))


#: The view's steps PERF_STEPS times, by the name given them (APIView's methods).
VIEW_STEPS = {
    "initialize_request": "the request's wrapper",
    "perform_authentication": "authentication",
    "check_permissions": "permissions",
    "perform_content_negotiation": "negotiation",
    "check_throttles": "throttles",
    "handle_exception": "handle_exception, but the handler",
    "finalize_response": "finalize_response",
    "dispatch": "dispatch, but the steps",
}
step_times: dict[str, float] = {}


def time_steps() -> None:
    """Wrap each step of a request so that the time spent in it, less the time spent in the
    steps it calls, adds up in ``step_times``: each middleware of the project (a
    ``MiddlewareMixin``'s hooks; another's whole call), the URL resolver, the view's
    ``VIEW_STEPS``, the exception handler, the rendering and the 4xx log line.

    Django's plumbing between the steps counts in the nearest step that calls it: the calls of
    the ``MiddlewareMixin`` middleware and the view in the first middleware before them that is
    not one (WhiteNoise's, in the demo), or in Django's handler where there is none (the peers').
    What no step wraps (this driver) is in ``TOTAL``'s rest."""
    from django.core.handlers.base import BaseHandler
    from django.core.handlers.wsgi import WSGIHandler
    from django.utils import log
    from django.utils.deprecation import MiddlewareMixin
    from django.utils.module_loading import import_string
    from rest_framework.response import Response
    from rest_framework.views import APIView

    inside: list[float] = []  # per open step, the time its wrapped callees took

    def timed(label: str, function: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            inside.append(0.0)
            try:
                return function(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - started
                own = elapsed - inside.pop()
                step_times[label] = step_times.get(label, 0.0) + own
                if inside:
                    inside[-1] += elapsed

        return wrapper

    WSGIHandler.__call__ = timed("Django's handler, but the steps", WSGIHandler.__call__)
    BaseHandler.resolve_request = timed("URL resolver", BaseHandler.resolve_request)
    for name, label in VIEW_STEPS.items():
        setattr(APIView, name, timed(label, getattr(APIView, name)))
    handler_of = APIView.get_exception_handler
    APIView.get_exception_handler = lambda view: timed("exception handler", handler_of(view))
    rendered = Response.rendered_content
    Response.rendered_content = property(timed("rendering", rendered.fget))
    log.log_response = timed("4xx log line", log.log_response)
    for path in settings.MIDDLEWARE:
        middleware = import_string(path)
        if not issubclass(middleware, MiddlewareMixin):
            middleware.__call__ = timed(middleware.__name__, middleware.__call__)
            continue
        for hook in ("process_request", "process_view", "process_response"):
            owner = next((k for k in middleware.__mro__ if hook in vars(k)), MiddlewareMixin)
            if owner is not MiddlewareMixin:
                label = f"{middleware.__name__}.{hook}"
                setattr(middleware, hook, timed(label, getattr(middleware, hook)))


#: PERF_INSTRUCTIONS=1: run by instructions.py, under callgrind, on a copy of a SQLite file this
#: driver migrated natively (migrating under callgrind takes minutes).
INSTRUCTIONS = bool(os.environ.get("PERF_INSTRUCTIONS"))


def prepare_database() -> str | None:
    """Migrate a fresh database; the name of a PostgreSQL one to drop at the end."""
    if INSTRUCTIONS:
        return None
    quiet = io.StringIO()
    if connection.vendor == "postgresql":
        old_name = connection.settings_dict["NAME"]
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        return str(old_name)
    call_command("migrate", "--noinput", verbosity=0, stdout=quiet)
    if os.environ.get("PERF_CONN_MAX_AGE"):
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode=WAL")
    return None


def main() -> None:
    """Seed, warm up, count each request type's statements, then time it ROUNDS times."""
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    old_name = prepare_database()
    try:
        result = measure(rounds)
    finally:
        if old_name is not None:
            connection.creation.destroy_test_db(old_name, verbosity=0)
    print(json.dumps(result))


def timed_rounds(
    fn: Any, rounds: int, profiler: cProfile.Profile | None
) -> tuple[list[float], list[float]]:
    """``fn`` called ``rounds`` times (under ``profiler`` if any): each call's seconds, elapsed
    and of this process's CPU."""
    times, cpu_times = [], []
    for _ in range(rounds):
        c0, t0 = time.process_time(), time.perf_counter()
        if profiler is None:
            fn()
        else:
            profiler.runcall(fn)
        times.append(time.perf_counter() - t0)
        cpu_times.append(time.process_time() - c0)
    return times, cpu_times


#: The published articles each side's list shows, the same on every side.
LISTED = 3


def measure(rounds: int) -> dict[str, dict[str, Any]]:
    """Each request type's median time, statements, status and expected status."""
    call_command("seed_demo", stdout=io.StringIO())
    from django.contrib.auth import get_user_model

    alice = get_user_model().objects.get(username="alice")
    tok = {"Authorization": "Token " + Token.objects.get_or_create(user=alice)[0].key}
    # Every side lists the same rows: the demos seed different articles (ours three, two of
    # them published; the peers none), so they go, and LISTED published ones are made alike.
    apps.get_model("articles", "Article").objects.all().delete()
    ids = []
    for number in range(LISTED):
        body = {"title": f"perf {number}", "body": "x" * 2000}
        st, _, raw = call("POST", "/api/articles/", body, tok)
        assert st == 201, (st, raw[:200])
        ids.append(json.loads(raw)["id"])
        st, _, raw = call("POST", f"/api/articles/{ids[-1]}/publish/", None, tok)
        assert st == 200, (st, raw[:200])
    detail = f"/api/articles/{ids[0]}/"
    state = {"etag": call("GET", detail)[1].get("etag", "")}

    def patch_ok() -> tuple[int, dict[str, str], bytes]:
        cur = call("GET", detail, headers=tok)[1]["etag"]
        return call("PATCH", detail, {"body": "y" * 2000}, {**tok, "If-Match": cur})

    ops = {
        "get_200": (lambda: call("GET", detail), 200),
        "get_304": (lambda: call("GET", detail, headers={"If-None-Match": state["etag"]}), 304),
        "list_200": (lambda: call("GET", "/api/articles/"), 200),
        "get_404": (lambda: call("GET", "/api/articles/987654/"), 404),
        "post_400": (lambda: call("POST", "/api/articles/", {"body": "no title"}, tok), 400),
        "post_401": (lambda: call("POST", "/api/articles/", {"title": "x"}), 401),
        "patch_412": (
            lambda: call("PATCH", detail, {"body": "z"}, {**tok, "If-Match": '"stale"'}),
            412,
        ),
        "get_then_patch_200": (patch_ok, 200),
    }
    if os.environ.get("PERF_OPS"):
        chosen = os.environ["PERF_OPS"].split(",")
        ops = {name: ops[name] for name in chosen}
    if os.environ.get("PERF_LAYERS"):
        time_layers([detail, "/api/articles/"])
    if os.environ.get("PERF_STEPS"):
        time_steps()
    profiled = set(filter(None, os.environ.get("PERF_PROFILE", "").split(",")))
    result = {}
    for name, (fn, want) in ops.items():
        if name == "get_304":  # the ETag moved with the warm-up writes
            state["etag"] = call("GET", detail)[1].get("etag", "")
        fn()
        executed: list[str] = []

        def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            executed.append(sql)  # noqa: B023 (used within this iteration only)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            st = fn()[0]
        # Every request type's rounds start from an empty collector: which of them a full
        # collection falls in depends on everything allocated before (other types, the seeding),
        # and one costs 40 to 50 ms; it moved a type's instructions by up to 16 %.
        gc.collect()
        profiler = cProfile.Profile() if name in profiled else None
        layer_times.clear()
        step_times.clear()
        # Under callgrind (instructions.py) the rounds of each request type, and only they,
        # are counted: it collects inside operator.call, which nothing else here calls.
        if INSTRUCTIONS:
            times, cpu_times = operator.call(timed_rounds, fn, rounds, profiler)
        else:
            times, cpu_times = timed_rounds(fn, rounds, profiler)
        if profiler is not None:
            print(f"--- profile of {name}, {rounds} rounds", file=sys.stderr)
            stats = pstats.Stats(profiler, stream=sys.stderr)
            stats.sort_stats(os.environ.get("PERF_PROFILE_SORT", "cumulative"))
            stats.print_stats(45)
            if os.environ.get("PERF_PROFILE_DUMP"):
                profiler.dump_stats(f"{os.environ['PERF_PROFILE_DUMP']}.{name}.prof")
        result[name] = {
            "us": round(statistics.median(times) * 1e6, 1),
            # This process's CPU time: what waiting for a core on a busy machine leaves out
            # (so does a PostgreSQL server's work, done in its own process).
            "cpu_us": round(statistics.median(cpu_times) * 1e6, 1),
            "queries": len(executed),
            "status": st,
            "expected": want,
        }
        if step_times:
            steps = {label: total / rounds * 1e6 for label, total in step_times.items()}
            steps["TOTAL's rest"] = statistics.mean(times) * 1e6 - sum(steps.values())
            result[name]["steps_us"] = {
                label: round(us, 1) for label, us in sorted(steps.items(), key=lambda s: -s[1])
            }
        if layer_times:
            result[name]["layers_us"] = {
                label: round(total / rounds * 1e6, 1) for label, total in layer_times.items()
            }
    return result


if __name__ == "__main__":
    main()
