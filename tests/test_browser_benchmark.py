"""The benchmark choice end to end: the real server (serve.py) in headless Chromium. A choice made on the page lands in
the address bar; that address opened in a fresh browser context (a colleague's browser: no cookies, no session) gives
the same view. Screenshots go to tests/artifacts/ (git-ignored)."""

from __future__ import annotations

import shutil

import pytest
from demo_db import REPO, demo_database
from playwright.sync_api import expect, sync_playwright

from bench.load import start_server, stop_server

ARTIFACTS = REPO / "tests" / "artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"]
GROUP = ["Brielle", "Hellevoetsluis", "Westvoorne"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("server-benchmark")
    db = folder / "toezicht.duckdb"
    shutil.copy(demo_database(tmp_path_factory), db)
    proc, url = start_server(db, folder / "server.log")
    yield url
    stop_server(proc)


@pytest.fixture(scope="module")
def chromium():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def fresh_page(chromium, server):
    """A new browser context, refusing every request that leaves our own server."""
    context = chromium.new_context(viewport={"width": 1440, "height": 1100})
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(server) else route.abort())
    return context, context.new_page()


def settle(page) -> None:
    page.wait_for_function("() => !document.querySelector('[data-testid=stStatusWidget]')", timeout=60_000)
    page.wait_for_timeout(800)


def open_view(page, url: str) -> None:
    page.goto(url)
    expect(page.locator("h1").first).to_have_text("Vergelijken", timeout=60_000)
    settle(page)
    expect(page.locator("[data-testid=stAlert]").filter(has_text="Vergelijking").first).to_be_visible(timeout=60_000)


def benchmark_radio(page):
    return page.locator("[data-testid=stRadio]").filter(has_text="Benchmark")


def comparison_text(page) -> str:
    return page.locator("[data-testid=stAlert]").filter(has_text="Vergelijking").first.inner_text()


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    height = page.evaluate("() => document.querySelector('[data-testid=stMain]')?.scrollHeight || 1100")
    page.set_viewport_size({"width": 1440, "height": min(max(int(height) + 100, 1100), 9000)})
    page.wait_for_timeout(800)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    page.set_viewport_size({"width": 1440, "height": 1100})


def test_a_benchmark_chosen_on_the_page_is_in_the_url_and_opens_the_same_in_a_fresh_browser(chromium, server):
    context, page = fresh_page(chromium, server)
    try:
        open_view(page, f"{server}/vergelijken?onderzoek=kg-2017&indicator=TT3")
        assert "alle gemeenten van het onderzoek" in comparison_text(page)
        benchmark_radio(page).get_by_text("provincie", exact=True).click()
        page.wait_for_function("() => location.search.includes('benchmark=provincie')", timeout=30_000)
        settle(page)
        expect(page.locator("[data-testid=stAlert]").filter(has_text="provincie Zuid-Holland").first).to_be_visible(timeout=60_000)
        shared, seen = page.url, comparison_text(page)
        screenshot(page, "vergelijken-provincie")
    finally:
        context.close()
    assert "provincie Zuid-Holland" in seen

    context, page = fresh_page(chromium, server)
    try:
        open_view(page, shared)
        assert benchmark_radio(page).get_by_role("radio", name="provincie").is_checked()
        assert comparison_text(page) == seen
        expect(page.locator(".js-plotly-plot").nth(2)).to_be_visible(timeout=60_000)  # heatmap, staven, trechter drawn
        # The two-level heatmap: its legend has the dark shade of 'duidelijk slechter' (Goeree-Overflakkee, TT3).
        expect(page.locator(".js-plotly-plot .legendtext").filter(has_text="duidelijk slechter").first).to_be_visible(timeout=60_000)
    finally:
        context.close()


def test_a_shared_group_url_opens_the_same_group_in_a_fresh_browser(chromium, server):
    query = "&".join(f"groep={name}" for name in GROUP)
    context, page = fresh_page(chromium, server)
    try:
        open_view(page, f"{server}/vergelijken?onderzoek=kg-2017&indicator=TT3&benchmark=groep&{query}")
        assert benchmark_radio(page).get_by_role("radio", name="groep").is_checked()
        chips = page.locator("[data-testid=stMultiSelect]").filter(has_text="Vergelijkingsgroep").inner_text()
        assert all(name in chips for name in GROUP)
        assert "eigen vergelijkingsgroep (3 gemeenten)" in comparison_text(page)
        assert all(f"groep={name}" in page.url for name in GROUP)
    finally:
        context.close()


def test_a_shared_url_with_a_group_of_two_shows_the_message(chromium, server):
    context, page = fresh_page(chromium, server)
    try:
        page.goto(f"{server}/vergelijken?onderzoek=kg-2017&benchmark=groep&groep=Brielle&groep=Westvoorne")
        expect(page.locator("[data-testid=stAlert]").filter(has_text="minstens 3 gemeenten").first).to_be_visible(timeout=60_000)
        settle(page)
        assert page.locator(".js-plotly-plot").count() == 0
        assert page.locator("[data-testid=stException]").count() == 0
    finally:
        context.close()
