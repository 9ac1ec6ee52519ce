"""The docs' examples cannot drift: every curl example runs against a fresh demo server and must
answer what the page shows.

How a page writes an example (docs/development.md says the same to writers): a ``console``
block of ``$ `` commands (continued with a trailing backslash), each followed by what it
prints. For ``curl -i``: the status line, then the headers that matter (each must be present
with that value), then, after a blank line, a JSON body whose members must be in the answer.
``...`` stands for any text, in a header value, a string or a line of its own; a JSON string
``"..."`` for any value. Commands of one page run in order in one shell, against a server
as fresh as a new one, on a fresh seeded database, so a page can keep an ETag in a variable and
send it later.
``curl`` anywhere else in the docs fails the test: an example that does not run is not shown.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from demo_project.servers import Starting, children, started

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
#: The address the docs' examples name; replaced by the test server's.
DOCS_ORIGIN = "http://127.0.0.1:8000"
PAGES = sorted(DOCS.glob("*.md"))
FENCE = re.compile(r"^```(\w*)\s*$")


@dataclass
class Example:
    """One ``$ `` command of a page and the output the page shows for it."""

    page: str
    line: int
    command: str
    expected: list[str] = field(default_factory=list)


def blocks(text: str) -> Iterator[tuple[str, int, list[str]]]:
    """(language, first line number, lines) of each fenced block of a Markdown page."""
    language, start, lines = None, 0, []
    for number, line in enumerate(text.splitlines(), 1):
        fence = FENCE.match(line.strip())
        if language is None and fence:
            language, start, lines = fence.group(1), number + 1, []
        elif language is not None and line.strip() == "```":
            yield language, start, lines
            language = None
        elif language is not None:
            lines.append(line)


def examples(page: Path) -> list[Example]:
    """The page's console examples, in order."""
    found: list[Example] = []
    for language, start, lines in blocks(page.read_text()):
        if language != "console":
            continue
        continuing = False
        for offset, line in enumerate(lines):
            if continuing:
                found[-1].command += "\n" + line
            elif line.startswith("$ "):
                found.append(Example(page.name, start + offset, line[2:]))
            elif found:
                found[-1].expected.append(line)
            continuing = line.endswith("\\") and (line.startswith("$ ") or continuing)
    return found


def pattern(text: str) -> re.Pattern[str]:
    """``text`` with ``...`` standing for anything."""
    return re.compile(".*".join(re.escape(part) for part in text.split("...")), re.DOTALL)


def matches(expected: Any, actual: Any) -> bool:
    """Whether ``actual`` has every member ``expected`` shows (lists item by item)."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(
            key in actual and matches(value, actual[key]) for key, value in expected.items()
        )
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(expected) == len(actual)
            and all(matches(e, a) for e, a in zip(expected, actual, strict=True))
        )
    if isinstance(expected, str) and "..." in expected:
        return isinstance(actual, str) and pattern(expected).fullmatch(actual) is not None
    return bool(expected == actual)


def check_output(example: Example, output: str, origin: str) -> None:
    """The command printed what the page shows."""
    where = f"{example.page}:{example.line}: $ {example.command}"
    expected = [line.replace(DOCS_ORIGIN, origin) for line in example.expected]
    while expected and not expected[-1].strip():
        expected.pop()
    if not expected:
        return
    output = output.replace("\r\n", "\n")
    if not expected[0].startswith("HTTP/"):
        text = "\n".join(line for line in expected if line.strip() != "...")
        assert pattern(text).search(output), f"{where}\nexpected:\n{text}\ngot:\n{output}"
        return
    head, _, body = output.partition("\n\n")
    status, *header_lines = head.split("\n")
    assert status.strip() == expected[0].strip(), f"{where}\ngot: {status}"
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    shown_body: list[str] = []
    in_body = False
    for line in expected[1:]:
        if in_body:
            shown_body.append(line)
        elif not line.strip():
            in_body = True
        elif line.strip() != "...":
            name, _, value = line.partition(":")
            assert name.strip().lower() in headers, f"{where}\nno {name} in:\n{head}"
            actual = headers[name.strip().lower()]
            assert pattern(value.strip()).fullmatch(actual), f"{where}\n{name}: {actual}"
    if shown_body:
        shown = json.loads("\n".join(shown_body))
        actual_body = json.loads(body)
        assert matches(shown, actual_body), f"{where}\nexpected {shown}\ngot {actual_body}"


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_curl_in_the_docs_is_a_console_example(page: Path) -> None:
    outside = [
        f"{page.name}:{start + offset}"
        for language, start, lines in blocks(page.read_text())
        if language != "console"
        for offset, line in enumerate(lines)
        if re.search(r"\bcurl\b", line)
    ]
    assert outside == [], "curl outside a console block: it would not be tested"


@pytest.fixture(scope="module")
def docs_server(
    tmp_path_factory: pytest.TempPathFactory, seeded_sqlite_file: Path
) -> Iterator[tuple[Starting, Path]]:
    """gunicorn for every page, on a database of its own, and that database's file. Its master
    imports the demo once (``--preload``); each page gets a worker of its own (``fresh()``)."""
    database = tmp_path_factory.mktemp("docs") / "db.sqlite3"
    shutil.copyfile(seeded_sqlite_file, database)
    with started("gunicorn", f"sqlite:///{database}", "--preload", SEARCH_INDEX_URL="") as server:
        server.ready()
        yield server, database


def fresh(server: Starting, database: Path, seeded: Path) -> str:
    """The server as if just started on a fresh seeded database; its base URL. gunicorn told to
    reload (SIGHUP) forks a new worker from its master and stops the old one: nothing a page did
    is left in a worker's memory (its caches, its throttles' counts). Once the old one is gone,
    the seeded database is copied back over the one served (SQLite's backup API, which writes
    it as a database connection would)."""
    master = server.process.pid
    old = set(children(master))
    server.process.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 30
    while old.intersection(children(master)):
        assert time.monotonic() < deadline, "gunicorn kept its old worker"
        time.sleep(0.02)
    with (
        contextlib.closing(sqlite3.connect(seeded)) as source,
        contextlib.closing(sqlite3.connect(database)) as target,
    ):
        source.backup(target)
    return server.ready()


@pytest.mark.slow
@pytest.mark.own_database
@pytest.mark.parametrize(
    "page", [page for page in PAGES if examples(page)], ids=lambda page: page.name
)
def test_the_console_examples_answer_as_shown(
    page: Path,
    tmp_path: Path,
    docs_server: tuple[Starting, Path],
    seeded_sqlite_file: Path,
) -> None:
    found = examples(page)
    env = {k: v for k, v in os.environ.items() if k != "SEARCH_INDEX_URL"}
    origin = fresh(*docs_server, seeded_sqlite_file)
    script = ["set -u"]
    for number, example in enumerate(found):
        command = example.command.replace(DOCS_ORIGIN, origin)
        script.append(f"{{\n{command}\n}} >{number}.out 2>{number}.err")
    subprocess.run(["bash", "-c", "\n".join(script)], cwd=tmp_path, env=env, timeout=120)
    for number, example in enumerate(found):
        check_output(example, (tmp_path / f"{number}.out").read_text(), origin)


def test_the_docs_console_examples_keep_no_etag_of_their_own() -> None:
    """ETags change with every write: examples take them from an earlier answer."""
    for page in PAGES:
        for example in examples(page):
            assert not re.search(r"If-(None-)?Match: \"\d", example.command), (
                f"{page.name}:{example.line}: a hard-coded ETag; use one from an answer"
            )
