"""bench/run.py measures every page of the navigation: a page added to app.py without a benchmark line would leave
page_max_s and page_max_kb silent about it."""

from __future__ import annotations

import re
from pathlib import Path

from bench.run import PAGES, navigation_pages

REPO = Path(__file__).resolve().parent.parent


def test_navigation_pages_are_read_from_app_py():
    listed = re.findall(r'"(pages/[a-z_]+\.py)"', (REPO / "app.py").read_text(encoding="utf-8"))
    assert navigation_pages() == listed
    assert {"pages/rapport.py", "pages/beheer.py", "pages/jaarbeeld.py", "pages/overzicht.py"} <= set(listed)


def test_every_navigation_page_has_a_benchmark_run():
    measured = {page for page, _ in PAGES.values()}
    assert set(navigation_pages()) <= measured
    assert all((REPO / page).is_file() for page in measured)
