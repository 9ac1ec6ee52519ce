"""Redocly's recommended rules find nothing wrong in the demo's schema but two of its choices.

The schema linted is ``tests/schema/demo.yaml``, which ``tests/test_demo_schema.py`` keeps equal
to the schema the demo serves. It needs Node.js and npm, and the npm registry (``npm exec``
fetches the pinned Redocly CLI); CI installs Node (.ci/run).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
import yaml

pytestmark = [
    pytest.mark.slow,
    pytest.mark.own_database,
    pytest.mark.skipif(
        shutil.which("npm") is None and not os.environ.get("CI"),
        reason="needs Node.js and npm; CI installs them (.ci/run)",
    ),
]

SCHEMA = Path(__file__).resolve().parent / "schema" / "demo.yaml"
#: ``npm exec`` runs this pinned Redocly CLI: its lint, with the recommended rules.
LINT = ["npm", "exec", "--yes", "--package=@redocly/cli@2.77.0", "--", "redocly", "lint"]
#: The demo's choices, not mistakes: Django's URLs end in a slash, and the demo is served from
#: wherever it runs, so its schema names no server.
ACCEPTED_ERRORS = {"no-path-trailing-slash", "no-empty-servers"}


def test_the_recommended_rules_report_no_other_error(tmp_path: Path) -> None:
    assert shutil.which("npm"), "CI installs Node.js and npm: .ci/run"
    done = subprocess.run(
        [*LINT, "--extends=recommended", "--format=json", str(SCHEMA)],
        cwd=tmp_path,
        env={**os.environ, "REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true"},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    report = json.loads(done.stdout)
    errors = Counter(p["ruleId"] for p in report["problems"] if p["severity"] == "error")
    assert set(errors) <= ACCEPTED_ERRORS, done.stdout
    # The rules ran: every one of the demo's routes ends in a slash.
    assert errors["no-path-trailing-slash"] == len(yaml.safe_load(SCHEMA.read_text())["paths"])
