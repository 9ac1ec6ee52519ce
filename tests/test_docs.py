"""The docs and the README agree with the package and with each other, offline: every relative
link and anchor resolves on GitHub, in a checkout and in the MkDocs site; the check table lists
every id, the settings table every setting, the reference every public name. (The examples run
against the demo in test_demo_docs.py.)"""

from __future__ import annotations

import importlib
import re
import unicodedata
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from django_http_errors.check_ids import CHECK_IDS
from django_http_errors.conf import SETTING_NAMES

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]

FENCE = re.compile(r"^\s*(```|~~~)")
INLINE_CODE = re.compile(r"`+[^`]*`+")
#: ``[text](target)`` and ``![alt](target)``, with an optional title.
LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


# A small offline link checker: relative links and anchors


def prose_lines(text: str, *, code_spans: bool = False) -> list[tuple[int, str]]:
    """The lines outside fenced code blocks, numbered, without inline code spans unless asked."""
    found, fenced = [], False
    for number, line in enumerate(text.splitlines(), 1):
        if FENCE.match(line):
            fenced = not fenced
        elif not fenced:
            found.append((number, line if code_spans else INLINE_CODE.sub("", line)))
    return found


def links(page: Path) -> list[tuple[int, str]]:
    """Every link target of a page, with its line."""
    return [
        (number, match.group(1))
        for number, line in prose_lines(page.read_text())
        for match in LINK.finditer(line)
    ]


def heading_text(raw: str) -> str:
    """A heading as rendered: code spans without backticks, links by their text, no emphasis."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", raw)
    return text.replace("`", "").replace("**", "").replace("*", "")


def python_markdown_slug(text: str) -> str:
    """The anchor of a heading in the MkDocs site (Python-Markdown's ``toc`` slugify)."""
    value = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    value = re.sub(r"[^\w\s-]", "", value).strip().lower()
    return re.sub(r"[-\s]+", "-", value)


def github_slug(text: str) -> str:
    """The anchor of a heading on GitHub: lower case, punctuation dropped, each space a hyphen."""
    value = "".join(c for c in text.strip().lower() if c.isalnum() or c in " -_")
    return value.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    """The anchors a page's headings have in both places it is read."""
    found = set()
    for _, line in prose_lines(page.read_text(), code_spans=True):
        match = HEADING.match(line)
        if match:
            text = heading_text(match.group(2))
            if python_markdown_slug(text) == github_slug(text):
                found.add(github_slug(text))
    return found


def broken_links(page: Path, root: Path = ROOT) -> list[str]:
    """Each relative link of ``page`` whose file or anchor does not exist, named from ``root``."""
    broken = []
    for number, target in links(page):
        parts = urlsplit(target)
        if parts.scheme or target.startswith("//"):
            continue  # absolute: not checked offline
        linked = (page.parent / unquote(parts.path)).resolve() if parts.path else page
        where = f"{page.relative_to(root)}:{number}: {target}"
        if not linked.exists():
            broken.append(f"{where} (no such file)")
        elif parts.fragment and (linked.suffix != ".md" or parts.fragment not in anchors(linked)):
            broken.append(f"{where} (no such anchor on GitHub and in the site)")
        elif page.parent == DOCS and DOCS not in linked.parents and linked != DOCS:
            # MkDocs builds docs/ alone: a link out of it is broken in the site.
            broken.append(f"{where} (outside docs/)")
    return broken


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(ROOT)))
def test_every_relative_link_and_anchor_resolves(page: Path) -> None:
    assert broken_links(page) == []


def test_the_link_checker_finds_broken_links(tmp_path: Path) -> None:
    (tmp_path / "other.md").write_text("# Other page\n\n## A section: `code` and more\n")
    page = tmp_path / "page.md"
    page.write_text(
        "# Page\n\n## Here\n\n"
        "[ok](other.md) [ok](other.md#a-section-code-and-more) [ok](#here) "
        "[ok](https://example.com/x#y)\n"
        "[file](missing.md) [anchor](other.md#nowhere) [self](#gone)\n"
        "`[in code](ignored.md)`\n\n```\n[in a block](ignored.md)\n```\n"
    )
    assert [entry.split(": ", 1)[1] for entry in broken_links(page, tmp_path)] == [
        "missing.md (no such file)",
        "other.md#nowhere (no such anchor on GitHub and in the site)",
        "#gone (no such anchor on GitHub and in the site)",
    ]


@pytest.mark.parametrize(
    ("heading", "anchor"),
    [
        ("401, 403 or 404", "401-403-or-404"),
        ('Finding the blind writers first: `"report"`', "finding-the-blind-writers-first-report"),
        (
            "Old clients: DRF's members beside the problem",
            "old-clients-drfs-members-beside-the-problem",
        ),
    ],
)
def test_headings_have_the_same_anchor_on_github_and_in_the_site(heading: str, anchor: str) -> None:
    text = heading_text(heading)
    assert python_markdown_slug(text) == github_slug(text) == anchor


def test_the_readme_links_the_docs_in_the_repository() -> None:
    targets = [target for _, target in links(ROOT / "README.md")]
    assert "docs/index.md" in targets
    assert not [target for target in targets if "readthedocs" in target]


def test_every_page_is_in_the_sites_navigation() -> None:
    config = (DOCS / "mkdocs" / "mkdocs.yml").read_text()
    listed = set(re.findall(r":\s*(\S+\.md)\s*$", config, re.MULTILINE))
    assert listed == {page.name for page in DOCS.glob("*.md")}


# The tables that list what the package has


def test_the_check_table_lists_every_id_at_its_level() -> None:
    page = (DOCS / "settings.md").read_text()
    rows = re.findall(r"^\| `django_http_errors\.([EWI]\d{3})` \| (\w+)", page, re.MULTILINE)
    # In the order of the table of ids, each once, at the level the check reports it.
    assert rows == [(code, entry.level.__name__.lower()) for code, entry in CHECK_IDS.items()]


def test_the_settings_table_lists_every_setting() -> None:
    page = (DOCS / "settings.md").read_text()
    table = page.split("## Settings", 1)[1].split("## System checks", 1)[0]
    documented = re.findall(r"^\| `([A-Z0-9_]+)` \| ", table, re.MULTILINE)
    assert sorted(documented) == sorted(SETTING_NAMES)


def reference() -> dict[str, list[str]]:
    """The names docs/reference.md lists, by module."""
    listed: dict[str, list[str]] = {}
    module = None
    for _, line in prose_lines((DOCS / "reference.md").read_text(), code_spans=True):
        heading = re.fullmatch(r"### `(django_http_errors(?:\.\w+)*)`", line)
        if heading:
            module = heading.group(1)
            listed[module] = []
        elif line.startswith("- ") and module is not None:
            names = line[2:].split(":", 1)[0]
            listed[module] += re.findall(r"`(\w+)`", names)
    return listed


def test_the_reference_names_only_what_can_be_imported() -> None:
    listed = reference()
    assert len(listed) > 20
    for module, names in listed.items():
        imported = importlib.import_module(module)
        assert names, module
        for name in names:
            assert hasattr(imported, name), f"{module}.{name}"


def test_the_reference_and_every_modules_all_agree() -> None:
    for module, names in reference().items():
        exported = getattr(importlib.import_module(module), "__all__", None)
        assert exported is not None, f"{module} has no __all__"
        assert sorted(names) == sorted(exported), module


def test_the_package_lists_each_name_where_it_lives() -> None:
    import django_http_errors

    listed = reference()
    for name in listed["django_http_errors"]:
        home = django_http_errors._HOMES[name]
        assert name in listed[f"django_http_errors.{home}"], name
