"""The pure modules import neither Django nor DRF: plain values in, plain values out."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

PURE = [
    "accept",
    "conditional",
    "conditional.dates",
    "conditional.preconditions",
    "etags",
    "http_dates",
    "idempotency",
    "idempotency.keys",
    "integrity",
    "lifetimes",
    "media_types",
    "pointers",
    "problems",
]


@pytest.mark.parametrize("module", PURE)
def test_module_imports_neither_django_nor_drf(module: str) -> None:
    # A fresh interpreter: this test process has Django loaded.
    code = (
        f"import sys, django_http_errors.{module}; "
        "loaded = [m for m in sys.modules if m == 'django' "
        "or m.startswith(('django.', 'rest_framework'))]; "
        "assert not loaded, loaded"
    )
    root = Path(__file__).resolve().parents[1]
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
