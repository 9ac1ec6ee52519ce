"""A person in a browser writes through the browsable API, and loses no one else's change.

Chromium (Debian's ``chromium``, driven by Playwright) opens the demo served by gunicorn, logs in
as alice on DRF's login page, and edits her article with the page's HTML form: the form carries
the shown ETag as ``If-Match``. Another client then changes the article; the same form, sent
again without reloading the page, is refused with 412 and the page shows the problem.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from tests.conftest import token_in

pytestmark = [pytest.mark.slow, pytest.mark.own_database]

#: Debian's Chromium; Playwright drives it instead of a browser of its own download.
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
if not Path(CHROMIUM).exists() and not os.environ.get("CI"):
    pytest.skip(
        "needs Chromium (apt-get install chromium; .ci/run installs it)", allow_module_level=True
    )

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Response, StorageState


@pytest.fixture(scope="module")
def base_url(shared_demo: str) -> str:
    """The demo as shipped, served by gunicorn (the run's shared server: the tests edit and
    delete only articles they create, and read alice's draft)."""
    assert Path(CHROMIUM).exists(), "CI installs Chromium: .ci/run"
    return shared_demo


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    # Imported here, not at the top: every pytest-xdist process imports every test module.
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def http(base_url: str, seeded_sqlite_file: Path) -> Iterator[httpx.Client]:
    """Another client of the demo: alice with her token (a Basic password costs the demo a
    hash a request)."""
    alice = {"Authorization": token_in(f"sqlite:///{seeded_sqlite_file}", "alice")}
    with httpx.Client(base_url=base_url, headers=alice, timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def alices_session(browser: Browser, base_url: str) -> StorageState:
    """alice logged in on the browsable API's login page, once: her session's cookies."""
    context = browser.new_context(base_url=base_url, locale="en")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/api/articles/")
    page.get_by_role("link", name="Log in").click()
    page.fill("#id_username", "alice")
    page.fill("#id_password", "alice-password")
    page.click("#submit-id-submit")
    page.wait_for_url("**/api/articles/")
    assert page.locator(".navbar .navbar-nav").inner_text().strip() == "alice"
    state = context.storage_state()
    context.close()
    return state


@pytest.fixture
def page(browser: Browser, base_url: str, alices_session: StorageState) -> Iterator[Page]:
    """A new browser page in alice's logged-in session: each test starts from no page of its
    own, and logging in again (a password hash) would prove nothing more."""
    context = browser.new_context(base_url=base_url, locale="en", storage_state=alices_session)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def new_article(http: httpx.Client, title: str) -> str:
    """Alice creates an article; its path."""
    created = http.post("/api/articles/", json={"title": title, "body": "first"})
    assert created.status_code == 201, created.text
    return httpx.URL(created.headers["Location"]).path


def stored_title(http: httpx.Client, path: str) -> str:
    title: str = http.get(path).json()["title"]
    return title


def submit_put_form(page: Page, title: str) -> Response:
    """Type ``title`` in the page's HTML form and send it with its PUT button; the answer."""
    page.click("#content a[name='html-tab'][href='#put-object-form']")
    page.fill("#put-object-form input[name='title']", title)
    with page.expect_response(lambda response: response.request.method == "PUT") as answer:
        page.click("#put-object-form button")
    return answer.value


def test_the_form_edits_then_refuses_a_stale_edit_with_the_problem_shown(
    page: Page, http: httpx.Client
) -> None:
    path = new_article(http, "Browsed")
    page.goto(path)
    shown = page.request.get(path, headers={"Accept": "text/html"})  # the page's own ETag
    assert shown.status == 200

    edited = submit_put_form(page, "Edited in the browser")
    assert edited.status == 200, edited.text()
    assert edited.request.header_value("If-Match") == shown.headers["etag"]
    page.wait_for_selector("text=Edited in the browser")
    assert stored_title(http, path) == "Edited in the browser"
    edited_page = page.request.get(path, headers={"Accept": "text/html"}).headers["etag"]

    # Another client changes the article while the page still shows the edit.
    current = http.get(path).headers["ETag"]
    other = http.patch(path, json={"title": "Changed elsewhere"}, headers={"If-Match": current})
    assert other.status_code == 200, other.text

    stale = submit_put_form(page, "Lost?")
    assert stale.status == 412
    # The ETag of the state the page showed after the edit, which the other client replaced.
    assert stale.request.header_value("If-Match") == edited_page
    page.wait_for_selector("text=HTTP 412 Precondition Failed")
    assert "precondition_failed" in page.locator(".response-info").inner_text()
    assert stored_title(http, path) == "Changed elsewhere"


def test_the_delete_button_sends_the_shown_etag(page: Page, http: httpx.Client) -> None:
    path = new_article(http, "To delete")
    page.goto(path)
    etag = page.request.get(path, headers={"Accept": "text/html"}).headers["etag"]
    page.click("button[data-target='#deleteModal']")
    with page.expect_response(lambda response: response.request.method == "DELETE") as answer:
        page.click("#deleteModal form button")
    # DRF's browsable API shows a 204 as a page, answered 200.
    assert answer.value.status == 200, answer.value.text()
    assert answer.value.request.header_value("If-Match") == etag
    assert http.get(path).status_code == 404


def test_logged_in_alice_sees_her_draft(page: Page) -> None:
    # Without a session the browser would send no credentials: a draft is hidden as 404.
    response = page.goto("/api/articles/2/")  # alice's draft
    assert response is not None
    assert response.status == 200
    assert "Alice's draft" in page.locator(".response-info").inner_text()
