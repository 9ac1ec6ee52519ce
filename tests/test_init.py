"""The package's one public face: every name of ``__all__`` from ``django_http_errors`` itself,
loaded on first use, so that importing the package loads nothing of Django's or DRF's."""

from __future__ import annotations

import ast
import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

import django_http_errors

ROOT = Path(__file__).resolve().parent.parent


def test_importing_the_package_before_django_setup_loads_no_models_nor_drf_settings() -> None:
    script = (
        "import sys, django_http_errors\n"
        "print(django_http_errors.__version__)\n"
        "heavy = ('django.db.models', 'rest_framework', 'django_http_errors.')\n"
        "print([name for name in sys.modules if name.startswith(heavy)])\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.splitlines() == [django_http_errors.__version__, "[]"]


@pytest.mark.parametrize("name", django_http_errors.__all__)
def test_every_public_name_resolves_to_the_object_of_its_module(name: str) -> None:
    module = importlib.import_module(f"django_http_errors.{django_http_errors._HOMES[name]}")
    assert getattr(django_http_errors, name) is getattr(module, name)
    assert name in module.__all__


def test_a_name_that_is_not_public_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'assembly_of_nothing'"):
        django_http_errors.assembly_of_nothing  # noqa: B018


def test_all_is_what_the_package_loads_and_what_mypy_sees() -> None:
    assert sorted(django_http_errors.__all__) == sorted(django_http_errors._HOMES)
    # The imports under TYPE_CHECKING name the same modules and names, for type checkers.
    tree = ast.parse(Path(django_http_errors.__file__).read_text())
    typed = {
        alias.name: (node.module or "")
        for guard in tree.body
        if isinstance(guard, ast.If) and ast.unparse(guard.test) == "TYPE_CHECKING"
        for node in guard.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert typed == django_http_errors._HOMES


def test_no_public_name_is_also_a_module_of_the_package() -> None:
    # Importing such a module would replace the name on the package.
    modules = {path.stem for path in Path(django_http_errors.__file__).parent.iterdir()}
    assert not modules & set(django_http_errors.__all__)
