"""The documentation site, built strictly and read in headless Chromium (Debian's package).

The site is built into a temporary directory and served on 127.0.0.1; the browser renders the
home page, a guide and the `TemporalEngine` reference, and uses the site's search.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from tests.integration._browser import chromium

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    build = subprocess.run(
        # Not --quiet: that would hide the warnings from strict mode too.
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert build.returncode == 0, f"mkdocs build --strict failed:\n{build.stderr}"
    warnings = [line for line in build.stderr.splitlines() if not line.startswith("INFO")]
    assert warnings == [], f"the build warned:\n{build.stderr}"
    return out


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    with chromium(tmp_path_factory.mktemp("chromium-profile")) as driver:
        yield driver


def open_page(browser: webdriver.Chrome, url: str) -> None:
    browser.get(url)
    WebDriverWait(browser, 30).until(lambda b: b.execute_script("return document.readyState") == "complete")


def visible(browser: webdriver.Chrome, css: str) -> list[WebElement]:
    return [e for e in browser.find_elements(By.CSS_SELECTOR, css) if e.is_displayed()]


def assert_page_shows(browser: webdriver.Chrome, title: str, headings: set[str], code: list[str]) -> None:
    """The page's title and section headings are visible, and code blocks holding each snippet."""
    shown = [h.text.strip() for h in visible(browser, "article h1, article h2, article h3")]
    assert shown[0] == title, shown
    assert headings <= set(shown), shown
    blocks = [c.text for c in visible(browser, "article pre code")]
    for snippet in code:
        assert any(snippet in block for block in blocks), (snippet, blocks)
    # The theme's stylesheet applies: code blocks are set in a monospace font.
    font = browser.execute_script(
        "return getComputedStyle(document.querySelector('article pre code')).fontFamily"
    )
    assert "mono" in font.lower(), font


def follow_to_entry(browser: webdriver.Chrome, link: WebElement, ident: str) -> None:
    """Clicking the link shows the reference entry `ident`."""
    link.click()
    WebDriverWait(browser, 10).until(lambda b: b.current_url.endswith(f"#{ident}"))
    entry = browser.find_element(By.ID, ident)
    assert entry.is_displayed()
    assert ident in entry.text


def assert_no_console_errors(browser: webdriver.Chrome) -> None:
    errors = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == [], errors


def test_home_page_is_the_readme(browser: webdriver.Chrome, base_url: str) -> None:
    open_page(browser, f"{base_url}/")
    assert_page_shows(
        browser,
        "temporal-runtime",
        {"What you get", "Running it"},
        ["class OrderWorkflow(Workflow):", "make demo"],
    )
    # The README's mention of a guide is a link to that page here.
    link = browser.find_element(By.XPATH, "//article//a[code='docs/testing.md']")
    assert link.get_attribute("href") == f"{base_url}/testing/"
    assert_no_console_errors(browser)


def test_guide_shows_its_sections_code_and_links_to_the_reference(
    browser: webdriver.Chrome, base_url: str
) -> None:
    open_page(browser, f"{base_url}/guide/")
    assert_page_shows(
        browser,
        "temporal-runtime: the user guide to the core",
        {"Activities", "Workflows", "The engine"},
        ['@activity_def("charge"'],
    )
    # Inline code naming a public object links to its reference entry.
    link = browser.find_element(By.XPATH, "//article//a[code='activity_def']")
    assert link.get_attribute("href") == f"{base_url}/reference/activity/#temporal_runtime.activity_def"
    follow_to_entry(browser, link, "temporal_runtime.activity_def")
    assert_no_console_errors(browser)


def test_temporal_engine_reference_shows_signature_docstring_and_example(
    browser: webdriver.Chrome, base_url: str
) -> None:
    open_page(browser, f"{base_url}/reference/engine/")
    assert_page_shows(
        browser,
        "The engine",
        {
            "temporal_runtime.TemporalEngine",
            "start_method async",
            "schedule async",
            "temporal_runtime.DevServer",
        },
        ["task_queue: str | None = None", '>>> engine = TemporalEngine(url="localhost:7233"'],
    )
    entry = browser.find_element(By.ID, "temporal_runtime.TemporalEngine")
    assert entry.is_displayed()
    # Members have their own entries.
    for member in ("start", "start_method", "schedule", "health_check"):
        assert browser.find_element(By.ID, f"temporal_runtime.TemporalEngine.{member}").is_displayed(), member
    assert "One connection to Temporal" in browser.find_element(By.TAG_NAME, "article").text
    assert_no_console_errors(browser)


def test_search_finds_activity_def(browser: webdriver.Chrome, base_url: str) -> None:
    open_page(browser, f"{base_url}/")
    query = browser.find_element(By.CSS_SELECTOR, "input.md-search__input")
    query.click()
    query.send_keys("activity_def")
    entry = f"{base_url}/reference/activity/#temporal_runtime.activity_def"

    def results(b: webdriver.Chrome) -> dict[str, WebElement]:
        # Each result carries the query for highlighting: /page/?h=activity_def#anchor.
        found = {
            urlunsplit(urlsplit(a.get_attribute("href") or "")._replace(query="")): a
            for a in visible(b, ".md-search-result__item a")
        }
        return found if entry in found else {}

    found = WebDriverWait(browser, 30).until(results)
    # The best match is the page of the reference entry (its results come first, grouped).
    assert list(found)[0] == entry.split("#", maxsplit=1)[0], list(found)
    follow_to_entry(browser, found[entry], "temporal_runtime.activity_def")
    assert_no_console_errors(browser)
