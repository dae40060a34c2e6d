"""End to end: the real Streamlit server driven by headless Chromium (Debian's chromium + chromedriver)."""

import datetime as dt
import os
import shutil
import socket
import subprocess
import sys
import time

import pytest
from conftest import kg_dossiers, kg_meta, make_workbook
from demo_db import REPO, demo_database
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = free_port()
    db = tmp_path_factory.mktemp("server") / "toezicht.duckdb"
    shutil.copy(demo_database(tmp_path_factory), db)  # the upload test writes; keep the shared demo intact
    env = dict(os.environ, TOEZICHT_DB=str(db))
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert proc.poll() is None, proc.stdout.read().decode()
            time.sleep(0.3)
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1400,1000",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium')}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    yield driver
    driver.quit()


def wait_for_text(driver, text: str, timeout: int = 60) -> None:
    WebDriverWait(driver, timeout).until(EC.text_to_be_present_in_element((By.TAG_NAME, "body"), text))


def test_overzicht_renders_in_a_real_browser_and_navigates_to_methode(server, browser, tmp_path):
    browser.get(server)
    wait_for_text(browser, "Zwakste indicatoren")
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "Demodata" in body and "Onderzoeken" in body
    assert "Traceback" not in body
    browser.save_screenshot(str(tmp_path / "overzicht.png"))
    browser.find_element(By.PARTIAL_LINK_TEXT, "Methode").click()
    # "Spiegelhalter" is on the Methode page only ("Wilson" is on Overzicht too, so it proves nothing)
    wait_for_text(browser, "Spiegelhalter")
    WebDriverWait(browser, 30).until(EC.url_contains("methode"))


def test_upload_a_workbook_see_the_report_and_import_it(server, browser, tmp_path):
    good = make_workbook(tmp_path / "brielle-hertoets.xlsx",
                         kg_meta(Gemeente="Brielle", Soort="hertoets", Datum=dt.datetime(2017, 11, 7)), kg_dossiers(8))
    rows = kg_dossiers(8)
    rows[3][2] = "misschien"
    bad = make_workbook(tmp_path / "kapot.xlsx", kg_meta(Gemeente="Brielle", Datum=dt.datetime(2017, 12, 5)), rows)
    browser.get(server + "/importeren")
    wait_for_text(browser, "Bestand importeren")
    upload = WebDriverWait(browser, 30).until(EC.presence_of_element_located((By.CSS_SELECTOR, "input[type=file]")))
    upload.send_keys(str(good))
    wait_for_text(browser, "Geen fouten: 1 bezoek(en), 8 dossiers, 24 scores")
    button = browser.find_element(By.XPATH, "//button[.//p[normalize-space()='Importeren']]")
    button.click()
    wait_for_text(browser, "geimporteerd als import #50")
    upload = browser.find_element(By.CSS_SELECTOR, "input[type=file]")
    upload.send_keys(str(bad))
    wait_for_text(browser, "Geweigerd: 1 fout(en). Er is niets opgeslagen.")
    assert "Traceback" not in browser.find_element(By.TAG_NAME, "body").text
