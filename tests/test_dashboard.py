"""The ministry's web dashboard, opened as staff open it: in a real browser (Debian's
chromium, headless, driven by selenium), from the folder, without internet."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from antq.schemas.registry import registry
from antq.warehouse.store import Warehouse
from tests.conftest import PERIOD, provinces_by_mode


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    assert binary and driver_path, "make test installs chromium and chromium-driver"
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1300,2000"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def _open(driver, page: Path) -> list[dict]:
    """Load `page` and wait for its charts; returns the console's messages."""
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get_log("browser")  # drop what earlier pages said
    driver.get(page.as_uri())
    WebDriverWait(driver, 30).until(
        lambda d: d.execute_script(
            "return [...document.querySelectorAll('.chart')]"
            ".every(c => c.classList.contains('js-plotly-plot') && c.querySelector('.main-svg'))"
        )
    )
    return driver.get_log("browser")


def _broken_links(driver) -> list[str]:
    broken = []
    for href in driver.execute_script("return [...document.links].map(a => a.href)"):
        url = urlparse(href)
        assert url.scheme == "file", f"a link leaves the folder: {href}"
        if not Path(unquote(url.path)).exists():
            broken.append(href)
    return broken


def _pages(month_run) -> tuple[Path, Path, Path]:
    root, _, _ = month_run
    forms, _ = provinces_by_mode()
    reports = root / "reports"
    return (
        reports / "index.html",
        reports / PERIOD / "index.html",
        reports / PERIOD / f"tinh-{forms[0]}.html",
    )


def test_every_page_loads_without_console_errors_and_draws_its_charts(month_run, browser):
    for page in _pages(month_run):
        messages = _open(browser, page)
        errors = [m for m in messages if m["level"] == "SEVERE"]
        assert not errors, (page.name, errors)
        n_charts = browser.execute_script("return document.querySelectorAll('.chart').length")
        assert n_charts >= 1, page
        assert not _broken_links(browser), page


def test_the_month_page_shows_the_nation_and_ranks_every_province(month_run, browser):
    root, _, _ = month_run
    _open(browser, _pages(month_run)[1])
    text = browser.find_element("tag name", "body").text
    rollup = Warehouse(root / "warehouse").read("rollup", PERIOD)
    rate = rollup[(rollup["unit_code"] == "VN") & (rollup["indicator"] == "ty_le_bao_cao")].iloc[0]
    assert f"{rate['n_reporting']:,}/{rate['n_expected']:,}".replace(",", ".") in text
    assert "Tỷ lệ xã, phường đã báo cáo" in text and "Xếp hạng tỉnh" in text
    ranked = browser.execute_script(
        "return [...document.querySelectorAll('.chart')]"
        ".filter(c => c.data[0].type === 'bar').map(c => c.data[0].y.length)"
    )
    assert ranked == [34, 34]  # reporting and timeliness, every province


def test_a_province_page_lists_its_communes_and_links_its_error_report(month_run, browser):
    forms, _ = provinces_by_mode()
    _open(browser, _pages(month_run)[2])
    rows = browser.execute_script("return document.querySelectorAll('tbody tr').length")
    communes = [u for u in registry().communes.values() if u.province_code == forms[0]]
    assert rows == len(communes)
    links = browser.execute_script("return [...document.links].map(a => a.href)")
    assert any(link.endswith(".xlsx") and "bao-cao-kiem-tra" in link for link in links)
    text = browser.find_element("tag name", "body").text
    assert "Đã báo cáo" in text and "Chưa báo cáo" in text
