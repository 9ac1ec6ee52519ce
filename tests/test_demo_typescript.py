"""The docs' TypeScript client (examples/typescript) compiles under ``tsc --strict`` against the
types openapi-typescript generates from the schema the demo serves, narrows each problem by its
``status`` without a cast, and drives the demo over gunicorn.

It needs Node.js and npm, and the npm registry (``npm ci``, once per lock file: the packages
are kept in .test-cache); CI installs Node (.ci/run).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import httpx
import pytest

pytestmark = [
    pytest.mark.slow,
    pytest.mark.own_database,
    pytest.mark.skipif(
        shutil.which("npm") is None and not os.environ.get("CI"),
        reason="needs Node.js and npm; CI installs them (.ci/run)",
    ),
]

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "typescript"
#: Where the example's packages are kept between runs, one install per lock file (ignored by
#: git; ``make clean`` removes it).
KEPT = ROOT / ".test-cache" / "typescript"


@pytest.fixture(scope="module")
def demo(shared_demo: str) -> str:
    """The demo as shipped, served by gunicorn (the run's shared server: the client writes only
    the article it creates)."""
    return shared_demo


def npm(directory: Path, *args: str) -> str:
    """Run npm in ``directory``; its output, or the test fails with it."""
    assert shutil.which("npm"), "CI installs Node.js and npm: .ci/run"
    done = subprocess.run(
        ["npm", *args], cwd=directory, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def node_modules(example: Path) -> None:
    """The example's packages, as ``npm ci`` installs them from its lock file, in ``example``:
    installed once per lock file and kept (``KEPT``), then linked. Node resolves a package's own
    imports from where it lies, a directory named ``node_modules`` as npm left it."""
    lock = (EXAMPLE / "package-lock.json").read_bytes()
    kept = KEPT / hashlib.sha256(lock).hexdigest()[:16] / "node_modules"
    if not kept.is_dir():
        KEPT.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(dir=KEPT))
        for name in ("package.json", "package-lock.json"):
            shutil.copy(EXAMPLE / name, scratch / name)
        npm(scratch, "ci", "--no-audit", "--no-fund")
        kept.parent.mkdir(exist_ok=True)
        try:
            (scratch / "node_modules").rename(kept)  # whole, or not at all
        except OSError:
            assert kept.is_dir(), "another run kept the same packages meanwhile"
        shutil.rmtree(scratch)
    (example / "node_modules").symlink_to(kept, target_is_directory=True)


def test_the_typed_client_narrows_every_problem_without_a_cast(demo: str, tmp_path: Path) -> None:
    source = (EXAMPLE / "src" / "articles.ts").read_text()
    # No cast (`x as T`, `<T>x`), no `any`, nothing that silences the compiler.
    code = "\n".join(line.split("//")[0] for line in source.splitlines())
    assert not re.search(r"\bas\s+[A-Za-z{(\[]|<\w+>\w|\bany\b|@ts-", code)
    example = tmp_path / "typescript"
    shutil.copytree(EXAMPLE, example, ignore=shutil.ignore_patterns("node_modules", "build"))
    schema = httpx.get(f"{demo}/api/schema/", headers={"Accept": "application/vnd.oai.openapi"})
    assert schema.status_code == 200
    (example / "schema.yaml").write_bytes(schema.content)
    node_modules(example)
    npm(example, "run", "-s", "generate")
    npm(example, "run", "-s", "build")  # tsc with tsconfig.json's "strict": true

    answers = json.loads(npm(example, "start", "-s", "--", demo))

    assert answers["invalid"] == "400 #/title blank"
    assert answers["stale"] == f"412 {answers['etag']}"
    assert answers["unguarded"] == "428 If-Match or If-Unmodified-Since"
    assert answers["changed"].startswith("200 ")
    assert answers["changed"] != f"200 {answers['etag']}"
