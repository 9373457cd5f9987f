"""`pcflow web` in a real browser against the embedded stack: upload through the form, watch the
status move on without reloading, read the document, compare, download the workbook."""

from __future__ import annotations

import hashlib
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook

from pcflow.stack import INFRA_STOP_SECONDS, Stack, wait_for_port

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium not installed")
from selenium.webdriver.chrome.options import Options  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.remote.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.support.expected_conditions import (  # noqa: E402
    presence_of_element_located,
    staleness_of,
)
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None or CHROMEDRIVER is None,
    reason="Chromium or chromedriver missing: make system installs chromium and chromium-driver",
)

STORED_WITHIN_SECONDS = 300


@pytest.fixture(scope="module")
def web(running_stack: Stack) -> Iterator[str]:
    """The web server as `pcflow up` starts it, on this test stack."""
    spec = running_stack.web_spec()
    running_stack.spawn(spec.name, spec.command, spec.env)
    try:
        wait_for_port(running_stack.settings.web_port, 60, "the web server")
        yield running_stack.settings.web_url
    finally:
        running_stack.stop(["web"], INFRA_STOP_SECONDS)


@pytest.fixture(scope="module")
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def browser(downloads: Path) -> Iterator[WebDriver]:
    options = Options()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    options.add_experimental_option(
        "prefs",
        {"download.default_directory": str(downloads), "download.prompt_for_download": False},
    )
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    try:
        yield driver
    finally:
        driver.quit()


def status_of(browser: WebDriver, doc_id: str) -> str | None:
    cells = browser.find_elements(By.CSS_SELECTOR, f'tr[data-id="{doc_id}"] td.status')
    return cells[0].text if cells else None


def wait_stored(browser: WebDriver, doc_id: str) -> None:
    WebDriverWait(browser, STORED_WITHIN_SECONDS, poll_frequency=0.5).until(
        lambda b: status_of(b, doc_id) in ("stored", "failed")
    )
    assert status_of(browser, doc_id) == "stored"


def test_upload_watch_read_compare_and_download(
    web: str, browser: WebDriver, samples: Path, downloads: Path
) -> None:
    begroting = samples / "sample-begroting-2025.pdf"
    jaarverslag = samples / "sample-jaarverslag-2023.pdf"
    begroting_id = hashlib.sha256(begroting.read_bytes()).hexdigest()
    jaarverslag_id = hashlib.sha256(jaarverslag.read_bytes()).hexdigest()

    browser.get(web)
    browser.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(str(begroting))
    browser.find_element(By.CSS_SELECTOR, "form.upload button").click()
    # the upload is a form post: the page with the notice loads after the click returns
    notice = WebDriverWait(browser, 30).until(presence_of_element_located((By.ID, "notice")))
    assert begroting.name in notice.text
    wait_stored(browser, begroting_id)

    # A document uploaded after the page was drawn appears and moves on in it, unreloaded.
    browser.execute_script("window.drawnOnce = true")
    with jaarverslag.open("rb") as pdf:
        response = httpx.post(f"{web}api/documents", files={"file": (jaarverslag.name, pdf)})
    assert response.status_code == 202
    wait_stored(browser, jaarverslag_id)
    assert browser.execute_script("return window.drawnOnce") is True

    browser.find_element(By.CSS_SELECTOR, f'tr[data-id="{begroting_id}"] a').click()
    labels = {
        element.get_attribute("data-label")
        for element in browser.find_elements(By.CSS_SELECTOR, "#paragraphs .paragraph")
    }
    assert {"activiteit", "resultaat"} <= labels
    taakvelden = [
        cell.text for cell in browser.find_elements(By.CSS_SELECTOR, ".financial td.taakveld")
    ]
    assert "6.1" in taakvelden
    assert browser.find_elements(By.CSS_SELECTOR, ".financial .checks li.passed")
    pdf_link = browser.find_element(By.ID, "pdf-link").get_attribute("href")
    assert httpx.get(str(pdf_link)).content == begroting.read_bytes()

    browser.find_element(By.LINK_TEXT, "Compare").click()
    compare = WebDriverWait(browser, 30).until(
        presence_of_element_located((By.CSS_SELECTOR, "form.select button"))
    )
    compared = {begroting_id, jaarverslag_id}
    for box in browser.find_elements(By.CSS_SELECTOR, "form.select input[name=document]"):
        if box.is_selected() != (box.get_attribute("value") in compared):
            box.click()
    compare.click()
    WebDriverWait(browser, 30).until(staleness_of(compare))
    headers = browser.find_element(By.CSS_SELECTOR, "#comparison thead").text
    assert "Voorbeeldstad begroting 2025" in headers
    assert "Rivierdorp jaarverslag 2023" in headers
    chart = browser.find_element(By.ID, "chart")
    WebDriverWait(browser, 30).until(
        lambda b: b.execute_script("return arguments[0].naturalWidth", chart) > 0
    )

    browser.find_element(By.ID, "download-xlsx").click()
    workbook_path = downloads / "pcflow-export.xlsx"
    deadline = time.monotonic() + 30
    while not workbook_path.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    sheet = load_workbook(workbook_path)["financial_lines"]
    header, *rows = sheet.iter_rows(values_only=True)
    taakveld, amount, document = (
        header.index(c) for c in ("taakveld", "amount_eur", "document_id")
    )
    assert {row[document] for row in rows} == compared
    assert any(row[taakveld] == "6.1" and row[amount] == 4_210_000 for row in rows)
