# The two commands of the README: `make run` and `make test`. Both create or refresh .venv/
# from the pinned requirements and install Debian's Chromium (browser tests, static chart export) and LibreOffice
# (.odt/.pdf reports) when missing.
# `make serve`: several server processes behind nginx on one database (deploy/serve_many.py).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.requirements-installed
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test venv browser office nginx demo bench axe serve

$(STAMP): requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $(STAMP)

venv: $(STAMP)

# Debian's Chromium for the browser tests (Playwright drives it; no browser download).
browser:
	@if ! command -v chromium >/dev/null; then \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; \
	fi

# LibreOffice (reports as .odt/.pdf, .ods round trips in the tests) and poppler's pdftotext/pdftoppm (tests read
# the generated documents as a reader would).
office:
	@if ! command -v soffice >/dev/null || ! command -v pdftotext >/dev/null; then \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
			libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils >/dev/null; \
	fi

# Debian's nginx for several server processes behind one proxy (make serve, tests/test_multiprocess.py); it runs
# without root from a directory of its own, so the Debian service is never started.
nginx:
	@if ! test -x /usr/sbin/nginx; then \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq nginx >/dev/null; \
	fi

# axe-core for the accessibility check of the browser test, in a git-ignored folder (no global install).
AXE_VERSION := 4.14.1
axe: tests/.axe/node_modules/axe-core/axe.min.js

tests/.axe/node_modules/axe-core/axe.min.js:
	npm install --silent --no-save --no-audit --no-fund --prefix tests/.axe axe-core@$(AXE_VERSION)

# The demo database is built before the server starts, so the first visitor never waits for it.
run: venv browser office
	$(PY) -m loaders demo --als-nieuw
	$(PY) serve.py --server.headless true --browser.gatherUsageStats false

test: venv browser office nginx axe
	$(PY) -m pytest -q -p no:cacheprovider

# PROCESSEN server processes behind nginx on http://127.0.0.1:PORT, one database (README: several users).
PROCESSEN ?= 2
PORT ?= 8501
serve: venv nginx
	$(PY) -m loaders demo --als-nieuw
	$(PY) deploy/serve_many.py --processen $(PROCESSEN) --poort $(PORT)

demo: venv
	$(PY) -m loaders demo

bench: venv
	$(PY) bench/run.py
