"""The review workflow in a real browser: mark claims on the report page, correct one, export
the gold JSONL, and score it with ``misconduct_nlp.evaluate``.

Drives headless Chromium through Selenium and Debian's ``chromium-driver``
(``apt-get install -y chromium chromium-driver``; ``pip install selenium``, in the ``dev``
extra). Nothing is downloaded at run time: the browser and the driver are the system's.
Skipped, with the reason, when any of them is missing. One browser serves the whole module.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest

from misconduct_nlp import evaluate
from misconduct_nlp.evaluation import read_gold
from misconduct_nlp.render import claim_record
from misconduct_nlp.report import build_report, gold_row
from test_report import items

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
DRIVERS = ("chromedriver", "chromium-driver")


@pytest.fixture(scope="module")
def downloads(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def driver(tmp_path_factory, downloads):
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (the dev extra)")
    from selenium.webdriver.chrome.service import Service

    browser = next((p for p in map(shutil.which, BROWSERS) if p), None)
    if browser is None:
        pytest.skip("no Chromium installed (Debian: apt-get install -y chromium)")
    chromedriver = next((p for p in map(shutil.which, DRIVERS) if p), None)
    if chromedriver is None:
        pytest.skip("no chromedriver installed (Debian: apt-get install -y chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--no-first-run", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-extensions", "--window-size=1280,1600",
                 f"--user-data-dir={tmp_path_factory.mktemp('profile')}"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {
        "download.default_directory": str(downloads), "download.prompt_for_download": False,
        "download.directory_upgrade": True, "safebrowsing.enabled": False})
    try:
        drv = webdriver.Chrome(service=Service(chromedriver), options=options)
    except Exception as e:  # a driver that does not match the browser, a browser that cannot start
        pytest.skip(f"Chromium could not be started through {chromedriver}: {str(e).splitlines()[0]}")
    try:
        drv.execute_cdp_cmd("Browser.setDownloadBehavior",
                            {"behavior": "allow", "downloadPath": str(downloads)})
        yield drv
    finally:
        drv.quit()


def wait_for(condition, what: str, limit: float = 20.0):
    """Poll ``condition`` until it returns something true (the browser works asynchronously)."""
    deadline = time.monotonic() + limit
    while True:
        got = condition()
        if got:
            return got
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.1)


def open_page(driver, page: Path) -> None:
    driver.get(page.resolve().as_uri())
    wait_for(lambda: driver.execute_script("return document.documentElement.getAttribute('data-ready')"),
             "the report's script")


def row(driver, claim: str):
    from selenium.webdriver.common.by import By

    return driver.find_element(By.CSS_SELECTOR, f'tr[data-claim="{claim}"]')


def press(driver, claim: str, mark: str) -> None:
    from selenium.webdriver.common.by import By

    row(driver, claim).find_element(By.CSS_SELECTOR, f'button[data-mark="{mark}"]').click()


def correct(driver, claim: str, **fields: str) -> str:
    """Open the claim's correction form, type ``fields`` over the old values, save; the form's
    error message ("" when saved)."""
    from selenium.webdriver.common.by import By

    press(driver, claim, "corrected")
    form = row(driver, claim).find_element(By.CSS_SELECTOR, ".editor")
    assert form.is_displayed()
    for name, value in fields.items():
        box = form.find_element(By.NAME, name)
        box.clear()
        box.send_keys(value)
    form.find_element(By.CSS_SELECTOR, "button.save").click()
    return form.find_element(By.CSS_SELECTOR, ".error").text


def export(driver, downloads: Path) -> list[dict]:
    """Click Export gold and read the file the browser saved."""
    from selenium.webdriver.common.by import By

    report = driver.execute_script("return document.documentElement.getAttribute('data-report')")
    target = downloads / f"gold-{report}.jsonl"
    target.unlink(missing_ok=True)
    driver.find_element(By.ID, "export-gold").click()
    wait_for(lambda: target.is_file() and not list(downloads.glob("*.crdownload")),
             f"{target.name} to download")
    return read_gold(target) if target.read_text(encoding="utf-8").strip() else []


def records() -> list[dict]:
    """The claim records of the report, in the order of its rows (r0, r1, ...)."""
    return [claim_record(c) for item in items() for c in item.claims]


def test_mark_correct_it_export_and_score(driver, downloads, page):
    open_page(driver, page)
    driver.execute_script("window.localStorage.clear()")
    open_page(driver, page)
    # r0 Kent's 12 dismissed, r1 Kent's 3 resigned, r2 the 40% upheld, r3 the Devon 9 sanctioned
    press(driver, "r0", "correct")
    press(driver, "r3", "correct")
    assert correct(driver, "r1", value="4") == ""
    press(driver, "r2", "wrong")
    assert driver.find_element("id", "marked").text == "4 of 4 claims marked"
    assert row(driver, "r1").get_attribute("data-mark") == "corrected"
    assert "value: 4" in row(driver, "r1").text

    # the marks are kept in the browser: a reload shows them again
    open_page(driver, page)
    assert [row(driver, f"r{n}").get_attribute("data-mark") for n in range(4)] == [
        "correct", "corrected", "wrong", "correct"]
    assert driver.find_element("id", "marked").text == "4 of 4 claims marked"

    gold = export(driver, downloads)
    claims = records()
    by_value = {c["value"]: c for c in claims}
    # correct claims export as themselves, the corrected one with its new value, the wrong one not at all
    assert gold == [gold_row(by_value[12]), {**gold_row(by_value[3]), "value": 4}, gold_row(by_value[9])]
    assert gold[0]["article"] == "kent" and gold[2]["article"] == 'evil"<id>'
    assert gold[0]["period"] == {"start": "2023-01", "end": "2023-12"}

    # the export is gold that evaluate() reads: the two right claims are hits, the corrected
    # value is a miss (the extractor said 3), and both the 3 and the wrong 40% are false positives
    metrics = evaluate(claims, gold)
    assert (metrics.tp, metrics.fn, metrics.fp) == (2, 1, 2)
    assert metrics.strict_tp == 2
    assert [m["value"] for m in metrics.misses] == [4]
    assert sorted(p["value"] for p in metrics.false_positives) == [3, 40]


def test_corrections_are_checked_and_scored_as_wrong_attributes(driver, downloads, page):
    open_page(driver, page)
    driver.execute_script("window.localStorage.clear()")
    open_page(driver, page)
    # what the form refuses, and the mark it then does not set
    assert correct(driver, "r0", value="twelve") == "the value must be a number"
    refused = correct(driver, "r0", value="12", measure="sacked")
    assert refused == "measure 'sacked' is not one of the listed ones"
    assert correct(driver, "r0", measure="dismissed", start="2023") == "give the period as YYYY-MM"
    assert row(driver, "r0").get_attribute("data-mark") == ""
    # the Kent 12 were dismissed in 2022, not 2023; the Devon 9 were dismissed, not "sanctioned",
    # and the force is Devon and Cornwall's
    assert correct(driver, "r0", start="2022-01", end="2022-12") == ""
    assert correct(driver, "r3", measure="dismissed") == ""
    press(driver, "r1", "correct")
    press(driver, "r1", "correct")  # pressed again: unmarked
    assert row(driver, "r1").get_attribute("data-mark") == ""
    assert driver.find_element("id", "marked").text == "2 of 4 claims marked"

    gold = export(driver, downloads)
    assert [(g["value"], g["measure"], g["period"]) for g in gold] == [
        (12, "dismissed", {"start": "2022-01", "end": "2022-12"}), (9, "dismissed", None)]
    metrics = evaluate(records(), gold)
    assert (metrics.tp, metrics.fn, metrics.fp) == (2, 0, 2)  # the unmarked 3 and 40% are false positives
    assert metrics.strict_tp == 0
    assert sorted((w.attribute, w.gold["value"]) for w in metrics.wrong) == [("measure", 9), ("period", 12)]


def test_exported_gold_is_what_the_page_offers(driver, downloads, tmp_path):
    """Every claim marked correct exports exactly its data-gold row, in the page's order even
    after the table was sorted, and each report keeps its own marks."""
    page = tmp_path / "report.html"
    page.write_text(build_report(items()), encoding="utf-8")
    other = tmp_path / "other.html"
    other.write_text(build_report(items()[:1]), encoding="utf-8")
    open_page(driver, other)
    driver.execute_script("window.localStorage.clear()")
    press(driver, "r0", "wrong")
    open_page(driver, page)
    from selenium.webdriver.common.by import By

    driver.find_element(By.CSS_SELECTOR, 'th[data-key="value"] button').click()  # sort by value
    for n in (3, 2, 1, 0):
        press(driver, f"r{n}", "correct")
    gold = export(driver, downloads)
    shown = [json.loads(r.get_attribute("data-gold"))["value"]
             for r in driver.find_elements(By.CSS_SELECTOR, "#claims-table tbody tr")]
    assert shown == [3, 9, 12, 40]  # sorted on the page
    assert gold == [gold_row(r) for r in records()]  # exported in the report's own order
    assert evaluate(records(), gold).f1 == 1.0
    open_page(driver, other)
    assert row(driver, "r0").get_attribute("data-mark") == "wrong"
