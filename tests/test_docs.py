"""The docs and the README agree with the package: the README links the published docs, and the
check table lists every id. (The examples run against the demo in test_demo_docs.py.)"""

from __future__ import annotations

import re
from pathlib import Path

from django_http_errors import checks
from django_http_errors.conf import SETTING_NAMES

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


# The README: a page on a package index, whose links must work there


def documentation_url() -> str:
    """``[project.urls] Documentation`` of pyproject.toml (tomllib needs Python 3.11)."""
    text = (ROOT / "pyproject.toml").read_text()
    match = re.search(r'^Documentation = "([^"]+)"$', text, re.MULTILINE)
    assert match is not None
    return match.group(1)


def test_readme_links_are_absolute_and_name_pages_of_the_docs() -> None:
    readme = (ROOT / "README.md").read_text()
    site = documentation_url()
    links = re.findall(r"\]\(([^)]+)\)", readme)
    assert links
    for link in links:
        assert link.startswith("https://"), f"relative link {link}: broken on a package index"
        if link.startswith(site):
            page = link.removeprefix(site).split("#")[0].strip("/") or "index"
            assert (DOCS / f"{page}.md").exists(), link


def test_the_docs_site_url_is_the_package_documentation_url() -> None:
    config = (DOCS / "mkdocs" / "mkdocs.yml").read_text()
    site = documentation_url()
    assert f"site_url: {site}" in config


def test_the_check_table_lists_every_id() -> None:
    table = (DOCS / "settings.md").read_text()
    documented = set(re.findall(r"`(django_http_errors\.[EWI]\d{3})`", table))
    ours = {
        value
        for name, value in vars(checks).items()
        if re.fullmatch(r"[EWI]\d{3}", name) and isinstance(value, str)
    }
    # W005 comes with the safe-writes work (docs/writes.md); listed here with the rest.
    assert documented == ours | {"django_http_errors.W005"}


def test_the_settings_table_lists_every_setting() -> None:
    page = (DOCS / "settings.md").read_text()
    table = page.split("## Settings", 1)[1].split("## System checks", 1)[0]
    documented = re.findall(r"^\| `([A-Z0-9_]+)` \| ", table, re.MULTILINE)
    assert sorted(documented) == sorted(SETTING_NAMES)
