"""Check what `make dist` built: one sdist and one wheel of the package's version, and a wheel
that holds the package's modules, templates, compiled translations and py.typed, nothing else."""

from __future__ import annotations

import re
import sys
import tarfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "django_http_errors"
# Anything of the package a user's project needs at run time; the .po sources stay in the repo.
WHEEL_MEMBER = re.compile(
    rf"""^(
        {PACKAGE}/([a-z_]+/)*[a-z0-9_]+\.py
      | {PACKAGE}/py\.typed
      | {PACKAGE}/templates/{PACKAGE}/[a-z_]+\.html
      | {PACKAGE}/locale/[a-zA-Z_]+/LC_MESSAGES/django\.mo
      | django_http_errors-[^/]+\.dist-info/[A-Za-z_.]+(/[A-Za-z_.]+)?
    )$""",
    re.VERBOSE,
)
REQUIRED = [
    f"{PACKAGE}/__init__.py",
    f"{PACKAGE}/py.typed",
    f"{PACKAGE}/migrations/0001_initial.py",
    f"{PACKAGE}/templates/{PACKAGE}/problem_type.html",
    f"{PACKAGE}/locale/de/LC_MESSAGES/django.mo",
]


def version() -> str:
    """The one place the version is written: the package's ``__version__``."""
    text = (ROOT / PACKAGE / "__init__.py").read_text()
    match = re.search(r'^__version__ = "([^"]+)"$', text, re.MULTILINE)
    if match is None:
        sys.exit(f"no __version__ in {PACKAGE}/__init__.py")
    return match.group(1)


def main(dist: Path) -> int:
    expected = version()
    wheels = sorted(dist.glob("*.whl"))
    sdists = sorted(dist.glob("*.tar.gz"))
    problems = []
    if [w.name for w in wheels] != [f"{PACKAGE}-{expected}-py3-none-any.whl"]:
        problems.append(f"expected one wheel of version {expected}, found {wheels}")
    if [s.name for s in sdists] != [f"django_http_errors-{expected}.tar.gz"]:
        problems.append(f"expected one sdist of version {expected}, found {sdists}")
    for wheel in wheels:
        names = zipfile.ZipFile(wheel).namelist()
        problems += [f"{wheel.name}: unexpected {n}" for n in names if not WHEEL_MEMBER.match(n)]
        problems += [f"{wheel.name}: missing {n}" for n in REQUIRED if n not in names]
    for sdist in sdists:
        with tarfile.open(sdist) as archive:
            names = archive.getnames()
        top = f"django_http_errors-{expected}/"
        problems += [
            f"{sdist.name}: missing {n}"
            for n in ("pyproject.toml", "README.md", "LICENSE", *REQUIRED)
            if top + n not in names
        ]
    for line in problems:
        print(line, file=sys.stderr)
    if not problems:
        print(f"dist OK: {', '.join(p.name for p in [*sdists, *wheels])}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "dist"))
